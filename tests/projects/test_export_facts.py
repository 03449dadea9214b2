"""The facts from public pages in the exports, the API and /data/ (export_fields, exports, api)."""

import json
from datetime import date

import pytest
from django.http import FileResponse
from django.urls import reverse
from django.utils.html import escape

from projects.api import PROGRAMME_FIELDS
from projects.export_fields import FACT_RECORD, fact_line
from projects.models import Fact, Programme, Project
from regions.models import Region, shown_page_date
from tests.conftest import make_project, make_source
from tests.html import normalise, parse
from tests.projects.test_exports import (
    CSV_URL,
    JSON_URL,
    csv_records,
    export_queries,
    json_records,
)
from tests.projects.test_facts import PROGRAMME, fact_items
from tests.projects.test_saved_exports import content, export_files  # noqa: F401 (a fixture)
from tests.projects.test_views import add_rich_data, count_queries

pytestmark = pytest.mark.django_db

FACT_KEYS = list(FACT_RECORD)
GAVLEBORG = "?region=gavleborg"


def page_facts(client, slug):
    """The project's own facts as its page lists them, before the programme's."""
    project = Project.objects.get(slug=slug)
    items = fact_items(parse(client.get(project.get_absolute_url())))
    return items[: project.facts.count()]


def test_csv_row_and_json_record_hold_the_facts_and_pages_the_project_page_shows(client):
    (row,) = csv_records(client, CSV_URL + GAVLEBORG)
    (record,) = json_records(client, JSON_URL + GAVLEBORG)
    shown = page_facts(client, "gavleborg-2017-2018")
    lines = row["Uppgifter ur källor"].split("\n")
    assert len(shown) == len(lines) == len(record["facts"]) == 17
    for item, line, fact in zip(shown, lines, record["facts"], strict=True):
        assert list(fact) == FACT_KEYS
        assert item.startswith(f"{fact['label'][0].upper()}{fact['label'][1:]}: {fact['text']}")
        assert f"Sammanfattning av {fact['source_publisher']}" in item
        assert fact["kind"] == "summary" and fact["source_url"].startswith("http")
        assert line == fact_line(fact)
        assert f": {normalise(fact['text'])} (sammanfattning av " in normalise(line)
        assert f"{fact['source_url']}, " in line and line.endswith(", hämtad 2026)")
        if page_date := shown_page_date(fact["source_page_date"]):
            assert f"sidans datum: {page_date}" in item and f"sidans datum: {page_date}" in line
        else:
            assert "inget datum syns på sidan" in item and "sidans datum" not in line
    sources = Fact.objects.filter(project__slug="gavleborg-2017-2018").values_list(
        "source__url", "source__page_date", "source__retrieved_year"
    )
    links = parse(client.get("/projekt/gavleborg-2017-2018/")).links()
    assert {fact["source_url"] for fact in record["facts"]} <= set(links)
    keys = ["source_url", "source_page_date", "source_retrieved_year"]
    assert {tuple(fact[key] for key in keys) for fact in record["facts"]} == set(sources)


def test_a_fact_line_tells_a_quote_from_a_summary_and_names_its_page():
    fact = {
        "topic": "goals",
        "label": "mål 1",
        "text": "Fler jobb.",
        "kind": "quote",
        "source_publisher": "Region Test",
        "source_title": "Om projektet",
        "source_url": "https://example.se/om",
        "source_page_date": "2017-02-08",
        "source_retrieved_year": 2026,
        "source_retrieved_on": None,
    }
    assert fact_line(fact) == (
        "Mål – mål 1: Fler jobb. "
        "(citat ur Region Test, https://example.se/om, sidans datum: 2017-02-08, hämtad 2026)"
    )
    unseen = {
        **fact,
        "kind": "summary",
        "source_url": "",
        "source_page_date": "ej synligt i lagrad kopia",
        "source_retrieved_on": date(2026, 11, 30),
    }
    assert fact_line(unseen) == (
        "Mål – mål 1: Fler jobb. (sammanfattning av Region Test, Om projektet, hämtad 2026-11-30)"
    )


def test_a_project_without_facts_has_an_empty_list_and_cell(client):
    (row,) = [r for r in csv_records(client, CSV_URL + "?q=messe") if r["Projekt-id"] == "messe"]
    (record,) = [r for r in json_records(client, JSON_URL + "?q=messe") if r["slug"] == "messe"]
    assert record["facts"] == [] and row["Uppgifter ur källor"] == ""


