"""The read-only JSON API: regions, programmes, and projects filtered exactly as /projekt/ filters
them, in Django REST framework's generic views, described by drf-spectacular. What the views
share (JSON, errors, paging, the licence, the fair-use limit) is in api_conventions.py."""

from functools import partial

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.routers import APIRootView

from projects.api_conventions import DataView, ProjectPages, PublicAPIView, WholeList
from projects.export_fields import (
    CONTACT_RECORD,
    FACT_RECORD,
    PROJECT_FIELDS,
    contacts_field,
    described,
    facts_field,
    related_record,
    source_fields,
)
from projects.exports import project_rows
from projects.filters import ProjectFilter
from projects.models import Programme, Project
from projects.responses import filter_errors
from projects.serializers import table_serializer, with_errors
from regions.models import Region


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


def api_url(view_name):
    return lambda obj: reverse(view_name, args=[obj.slug])


def projects_api_url(filter_name):
    """The API's list of the projects the region or programme filters to."""
    return lambda obj: f"{reverse('api:project_list')}?{filter_name}={obj.slug}"


region_field = partial(described, "region")
REGION_FIELDS = [
    region_field("slug"),
    region_field("name"),
    region_field("short_name"),
    region_field("county", "county.name"),
    region_field("county_code", "county.code"),
    region_field("funded_2017_2018"),
    region_field("action_plan", action_plan_record),
    region_field(
        "figures", lambda r: [related_record(figure, FIGURE_RECORD) for figure in r.figures.all()]
    ),
    contacts_field(lambda r: [related_record(c, CONTACT_RECORD) for c in r.contacts.all()]),
    *source_fields("regionen"),
    region_field("url", Region.get_absolute_url, is_path=True),
    region_field("api_url", api_url("api:region_detail"), is_path=True),
    region_field("projects_api_url", projects_api_url("region"), is_path=True),
]

programme_field = partial(described, "programme")
PROGRAMME_FIELDS = [
    programme_field("slug"),
    programme_field("name"),
    programme_field("funder"),
    programme_field("description"),
    facts_field(lambda p: [related_record(f, FACT_RECORD) for f in p.facts_by_topic], "programmet"),
    *source_fields("programmet"),
    programme_field("projects_api_url", projects_api_url("programme"), is_path=True),
]

PROJECT_API_ONLY_FIELDS = [
    described("project", "api_url", api_url("api:project_detail"), is_path=True)
]
PROJECT_API_FIELDS = [*PROJECT_FIELDS, *PROJECT_API_ONLY_FIELDS]


RegionSerializer = table_serializer("Region", REGION_FIELDS)
ProgrammeSerializer = table_serializer("Programme", PROGRAMME_FIELDS)
ProjectSerializer = table_serializer("Project", PROJECT_API_FIELDS)


@with_errors(RegionSerializer, 429)
class RegionList(DataView, generics.ListAPIView):
    """Alla regioner, i svensk bokstavsordning efter kortnamn."""

    queryset = Region.objects.with_details()
    serializer_class = RegionSerializer
    pagination_class = WholeList


class OneBySlug(DataView, generics.RetrieveAPIView):
    """One record, by the slug in its address; a 404 that names the slug where there is none."""

    not_found = ""  # the 404's message, with {slug}

    def read(self, rows):
        return rows.first()

    def get_object(self):
        slug = self.kwargs["slug"]
        found = self.read(self.get_queryset().filter(slug=slug))
        if found is None:
            raise NotFound(self.not_found.format(slug=slug))
        return found


@with_errors(RegionSerializer, 404, 429)
class RegionDetail(OneBySlug):
    """En region, med handlingsplan, siffror, kontaktpersoner och källa."""

    queryset = Region.objects.with_details()
    serializer_class = RegionSerializer
    not_found = "Det finns ingen region med id {slug}."


@with_errors(ProgrammeSerializer, 429)
class ProgrammeList(DataView, generics.ListAPIView):
    """Programmen som finansierade projekten, med vad källorna säger om dem."""

    queryset = Programme.objects.select_related("source").prefetch_related("facts__source")
    serializer_class = ProgrammeSerializer
    pagination_class = WholeList


class ProjectFilterBackend(DjangoFilterBackend):
    """The project list's FilterSet; what it cannot use is a 400 naming each filter in Swedish."""

    def filter_queryset(self, request, queryset, view):
        project_filter = self.get_filterset(request, queryset, view)
        if not project_filter.is_valid():
            raise ValidationError(filter_errors(project_filter))
        return project_filter.qs


@with_errors(ProjectSerializer, 400, 404, 429)
class ProjectList(DataView, generics.ListAPIView):
    """Publicerade projekt, filtrerade och sorterade som på /projekt/, 50 per sida."""

    queryset = Project.objects.published()
    serializer_class = ProjectSerializer
    filter_backends = [ProjectFilterBackend]
    filterset_class = ProjectFilter
    pagination_class = ProjectPages

    def paginate_queryset(self, queryset):
        # The page's projects read as the exports read them: a few queries, however many.
        return list(project_rows(super().paginate_queryset(queryset)))


@with_errors(ProjectSerializer, 404, 429)
class ProjectDetail(OneBySlug):
    """Ett publicerat projekt."""

    queryset = Project.objects.published()
    serializer_class = ProjectSerializer
    not_found = "Det finns inget publicerat projekt med id {slug}."

    def read(self, rows):
        return next(project_rows(rows), None)  # read as the exports read it


class Root(DataView, APIRootView):
    """Where the API's lists, its description and its documentation are: the endpoint that
    the catalogue record (/data/katalog.rdf) names. Not a data endpoint, so not in the schema."""

    api_root_dict = {
        "regioner": "region_list",
        "program": "programme_list",
        "projekt": "project_list",
        "schema": "schema",
        "dokumentation": "documentation",
    }


class Schema(PublicAPIView, SpectacularAPIView):
    """The API's OpenAPI 3 description: YAML, or JSON to a client that asks for it."""
