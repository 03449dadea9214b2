import json

import pytest

from projects.models import Contact, Project
from regions.models import ActionPlan, Priority, Region, RegionFigure
from tests.conftest import make_project, make_region
from tests.projects.test_exports import (
    IN_TWO_REGIONS,
    JSON_KEYS,
    JSON_URL,
    MALFORMED,
    TWO_REGIONS,
    json_records,
)
from tests.projects.test_views import add_rich_data, count_queries

pytestmark = pytest.mark.django_db

REGION_KEYS = [
    "slug",
    "name",
    "short_name",
    "county",
    "county_code",
    "funded_2017_2018",
    "action_plan",
    "figures",
    "contacts",
    "source_publisher",
    "source_title",
    "source_retrieved_year",
    "source_retrieved_on",
    "source_url",
    "url",
    "api_url",
    "projects_api_url",
]
PROJECT_KEYS = [*JSON_KEYS, "api_url"]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_region_list_has_every_region_in_swedish_order(client):
    response = client.get("/api/regioner/")
    assert "Jönköpings län".encode() in response.content  # not \u00f6
    data = get_json(client, "/api/regioner/")
    assert data["count"] == Region.objects.count() == 12
    assert [region["slug"] for region in data["results"]] == list(
        Region.objects.order_by("short_name").values_list("slug", flat=True)
    )
    assert data["results"][-1]["short_name"] == "Östergötland"  # Ö after Z
    for region in data["results"]:
        assert list(region) == REGION_KEYS


def test_region_detail_holds_plan_figures_contacts_and_source(client):
    kronoberg = get_json(client, "/api/regioner/kronoberg/")
    region = Region.objects.get(slug="kronoberg")
    assert kronoberg["name"] == "Region Kronoberg" and kronoberg["short_name"] == "Kronoberg"
    assert (kronoberg["county"], kronoberg["county_code"]) == ("Kronobergs län", "07")
    assert kronoberg["funded_2017_2018"] is True
    plan = kronoberg["action_plan"]
    assert plan["year"] == 2016
    assert plan["priorities"] == [p.text for p in region.action_plan.priorities.all()]
    assert plan["priorities"][1] == "processa fram en samverkansorganisation för befintliga ASF"
    assert kronoberg["source_publisher"] == region.source.publisher
    assert kronoberg["url"] == "http://testserver/regioner/kronoberg/"
    assert kronoberg["api_url"] == "http://testserver/api/regioner/kronoberg/"
    assert kronoberg["projects_api_url"] == "http://testserver/api/projekt/?region=kronoberg"
    assert get_json(client, kronoberg["api_url"]) == kronoberg

    figures = get_json(client, "/api/regioner/vastra-gotaland/")["figures"]
    assert {
        "value": 50,
        "unit": "arbetsintegrerande sociala företag i Göteborg",
        "approximate": True,
        "statement": figures[-1]["statement"],
        "source_url": "",
    } in figures
    assert figures[-1]["statement"].startswith("I Göteborg finns omkring 50")

    contacts = get_json(client, "/api/regioner/ostergotland/")["contacts"]
    assert contacts == [
        {
            "name": "Margareta Wandel",
            "role": "Strateg social ekonomi",
            "organisation": "Region Östergötland",
            "phone": "010-103 65 31",
            "source_url": "",
        }
    ]


def test_unknown_region_is_a_json_404(client):
    data = get_json(client, "/api/regioner/finns-inte/", status=404)
    assert data == {"fel": ["Det finns ingen region med id finns-inte."]}


def test_region_list_queries_are_constant(client):
    before = count_queries(client, "/api/regioner/")
    for number in range(5):
        region = make_region()
        plan = ActionPlan.objects.create(region=region, source=region.source)
        Priority.objects.create(action_plan=plan, text=f"Prioritering {number}", source=plan.source)
        RegionFigure.objects.create(
            region=region, value=number, unit="kommuner", statement="En mening.", source=plan.source
        )
        Contact.objects.create(name=f"Kontakt {number}", region=region, source=region.source)
    assert count_queries(client, "/api/regioner/") == before


