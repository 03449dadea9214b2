"""Facts summarised from public pages (projects/facts.py), and the pages that show them."""

import itertools
from urllib.parse import unquote

import pytest
from django.db import IntegrityError, transaction

from projects.models import Fact, Programme, Project
from regions.models import Region
from tests.html import normalise, parse

pytestmark = pytest.mark.django_db

PROGRAMME = "regionala-projekt-2017-2018"
OVERVIEW = (
    "https://tillvaxtverket.se/amnesomraden/kompetensforsorjning/"
    "stod-till-arbetsintegrerande-sociala-foretag/regionala-projekt.html"
)
FINAL_REPORT = (
    "http://docplayer.se/137268927-Slutrapport-regeringsuppdrag-a-2016-00424-a-dnr-a-"
    "godkand-av-lena-carlsson.html"
)


def programme_projects():
    return Project.objects.filter(programme__slug=PROGRAMME).with_details()


def links(page):
    """Each address the page links, with the texts of its links."""
    found = {}
    for attrs, text in page.find_all("a"):
        found.setdefault(attrs.get("href"), set()).add(text)
    return found


def fact_items(page):
    return [text for attrs, text in page.find_all("li") if text.endswith("hämtad 2026")]


@pytest.mark.parametrize(
    "owners",
    [
        {"project": "gavleborg-2017-2018", "programme": PROGRAMME},
        {},
    ],
    ids=["both", "neither"],
)
def test_a_fact_belongs_to_a_project_or_to_a_programme(owners):
    source = Fact.objects.first().source
    fields = {
        "project": Project.objects.get(slug=owners["project"]) if owners else None,
        "programme": Programme.objects.get(slug=owners["programme"]) if owners else None,
    }
    violation = pytest.raises(IntegrityError, match="fact_for_project_or_programme")
    with violation, transaction.atomic():
        Fact.objects.create(
            label="syfte", topic=Fact.Topic.PURPOSE, text="x", source=source, **fields
        )


def test_facts_are_shown_by_topic_in_the_topics_order():
    project = programme_projects().get(slug="gavleborg-2017-2018")
    order = list(Fact.Topic)
    topics = [order.index(fact.topic) for fact in project.facts_by_topic]
    assert topics == sorted(topics)
    assert project.facts_by_topic[0].label == "projektnamn"
    assert [f.label for f in project.facts_by_topic if f.topic == "goals"] == [
        "mål 1",
        "mål 2",
        "mål 3",
    ]


def test_nine_or_more_of_the_twelve_projects_have_a_description():
    described = [project.slug for project in programme_projects() if project.has_description]
    assert len(described) >= 9
    assert "kalmar-lan-2017-2018" not in described  # only that it was funded, and the region


def test_what_is_not_known_is_what_no_fact_or_record_tells():
    projects = {project.slug: project for project in programme_projects()}
    assert projects["kalmar-lan-2017-2018"].not_known == [
        "projektets titel",
        "vem som ägde och ledde projektet",
        "projektets mål",
        "vad projektet ledde till",
        "vem du kan kontakta",
    ]
    # Its own title, owner, three goals, results and contacts: all known.
    assert projects["gavleborg-2017-2018"].not_known == []
    # The goals and the contact are records of their own (quoted), not facts.
    assert projects["kronoberg-2017-2018"].not_known == ["projektets titel"]


def test_a_project_page_shows_every_fact_with_its_page_and_its_kind(client):
    for project in programme_projects():
        page = parse(client.get(project.get_absolute_url()))
        shown, items = links(page), fact_items(page)
        for fact in project.facts_by_topic:
            item = next(item for item in items if normalise(fact.text) in item)
            assert item.startswith(f"{fact.label[0].upper()}{fact.label[1:]}: ")
            assert f"Sammanfattning av {fact.source.publisher}: " in item
            # The address is the link; its text the host and path, as no title was noted.
            host_and_path = unquote(fact.source.url.split("://")[1].rstrip("/"))
            assert host_and_path == fact.source.name in shown[fact.source.url]
        assert len(items) >= len(project.facts_by_topic) + 25  # and the programme's 25


