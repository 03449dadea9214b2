from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from projects import catalogue, exports, search
from projects.api import PROGRAMME_FIELDS, PROJECT_API_ONLY_FIELDS, REGION_FIELDS
from projects.feeds import describe
from projects.filters import published_project_filter
from projects.models import Project, sources_of
from projects.responses import bad_filter_json, bad_filter_text
from projects.saved_exports import everything_download
from projects.statistics import PROGRAMME_SLUG
from projects.versions import published_versions
from regions.models import Source

PAGE_SIZE = 20


def project_list(request):
    project_filter = published_project_filter(request.GET)
    # The page's ids first, without the cards' joins, then its projects: a late page reads no
    # rows it skips.
    paginator = Paginator(project_filter.qs.values_list("pk", flat=True), PAGE_SIZE)
    # The count the facet counts give: counting the list again would search again.
    paginator.count = project_filter.count()
    page = paginator.get_page(request.GET.get("page"))
    shown = Project.objects.for_listing().in_bulk(page.object_list)
    page.object_list = [shown[pk] for pk in page.object_list]
    if project_filter.search_text:
        search.show_passages(page.object_list, project_filter.search_text)
    # The 2017–2018 programme's count applies every other filter: the list's share, unless
    # other programmes alone are chosen.
    chosen = {programme.slug for programme in project_filter.cleaned("programme") or []}
    in_programme = project_filter.counts["programme"].get(PROGRAMME_SLUG, 0)
    if chosen and PROGRAMME_SLUG not in chosen:
        in_programme = 0
    context = {
        "filter": project_filter,
        "page_obj": page,
        "programme_project_count": in_programme,
        "other_project_count": page.paginator.count - in_programme,
        # What the count counts, as the feed's title says it: " i Skåne som matchar ”sofij”".
        "found": describe(project_filter).removeprefix("Projekt"),
        "chosen_count": sum(
            len(project_filter.cleaned(name) or []) for name in project_filter.COUNTED
        ),
    }
    # A malformed query string still gets the page, with what was wrong said in Swedish.
    status = 400 if project_filter.errors else 200
    return render(request, "projects/project_list.html", context, status=status)


def project_detail(request, slug):
    projects = Project.objects.visible_to(request.user).with_details()
    project = get_object_or_404(projects, slug=slug)
    context = {
        "project": project,
        "themes": project.themes.all(),
        "goals": project.goals.all(),
        "partnerships": project.partnerships.all(),
        "contacts": project.contacts.all(),
        # With the programme's facts' pages: a fact's line names its page by the site alone.
        "sources": list(
            dict.fromkeys([*project.cited_sources(), *sources_of(project.programme.facts_by_topic)])
        ),
        "version": published_versions(project).first(),
        "is_latest": True,
    }
    response = render(request, "projects/project_detail.html", context)
    if project.status != Project.Status.PUBLISHED:
        # An editor's preview of a draft: no cache, shared or the browser's, may keep it.
        add_never_cache_headers(response)
    return response


EXPORT_FORMATS = {
    "csv": (exports.CSV, bad_filter_text),
    "json": (exports.JSON, bad_filter_json),
}


@require_safe
def project_export(request, file_format):
    export_format, bad_filter = EXPORT_FORMATS[file_format]
    project_filter = published_project_filter(request.GET)
    if project_filter.errors:
        return bad_filter(project_filter)
    if project_filter.lists_every_project():
        return everything_download(export_format, project_filter.qs, request)
    return exports.download(export_format, project_filter.qs, request)


def open_data(request):
    context = {
        "project_fields": exports.PROJECT_FIELDS,
        "project_api_only_fields": PROJECT_API_ONLY_FIELDS,
        "region_fields": REGION_FIELDS,
        "programme_fields": PROGRAMME_FIELDS,
        "sources": Source.objects.all(),
        "api_throttle_rate": settings.API_THROTTLE_IN_WORDS,
        "dataset_json_ld": catalogue.json_ld_script(catalogue.schema_org_dataset(request)),
    }
    return render(request, "pages/data.html", context)


CATALOGUE_FORMATS = {
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
}


@require_safe
def data_catalogue(request, rdf_format):
    serializer, content_type = CATALOGUE_FORMATS[rdf_format]
    record = catalogue.serialized(catalogue.catalogue_graph(request), serializer)
    return HttpResponse(record, content_type=content_type)
