import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import Project
from regions.models import Region
from tests.conftest import make_project
from tests.html import parse
from tests.projects.test_exports import IN_TWO_REGIONS, MALFORMED, TWO_REGIONS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = "/projekt/flode/"


def atom(response):
    """The feed parsed as XML, after checking it is Atom with what Atom requires."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ["id", "title", "updated"]:
        assert feed.findtext(ATOM + required), required
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ["id", "title", "updated"]:
            assert entry.findtext(ATOM + required), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/projekt/")
    return feed


def entries(feed):
    return feed.findall(f"{ATOM}entry")


def entry_slugs(feed):
    return [entry.find(f"{ATOM}link").get("href").split("/")[-2] for entry in entries(feed)]


def updated(element):
    return datetime.fromisoformat(element.findtext(f"{ATOM}updated"))


def edit(project, **fields):
    """A change an editor makes: saved with who made it, as the admin saves it."""
    for name, value in fields.items():
        setattr(project, name, value)
    project._history_user = User.objects.create_user(f"redaktor-{project.pk}")
    project.save()
    return project.history.first().history_date


def test_feed_lists_published_projects_newest_changed_first(client):
    changed = Project.objects.get(slug="messe")
    edited_at = edit(changed, lead=changed.lead + " Ändrad.")
    feed = atom(client.get(FEED_URL))
    assert feed.findtext(f"{ATOM}title") == "Projekt – ASF-portalen"
    assert len(entries(feed)) == Project.objects.published().count() == 14
    assert entry_slugs(feed)[0] == "messe"
    times = [updated(entry) for entry in entries(feed)]
    assert times == sorted(times, reverse=True)
    assert updated(feed) == times[0] == edited_at  # the feed's updated is the latest


def test_a_project_as_loaded_is_dated_when_the_portal_published_it(client):
    """Not the fixture's 2026-11-22 09:00, a time nobody entered anything: the portal's first
    version of it, and the summary says the text is as the source gave it."""
    project = Project.objects.get(slug="starkare-asf-i-jonkopings-lan")
    published = project.history.earliest("history_date").history_date
    (entry,) = entries(atom(client.get(FEED_URL + "?region=jonkopings-lan")))
    assert updated(entry) == published
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == published
    assert entry.findtext(f"{ATOM}summary") == (
        f"<p>{project.lead}</p><p>Texten är som den hämtades ur källan (Region Jönköpings län "
        "(Utveckling i Jönköpings län), hämtad 2026) och har inte ändrats i portalen sedan "
        "dess.</p>"
    )

    edited_at = edit(project, lead="En ny ingress.")
    (entry,) = entries(atom(client.get(FEED_URL + "?region=jonkopings-lan")))
    assert updated(entry) == edited_at
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == published
    assert entry.findtext(f"{ATOM}summary") == "<p>En ny ingress.</p>"


def test_entry_links_to_the_project_and_summarises_it(client):
    feed = atom(client.get(FEED_URL + "?region=jonkopings-lan&region=dalarna"))
    by_slug = dict(zip(entry_slugs(feed), entries(feed), strict=True))
    project = Project.objects.get(slug="starkare-asf-i-jonkopings-lan")
    entry = by_slug[project.slug]
    assert entry.findtext(f"{ATOM}title") == project.title
    assert entry.findtext(f"{ATOM}id") == f"http://testserver{project.get_absolute_url()}"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/projekt/{project.slug}/"
    assert entry.findtext(f"{ATOM}summary").startswith(f"<p>{project.lead}</p>")
    undescribed = by_slug["dalarna-2017-2018"]
    assert undescribed.findtext(f"{ATOM}summary").startswith("Ingen ingress har publicerats.")


def test_markup_in_a_lead_stays_text_in_the_feed(client):
    project = make_project(lead='<script>alert("x")</script>')
    feed = atom(client.get(FEED_URL + f"?region={project.region.slug}"))
    summary = entries(feed)[0].findtext(f"{ATOM}summary")
    assert "<script>" not in summary
    assert "&lt;script&gt;" in summary


def test_feed_holds_at_most_fifty_entries(client):
    skane = Region.objects.get(slug="skane")
    for number in range(60):
        make_project(region=skane, title=f"Skåneprojekt {number:02}")
    feed = atom(client.get(FEED_URL))
    assert len(entries(feed)) == 50
    newest = Project.objects.published().order_by("-updated_at", "pk")[:50]
    assert entry_slugs(feed) == [project.slug for project in newest]


@pytest.mark.parametrize(
    "query, title",
    [
        (TWO_REGIONS, "Projekt i Kronoberg och Östergötland – ASF-portalen"),
        ("?region=kronoberg", "Projekt i Kronoberg – ASF-portalen"),
        ("?theme=samverkan&theme=saljbolag", "Projekt om samverkan eller säljbolag – ASF-portalen"),
        ("?year=2017&status=avslutade", "Projekt under 2017 som har avslutats – ASF-portalen"),
        (
            "?programme=interreg-ivc&programme=eruf",
            "Projekt med finansiering från Europeiska regionala utvecklingsfonden eller "
            "Interreg IVC – ASF-portalen",
        ),
        ("?q=upphandling", "Projekt som innehåller ”upphandling” – ASF-portalen"),
    ],
)
def test_feed_title_says_what_the_filters_choose(client, query, title):
    feed = atom(client.get(FEED_URL + query))
    assert feed.findtext(f"{ATOM}title") == title
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "http://testserver/projekt/" + query,
        "self": "http://testserver" + FEED_URL + query,
    }


def test_feed_takes_the_lists_filters(client):
    feed = atom(client.get(FEED_URL + TWO_REGIONS))
    assert set(entry_slugs(feed)) == IN_TWO_REGIONS
    other = atom(client.get(FEED_URL + "?region=kronoberg"))
    assert feed.findtext(f"{ATOM}id") != other.findtext(f"{ATOM}id")  # one feed per selection


def test_drafts_never_appear_in_the_feed(client):
    kronoberg = Region.objects.get(slug="kronoberg")
    draft = make_project(region=kronoberg, status=Project.Status.DRAFT, title="Utkastet")
    for query in ["", "?region=kronoberg", "?q=utkastet"]:
        feed = atom(client.get(FEED_URL + query))
        assert draft.slug not in entry_slugs(feed)
        assert "Utkastet" not in [entry.findtext(f"{ATOM}title") for entry in entries(feed)]


@pytest.mark.parametrize("query, label", MALFORMED)
def test_a_malformed_filter_gives_a_swedish_400(client, query, label):
    response = client.get(FEED_URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Filtren i adressen kunde inte användas:")
    assert f"- {label}: " in text


def test_list_page_links_its_feed_with_its_filters(client):
    page = parse(client.get("/projekt/" + TWO_REGIONS + "&page=1"))
    expected = FEED_URL + TWO_REGIONS
    link_text = page.find_all("a", href=expected)[0][1]
    assert link_text == "Prenumerera på nya och ändrade projekt i listan (Atom-flöde)"
    (alternate,) = page.find_all("link", rel="alternate", type="application/atom+xml")
    assert alternate[0]["href"] == expected
    unfiltered = parse(client.get("/projekt/"))
    assert unfiltered.find_all("a", href=FEED_URL)
    assert unfiltered.find_all("link", rel="alternate", href=FEED_URL)


def test_list_page_with_malformed_filters_offers_no_feed(client):
    page = parse(client.get("/projekt/?region=finns-inte"))
    assert not page.find_all("link", rel="alternate")
    assert FEED_URL + "?region=finns-inte" not in page.links()


def test_region_page_links_the_feed_of_its_projects(client):
    page = parse(client.get(reverse("regions:detail", args=["ostergotland"])))
    expected = FEED_URL + "?region=ostergotland"
    assert expected in page.links()
    assert page.find_all("link", rel="alternate", type="application/atom+xml", href=expected)
    feed = atom(client.get(expected))
    assert set(entry_slugs(feed)) == {"ostergotland-2017-2018", "ostgotamodellen", "messe"}
