import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from projects import exports
from projects.export_fields import goal_line
from projects.exports import among, csv_line
from projects.models import Contact, Goal, Partnership, Project
from regions.models import Region
from tests.conftest import make_project
from tests.html import parse
from tests.projects.test_views import add_rich_data, listed_slugs

pytestmark = pytest.mark.django_db

CSV_URL = "/projekt/export.csv"
JSON_URL = "/projekt/export.json"

# What journalists' scripts and spreadsheets rely on: changing these breaks them.
CSV_COLUMNS = [
    "Titel",
    "Redaktionell titel",
    "Region",
    "Regionens officiella namn",
    "Län",
    "Länskod",
    "Period",
    "Periodens start",
    "Periodens slut",
    "Periodens precision",
    "Program",
    "Finansiär",
    "Teman",
    "Ingress",
    "Syfte",
    "Målgrupp",
    "Bakgrund",
    "Aktiviteter",
    "Förväntade effekter",
    "Resultat",
    "Genomförande och uppföljning",
    "Mål",
    "Samverkanspartner",
    "Kontaktpersoner",
    "Källans utgivare",
    "Källans titel",
    "Källan hämtad år",
    "Källan hämtad dag",
    "Källans webbadress",
    "Senast ändrad",
    "Permanent adress",
    "Projekt-id",
    "Region-id",
    "Uppgifter ur källor",
]
JSON_KEYS = [
    "title",
    "title_is_editorial",
    "region",
    "region_name",
    "county",
    "county_code",
    "period",
    "period_start",
    "period_end",
    "period_precision",
    "programme",
    "funder",
    "themes",
    "lead",
    "purpose",
    "target_group",
    "background",
    "activities",
    "expected_effects",
    "results",
    "implementation",
    "goals",
    "partners",
    "contacts",
    "source_publisher",
    "source_title",
    "source_retrieved_year",
    "source_retrieved_on",
    "source_url",
    "updated_at",
    "url",
    "slug",
    "region_slug",
    "facts",
]
GOAL_KEYS = [
    "kind",
    "text",
    "target_value",
    "at_least",
    "target_unit",
    "outcome_value",
    "status",
    "reported_on",
    "report_source",
    "source_url",
]
CONTACT_KEYS = ["name", "role", "organisation", "phone", "source_url"]

TWO_REGIONS = "?region=kronoberg&region=ostergotland"
IN_TWO_REGIONS = {"kronoberg-2017-2018", "ostergotland-2017-2018", "ostgotamodellen", "messe"}


def streamed(response):
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    """The CSV as Excel with Swedish settings reads it: the header row, then a dict a row."""
    body = streamed(response)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def csv_records(client, url):
    return csv_rows(client.get(url))[1]


def json_records(client, url):
    return json.loads(streamed(client.get(url)))


def today_filename(extension):
    return f'attachment; filename="asf-projekt-{timezone.localdate():%Y-%m-%d}.{extension}"'


def test_csv_opens_in_swedish_excel(client):
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == today_filename("csv")
    body = streamed(response)
    assert body.startswith("\ufeffTitel;Redaktionell titel;Region;".encode())
    header, rest = body.split(b"\r\n", 1)
    assert header.count(b";") == len(CSV_COLUMNS) - 1
    # Every line ends in CRLF; a bare \n only occurs inside a quoted multi-line cell.
    assert body.endswith(b"\r\n")
    assert b"\r\n" in rest


def test_csv_columns_and_json_keys_stay_the_same(client):
    assert len(CSV_COLUMNS) == len(set(CSV_COLUMNS)) == len(JSON_KEYS) == len(set(JSON_KEYS))
    header, _ = csv_rows(client.get(CSV_URL))
    assert header == CSV_COLUMNS
    for record in json_records(client, JSON_URL):
        assert list(record) == JSON_KEYS


def test_json_is_utf8_with_a_dated_filename(client):
    response = client.get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == today_filename("json")
    body = streamed(response)
    assert "Jönköpings län".encode() in body  # å ä ö as they are, not \u00f6
    assert b"\\u00f6" not in body


