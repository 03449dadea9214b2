"""The interface's Swedish on every public page: a count agrees with what it counts, small
counts in running text are words, one word for the projects' partners, the home page's years
kept together."""

import re

import pytest

from projects.models import Project, Theme
from projects.templatetags.portal import in_words, in_words_beside
from regions.models import Region
from tests.html import normalise

pytestmark = pytest.mark.django_db


def public_pages():
    pages = ["/", "/regioner/", "/projekt/", "/statistik/", "/om/", "/data/"]
    pages += ["/tillganglighet/", "/personuppgifter/"]
    pages += [region.get_absolute_url() for region in Region.objects.all()]
    pages += [f"/projekt/?region={region.slug}" for region in Region.objects.all()]
    pages += [f"/projekt/?theme={theme.slug}" for theme in Theme.objects.all()]
    pages += ["/projekt/?programme=eruf", "/projekt/?programme=interreg-ivc"]
    pages += ["/projekt/?status=avslutade", "/projekt/?q=upphandling", "/projekt/?q=rymdraket"]
    for project in Project.objects.published():
        pages += [project.get_absolute_url(), f"/projekt/{project.slug}/versioner/"]
    pages += ["/jamfor/?region=ostergotland&region=kronoberg&region=dalarna"]
    return pages


def running_text(html):
    """The main content's words, without the tables, charts and key figures, where counts
    stand as digits."""
    main = html.split('<main id="innehall"')[1].split("</main>")[0]
    for figures in [r"<table.*?</table>", r"<svg.*?</svg>", r'<span class="figure">.*?</span>']:
        main = re.sub(figures, " ", main, flags=re.S)
    return normalise(re.sub(r"<[^>]+>", " ", main)).replace("\xad", "")


@pytest.fixture
def pages(client):
    found = {}
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = response.content.decode()
    return found


def test_counts_agree_with_what_they_count(pages):
    for url, html in pages.items():
        text = running_text(html)
        # "1 projekt finansierade", "ett projekt avslutade": a plural after one.
        assert not re.search(
            r"(?<![\d\s,])\s?\b(1|[Ee]tt|[Ee]n) (projekt|mål|regioner?) \w+ade\b", text
        ), url
        assert not re.search(r"\b(1|[Ee]tt|[Ee]n) (regioner|uppgifter|filter valda)\b", text), url
        # Running text writes one to twelve in words: "regionens tre projekt", not "3 projekt".
        assert not re.search(r"(?<![\d\s,–-])\s\b([1-9]|1[0-2]) (projekt|mål)\b", text), (
            url,
            re.search(r".{40}\b([1-9]|1[0-2]) (projekt|mål)\b.{20}", text),
        )


def test_the_projects_partners_have_one_name(pages):
    for url, html in pages.items():
        words = {word.lower() for word in re.findall(r"sam\w+partner", html, re.I)}
        assert not any(word.startswith("samarbetspartner") for word in words), url


def test_the_list_says_one_project_in_the_singular(client):
    html = client.get("/projekt/", {"programme": "eruf"}).content.decode()
    heading = normalise(
        re.sub(r"<[^>]+>", "", html.split('id="resultat-rubrik">')[1].split("</h2>")[0])
    )
    assert heading == "Ett projekt med finansiering från Europeiska regionala utvecklingsfonden"
    assert "Det har annan finansiering än programmet 2017–2018." in html


def test_a_single_region_project_is_not_counted_as_many(client):
    text = running_text(client.get("/regioner/kronoberg/").content.decode())
    assert "regionens 1 projekt" not in text
    assert "Regionens projekt i projektlistan" in text
    text = running_text(client.get("/regioner/ostergotland/").content.decode())
    assert "Sök bland regionens tre projekt" in text


def test_statistics_say_nothing_of_outcomes_still_to_come(client):
    # Every project ended in 2018: "ännu" would promise reports no one expects.
    text = running_text(client.get("/statistik/").content.decode())
    assert "ännu" not in text
    assert "Ingen av portalens källor har publicerat någon uppföljning av målen." in text


def test_no_heading_stands_over_a_single_figure(client):
    # Jönköpings län has one figure from the sources, Västra Götaland three.
    jonkoping = client.get("/regioner/jonkopings-lan/").content.decode()
    assert 'id="siffror-rubrik"' not in jonkoping
    assert "kommuner som redan tillämpar upphandling med social hänsyn" in jonkoping
    vastra_gotaland = client.get("/regioner/vastra-gotaland/").content.decode()
    assert '<h2 id="siffror-rubrik">Regionen i siffror</h2>' in vastra_gotaland


def test_the_home_pages_years_stay_on_one_line(client):
    html = client.get("/").content.decode()
    lead = html.split('<p class="lead">')[1].split("</p>")[0]
    assert '<span class="no-break">2017–2018</span>' in lead


@pytest.mark.parametrize(
    "count, words",
    [(0, "inga"), (1, "ett"), (2, "två"), (12, "tolv"), (13, "13"), (1200, "1\xa0200")],
)
def test_counts_in_words(count, words):
    assert in_words(count) == words


def test_counts_in_words_by_gender_and_beside_a_larger_count():
    assert in_words(1, "en") == "en"
    assert in_words(2, "en") == "två"
    assert in_words_beside(3, 13) == "3"
    assert in_words_beside(3, 12) == "tre"