def test_project_list_is_the_export_paged(client):
    data = get_json(client, "/api/projekt/")
    assert data["count"] == Project.objects.published().count() == 14
    assert data["next"] is None and data["previous"] is None
    for project in data["results"]:
        assert list(project) == PROJECT_KEYS
        assert project["api_url"] == f"http://testserver/api/projekt/{project['slug']}/"
    exported = json_records(client, JSON_URL)
    assert [{k: v for k, v in p.items() if k != "api_url"} for p in data["results"]] == exported


def test_project_list_takes_the_lists_filters(client):
    data = get_json(client, "/api/projekt/" + TWO_REGIONS)
    assert data["count"] == 4
    assert {project["slug"] for project in data["results"]} == IN_TWO_REGIONS
    searched = get_json(client, "/api/projekt/?q=upphandling&sort=relevans")
    assert searched["results"][0]["slug"] == "starkare-asf-i-jonkopings-lan"


def test_project_list_pages_by_fifty_with_absolute_links(client):
    skane = Region.objects.get(slug="skane")
    for number in range(60):
        make_project(region=skane, title=f"Skåneprojekt {number:02}")
    first = get_json(client, "/api/projekt/?region=skane")
    assert first["count"] == 61
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/projekt/?region=skane&page=2"
    second = get_json(client, first["next"])
    assert len(second["results"]) == 11
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/projekt/?region=skane&page=1"
    slugs = [p["slug"] for p in first["results"] + second["results"]]
    assert len(set(slugs)) == 61
    assert set(slugs) == set(skane.projects.published().values_list("slug", flat=True))


@pytest.mark.parametrize(
    "page, status, message",
    [
        ("abc", 400, "Sidnumret (page) ska vara ett heltal, t.ex. page=2."),
        ("0", 404, "Sidan finns inte. Sista sidan är 1."),
        ("2", 404, "Sidan finns inte. Sista sidan är 1."),
    ],
)
def test_a_page_that_does_not_exist_is_a_json_error(client, page, status, message):
    assert get_json(client, f"/api/projekt/?page={page}", status=status) == {"fel": [message]}


@pytest.mark.parametrize("query, label", MALFORMED)
def test_a_malformed_filter_gives_a_json_400_in_swedish(client, query, label):
    response = client.get("/api/projekt/", query)
    assert response.status_code == 400
    errors = json.loads(response.content)["fel"]
    assert any(error.startswith(f"{label}: ") for error in errors)


def test_project_detail_is_the_projects_record(client):
    data = get_json(client, "/api/projekt/starkare-asf-i-jonkopings-lan/")
    assert list(data) == PROJECT_KEYS
    (exported,) = json_records(client, JSON_URL + "?region=jonkopings-lan")
    assert {k: v for k, v in data.items() if k != "api_url"} == exported
    assert data["title"] == "Starkare ASF i Jönköpings län"
    goals = Project.objects.get(slug="starkare-asf-i-jonkopings-lan").goals.all()
    assert [goal["text"] for goal in data["goals"]] == [goal.text for goal in goals]
    assert data["url"] == "http://testserver/projekt/starkare-asf-i-jonkopings-lan/"


def test_drafts_are_not_in_the_api(client):
    draft = make_project(
        region=Region.objects.get(slug="kronoberg"), status=Project.Status.DRAFT, title="Utkast"
    )
    for url in ["/api/projekt/", "/api/projekt/?region=kronoberg", "/api/projekt/?q=utkast"]:
        assert draft.slug not in {p["slug"] for p in get_json(client, url)["results"]}
    data = get_json(client, f"/api/projekt/{draft.slug}/", status=404)
    assert data == {"fel": [f"Det finns inget publicerat projekt med id {draft.slug}."]}


def test_api_list_queries_are_constant(client):
    before = count_queries(client, "/api/projekt/?region=kronoberg")
    kronoberg = Region.objects.get(slug="kronoberg")
    for number in range(30):
        add_rich_data(make_project(region=kronoberg), number)
    assert count_queries(client, "/api/projekt/?region=kronoberg") == before


def test_the_api_is_read_only(client):
    for url in ["/api/projekt/", "/api/regioner/", "/api/projekt/messe/"]:
        assert client.post(url).status_code == 405