def test_page_dates_are_shown_as_the_page_shows_them(client):
    text = normalise(client.get("/projekt/gavleborg-2017-2018/").content.decode())
    assert "sidans datum: 2019-01-07 (enligt URL) · hämtad 2026" in text
    assert "inget datum syns på sidan · hämtad 2026" in text  # "ej synligt i lagrad kopia"


def test_quoted_texts_say_they_are_quotations(client):
    page = parse(client.get("/projekt/starkare-asf-i-jonkopings-lan/"))
    provenance = next(t for a, t in page.find_all("p") if a.get("class") == "provenance")
    assert provenance == (
        "Citat ur Region Jönköpings län (Utveckling i Jönköpings län): "
        "Starkare ASF i Jönköpings län · hämtad 2026"
    )


def test_a_project_page_says_what_is_not_known_and_where_to_look(client):
    page = parse(client.get("/projekt/kalmar-lan-2017-2018/"))
    text = " ".join(page.texts("main"))
    assert "Det här säger inte källorna som portalen har läst:" in text
    assert "Vem du kan kontakta" in page.texts("li")
    shown = links(page)
    assert "Regionala projekt för ökad sysselsättning" in shown[OVERVIEW]
    assert "Tillväxtverkets slutrapport om regeringsuppdraget" in shown[FINAL_REPORT]
    assert "”Sammanfattningar – Regionala projekt för ökad sysselsättning" in text


@pytest.mark.parametrize("slug", ["norrbotten", "jamtland-harjedalen", "kalmar-lan"])
def test_the_regions_where_little_is_known_say_what_is_not_known(client, slug):
    region = Region.objects.get(slug=slug)
    page = parse(client.get(region.get_absolute_url()))
    text = " ".join(page.texts("main"))
    assert "Det här säger inte källorna som portalen har läst:" in text
    for unknown in ("Projektets titel", "Vem som ägde och ledde projektet", "Projektets mål"):
        assert unknown in page.texts("li")
    assert {OVERVIEW, FINAL_REPORT} <= set(links(page))
    # And what is known, each with its page.
    project = programme_projects().get(region=region)
    items = fact_items(page)
    for fact in project.facts_by_topic:
        assert any(normalise(fact.text) in item for item in items), fact
        assert fact.source.url in links(page)


def test_every_region_page_shows_its_projects_facts(client):
    for region in Region.objects.all():
        page = parse(client.get(region.get_absolute_url()))
        project = programme_projects().get(region=region)
        headings = page.texts("h2")
        assert f"Vad källorna säger om {project.title}" in headings
        assert len(fact_items(page)) == project.facts.count()


def test_the_headings_run_in_order(client):
    for path in ["/projekt/dalarna-2017-2018/", "/regioner/dalarna/"]:
        page = parse(client.get(path))
        levels = [int(tag[1]) for tag, _, _ in page.elements if tag in {"h1", "h2", "h3", "h4"}]
        assert levels[0] == 1
        assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


def test_goals_partners_and_contacts_say_which_text_they_quote(client):
    page = client.get("/projekt/starkare-asf-i-jonkopings-lan/").content.decode()
    goals = page.split('id="mal-rubrik"')[1].split("</section>")[0]
    # Ten goals from one text: cited once, under the list.
    assert goals.count('class="provenance"') == 1
    assert "Citat ur Region Jönköpings län (Utveckling i Jönköpings län)" in goals
    partners = page.split('id="partner-rubrik"')[1].split("</section>")[0]
    assert partners.count("Citat ur Region Jönköpings län") == 1
    kronoberg = client.get("/projekt/kronoberg-2017-2018/").content.decode()
    contacts = kronoberg.split('id="kontakt-rubrik"')[1].split("</section>")[0]
    assert "Karin Palmér" in contacts and "Citat ur Tillväxtverket" in contacts