CC0_LINK = '<https://creativecommons.org/publicdomain/zero/1.0/deed.sv>; rel="license"'


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL, CSV_URL + "?region=kronoberg"])
def test_exports_name_their_licence_and_keep_their_shape(client, url):
    response = client.get(url)
    assert response["Link"] == CC0_LINK
    if url.startswith(JSON_URL):
        # Clients read the file as a bare list of projects: the licence never wraps it.
        assert isinstance(json_records(client, url), list)
    else:
        header, _ = csv_rows(response)
        assert header == CSV_COLUMNS


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_a_saved_export_names_its_licence_too(client, settings, tmp_path, url):
    settings.CACHE_UNTIL_DATA_CHANGES = True
    settings.EXPORT_FILES_DIR = str(tmp_path)
    streamed(client.get(url))
    saved = client.get(url)
    assert isinstance(saved, FileResponse)
    assert saved["Link"] == CC0_LINK
    saved.close()


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_exports_list_every_published_project_in_the_lists_order(client, url):
    records = csv_records(client, url) if url == CSV_URL else json_records(client, url)
    key = "Projekt-id" if url == CSV_URL else "slug"
    in_title_order = Project.objects.published().order_by("title", "pk")
    assert [record[key] for record in records] == [p.slug for p in in_title_order]
    assert len(records) == 14


def test_csv_row_holds_what_the_project_page_shows(client):
    (row,) = csv_records(client, CSV_URL + "?region=jonkopings-lan")
    assert row["Titel"] == "Starkare ASF i Jönköpings län"
    assert row["Redaktionell titel"] == "nej"
    assert row["Region"] == "Jönköpings län"
    assert row["Regionens officiella namn"] == "Region Jönköpings län"
    assert row["Län"] == "Jönköpings län"
    assert row["Länskod"] == "06"
    assert row["Period"] == "2017–2018"
    assert (row["Periodens start"], row["Periodens slut"]) == ("2017-01-01", "2018-12-31")
    assert row["Periodens precision"] == "år"
    assert row["Program"] == "Regionala projekt för ökad sysselsättning i ASF 2017–2018"
    assert row["Finansiär"] == "Tillväxtverket"
    assert row["Teman"] == (
        "affärsutveckling | kompetensutveckling | samverkan | upphandling med social hänsyn"
    )
    assert row["Syfte"].startswith("Projektets syfte är att skapa hållbara strukturer")
    goals = row["Mål"].split("\n")
    assert len(goals) == Goal.objects.filter(project__slug="starkare-asf-i-jonkopings-lan").count()
    assert goals[0].startswith("Övergripande mål: Projektets övergripande mål är")
    assert "Resultatmål: Tre nya avtal mellan ASF" in row["Mål"]
    assert "Målvärde: minst 10 nya affärsrelationer." in row["Mål"]
    assert (
        row["Samverkanspartner"]
        .split("\n")[1]
        .startswith("SofiJ (nämns i källan): Samverkan mellan ASF bygger vidare")
    )
    assert row["Källans utgivare"] == "Region Jönköpings län (Utveckling i Jönköpings län)"
    assert row["Källans titel"] == "Starkare ASF i Jönköpings län"
    assert row["Källan hämtad år"] == "2026"
    assert row["Permanent adress"] == "http://testserver/projekt/starkare-asf-i-jonkopings-lan/"


