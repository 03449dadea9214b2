"""Statistics per region and programme, goal follow-up roll-up, and regions side by side."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from projects.models import Goal, Programme, Project
from regions.charts import bar_chart
from regions.models import Region, Source
from tests.html import assert_page_basics, parse

pytestmark = pytest.mark.django_db


def row(page, label):
    """The numbers of the statistics table row whose header is `label`."""
    html = page.split(f">{label}</a></th>")[1].split("</tr>")[0]
    import re

    return [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', html)]


def test_statistics_per_region_match_the_database(client):
    response = client.get("/statistik/")
    assert response.status_code == 200
    assert_page_basics(parse(response))
    html = response.content.decode()
    # projects, goals, overall, result, with target, with follow-up, achieved
    assert row(html, "Jönköpings län") == [1, 10, 2, 8, 5, 0, 0]
    assert row(html, "Kronoberg") == [1, 1, 1, 0, 1, 0, 0]
    assert row(html, "Östergötland") == [3, 0, 0, 0, 0, 0, 0]
    assert row(html, "Regionala projekt för ökad sysselsättning i ASF 2017–2018") == [
        12,
        11,
        3,
        8,
        6,
        0,
        0,
    ]
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
    assert row(client.get("/statistik/").content.decode(), "Skåne") == [1, 0, 0, 0, 0, 0, 0]


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
    assert "Ingen uppföljning av målen har publicerats" in html


def test_compare_two_regions_side_by_side(client):
    response = client.get("/jamfor/", {"region": ["vastra-gotaland", "kronoberg"]})
    assert response.status_code == 200
    page = parse(response)
    assert_page_basics(page)
    assert page.texts("h2")[:2] == ["Kronoberg", "Västra Götaland"]
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


def test_bar_chart_scales_to_the_largest_value():
    chart = bar_chart("Test", [("A", 10), ("B", 5), ("C", 0)])
    assert [bar.width for bar in chart.bars] == [260, 130, 0]
    assert chart.height == 3 * 28
    assert bar_chart("Tomt", []).bars == []


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
