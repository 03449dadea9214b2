from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, render

from asf_portal.caching import until_data_changes
from asf_portal.querystrings import without_empty_values
from projects.models import Contact, Definition, Goal, Programme, Project
from projects.statistics import PROGRAMME_SLUG, GoalStatistics, goal_statistics
from regions.charts import bar_chart
from regions.forms import CompareForm
from regions.models import County, Priority, Region, RegionFigure
from regions.tile_map import map_context

RECENT_PROJECTS = 5
PROJECTS_ON_REGION_PAGE = 20


def home(request):
    context = {
        "regions": Region.objects.funded().select_related("county"),
        "definition": Definition.objects.filter(slug="asf").select_related("source").first(),
        "programme": Programme.objects.filter(slug=PROGRAMME_SLUG).select_related("source").first(),
        "recent_projects": Project.objects.published()
        .for_listing()
        .recently_changed()[:RECENT_PROJECTS],
    }
    return render(request, "home.html", context)


def region_list(request):
    counties = County.objects.prefetch_related("regions")
    regions = with_statistics(list(Region.objects.select_related("county")), count_goals=False)
    context = {"regions": regions, **map_context(counties)}
    return render(request, "regions/region_list.html", context)


def region_details():
    """Regions with everything their page shows, in a fixed number of queries."""
    return Region.objects.select_related(
        "county", "source", "description_source", "action_plan__source"
    ).prefetch_related(
        Prefetch("action_plan__priorities", queryset=Priority.objects.select_related("source")),
        Prefetch("figures", queryset=RegionFigure.objects.select_related("source")),
        Prefetch("contacts", queryset=Contact.objects.select_related("source")),
    )


def newest_projects(region):
    """A region may hold thousands of projects: its pages show the newest, and link to all."""
    return list(
        Project.objects.published()
        .for_region(region)
        .for_listing()
        # and the sources, which the page cites
        .select_related("source")
        .only(*Project.LISTED_FIELDS, "source")
        .order_by(F("period_start").desc(nulls_last=True), "title")[:PROJECTS_ON_REGION_PAGE]
    )


def with_statistics(regions, count_goals=True):
    """The regions, each with its projects (and goals) counted, until the data changes."""
    ids = sorted(region.pk for region in regions)
    statistics = until_data_changes(
        "region-statistics",
        [count_goals, *ids],
        lambda: goal_statistics("region", count_goals=count_goals, region__in=ids),
    )
    for region in regions:
        region.stats = statistics.get(region.pk, GoalStatistics())
    return regions


def region_detail(request, slug):
    region = get_object_or_404(region_details(), slug=slug)
    with_statistics([region])
    projects = newest_projects(region)
    context = {"region": region, "projects": projects, "sources": region.cited_sources(projects)}
    return render(request, "regions/region_detail.html", context)


def statistics(request):
    regions = with_statistics(list(Region.objects.all()))
    programmes = list(Programme.objects.all())
    by_programme = until_data_changes(
        "programme-statistics", [], lambda: goal_statistics("programme")
    )
    for programme in programmes:
        programme.stats = by_programme.get(programme.pk, GoalStatistics())
    context = {
        "regions": regions,
        "programmes": programmes,
        # The programme's projects only: a region's projects with other funding are not the
        # programme's, and the table beside the chart counts them in a column of their own.
        "project_chart": bar_chart(
            "Projekt i programmet 2017–2018 per region",
            [(r.short_name, r.stats.programme_project_count) for r in regions],
        ),
        "goal_chart": bar_chart(
            "Mål i regionernas projekt", [(r.short_name, r.stats.goal_count) for r in regions]
        ),
        "programme_chart": bar_chart(
            "Publicerade projekt per finansiär/program",
            [(p.name, p.stats.project_count) for p in programmes],
        ),
        "goal_statuses": Goal.Status.choices,
        "follow_up_published": any(p.stats.follow_up_published for p in programmes),
    }
    return render(request, "regions/statistics.html", context)


def compare(request):
    data = without_empty_values(request.GET)
    form = CompareForm(data if data.getlist("region") else None)
    regions = []
    if form.is_valid():
        regions = list(
            region_details()
            .filter(slug__in=[region.slug for region in form.cleaned_data["region"]])
            .order_by("short_name")
        )
        with_statistics(regions)
        for region in regions:  # a handful of regions, chosen by the reader
            region.newest_projects = newest_projects(region)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "regions/compare.html", {"form": form, "regions": regions}, status=status
    )
