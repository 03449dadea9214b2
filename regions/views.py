from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from projects.models import Contact, Definition, Programme, Project
from regions.models import County, Priority, Region, RegionFigure
from regions.tile_map import map_context

RECENT_PROJECTS = 5


def home(request):
    context = {
        "regions": Region.objects.funded().select_related("county"),
        "definition": Definition.objects.filter(slug="asf").select_related("source").first(),
        "programme": Programme.objects.filter(slug="regionala-projekt-2017-2018")
        .select_related("source")
        .first(),
        "recent_projects": Project.objects.published()
        .for_listing()
        .recently_changed()[:RECENT_PROJECTS],
    }
    return render(request, "home.html", context)


def region_list(request):
    counties = County.objects.prefetch_related("regions")
    regions = (
        Region.objects.select_related("county")
        .annotate(
            project_count=Count("projects", filter=Q(projects__status=Project.Status.PUBLISHED))
        )
        .order_by("short_name")  # Meta.ordering does not apply to GROUP BY queries
    )
    context = {"regions": regions, **map_context(counties)}
    return render(request, "regions/region_list.html", context)


def region_detail(request, slug):
    regions = Region.objects.select_related(
        "county", "source", "description_source", "action_plan__source"
    ).prefetch_related(
        Prefetch("action_plan__priorities", queryset=Priority.objects.select_related("source")),
        Prefetch("figures", queryset=RegionFigure.objects.select_related("source")),
        Prefetch("contacts", queryset=Contact.objects.select_related("source")),
        Prefetch(
            "projects",
            queryset=Project.objects.published()
            .for_listing()
            .select_related("source")
            .order_by("period_start", "title"),
        ),
    )
    region = get_object_or_404(regions, slug=slug)
    return render(request, "regions/region_detail.html", {"region": region})