def test_goals_partners_and_contacts_carry_their_sources_address(client):
    project = Project.objects.get(slug="gavleborg-2017-2018")
    (record,) = json_records(client, JSON_URL + GAVLEBORG)
    for key, records in [
        ("goals", project.goals.all()),
        ("partners", project.partnerships.all()),
        ("contacts", project.contacts.all()),
    ]:
        assert [r["source_url"] for r in record[key]] == [r.source.url for r in records], key


def add_facts(number, **owner):
    """A quote and a summary about the project or programme in `owner`, each from its page."""
    for position, kind in enumerate(Fact.Kind):
        Fact.objects.create(
            **owner,
            topic=Fact.Topic.RESULTS,
            label="resultat",
            text="Något hände.",
            kind=kind,
            source=make_source(title="", url=f"https://example.se/{number}/{position}"),
            position=position,
        )


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL, "/api/projekt/?region=kronoberg"])
def test_queries_do_not_grow_with_facts(client, url):
    queries = count_queries if url.startswith("/api/") else export_queries
    queries(client, url)
    before = queries(client, url)
    kronoberg = Region.objects.get(slug="kronoberg")
    for number in range(30):
        project = make_project(region=kronoberg)
        add_rich_data(project, number)
        add_facts(number, project=project)
    records = json_records(client, JSON_URL + "?region=kronoberg")
    assert sum(len(record["facts"]) for record in records) == 9 + 60
    assert queries(client, url) == before


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_the_saved_export_of_every_row_has_the_facts(client, export_files, url):  # noqa: F811
    content(client.get(url))
    project = make_project()
    add_facts(1, project=project)  # the data changed: the next download is written anew
    written = content(client.get(url))
    from_file = client.get(url)
    assert isinstance(from_file, FileResponse) and content(from_file) == written
    if url == JSON_URL:
        records = {record["slug"]: record for record in json.loads(written)}
        assert [fact["kind"] for fact in records[project.slug]["facts"]] == ["quote", "summary"]
        assert len(records["gavleborg-2017-2018"]["facts"]) == 17
    else:
        text = written.decode()
        assert (
            "Resultat – resultat: Något hände. (citat ur Testutgivare, https://example.se/1/0"
            in text
        )
        assert text.count("(sammanfattning av ") == Fact.objects.exclude(project=None).count() - 1


def test_the_api_carries_the_facts_as_the_export_does(client):
    data = client.get("/api/projekt/gavleborg-2017-2018/").json()
    (exported,) = json_records(client, JSON_URL + GAVLEBORG)
    assert data["facts"] == exported["facts"] and len(data["facts"]) == 17


def test_the_programmes_facts_are_in_the_api_as_its_project_pages_show_them(client):
    data = client.get(reverse("api:programme_list")).json()
    assert data["count"] == Programme.objects.count()
    (programme,) = [p for p in data["results"] if p["slug"] == PROGRAMME]
    facts = Programme.objects.get(slug=PROGRAMME).facts_by_topic
    assert len(programme["facts"]) == len(facts) == 25
    assert [(f["label"], f["text"], f["source_url"]) for f in programme["facts"]] == [
        (f.label, f.text, f.source.url) for f in facts
    ]
    assert programme["funder"] == "Tillväxtverket"
    assert programme["projects_api_url"] == f"http://testserver/api/projekt/?programme={PROGRAMME}"
    before = count_queries(client, "/api/program/")
    for number in range(3):
        source = make_source()
        programme = Programme.objects.create(name=f"P{number}", slug=f"p{number}", source=source)
        add_facts(number, programme=programme)
    assert count_queries(client, "/api/program/") == before
    assert client.post("/api/program/").status_code == 405


def test_data_page_documents_the_facts_and_the_programmes(client):
    html = client.get(reverse("data")).content.decode()
    for text in [
        "Uppgifter ur källor",
        "sidans datum som sidan visar det (source_page_date",
        "portalens egen sammanfattning av vad den angivna sidan säger",
        "(citat) återger sidan ordagrant",
        "Portalen sparar inte sidorna",
        'href="/api/program/"',
        "Fälten för ett program i API:t",
    ]:
        assert text in html, text
    for field in PROGRAMME_FIELDS:
        assert f"<td><code>{field.key}</code></td>" in html
        assert escape(field.description) in html
