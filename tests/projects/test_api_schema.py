"""The API's OpenAPI description: valid, in Swedish, every field and filter described, and
enough for a client that knows nothing else to list, filter and page the projects."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from projects.api import PROGRAMME_FIELDS, PROJECT_API_FIELDS, REGION_FIELDS
from projects.filters import ProjectFilter
from regions.models import Region
from tests.conftest import make_project
from tests.projects.test_views import listed_slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get(reverse("api:schema"), headers={"accept": "application/json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_names_the_api_its_licence_and_who_runs_it(client, schema, settings):
    info = schema["info"]
    assert info["title"] == "ASF-portalens API"
    assert "samma filter" in info["description"]
    assert info["version"]
    assert info["license"] == {
        "name": settings.PORTAL_DATA_LICENCE["name"],
        "url": settings.PORTAL_DATA_LICENCE["url"],
    }
    operator = settings.PORTAL_OPERATOR
    assert info["contact"] == {"name": operator["name"], "email": operator["email"]}
    # Also as YAML, the schema's usual form.
    response = client.get("/api/schema/")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"title: ASF-portalens API" in response.content


def test_the_schema_has_every_endpoint_and_nothing_else(schema):
    assert set(schema["paths"]) == {
        "/api/regioner/",
        "/api/regioner/{slug}/",
        "/api/program/",
        "/api/projekt/",
        "/api/projekt/{slug}/",
    }
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def test_the_errors_each_operation_may_give_are_described(schema):
    errors = {
        path: sorted(code for code in methods["get"]["responses"] if code != "200")
        for path, methods in schema["paths"].items()
    }
    assert errors == {
        "/api/regioner/": ["429"],
        "/api/regioner/{slug}/": ["404", "429"],
        "/api/program/": ["429"],
        "/api/projekt/": ["400", "404", "429"],
        "/api/projekt/{slug}/": ["404", "429"],
    }
    error = schema["components"]["schemas"]["Errors"]
    assert error["properties"]["fel"]["items"] == {"type": "string"}


@pytest.mark.parametrize(
    "component, fields",
    [("Region", REGION_FIELDS), ("Programme", PROGRAMME_FIELDS), ("Project", PROJECT_API_FIELDS)],
)
def test_every_field_is_described_as_on_the_data_page(schema, component, fields):
    properties = schema["components"]["schemas"][component]["properties"]
    assert list(properties) == [field.key for field in fields]
    for field in fields:
        assert properties[field.key]["description"] == field.description
        # Its column's name as the title, left out where it is the key's ("region", "Region").
        assert properties[field.key].get("title", field.column) == field.column


def test_every_filter_of_the_project_list_is_a_described_parameter(schema):
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/projekt/"]["get"]["parameters"]
    }
    assert set(parameters) == {*ProjectFilter.base_filters, "page"}
    for name, project_filter in ProjectFilter.base_filters.items():
        help_text = project_filter.extra["help_text"]
        assert parameters[name]["description"].startswith(help_text)
    assert parameters["status"]["schema"]["items"]["enum"] == ["avslutade", "kommande", "pagaende"]
    assert parameters["page"]["schema"]["type"] == "integer"
    list_of_projects = schema["components"]["schemas"]["PaginatedProjectList"]["properties"]
    assert set(list_of_projects) == {"count", "next", "previous", "results"}


class SchemaClient:
    """A client that knows only the schema: each operation's path and query parameters."""

    def __init__(self, client, schema):
        self.client = client
        self.operations = {
            operation["operationId"]: (path, operation)
            for path, methods in schema["paths"].items()
            for operation in methods.values()
        }

    def call(self, operation_id, **query):
        path, operation = self.operations[operation_id]
        parameters = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        for name, value in query.items():
            assert name in parameters, f"{operation_id} takes no {name}"
            if parameters[name]["schema"]["type"] == "array":
                assert isinstance(value, list)
        response = self.client.get(path, query)
        assert response.status_code == 200
        return json.loads(response.content)

    def every_page(self, operation_id, **query):
        results, number = [], 1
        while True:
            page = self.call(operation_id, **query, page=number)
            results += page["results"]
            if page["next"] is None:
                return page["count"], results
            number += 1


def every_page_of_the_list(client, query):
    slugs, number = [], 1
    while listed := listed_slugs(client.get("/projekt/", {**query, "page": number})):
        if slugs and listed[0] in slugs:  # past the last page the list shows the last again
            break
        slugs += listed
        number += 1
    return slugs


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"region": ["skane"]},
        {"region": ["skane", "kronoberg"], "sort": "period"},
        {"q": "upphandling", "sort": "relevans"},
        {"q": "skåneprojekt"},
        {"programme": ["regionala-projekt-2017-2018"], "status": ["avslutade"], "year": ["2018"]},
    ],
)
def test_a_client_built_from_the_schema_lists_what_the_project_list_shows(client, schema, query):
    skane = Region.objects.get(slug="skane")
    for number in range(60):
        make_project(region=skane, title=f"Skåneprojekt {number:02}")
    api = SchemaClient(client, schema)
    count, projects = api.every_page("projekt_list", **query)
    slugs = [project["slug"] for project in projects]
    assert count == len(slugs) == len(set(slugs))
    assert slugs == every_page_of_the_list(client, query)
    detail = api.operations["projekt_retrieve"][0].replace("{slug}", slugs[0])
    assert json.loads(client.get(detail).content) == projects[0]