def test_numbers_have_a_decimal_comma_only_where_they_have_decimals(client):
    project = make_project(title="Decimalprojektet")
    for target in [Decimal("2.5"), Decimal("1200.00")]:
        Goal.objects.create(
            project=project,
            kind=Goal.Kind.RESULT,
            text="Fler anställda.",
            target_value=target,
            target_unit="årsarbeten",
            source=project.source,
        )
    url = f"?region={project.region.slug}"
    (row,) = csv_records(client, CSV_URL + url)
    assert row["Mål"] == (
        "Resultatmål: Fler anställda. Målvärde: 2,5 årsarbeten.\n"
        "Resultatmål: Fler anställda. Målvärde: 1200 årsarbeten."
    )
    (record,) = json_records(client, JSON_URL + url)
    assert record["goals"][0] == {
        "kind": "result",
        "text": "Fler anställda.",
        "target_value": 2.5,
        "at_least": False,
        "target_unit": "årsarbeten",
        "outcome_value": None,
        "status": "not_reported",
        "reported_on": None,
        "report_source": None,
        "source_url": "",
    }
    assert record["goals"][1]["target_value"] == 1200


def test_a_goals_outcome_is_written_after_its_target():
    goal = {
        "kind": "overall",
        "text": "Fler jobb.",
        "target_value": Decimal("10.00"),
        "at_least": False,
        "target_unit": "jobb",
        "outcome_value": Decimal("7.50"),
        "status": "not_reported",
        "reported_on": None,
        "report_source": None,
    }
    assert goal_line(goal) == "Övergripande mål: Fler jobb. Målvärde: 10 jobb. Utfall: 7,5."
    assert goal_line({**goal, "target_value": None}) == "Övergripande mål: Fler jobb. Utfall: 7,5."
    reported = {
        **goal,
        "status": "achieved",
        "reported_on": date(2019, 2, 1),
        "report_source": "Slutrapport",
    }
    assert goal_line(reported).endswith(
        "Utfall: 7,5. Status: uppnått, rapporterad 2019-02-01 (Slutrapport)."
    )


def test_contacts_sharing_a_name_keep_the_order_they_were_added_in(client):
    project = make_project()
    for role in ["Samordnare", "Projektledare"]:
        Contact.objects.create(name="Anna Ek", role=role, project=project, source=project.source)
    url = f"?region={project.region.slug}"
    (row,) = csv_records(client, CSV_URL + url)
    assert row["Kontaktpersoner"] == "Anna Ek, Samordnare\nAnna Ek, Projektledare"
    (record,) = json_records(client, JSON_URL + url)
    assert [contact["role"] for contact in record["contacts"]] == ["Samordnare", "Projektledare"]


def test_contacts_and_partners_one_a_line(client):
    project = make_project()
    for name, phone in [("Anna Ek", "010-123 45 67"), ("Bo Ask", "")]:
        Contact.objects.create(
            name=name,
            role="Projektledare",
            organisation="Region Test",
            phone=phone,
            project=project,
            source=project.source,
        )
    url = f"?region={project.region.slug}"
    (row,) = csv_records(client, CSV_URL + url)
    assert row["Kontaktpersoner"] == (
        "Anna Ek, Projektledare, Region Test, tel. 010-123 45 67\n"
        "Bo Ask, Projektledare, Region Test"
    )
    (record,) = json_records(client, JSON_URL + url)
    assert [list(contact) for contact in record["contacts"]] == [CONTACT_KEYS] * 2
    assert record["contacts"][0]["phone"] == "010-123 45 67"


def test_json_record_has_the_same_values_as_the_csv_row(client):
    (row,) = csv_records(client, CSV_URL + "?region=kronoberg")
    (record,) = json_records(client, JSON_URL + "?region=kronoberg")
    assert record["title_is_editorial"] is True and row["Redaktionell titel"] == "ja"
    assert record["county_code"] == row["Länskod"] == "07"
    assert record["period_start"] == "2017-01-01" and record["period_precision"] == "year"
    assert record["themes"] == ["affärsutveckling", "samverkan"]
    assert [list(goal) for goal in record["goals"]] == [GOAL_KEYS]
    assert record["goals"][0]["target_value"] == 3
    assert record["partners"] == [
        {
            "organisation": "Coompanion",
            "kind": "partner",
            "role": row["Samverkanspartner"].split(": ", 1)[1],
            "source_url": "",  # the source text's address was not kept
        }
    ]
    assert record["url"] == row["Permanent adress"]
    assert record["source_retrieved_year"] == 2026
    # Only the year was kept; and nobody has changed the project since it was loaded.
    assert record["source_retrieved_on"] is None and row["Källan hämtad dag"] == ""
    assert record["updated_at"] is None and row["Senast ändrad"] == ""


