"""A region's goals and the compared regions' projects, goals and funding: each chart drawn
only where it shows more than its table, and always followed by a table of the same numbers."""

import re

import pytest

from regions import charts
from tests.html import normalise, parse

pytestmark = pytest.mark.django_db

ARIA_NOTE = ". Siffrorna finns i tabellen under diagrammet."


def drawn_charts(html):
    """{chart title: [(label, value)]} of every bar chart in the page."""
    found = {}
    for title, svg in re.findall(
        r'<svg class="bar-chart"[^>]*aria-label="([^"]*)"(.*?)</svg>', html, re.S
    ):
        assert title.endswith(ARIA_NOTE)
        labels = [
            normalise(" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)))
            for label in re.findall(r'<text class="bar-label".*?</text>', svg, re.S)
        ]
        values = [int(v) for v in re.findall(r'<text class="bar-value"[^>]*>(\d+)</text>', svg)]
        found[title.removesuffix(ARIA_NOTE)] = list(zip(labels, values, strict=True))
    return found


def table(html, caption):
    """[(row header, [cell texts])] of the table with this caption."""
    page = html.split(f"<caption>{caption}</caption>")[1].split("</table>")[0]
    rows = []
    for body in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], re.S):
        header = normalise(re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", body).group(1)))
        cells = [
            normalise(re.sub(r"<[^>]+>", " ", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        ]
        rows.append((header, cells))
    return rows


def test_a_region_with_goals_of_two_kinds_draws_them_with_their_table(client):
    html = client.get("/regioner/jonkopings-lan/").content.decode()
    chart = drawn_charts(html)["Mål i regionens projekt efter typ"]
    assert chart == [("Övergripande mål", 2), ("Resultatmål", 8)]
    rows = table(html, "Mål i regionens projekt efter typ")
    assert [(label, int(cells[0])) for label, cells in rows] == chart
    assert "Regionens projekt har tio publicerade mål." in normalise(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "slug, rows",
    [
        # Only goals of no stated kind: one bar, so the table alone.
        (
            "gavleborg",
            [("Övergripande mål", "0"), ("Resultatmål", "0"), ("Källan anger inte typen", "3")],
        ),
        ("kronoberg", [("Övergripande mål", "1"), ("Resultatmål", "0")]),
    ],
)
def test_a_chart_of_one_bar_is_not_drawn_the_table_is(client, slug, rows):
    html = client.get(f"/regioner/{slug}/").content.decode()
    assert drawn_charts(html) == {}
    found = table(html, "Mål i regionens projekt efter typ")
    assert [(label, cells[0]) for label, cells in found] == rows


def test_one_goal_is_said_in_the_singular(client):
    text = " ".join(parse(client.get("/regioner/kronoberg/")).texts("main"))
    assert "Regionens projekt har ett publicerat mål." in text


def test_a_region_without_goals_has_no_chart_and_says_so(client):
    html = client.get("/regioner/skane/").content.decode()
    assert drawn_charts(html) == {}
    assert "Inga mål har publicerats för regionens projekt." in html
    assert "Mål i regionens projekt efter typ" not in html


def test_compared_regions_charts_match_their_table(client):
    chosen = ["jonkopings-lan", "kronoberg", "ostergotland", "skane"]
    html = client.get("/jamfor/", {"region": chosen}).content.decode()
    drawn = drawn_charts(html)
    assert set(drawn) == {"Publicerade projekt per region", "Mål i regionernas projekt"}
    rows = table(html, "Projekt och mål i de valda regionerna")
    # Region, then Projekt, Mål, … as the statistics page's table.
    assert [(label, int(cells[0])) for label, cells in rows] == drawn[
        "Publicerade projekt per region"
    ]
    assert [(label, int(cells[1])) for label, cells in rows] == drawn["Mål i regionernas projekt"]
    assert drawn["Publicerade projekt per region"] == [
        ("Jönköpings län", 1),
        ("Kronoberg", 1),
        ("Skåne", 1),
        ("Östergötland", 3),
    ]
    assert drawn["Mål i regionernas projekt"] == [
        ("Jönköpings län", 10),
        ("Kronoberg", 1),
        ("Skåne", 0),
        ("Östergötland", 0),
    ]


def test_compared_regions_charts_are_left_out_when_they_would_show_nothing(client):
    # One project each, goals in one of them only: the table says it all.
    html = client.get("/jamfor/", {"region": ["kronoberg", "skane"]}).content.decode()
    assert drawn_charts(html) == {}
    rows = table(html, "Projekt och mål i de valda regionerna")
    assert [(label, cells[:2]) for label, cells in rows] == [
        ("Kronoberg", ["1", "1"]),
        ("Skåne", ["1", "0"]),
    ]


def test_funding_is_what_the_sources_say_and_unknown_is_never_zero(client):
    html = client.get("/jamfor/", {"region": ["dalarna", "skane"]}).content.decode()
    rows = dict(table(html, "Finansiering enligt källorna"))
    assert "Första stödet från Tillväxtverket 2 miljoner kronor" in rows["Dalarna"][0]
    assert "Tillväxtverket och Region Dalarna." in rows["Dalarna"][0]
    assert rows["Skåne"] == ["Källorna säger inget om finansieringen."]
    # No amount is drawn: no chart is about funding.
    assert not any("inansiering" in title for title in drawn_charts(html))


def test_charts_worth_drawing():
    assert charts.chart_if_worth_drawing("T", [("A", 0), ("B", 3)]) is None
    assert charts.chart_if_worth_drawing("T", [("A", 1), ("B", 1)]) is None
    assert charts.chart_if_worth_drawing("T", [("A", 3)]) is None
    chart = charts.chart_if_worth_drawing("T", [("A", 1), ("B", 3), ("C", 0)])
    assert [bar.value for bar in chart.bars] == [1, 3, 0]


@pytest.mark.parametrize(
    "url",
    [
        "/statistik/",
        "/jamfor/?region=jonkopings-lan&region=ostergotland&region=kronoberg",
    ],
)
def test_a_chart_of_its_own_is_named_before_it_is_drawn(client, url):
    """Several charts follow one heading: each says what it shows before its bars, as a table's
    caption does, so the reader never meets a second list of regions without a name."""
    html = client.get(url).content.decode()
    titles = list(drawn_charts(html))
    assert len(titles) >= 2
    named_first = re.findall(
        r'<figure>\s*<figcaption>([^<]*)</figcaption>\s*<svg class="bar-chart"', html
    )
    assert named_first == titles
