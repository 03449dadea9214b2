"""The API answers existing clients exactly as it did before it moved onto Django REST framework:
api_snapshot.json holds what the hand-written views (commit d797854) answered to each request
below, with the portal's data and the sixty projects added here. A deliberate change to the data
or the fields means writing it anew from snapshot_of(answers(client))."""

import json
from pathlib import Path

import pytest

from regions.models import Region
from tests.conftest import make_project

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("api_snapshot.json")

REQUESTS = [
    "/api/regioner/",
    "/api/regioner/kronoberg/",
    "/api/regioner/vastra-gotaland/",
    "/api/regioner/finns-inte/",
    "/api/program/",
    "/api/projekt/",
    "/api/projekt/?page=1",
    "/api/projekt/?region=kronoberg&region=ostergotland",
    "/api/projekt/?region=kronoberg&region=ostergotland&sort=region",
    "/api/projekt/?q=upphandling&sort=relevans",
    "/api/projekt/?q=säljbolag",
    "/api/projekt/?theme=upphandling-med-social-hansyn",
    "/api/projekt/?programme=eruf&programme=interreg-ivc",
    "/api/projekt/?year=2017&status=avslutade&region=skane",
    "/api/projekt/?region=&q=",
    "/api/projekt/?region=skane&utm_source=nyhetsbrev",
    "/api/projekt/?region=skane&page=2",
    "/api/projekt/?page=2&region=skane&sort=titel",
    "/api/projekt/?sort=period",
    "/api/projekt/?page=2",
    "/api/projekt/?page=0",
    "/api/projekt/?page=abc",
    "/api/projekt/?page=last",
    "/api/projekt/?region=skane&page=3",
    "/api/projekt/?region=finns-inte",
    "/api/projekt/?year=tjugohundra&status=kanske",
    "/api/projekt/?theme=okänt",
    "/api/projekt/?sort=storlek",
    "/api/projekt/?q=" + "x" * 500,
    "/api/projekt/?q=upp%00handling",
    "/api/projekt/messe/",
    "/api/projekt/starkare-asf-i-jonkopings-lan/",
    "/api/projekt/skaneprojekt-07/",
    "/api/projekt/finns-inte/",
]


def add_sixty_projects():
    """Enough projects in Skåne for a second page, each named and dated the same every run."""
    skane = Region.objects.get(slug="skane")
    for number in range(60):
        make_project(
            region=skane, title=f"Skåneprojekt {number:02}", slug=f"skaneprojekt-{number:02}"
        )


def answers(client):
    add_sixty_projects()
    result = {}
    for url in REQUESTS:
        response = client.get(url)
        result[url] = {
            "status": response.status_code,
            "content_type": response["Content-Type"],
            "body": json.loads(response.content),
        }
    return result


def snapshot_of(answers):
    """The answers with each listed project's record kept once, under its slug: the lists
    give the slugs in their order."""
    projects = {}
    for url, answer in answers.items():
        body = answer["body"]
        if url.startswith("/api/projekt/") and "count" in body:
            for record in body["results"]:
                assert projects.setdefault(record["slug"], record) == record, url
            answer["body"] = {**body, "results": [record["slug"] for record in body["results"]]}
    return {"projects": projects, "answers": answers}


def test_the_api_answers_as_it_did_before(client):
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = snapshot_of(answers(client))
    for url in REQUESTS:
        assert actual["answers"][url] == expected["answers"][url], url
    assert actual["projects"] == expected["projects"]