def test_last_changed_is_when_a_person_changed_the_project(client):
    project = Project.objects.get(slug="kronoberg-2017-2018")
    project.lead += " Ändrad."
    project.save()  # no person: a script's save is not an editor's change
    (record,) = json_records(client, JSON_URL + "?region=kronoberg")
    assert record["updated_at"] is None

    project._history_user = User.objects.create_user("redaktor")
    project.save()
    edited = timezone.localtime(project.history.first().history_date)
    (row,) = csv_records(client, CSV_URL + "?region=kronoberg")
    (record,) = json_records(client, JSON_URL + "?region=kronoberg")
    assert record["updated_at"] == edited.isoformat(timespec="milliseconds")
    assert row["Senast ändrad"] == f"{edited:%Y-%m-%d %H:%M}"
    # Not the fixture's own time, which nobody entered.
    assert not row["Senast ändrad"].startswith("2026-11-22")


def test_a_cell_excel_would_run_as_a_formula_is_quoted_as_text(client):
    project = make_project(lead='=HYPERLINK("http://example.com")', purpose="- en punkt")
    url = f"?region={project.region.slug}"
    (row,) = csv_records(client, CSV_URL + url)
    assert row["Ingress"] == '\'=HYPERLINK("http://example.com")'
    assert row["Syfte"] == "'- en punkt"
    (record,) = json_records(client, JSON_URL + url)
    assert record["lead"] == project.lead  # JSON keeps the text as it is


@pytest.mark.parametrize(
    "text",
    [
        "Vanlig text",
        "",
        "a;b",
        'citat "så"',
        "rad\nrad",
        "rad\r\nrad",
        "\r",
        '"',
        "=1+1",
        "- punkt",
    ],
)
def test_a_cell_is_written_as_csv_writer_writes_it(text):
    assert_written_as_csv_writer_writes(text)


@given(st.text(alphabet=st.sampled_from(';"\r\n\t=+-@ aåZ,'), max_size=12) | st.text())
def test_any_text_is_written_as_csv_writer_writes_it(text):
    assert_written_as_csv_writer_writes(text)


def assert_written_as_csv_writer_writes(text):
    # The export quotes cells itself, for speed: the file must not change by a byte.
    guarded = "'" + text if text.startswith(exports.FORMULA_STARTS) else text
    expected = io.StringIO()
    csv.writer(expected, delimiter=";", lineterminator="\r\n").writerow([guarded, "x"])
    assert csv_line([text, "x"]) == expected.getvalue()


@pytest.mark.parametrize("count", [0, 1, 5])
def test_among_picks_exactly_the_rows_of_the_ids(count):
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:count])
    for model in [Goal, Partnership, Contact]:
        picked = model.objects.filter(project__in=among(ids)).order_by("pk")
        listed = model.objects.filter(project__in=ids).order_by("pk")
        assert list(picked) == list(listed)


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL, CSV_URL + "?sort=region"])
def test_exports_read_in_chunks_give_the_same_file(client, url, monkeypatch):
    for number in range(4):
        add_rich_data(make_project(title=f"Bitvis {number}"), number)
    whole = streamed(client.get(url))
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    monkeypatch.setattr(exports, "LINES_PER_PIECE", 2)
    assert streamed(client.get(url)) == whole


