"""Statistics per region and programme, goal follow-up roll-up, and regions side by side."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from projects.models import Goal, Programme, Project
from regions.models import Region, Source
from tests.conftest import make_project
from tests.html import assert_page_basics, normalise, parse

pytestmark = pytest.mark.django_db


UNKNOWN = "ingen uppföljning publicerad"


def row(page, label):
    """The cells of the statistics table row whose header is `label`: numbers as numbers,
    and the words that say a follow-up is unknown as those words."""
    html = page.split(f">{label}</a></th>")[1].split("</tr>")[0]
    cells = [normalise(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    return [int(cell) if cell.isdigit() else cell for cell in cells]


def test_statistics_per_region_match_the_database(client):
    response = client.get("/statistik/")
    assert response.status_code == 200
    assert_page_basics(parse(response))
    html = response.content.decode()
    # projects in the 2017–2018 programme, with other funding, goals, overall, result,
    # with target, then with follow-up and achieved (unknown: nothing is reported)
    assert row(html, "Jönköpings län") == [1, 0, 10, 2, 8, 5, UNKNOWN]
    assert row(html, "Kronoberg") == [1, 0, 1, 1, 0, 1, UNKNOWN]
    assert row(html, "Östergötland") == [1, 2, 0, 0, 0, 0, UNKNOWN]
    assert row(html, "Gävleborg") == [1, 0, 3, 0, 0, 1, UNKNOWN]  # no kind stated
    # per programme: projects, goals, overall, result, with target, follow-up
    programme = "Regionala projekt för ökad sysselsättning i ASF 2017–2018"
    assert row(html, programme) == [12, 14, 3, 8, 7, UNKNOWN]
    assert row(html, "Interreg IVC") == [1, 0, 0, 0, 0, UNKNOWN]
    assert html.count('<svg class="bar-chart"') == 3
    assert 'role="img"' in html


def test_drafts_do_not_count(client):
    draft = Project.objects.create(
        region=Region.objects.get(slug="skane"),
        programme=Programme.objects.first(),
        title="Utkast",
        slug="utkast",
        status="draft",
        source=Source.objects.first(),
    )
    Goal.objects.create(project=draft, kind="result", text="x", source=draft.source)
    assert row(client.get("/statistik/").content.decode(), "Skåne") == [1, 0, 0, 0, 0, 0, UNKNOWN]


def test_reported_follow_up_rolls_up_to_region_and_statistics(client):
    goal = Goal.objects.get(target_unit="nya avtal")
    goal.status, goal.outcome_value = Goal.Status.ACHIEVED, 4
    goal.reported_on, goal.report_source = date(2019, 2, 1), goal.source
    goal.save()
    assert row(client.get("/statistik/").content.decode(), "Jönköpings län")[-2:] == [1, 1]
    region_page = client.get("/regioner/jonkopings-lan/").content.decode()
    assert "Med rapporterad uppföljning</dt><dd>1" in region_page
    project_page = client.get(goal.project.get_absolute_url()).content.decode()
    assert "Status: Uppnått, rapporterat 1 februari 2019" in project_page
    assert "Utfall: 4 nya avtal" in project_page


def test_a_follow_up_needs_its_date_and_source():
    goal = Goal.objects.get(target_unit="nya avtal")
    goal.status = Goal.Status.ACHIEVED
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "behöver datum och källa" in str(error.value)


def test_region_page_says_no_follow_up_is_published(client):
    html = client.get("/regioner/kronoberg/").content.decode()
    assert "<dt>Uppföljning</dt><dd>ingen uppföljning publicerad</dd>" in html


def test_compare_two_regions_side_by_side(client):
    response = client.get("/jamfor/", {"region": ["vastra-gotaland", "kronoberg"]})
    assert response.status_code == 200
    page = parse(response)
    assert_page_basics(page)
    headings = ["Projekt och mål", "Finansiering", "Kronoberg", "Västra Götaland"]
    assert page.texts("h2")[:4] == headings
    text = " ".join(page.texts("main"))
    assert "processa fram en samverkansorganisation" in text
    assert "omkring 50 arbetsintegrerande sociala företag i Göteborg" in text
    assert "/projekt/vastra-gotaland-2017-2018/" in page.links()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"region": "kronoberg"}, "Välj minst två regioner"),
        ({"region": ["kronoberg", "atlantis"]}, "Regionen ”atlantis” finns inte."),
    ],
)
def test_compare_explains_bad_choices(client, query, message):
    response = client.get("/jamfor/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_compare_without_choices_shows_the_form(client):
    response = client.get("/jamfor/?region=")
    assert response.status_code == 200
    assert 'name="region"' in response.content.decode()


def test_svg_numbers_are_never_localized(client):
    """Coordinates are read by the browser: in Swedish, 86,7 would be a list of two numbers."""
    html = client.get("/statistik/").content.decode()
    html += client.get("/regioner/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) > 3
    numbers = re.findall(r'\s(?:x|y|width|height|rx|font-size|viewBox)="([^"]*)"', "".join(svgs))
    assert numbers
    for value in numbers:
        assert re.fullmatch(r"-?(\d+|\d*\.\d+)( -?(\d+|\d*\.\d+))*", value), value


def test_statistics_queries_are_constant(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/statistik/")
    with CaptureQueriesContext(connection) as before:
        client.get("/statistik/")
    for number in range(10):
        project = Project.objects.create(
            region=Region.objects.get(slug="dalarna"),
            programme=Programme.objects.first(),
            title=f"P{number}",
            slug=f"p-{number}",
            status="published",
            source=Source.objects.first(),
        )
        Goal.objects.create(project=project, kind="result", text="x", source=project.source)
    with django_assert_max_num_queries(len(before)):
        client.get("/statistik/")


def report(goal, status, outcome=None):
    goal.status, goal.outcome_value = status, outcome
    goal.reported_on, goal.report_source = date(2019, 2, 1), goal.source
    goal.save()


@pytest.mark.parametrize(
    "url",
    ["/statistik/", "/regioner/jonkopings-lan/", "/jamfor/?region=jonkopings-lan&region=skane"],
)
def test_unreported_follow_up_is_unknown_not_zero(client, url):
    """No source reports an outcome: nothing may read as "no goal was achieved"."""
    html = client.get(url).content.decode()
    text = normalise(re.sub(r"<[^>]+>", " ", html))
    assert UNKNOWN in html
    for zero in ["Uppnådda 0", "Uppföljning 0", "uppföljning 0"]:
        assert zero not in text.replace("\xad", ""), zero


def test_known_outcomes_keep_their_counts_and_the_rest_stays_unknown(client):
    goals = Goal.objects.filter(project__slug="starkare-asf-i-jonkopings-lan").order_by("pk")
    report(goals[0], Goal.Status.NOT_ACHIEVED)
    html = client.get("/statistik/").content.decode()
    # one goal reported, none of the reported achieved: a known zero
    assert row(html, "Jönköpings län")[-2:] == [1, 0]
    assert row(html, "Kronoberg")[-1] == UNKNOWN
    region_page = client.get("/regioner/jonkopings-lan/").content.decode()
    assert "Med rapporterad uppföljning</dt><dd>1</dd>" in region_page
    assert "Uppnådda</dt><dd>0</dd>" in region_page
    assert "Ingen av portalens källor har publicerat någon uppföljning" not in html


def test_statistics_count_the_programmes_projects_per_region(client):
    """Östergötland has one project in the 2017–2018 programme and two with other funding."""
    html = client.get("/statistik/").content.decode()
    assert row(html, "Östergötland")[:2] == [1, 2]
    chart = html.split('aria-label="Projekt i programmet 2017–2018 per region.')[1]
    chart = chart.split("</svg>")[0]
    values = re.findall(r'class="bar-value"[^>]*>(\d+)</text>', chart)
    assert values == ["1"] * 12
    make_project(
        region=Region.objects.get(slug="ostergotland"),
        programme=Programme.objects.get(slug="eruf"),
    )
    assert row(client.get("/statistik/").content.decode(), "Östergötland")[:2] == [1, 3]


def test_compare_names_the_other_projects_by_their_funding(client):
    page = parse(client.get("/jamfor/", {"region": ["ostergotland", "kronoberg"]}))
    text = " ".join(page.texts("main"))
    assert (
        "Ett projekt ingår i programmet 2017–2018 och två har annan finansiering "
        "(Europeiska regionala utvecklingsfonden och Interreg IVC)." in text
    )
    assert "Projekt (3)" not in text


def test_a_region_page_says_which_goals_have_no_stated_kind(client):
    page = client.get("/regioner/gavleborg/").content.decode()
    assert '<th scope="row">Källan anger inte typen</th><td class="number">3</td>' in page
    assert '<th scope="row">Övergripande mål</th><td class="number">0</td>' in page
