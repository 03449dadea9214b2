"""The read-only JSON API: regions, and projects filtered exactly as /projekt/ filters them."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.urls import reverse
from django.views.decorators.http import require_safe

from projects.export_fields import (
    CONTACT_RECORD,
    FACT_RECORD,
    PROJECT_FIELDS,
    Field,
    contacts_field,
    facts_field,
    record,
    related_record,
    site_origin,
    source_fields,
)
from projects.exports import project_rows
from projects.filters import published_project_filter
from projects.models import Programme, Project
from projects.responses import bad_filter_json, json_errors, json_response
from regions.models import Region

PAGE_SIZE = 50


def action_plan_record(region):
    plan = getattr(region, "action_plan", None)  # a region may have none
    return plan and {
        "year": plan.year,
        "summary": plan.summary,
        "priorities": [priority.text for priority in plan.priorities.all()],
    }


FIGURE_RECORD = {
    "value": "value",
    "unit": "unit",
    "approximate": "is_approximate",
    "statement": "statement",
    "source_url": "source__url",
}


def api_url_field(view_name, what):
    return Field(
        "api_url",
        "Adress i API:t",
        f"{what} i API:t.",
        lambda obj: reverse(view_name, args=[obj.slug]),
        is_path=True,
    )


REGION_FIELDS = [
    Field("slug", "Region-id", "Regionens id i adresserna, t.ex. kronoberg.", "slug"),
    Field("name", "Officiellt namn", "T.ex. Region Kronoberg.", "name"),
    Field(
        "short_name",
        "Kortnamn",
        "Portalens korta namn för visning och sortering, t.ex. Kronoberg.",
        "short_name",
    ),
    Field("county", "Län", "Länet som regionen hör till.", "county.name"),
    Field("county_code", "Länskod", "Länets kod enligt SCB: två siffror, t.ex. 07.", "county.code"),
    Field(
        "funded_2017_2018",
        "Finansierad 2017–2018",
        "Sant när Tillväxtverket beviljade regionen finansiering för projekt 2017–2018.",
        "funded_2017_2018",
    ),
    Field(
        "action_plan",
        "Handlingsplan",
        "Handlingsplanen från förstudien: år (year), sammanfattning (summary, tom om ingen "
        "har publicerats) och prioriteringar i planens ordning (priorities). null om "
        "regionen inte har någon.",
        action_plan_record,
    ),
    Field(
        "figures",
        "Siffror",
        "Siffror som källorna ger om regionen: värde (value), enhet (unit), om källan anger "
        "värdet som ungefärligt (approximate), meningen som siffran står i (statement) och "
        "adressen till sidan som ger den (source_url, tom om adressen inte sparades).",
        lambda r: [related_record(figure, FIGURE_RECORD) for figure in r.figures.all()],
    ),
    contacts_field(lambda r: [related_record(c, CONTACT_RECORD) for c in r.contacts.all()]),
    *source_fields("regionen"),
    Field(
        "url",
        "Permanent adress",
        "Regionens sida på ASF-portalen.",
        Region.get_absolute_url,
        is_path=True,
    ),
    api_url_field("api:region_detail", "Regionen"),
    Field(
        "projects_api_url",
        "Regionens projekt i API:t",
        "Regionens publicerade projekt i API:t, filtrerade med region=.",
        lambda r: f"{reverse('api:project_list')}?region={r.slug}",
        is_path=True,
    ),
]

PROGRAMME_FIELDS = [
    Field("slug", "Program-id", "Programmets id, som i filtret programme=.", "slug"),
    Field("name", "Namn", "Programmets namn.", "name"),
    Field(
        "funder",
        "Finansiär",
        "Finansiären bakom programmet. Tom om källan inte anger den.",
        "funder",
    ),
    Field(
        "description",
        "Beskrivning",
        "Programmets beskrivning som källan publicerade den. Tom om ingen har publicerats.",
        "description",
    ),
    facts_field(lambda p: [related_record(f, FACT_RECORD) for f in p.facts_by_topic], "programmet"),
    *source_fields("programmet"),
    Field(
        "projects_api_url",
        "Programmets projekt i API:t",
        "Programmets publicerade projekt i API:t, filtrerade med programme=.",
        lambda p: f"{reverse('api:project_list')}?programme={p.slug}",
        is_path=True,
    ),
]

PROJECT_API_ONLY_FIELDS = [api_url_field("api:project_detail", "Projektet")]
PROJECT_API_FIELDS = [*PROJECT_FIELDS, *PROJECT_API_ONLY_FIELDS]


@require_safe
def region_list(request):
    origin = site_origin(request)
    regions = [record(region, REGION_FIELDS, origin) for region in Region.objects.with_details()]
    return json_response({"count": len(regions), "results": regions})


@require_safe
def region_detail(request, slug):
    region = Region.objects.with_details().filter(slug=slug).first()
    if region is None:
        return json_errors([f"Det finns ingen region med id {slug}."], status=404)
    return json_response(record(region, REGION_FIELDS, site_origin(request)))


@require_safe
def programme_list(request):
    programmes = Programme.objects.select_related("source").prefetch_related("facts__source")
    origin = site_origin(request)
    results = [record(programme, PROGRAMME_FIELDS, origin) for programme in programmes]
    return json_response({"count": len(results), "results": results})


def page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@require_safe
def project_list(request):
    project_filter = published_project_filter(request.GET)
    if project_filter.errors:
        return bad_filter_json(project_filter)
    paginator = Paginator(project_filter.qs, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return json_errors(["Sidnumret (page) ska vara ett heltal, t.ex. page=2."], status=400)
    except EmptyPage:
        return json_errors([f"Sidan finns inte. Sista sidan är {paginator.num_pages}."], 404)
    origin = site_origin(request)
    return json_response(
        {
            "count": paginator.count,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [
                record(project, PROJECT_API_FIELDS, origin)
                for project in project_rows(page.object_list)
            ],
        }
    )


@require_safe
def project_detail(request, slug):
    project = next(project_rows(Project.objects.published().filter(slug=slug)), None)
    if project is None:
        return json_errors([f"Det finns inget publicerat projekt med id {slug}."], status=404)
    return json_response(record(project, PROJECT_API_FIELDS, site_origin(request)))