@pytest.mark.parametrize(
    "query, expected",
    [
        (TWO_REGIONS, IN_TWO_REGIONS),
        ("?theme=upphandling-med-social-hansyn", {"starkare-asf-i-jonkopings-lan"}),
        ("?q=säljbolag", {"ostergotland-2017-2018", "vastra-gotaland-2017-2018"}),
        ("?programme=eruf&programme=interreg-ivc", {"ostgotamodellen", "messe"}),
        ("?year=2017&status=avslutade&region=skane", {"skane-2017-2018"}),
    ],
)
def test_exports_take_the_lists_filters(client, query, expected):
    assert set(listed_slugs(client.get("/projekt/" + query))) == expected
    assert {row["Projekt-id"] for row in csv_records(client, CSV_URL + query)} == expected
    assert {record["slug"] for record in json_records(client, JSON_URL + query)} == expected


def test_exports_are_never_paged(client):
    region = Region.objects.get(slug="skane")
    for number in range(25):
        make_project(region=region, title=f"Skåneprojekt {number:02}")
    query = "?region=skane&page=2"
    assert len(listed_slugs(client.get("/projekt/" + query))) == 6
    assert len(csv_records(client, CSV_URL + query)) == 26
    assert len(json_records(client, JSON_URL + query)) == 26


def test_exports_keep_the_lists_sort_order(client):
    query = TWO_REGIONS + "&sort=region"
    slugs = [row["Projekt-id"] for row in csv_records(client, CSV_URL + query)]
    assert slugs == [
        "kronoberg-2017-2018",
        "ostergotland-2017-2018",
        "messe",
        "ostgotamodellen",
    ]
    assert [record["slug"] for record in json_records(client, JSON_URL + query)] == slugs


def test_drafts_never_appear_in_the_exports(client):
    kronoberg = Region.objects.get(slug="kronoberg")
    draft = make_project(region=kronoberg, status=Project.Status.DRAFT, title="Hemligt utkast")
    for query in ["", "?region=kronoberg", "?q=hemligt"]:
        assert draft.slug not in {row["Projekt-id"] for row in csv_records(client, CSV_URL + query)}
        assert draft.slug not in {r["slug"] for r in json_records(client, JSON_URL + query)}
    assert b"Hemligt utkast" not in streamed(client.get(CSV_URL))


MALFORMED = [
    ({"region": "finns-inte"}, "Region"),
    ({"year": "tjugohundra"}, "År"),
    ({"status": "kanske"}, "Status"),
    ({"theme": "okänt"}, "Tema"),
    ({"sort": "storlek"}, "Sortera efter"),
    ({"q": "x" * 500}, "Sök i projekten"),
    ({"q": "upp\x00handling"}, "Sök i projekten"),
]


@pytest.mark.parametrize("query, label", MALFORMED)
def test_a_malformed_filter_gives_a_swedish_400_not_a_file(client, query, label):
    response = client.get(CSV_URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert text.startswith("Filtren i adressen kunde inte användas:")
    assert f"- {label}: " in text

    response = client.get(JSON_URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    errors = json.loads(response.content)["fel"]
    assert any(error.startswith(f"{label}: ") for error in errors)
    swedish = ["Välj", "högst", "Null", "tecken", "Portalen har", "år då", "sorteras"]
    assert any(word in " ".join(errors) for word in swedish)


def export_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        streamed(client.get(url))
    return len(queries)


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL, CSV_URL + "?q=samverkan&region=kronoberg"])
def test_export_queries_do_not_grow_with_projects_and_goals(client, url):
    export_queries(client, url)
    before = export_queries(client, url)
    kronoberg = Region.objects.get(slug="kronoberg")
    for number in range(60):
        project = make_project(region=kronoberg, lead="samverkan")
        add_rich_data(project, number)
    assert len(csv_records(client, CSV_URL + "?region=kronoberg")) == 61
    assert export_queries(client, url) == before


def test_list_page_links_its_own_selection_for_download(client):
    page = parse(client.get("/projekt/" + TWO_REGIONS + "&page=1"))
    links = page.links()
    assert CSV_URL + TWO_REGIONS in links
    assert JSON_URL + TWO_REGIONS in links
    assert reverse("data") in links
    unfiltered = parse(client.get("/projekt/")).links()
    assert CSV_URL in unfiltered and JSON_URL in unfiltered
