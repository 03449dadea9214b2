import re
from urllib.parse import quote

import pytest

from projects.models import Contact, Organisation, Partnership, Project
from tests.conftest import make_project
from tests.projects.test_api import get_json
from tests.projects.test_exports import json_records
from tests.projects.test_views import add_rich_data, count_queries

pytestmark = pytest.mark.django_db

PROGRAMME_2017_2018 = {
    f"{region}-2017-2018"
    for region in [
        "dalarna",
        "gavleborg",
        "jamtland-harjedalen",
        "kalmar-lan",
        "kronoberg",
        "norrbotten",
        "orebro-lan",
        "ostergotland",
        "skane",
        "vasterbotten",
        "vastra-gotaland",
    ]
}


def cards(response):
    """{project slug: (passage as read, its marked words)} of each card on a list page."""
    assert response.status_code == 200
    found = {}
    for card in response.content.decode().split('<li class="card">')[1:]:
        slug = re.search(r'href="/projekt/([^/]+)/"', card).group(1)
        passage = re.search(r'<p class="passage">(.*?)</p>', card, re.S)
        html = passage.group(1) if passage else ""
        found[slug] = (re.sub(r"<[^>]+>", "", html), re.findall(r"<mark>(.*?)</mark>", html))
    return found


@pytest.mark.parametrize(
    "words, projects, place",
    [
        ("SofiJ", {"starkare-asf-i-jonkopings-lan"}, "organisation som källan nämner: SofiJ – "),
        # Östergötland's 2017–2018 project by what a public page says about it.
        ("Östsam", {"ostgotamodellen", "messe", "ostergotland-2017-2018"}, ""),
        (
            "Coompanion",
            {"vastra-gotaland-2017-2018"}
            | {f"{region}-2017-2018" for region in ["kronoberg", "dalarna", "gavleborg"]}
            | {f"{region}-2017-2018" for region in ["norrbotten", "orebro-lan", "skane"]}
            | {"vasterbotten-2017-2018"},
            "",
        ),
        (
            "Cronsell",
            {"gavleborg-2017-2018"},
            "uppgift ur en källa: projektägare/ansvarig – Region Gävleborg; Niclas",
        ),
        ("Palmér", {"kronoberg-2017-2018"}, "kontaktperson: Karin Palmér – Region Kronoberg"),
        # The contact of Region Östergötland's page on its projects.
        (
            "Wandel",
            {"ostergotland-2017-2018", "ostgotamodellen", "messe"},
            "regionens kontaktperson: Margareta Wandel – Strateg social ekonomi",
        ),
        ("Interreg", {"messe", "orebro-lan-2017-2018", "ostergotland-2017-2018"}, ""),
        ("ERUF", {"ostgotamodellen", "ostergotland-2017-2018"}, ""),
        (
            "Tillväxtverket",
            PROGRAMME_2017_2018 | {"starkare-asf-i-jonkopings-lan"},
            "",
        ),
    ],
)
def test_a_search_finds_partners_contacts_and_funders_with_the_passage_marked(
    client, words, projects, place
):
    found = cards(client.get("/projekt/", {"q": words}))
    assert set(found) == projects
    for passage, marked in found.values():
        assert passage.startswith("Träff i "), passage
        assert [word.lower() for word in marked] == [words.lower()] * len(marked) != []
    if place:
        assert all(f"Träff i {place}" in passage for passage, _ in found.values()), found


def test_the_lists_files_and_api_find_the_same(client):
    # One FilterSet: the exports, the feed and the API search as the page does.
    assert [p["slug"] for p in json_records(client, "/projekt/export.json?q=Palmér")] == [
        "kronoberg-2017-2018"
    ]
    api = get_json(client, "/api/projekt/?q=SofiJ")
    assert [project["slug"] for project in api["results"]] == ["starkare-asf-i-jonkopings-lan"]
    feed = client.get("/projekt/flode/?q=Östsam").content.decode()
    assert "/projekt/ostgotamodellen/" in feed and "/projekt/messe/" in feed


def test_a_projects_own_texts_rank_before_its_programmes():
    ranked = list(
        Project.objects.published().search("Tillväxtverket").values_list("slug", flat=True)
    )
    # Jönköping's background names Tillväxtverket; the others only have it as funder.
    assert ranked[0] == "starkare-asf-i-jonkopings-lan"
    # The rest tie, in the list's Swedish title order.
    in_title_order = Project.objects.filter(slug__in=ranked[1:]).order_by("title", "pk")
    assert ranked[1:] == list(in_title_order.values_list("slug", flat=True))


def test_each_place_is_told_in_the_order_of_the_projects_own_texts_first(client):
    project = make_project(title="Väveriet", purpose="Ett syfte.")
    organisation = Organisation.objects.create(
        name="Väveriet ekonomisk förening", slug="vaveriet-ef", source=project.source
    )
    Partnership.objects.create(
        project=project, organisation=organisation, role="Driver väveriet.", source=project.source
    )
    found = cards(client.get("/projekt/?q=väveriet"))
    assert found[project.slug] == ("Träff i titel: Väveriet", ["Väveriet"])
    found = cards(client.get("/projekt/?q=förening"))
    assert (
        found[project.slug][0]
        == "Träff i organisation som källan nämner: Väveriet ekonomisk förening – Driver väveriet"
    )


def test_the_passage_is_escaped_before_it_is_marked(client):
    project = make_project()
    organisation = Organisation.objects.create(
        name="Kvarnen", slug="kvarnen", source=project.source
    )
    Partnership.objects.create(
        project=project,
        organisation=organisation,
        role='"Kvarnen" & Söner <3 bakar, <b>inte</b> <script>',
        source=project.source,
    )
    html = client.get("/projekt/?q=kvarnen").content.decode()
    assert "&quot;<mark>Kvarnen</mark>&quot; &amp; Söner &lt;3 bakar" in html
    # PostgreSQL's parser leaves tags out of the passage; the text around them is escaped.
    assert "<b>" not in html and "<script>" not in html


def test_no_passage_without_a_search(client):
    assert 'class="passage"' not in client.get("/projekt/").content.decode()
    assert 'class="passage"' not in client.get("/projekt/?region=kronoberg").content.decode()


def test_a_contacts_email_address_is_neither_searched_nor_shown(client):
    contact = Contact.objects.get(name="Karin Palmér")
    contact.email = "karin.palmer@kronoberg.example"
    contact.save()
    for words in ["karin.palmer@kronoberg.example", "kronoberg.example", '"karin.palmer"']:
        assert cards(client.get("/projekt/", {"q": words})) == {}, words
    html = client.get("/projekt/?q=Palmér").content.decode()
    assert "Karin <mark>Palmér</mark>" in html and "example" not in html


def test_a_searched_page_runs_as_many_queries_whatever_its_cards(client):
    url = f"/projekt/?q={quote('organisation or kontakt or mål')}&sort=titel"
    count_queries(client, url)
    before = count_queries(client, url)
    for number in range(25):
        add_rich_data(make_project(), number)  # a partner, a goal, a contact: each matches
    count_queries(client, url)
    found = cards(client.get(url))
    assert len(found) == 20 and all(marked for _, marked in found.values())
    assert count_queries(client, url) == before
