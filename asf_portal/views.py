"""The site's own pages: home, the regions with their projects, statistics and comparison; and
the health check and error page that load balancers and Django call."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.cache import never_cache

from asf_portal.context_processors import operator_and_data_licence
from asf_portal.querystrings import without_empty_values
from projects.models import Definition, Fact, Goal, Programme, Project
from projects.statistics import PROGRAMME_SLUG, with_statistics
from regions.charts import bar_chart, chart_if_worth_drawing
from regions.forms import CompareForm
from regions.models import County, Region, Source
from regions.tile_map import map_context

# Django's errors for a database gone away, and the driver's own: Django lets those through
# unwrapped where it closes a cursor after reading it (a template looping over a queryset).
DATABASE_DOWN = (
    OperationalError,
    InterfaceError,
    connection.Database.OperationalError,
    connection.Database.InterfaceError,
)
RECENT_PROJECTS = 5
PROJECTS_ON_REGION_PAGE = 20


def about(request):
    sources = Source.objects.all()
    context = {
        "sources": sources,
        "quoted_sources": [source for source in sources if source.kind == "quote"],
        "summarised_sources": [source for source in sources if source.kind == "summary"],
    }
    return render(request, "pages/about.html", context)


def home(request):
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).select_related("source").first()
    context = {
        "regions": Region.objects.funded().select_related("county"),
        "definition": Definition.objects.filter(slug="asf").select_related("source").first(),
        # The programme in a few figures: its counts, and the first of its facts on funding.
        "programme": programme and with_statistics([programme], "programme")[0],
        "funding": programme
        and programme.facts.filter(topic=Fact.Topic.FUNDING).select_related("source").first(),
        "recent_projects": Project.objects.published()
        .for_listing()
        .recently_changed()[:RECENT_PROJECTS],
        **map_context(County.objects.prefetch_related("regions")),
    }
    return render(request, "home.html", context)


def region_list(request):
    regions = with_statistics(Region.objects.select_related("county"), "region", count_goals=False)
    context = {"regions": regions, **map_context(County.objects.prefetch_related("regions"))}
    return render(request, "regions/region_list.html", context)


def newest_projects(region):
    return Project.objects.published().for_region(region).newest_first()[:PROJECTS_ON_REGION_PAGE]


def region_detail(request, slug):
    region = get_object_or_404(Region.objects.with_details(), slug=slug)
    with_statistics([region], "region")
    # A region may hold thousands of projects: its page shows the newest, and links to all.
    projects = list(newest_projects(region).prefetch_related("facts__source"))
    goal_kinds = region.stats.goals_by_kind()
    context = {
        "region": region,
        "projects": projects,
        "sources": region.cited_sources(projects),
        "goal_kinds": goal_kinds,
        "goal_chart": chart_if_worth_drawing("Mål i regionens projekt efter typ", goal_kinds),
    }
    return render(request, "regions/region_detail.html", context)


def statistics(request):
    regions = with_statistics(Region.objects.all(), "region")
    programmes = with_statistics(Programme.objects.all(), "programme")
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
    context = {"form": form, "regions": []}
    if form.is_valid():
        chosen = form.cleaned_data["region"].with_details().order_by("short_name")
        regions = with_statistics(chosen, "region")
        funding = funding_facts(regions)
        for region in regions:  # a handful of regions, chosen by the reader
            region.newest_projects = newest_projects(region)
            region.funding_facts = funding.get(region.pk, [])
        context |= {
            "regions": regions,
            "project_chart": chart_if_worth_drawing(
                "Publicerade projekt per region",
                [(r.short_name, r.stats.project_count) for r in regions],
            ),
            "goal_chart": chart_if_worth_drawing(
                "Mål i regionernas projekt", [(r.short_name, r.stats.goal_count) for r in regions]
            ),
        }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "regions/compare.html", context, status=status)


def funding_facts(regions):
    """{region id: what the sources say of its published projects' funding}. Only words: no
    source states amounts for more than one region, so there is nothing to draw."""
    facts = Fact.objects.filter(
        topic=Fact.Topic.FUNDING,
        project__in=Project.objects.published().filter(region__in=regions),
    ).select_related("source", "project")
    by_region = {}
    for fact in facts.order_by("project__title", "position", "pk"):
        by_region.setdefault(fact.project.region_id, []).append(fact)
    return by_region


@never_cache
def healthz(request):
    """For load balancers: is this app server able to reach its database? No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_page(request, template_name, status):
    # Django renders its error pages without the request's context processors, which may need
    # the database that is gone: only the footer's, which reads the settings alone.
    page = loader.render_to_string(template_name, operator_and_data_licence(request))
    return HttpResponse(page, status=status)


def bad_request(request, exception):
    """Django's 400 handler (a request it cannot trust, such as an unknown host), with the
    footer that names the operator."""
    return error_page(request, "400.html", 400)


def server_error(request):
    """Django's 500 handler. A database that has gone away is not the portal's bug: the reader
    gets a Swedish 503 and a hint to try again, and the next request reconnects."""
    if database_gone(sys.exc_info()[1]):
        response = error_page(request, "503.html", 503)
        response["Retry-After"] = "10"
        return response
    return error_page(request, "500.html", 500)


def database_gone(error):
    """Whether the error is, or was raised while handling, a lost database connection."""
    while error is not None:
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__ or error.__context__
    return False
