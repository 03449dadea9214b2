import re

import psycopg2
import pytest
from django.urls import reverse

from projects.models import Contact, Programme, Project
from regions.models import Region, RegionFigure
from tests.conftest import REGION_SLUGS_IN_SWEDISH_ORDER, make_project
from tests.html import assert_page_basics, normalise, parse

pytestmark = pytest.mark.django_db


def region_links(html):
    return re.findall(r'href="/regioner/([a-z-]+)/"', html)


def test_home_lists_the_twelve_regions_in_swedish_order(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = parse(response)
    assert_page_basics(page)
    html = response.content.decode()
    section = html.split('id="regioner-rubrik"')[1].split("</section>")[0]
    region_list = section.split('<ul class="region-list')[1].split("</ul>")[0]
    assert region_links(region_list) == REGION_SLUGS_IN_SWEDISH_ORDER
    # The map leads to the same twelve regions.
    assert sorted(set(region_links(section.split("</svg>")[0]))) == sorted(
        REGION_SLUGS_IN_SWEDISH_ORDER
    )


def test_home_opens_with_the_programme_in_figures_from_the_data(client):
    html = client.get(reverse("home")).content.decode()
    opening = html.split('id="siffror-rubrik"')[1].split("</section>")[0]
    items = opening.split("</ul>")[0].split("<li>")[1:]
    figures = [normalise(re.sub(r"<[^>]+>", "", item)) for item in items]
    programme = Programme.objects.get(slug="regionala-projekt-2017-2018")
    projects = Project.objects.published().filter(programme=programme)
    goals = sum(project.goals.count() for project in projects)
    assert figures == [
        f"{Region.objects.funded().count()} regioner fick finansiering",
        f"{projects.count()} projekt ingår i programmet",
        f"{goals} mål har publicerats för projekten",
        f"0 av {goals} mål har följts upp i en publicerad källa",
    ]
    funding = programme.facts.filter(topic="funding").first()
    assert f"<strong>Finansiering:</strong> {funding.text}" in opening
    assert funding.source.publisher in opening
    # The programme's prose comes after the ways in: the figures, search and map.
    assert html.index('id="siffror-rubrik"') < html.index('id="sok-rubrik"')
    assert html.index('id="sok-rubrik"') < html.index('class="county-map"')
    assert html.index('class="county-map"') < html.index("Tolv regioner får finansiering")


def test_home_searches_the_projects(client):
    page = parse(client.get(reverse("home")))
    (form,) = page.find_all("form", role="search")
    assert form[0]["action"] == reverse("projects:list") and form[0]["method"] == "get"
    (field,) = page.find_all("input", type="search")
    assert field[0]["name"] == "q"
    assert page.find_all("label", **{"for": field[0]["id"]})
    assert "Starkare ASF i Jönköpings län" in client.get("/projekt/?q=Jönköping").content.decode()


def test_home_queries_do_not_grow_with_its_data(client, django_assert_max_num_queries):
    client.get(reverse("home"))
    with django_assert_max_num_queries(11) as captured:
        client.get(reverse("home"))
    make_project(title="Ett projekt till", region=Region.objects.get(slug="kronoberg"))
    with django_assert_max_num_queries(len(captured)):
        client.get(reverse("home"))


def test_home_explains_asf_and_the_programme_from_the_sources(client):
    page = parse(client.get(reverse("home")))
    text = " ".join(page.texts("main"))
    assert "ett företag som driver näringsverksamhet med ett övergripande mål" in text
    assert "Tolv regioner får finansiering" in text
    assert "Region Östergötland" in text  # the definition's source is cited
    assert "/projekt/" in page.links() and "/regioner/" in page.links()


def test_home_shows_recently_changed_projects_first(client):
    changed = Project.objects.get(slug="messe")
    changed.lead += " "  # any save marks it as changed now
    changed.save()
    html = client.get(reverse("home")).content.decode()
    recent = html.split('id="senast-rubrik"')[1]
    assert re.findall(r'href="/projekt/([a-z0-9-]+)/"', recent)[0] == "messe"


def test_region_list_has_the_map_and_every_region(client):
    response = client.get(reverse("regions:list"))
    page = parse(response)
    assert_page_basics(page)
    html = response.content.decode()
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert len(re.findall(r"<a ", svg)) == 12
    listing = html.split('id="lista-rubrik"')[1]
    assert region_links(listing) == REGION_SLUGS_IN_SWEDISH_ORDER
    assert "länskod 07" in listing


def region_card(html, short_name):
    listing = html.split('id="lista-rubrik"')[1]
    card = listing.split(f">{short_name}</a>")[1].split("</li>")[0]
    return normalise(re.sub(r"<[^>]+>", " ", card))


def test_region_list_counts_the_programmes_projects_and_names_the_others(client):
    """Two of Östergötland's three projects are earlier ones with other funding: they are
    not the 2017–2018 programme's, and the list says what they are."""
    html = client.get(reverse("regions:list")).content.decode()
    ostergotland = region_card(html, "Östergötland")
    assert "Ett projekt i programmet 2017–2018" in ostergotland
    assert (
        "Dessutom två projekt med annan finansiering"
        " (Europeiska regionala utvecklingsfonden och Interreg IVC)" in ostergotland
    )
    assert "Tre projekt" not in ostergotland
    kronoberg = region_card(html, "Kronoberg")
    assert "Ett projekt i programmet 2017–2018" in kronoberg
    assert "annan finansiering" not in kronoberg

    make_project(
        region=Region.objects.get(slug="kronoberg"),
        programme=Programme.objects.get(slug="interreg-ivc"),
    )
    kronoberg = region_card(client.get(reverse("regions:list")).content.decode(), "Kronoberg")
    assert "Ett projekt i programmet 2017–2018" in kronoberg
    assert "Dessutom ett projekt med annan finansiering (Interreg IVC)" in kronoberg


def test_region_page_counts_the_programmes_projects_apart(client):
    text = " ".join(parse(client.get("/regioner/ostergotland/")).texts("main"))
    assert (
        "Ett projekt ingår i programmet 2017–2018 och två har annan finansiering "
        "(Europeiska regionala utvecklingsfonden och Interreg IVC)." in text
    )
    # Each project says what funded it.
    assert "Finansiär/program: Interreg IVC" in text
    assert "Finansiär/program: Europeiska regionala utvecklingsfonden" in text
    kronoberg = " ".join(parse(client.get("/regioner/kronoberg/")).texts("main"))
    assert "Ett projekt ingår i programmet 2017–2018." in kronoberg


def test_region_page_shows_plan_projects_contacts_figures_and_sources(client):
    page = parse(client.get(reverse("regions:detail", args=["kronoberg"])))
    assert_page_basics(page)
    assert page.texts("h1") == ["Region Kronoberg"]
    text = " ".join(page.texts("main"))
    assert "Kronobergs län" in text and "07" in text
    assert "processa fram en samverkansorganisation för befintliga ASF" in text
    assert "/projekt/kronoberg-2017-2018/" in page.links()
    assert "Tillväxtverket" in " ".join(page.texts("cite")) + text
    assert "Region Kronoberg" in page.texts("cite")

    vg = " ".join(parse(client.get("/regioner/vastra-gotaland/")).texts("main"))
    assert "omkring 50 arbetsintegrerande sociala företag i Göteborg" in vg
    assert "49 kommuner i regionen" in vg

    ostergotland = parse(client.get("/regioner/ostergotland/"))
    text = " ".join(ostergotland.texts("main"))
    assert "Margareta Wandel" in text and "Strateg social ekonomi" in text
    assert "tel:0101036531" in ostergotland.links()
    assert {"/projekt/ostgotamodellen/", "/projekt/messe/"} <= set(ostergotland.links())


def test_region_page_says_when_the_plan_is_unpublished(client):
    text = " ".join(parse(client.get("/regioner/dalarna/")).texts("main"))
    assert "Källorna beskriver inte vad handlingsplanen innehåller." in text


def test_region_page_hides_draft_projects(client):
    region = Region.objects.get(slug="skane")
    draft = make_project(region=region, status=Project.Status.DRAFT, title="Hemligt utkast")
    html = client.get(region.get_absolute_url()).content.decode()
    assert draft.get_absolute_url() not in html and "Hemligt utkast" not in html


def test_unknown_region_is_404(client):
    assert client.get("/regioner/finns-inte/").status_code == 404


def test_region_page_queries_do_not_grow_with_its_data(client, django_assert_max_num_queries):
    region = Region.objects.get(slug="kronoberg")
    client.get(region.get_absolute_url())  # warm up sessions and the like
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(region.get_absolute_url())
    for number in range(5):
        project = make_project(region=region, source=region.source)
        Contact.objects.create(name=f"Person {number}", region=region, source=region.source)
        RegionFigure.objects.create(
            region=region, value=number, unit="st", statement="x", source=region.source
        )
        project.themes.set([1, 2])
    with django_assert_max_num_queries(len(before)):
        response = client.get(region.get_absolute_url())
    assert response.content.decode().count("Person ") == 5


def test_a_region_with_many_projects_shows_the_newest_and_links_to_all(client):
    region = Region.objects.get(slug="skane")
    for number in range(25):
        make_project(
            region=region, title=f"Skåneprojekt {number:02}", period_start=f"{2000 + number}-01-01"
        )
    html = client.get(region.get_absolute_url()).content.decode()
    assert "Här visas de 20 senaste av regionens 26 projekt." in html
    assert "Skåneprojekt 24" in html and "Skåneprojekt 04" not in html
    assert "/projekt/?region=skane" in html


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_before_the_session_could_be_is_answered_as_saved(admin_user):
    """A signed-in editor's session is saved after the page is made. When the database fails
    then (here a lock it cannot get in time, an OperationalError as a lost connection is),
    Django answers 400 (SessionInterrupted), and the cluster test saw an editor told that of
    an edit that was saved. The edit is answered as saved; only the session is not extended."""
    from django.db import connection
    from django.test import Client

    from projects.models import Theme
    from tests.admin_forms import change_form_data

    theme = Theme.objects.create(name="Ett tema", slug="ett-tema")
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:projects_theme_change", args=[theme.pk])
    data = {**change_form_data(client.get(url)), "name": "Ett nytt namn"}
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_session FOR UPDATE")
            with connection.cursor() as own:
                own.execute("SET lock_timeout = '200ms'")
            response = client.post(url, data)
    finally:
        other.close()
        with connection.cursor() as own:
            own.execute("RESET lock_timeout")
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Ett nytt namn"


def test_the_drivers_own_error_for_a_database_gone_is_a_503_too(rf):
    """Django wraps psycopg2's errors, but not where it closes a cursor after a template read
    a queryset: a replica stopped then raised psycopg2's own OperationalError, which was a 500."""
    from asf_portal.views import server_error

    try:
        psycopg2.connect(host="/nonexistent-socket-directory", dbname="asf_portal")
    except psycopg2.OperationalError:
        response = server_error(rf.get("/projekt/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
