import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects.models import Contact, Goal, Organisation, Partnership, Programme, Project, Theme
from regions.models import Region
from tests.admin_forms import change_form_data
from tests.conftest import make_project
from tests.html import assert_page_basics, normalise, parse

pytestmark = pytest.mark.django_db


def listed_slugs(response):
    page = parse(response)
    return [
        attrs["href"].split("/")[2]
        for attrs, _ in page.find_all("a")
        if attrs.get("href", "").startswith("/projekt/")
        and attrs["href"].count("/") == 3
        and "?" not in attrs["href"]
        and attrs["href"] != reverse("projects:feed")
    ]


def test_project_list_shows_every_published_project(client):
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert_page_basics(parse(response))
    assert len(listed_slugs(response)) == Project.objects.published().count() == 14


def test_project_list_is_in_swedish_title_order_by_default(client):
    slugs = listed_slugs(client.get(reverse("projects:list")))
    titles = list(Project.objects.published().order_by("title").values_list("slug", flat=True))
    assert slugs == titles
    assert slugs[-1] == "ostgotamodellen"  # Ö after Z


def test_project_list_hides_drafts(client):
    draft = make_project(status=Project.Status.DRAFT, title="Utkastet")
    assert draft.slug not in listed_slugs(client.get(reverse("projects:list")))


def test_filtered_url_is_a_permalink(client):
    url = reverse("projects:list") + "?region=kronoberg&region=ostergotland&sort=titel"
    first, second = client.get(url), client.get(url)
    assert listed_slugs(first) == listed_slugs(second)
    assert set(listed_slugs(first)) == {
        "kronoberg-2017-2018",
        "ostergotland-2017-2018",
        "ostgotamodellen",
        "messe",
    }
    page = parse(first)
    canonical = page.find_all("link", rel="canonical")[0][0]["href"]
    assert canonical.endswith(url)


def test_empty_result_says_so_and_offers_to_clear(client):
    response = client.get(reverse("projects:list"), {"q": "rymdraket"})
    assert response.status_code == 200
    text = " ".join(parse(response).texts("main"))
    assert "Inga projekt" in text
    assert "Sökningen gav ingen träff." in text
    assert "Rensa alla filter" in text


def test_pagination_keeps_the_filters(client):
    region = Region.objects.get(slug="skane")
    for number in range(25):
        make_project(region=region, title=f"Skåneprojekt {number:02}")
    response = client.get(reverse("projects:list"), {"region": "skane"})
    page = parse(response)
    assert len(listed_slugs(response)) == 20
    assert "?region=skane&page=2" in page.links()
    second = client.get(reverse("projects:list"), {"region": "skane", "page": 2})
    assert len(listed_slugs(second)) == 6
    assert set(listed_slugs(response)).isdisjoint(listed_slugs(second))


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "", "1e9"])
def test_any_page_number_gives_a_page(client, page):
    response = client.get(reverse("projects:list"), {"page": page})
    assert response.status_code == 200
    assert listed_slugs(response)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"region": "finns-inte"}, "Region"),
        ({"year": "tjugohundra"}, "År"),
        ({"status": "kanske"}, "Status"),
        ({"theme": "okänt"}, "Tema"),
        ({"programme": ""}, None),
        ({"sort": "storlek"}, "Sortera efter"),
        ({"q": "x" * 500}, "Sök i projekten"),
        ({"q": "upp\x00handling"}, "Sök i projekten"),
    ],
)
def test_malformed_filters_get_a_swedish_message_not_a_500(client, query, message):
    response = client.get(reverse("projects:list"), query)
    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    page = parse(response)
    summary = " ".join(page.texts("div", **{"class": "error-summary"}))
    assert message in summary
    swedish = ["Välj", "högst", "Null", "tecken", "Portalen har", "år då", "sorteras"]
    assert any(word in summary for word in swedish), summary
    assert listed_slugs(response)  # the valid part of the request still lists projects


def test_repeated_and_empty_parameters(client):
    response = client.get("/projekt/?q=&q=samverkan&region=&region=kronoberg&sort=&page=")
    assert response.status_code == 200
    assert listed_slugs(response) == ["kronoberg-2017-2018"]


def test_project_page_shows_everything_published(client):
    response = client.get(reverse("projects:detail", args=["starkare-asf-i-jonkopings-lan"]))
    page = parse(response)
    assert_page_basics(page)
    assert page.texts("h1") == ["Starkare ASF i Jönköpings län"]
    text = " ".join(page.texts("main"))
    for expected in [
        "Region Jönköpings län",
        "2017–2018",
        "Regionala projekt för ökad sysselsättning i ASF 2017–2018",
        "Projektets syfte är att skapa hållbara strukturer",
        "Målgrupp",
        "Mål: minst 10 nya affärsrelationer",
        "Mål: 3 nya avtal",
        "Övergripande mål",
        "Resultatmål",
        "SofiJ",
        "Starkare ASF i Jönköpings län, Region Jönköpings län",  # the cited source
        "Hämtad 2026",
    ]:
        assert expected in text, expected
    assert "1 januari 2017" not in text  # the source gives years, not days


def test_project_without_description_says_so_plainly(client):
    page = parse(client.get(reverse("projects:detail", args=["kalmar-lan-2017-2018"])))
    text = " ".join(page.texts("main"))
    assert "Källorna som portalen bygger på beskriver inte projektet." in text
    assert "rubriken är portalens egen" in text
    # No empty headings: what the sources do say, the programme's facts, the sources.
    assert page.texts("h2") == [
        "Vad källorna säger om projektet",
        "Om programmet",
        "Källor",
        "Citera sidan",
    ]


def test_project_contact_and_partners(client):
    page = parse(client.get(reverse("projects:detail", args=["vastra-gotaland-2017-2018"])))
    text = " ".join(page.texts("main"))
    assert "Hanna Nyroos" in text
    assert "Västra Götalandsregionen samarbetar med de fyra delregionala Coompanionkontoren" in text


def test_draft_and_unknown_projects_are_404(client):
    draft = make_project(status=Project.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/projekt/finns-inte/").status_code == 404


def test_markup_in_texts_is_shown_not_run(client):
    project = make_project(lead='<script>alert("x")</script>', purpose="- <b>punkt</b>")
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;punkt&lt;/b&gt;" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_rich_data(project, number):
    organisation = Organisation.objects.create(
        name=f"Organisation {number}", slug=f"org-{number}", source=project.source
    )
    Partnership.objects.create(
        project=project, organisation=organisation, kind="partner", source=project.source
    )
    Goal.objects.create(
        project=project,
        kind=Goal.Kind.RESULT,
        text=f"Mål {number}",
        target_value=number,
        target_unit="st",
        source=project.source,
    )
    Contact.objects.create(name=f"Kontakt {number}", project=project, source=project.source)
    project.themes.add(*Theme.objects.all())


@pytest.mark.parametrize(
    "url",
    [
        "/projekt/",
        "/projekt/?q=samverkan&region=kronoberg&theme=samverkan&year=2017",
        "/",
        "/regioner/",
    ],
)
def test_list_page_queries_are_constant(client, url):
    count_queries(client, url)
    before = count_queries(client, url)
    region = Region.objects.get(slug="kronoberg")
    for number in range(30):
        project = make_project(
            region=region, lead="samverkan", period_start="2017-01-01", period_end="2018-12-31"
        )
        add_rich_data(project, number)
    count_queries(client, url)  # the first request after a change makes the facet cells
    assert count_queries(client, url) == before


def test_project_page_queries_are_constant(client):
    project = Project.objects.get(slug="kronoberg-2017-2018")
    count_queries(client, project.get_absolute_url())
    before = count_queries(client, project.get_absolute_url())
    for number in range(10):
        add_rich_data(project, number)
    assert count_queries(client, project.get_absolute_url()) == before


def body(response):
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_no_page_api_or_export_publishes_a_contacts_email(client):
    """An editor may keep a contact's e-mail address to reach the person; the sources publish
    none, so neither do the pages, the API, the exports or the feed."""
    addresses = {}
    for contact in Contact.objects.select_related("project", "region"):
        contact.email = f"kontakt{contact.pk}@example.se"
        contact.save()
        addresses[contact.email] = contact
    assert len(addresses) == 10
    urls = ["/projekt/", "/regioner/", "/api/projekt/", "/api/regioner/", "/projekt/flode/"]
    urls += ["/projekt/export.csv", "/projekt/export.json"]
    for contact in addresses.values():
        owner = contact.project or contact.region
        assert contact.name in body(client.get(owner.get_absolute_url()))  # named, but …
        urls.append(owner.get_absolute_url())
        if contact.project:
            slug = contact.project.slug
            urls += [f"/projekt/{slug}/versioner/", f"/api/projekt/{slug}/"]
            region = contact.project.region.slug
            # The exports do carry the contacts: only the address is left out.
            assert contact.name in body(client.get(f"/projekt/export.csv?region={region}"))
            urls += [f"/projekt/export.{kind}?region={region}" for kind in ["csv", "json"]]
            version = contact.project.history.latest()
            urls.append(f"/projekt/{slug}/versioner/{version.history_id}/")
        else:
            urls += [f"/api/regioner/{contact.region.slug}/"]
            urls += [f"/projekt/export.csv?region={contact.region.slug}"]
    for url in urls:
        # The footer's address is the portal's own, of who runs it, not a contact's.
        content = body(client.get(url)).split("<footer")[0]
        assert "mailto:" not in content, url
        for address in addresses:
            assert address not in content, (url, address)


def result_summary(response):
    page = parse(response)
    heading = page.texts("h2", id="resultat-rubrik")[0]
    html = response.content.decode()
    after = html.split('id="resultat-rubrik"')[1].split("</h2>", 1)[1]
    return heading, normalise(re.sub(r"<[^>]+>", " ", after.split("</p>")[0]))


@pytest.mark.parametrize(
    "query, heading, summary",
    [
        (
            "",
            "14 projekt",
            "Av dem ingår tolv i programmet 2017–2018 och två har annan finansiering.",
        ),
        (
            "region=ostergotland",
            "Tre projekt i Östergötland",
            "Av dem ingår ett i programmet 2017–2018 och två har annan",
        ),
        ("region=kronoberg", "Ett projekt i Kronoberg", "Det ingår i programmet 2017–2018."),
        (
            "programme=eruf",
            "Ett projekt med finansiering från Europeiska regionala utvecklingsfonden",
            "Det har annan finansiering än programmet 2017–2018.",
        ),
        (
            "programme=eruf&programme=regionala-projekt-2017-2018",
            "13 projekt med finansiering från Europeiska regionala utvecklingsfonden eller"
            " Regionala projekt för ökad sysselsättning i ASF 2017–2018",
            "Av dem ingår tolv i programmet 2017–2018 och ett har annan finansiering.",
        ),
        (
            "region=ostergotland&programme=finns-inte",
            "Tre projekt i Östergötland",
            "Av dem ingår ett i programmet",
        ),
        (
            "q=upphandling&region=jonkopings-lan&region=kronoberg",
            "Ett projekt i Jönköpings län och Kronoberg som innehåller ”upphandling”",
            "Det ingår i programmet",
        ),
    ],
)
def test_project_list_counts_the_programmes_projects_apart(client, query, heading, summary):
    """The list's count says how many of its projects are the 2017–2018 programme's, under
    any filter, and each project says what funded it."""
    response = client.get(f"{reverse('projects:list')}?{query}")
    found_heading, found_summary = result_summary(response)
    assert found_heading == heading
    assert found_summary.startswith(summary)


def test_project_list_programme_count_follows_the_data(client):
    make_project(programme=Programme.objects.get(slug="interreg-ivc"))
    make_project()
    response = client.get(reverse("projects:list"))
    assert result_summary(response) == (
        "16 projekt",
        "Av dem ingår 13 i programmet 2017–2018 och 3 har annan finansiering.",
    )
    text = " ".join(parse(response).texts("main"))
    assert "Finansiär/program: Interreg IVC" in text


def citation(client, path):
    page = parse(client.get(path))
    (text,) = page.texts("section", **{"aria-labelledby": "citera-rubrik"})
    return text


def test_a_project_as_loaded_says_so_and_its_citation_names_the_source(client):
    text = citation(client, "/projekt/starkare-asf-i-jonkopings-lan/")
    # Not the day the fixture was loaded, which is no change anyone made.
    assert "Senast ändrad" not in text
    assert (
        "Texten är som den hämtades ur källan (Region Jönköpings län "
        "(Utveckling i Jönköpings län), hämtad 2026) och har inte ändrats i portalen "
        "sedan dess." in text
    )
    version = Project.objects.get(slug="starkare-asf-i-jonkopings-lan").history.first()
    assert (
        "Starkare ASF i Jönköpings län. ASF-portalen, version "
        f"{date_format(timezone.localtime(version.history_date), 'j F Y')}. "
        f"http://testserver/projekt/starkare-asf-i-jonkopings-lan/versioner/{version.pk}/. "
        "Källa: Starkare ASF i Jönköpings län, Region Jönköpings län (Utveckling i Jönköpings "
        "län). Hämtad 2026." in text
    )


def test_the_page_says_when_an_editor_last_changed_it(client):
    project = Project.objects.get(slug="skane-2017-2018")
    editor = User.objects.create_superuser("alva", "alva@example.se", "ett-långt-lösenord-1")
    client.force_login(editor)
    change = f"/admin/projects/project/{project.pk}/change/"
    form = change_form_data(client.get(change))
    form["lead"] = "Redaktörens ingress."
    assert client.post(change, form).status_code == 302
    client.logout()

    edit = project.history.first()
    assert edit.history_user == editor
    text = citation(client, "/projekt/skane-2017-2018/")
    assert (
        f"Senast ändrad i portalen {date_format(timezone.localtime(edit.history_date), 'j F Y')}."
        in text
    )
    assert "som den hämtades ur källan" not in text
    assert f"/projekt/skane-2017-2018/versioner/{edit.pk}/. Källa: " in text
    assert "Tillväxtverket. Hämtad 2026." in text

    # The first version still says it is the text as the source gave it.
    first = project.history.last()
    old = citation(client, f"/projekt/skane-2017-2018/versioner/{first.pk}/")
    assert "Texten är som den hämtades ur källan (Tillväxtverket, hämtad 2026)" in old
    versions = " ".join(parse(client.get("/projekt/skane-2017-2018/versioner/")).texts("main"))
    assert "Ändrat: ingress." in versions
    assert (
        "Första publicerade versionen i portalen: texten som den hämtades ur källan "
        "(Tillväxtverket, hämtad 2026)." in versions
    )


def test_chosen_filters_are_chips_each_removing_one_value(client):
    response = client.get("/projekt/?region=kronoberg&region=ostergotland&theme=samverkan&page=1")
    chips = {
        text: attrs["href"] for attrs, text in parse(response).find_all("a", **{"class": "chip"})
    }
    assert chips == {
        "Ta bort filter: Kronoberg ×": "/projekt/?region=ostergotland&theme=samverkan",
        "Ta bort filter: Östergötland ×": "/projekt/?region=kronoberg&theme=samverkan",
        "Ta bort filter: samverkan ×": "/projekt/?region=kronoberg&region=ostergotland",
    }
    searched = parse(client.get("/projekt/?q=upphandling"))
    assert searched.find_all("a", **{"class": "chip"}) == [
        ({"class": "chip", "href": "/projekt/"}, "Ta bort sökningen: ”upphandling” ×")
    ]
    assert not parse(client.get("/projekt/")).find_all("a", **{"class": "chip"})


def test_filters_fold_away_behind_one_button(client):
    html = client.get("/projekt/?region=kronoberg&year=2017").content.decode()
    page = parse(client.get("/projekt/?region=kronoberg&year=2017"))
    assert len(page.find_all("button")) == 1
    assert page.texts("summary") == ["Filtrera och sortera (2 filter valda)"]
    # Every checkbox and the sorting are inside the closed <details>, the results after it.
    folded = html.split("<details", 1)[1].split("</details>", 1)[0]
    assert html.count('type="checkbox"') == folded.count('type="checkbox"') > 0
    assert 'name="sort"' in folded
    assert html.index("</details>") < html.index('id="resultat-rubrik"')
    assert parse(client.get("/projekt/")).texts("summary") == ["Filtrera och sortera"]
    # Only what is used counts: a region that does not exist is reported, not counted.
    mixed = parse(client.get("/projekt/?region=finns-inte&year=2017"))
    assert mixed.texts("summary") == ["Filtrera och sortera (1 filter valt)"]


def test_choices_that_would_list_nothing_are_not_offered(client):
    # Every project ended in 2018: none is ongoing or to come, so those are not choices.
    html = client.get("/projekt/").content.decode()
    assert 'value="avslutade"' in html
    assert 'value="pagaende"' not in html and 'value="kommande"' not in html
    # Chosen anyway (an old link), it stays, ticked, so it can be unticked.
    html = client.get("/projekt/?status=pagaende").content.decode()
    assert 'value="pagaende" id="f-status-pagaende" checked' in html
    headings = parse(client.get("/projekt/?status=pagaende")).texts("h2")
    assert "Inga projekt som pågår" in headings
    # A search that finds nothing offers no choice at all (the empty boxes are not drawn: the
    # stylesheet, tests/browser/test_phone.py), only a way back.
    nothing = client.get("/projekt/?q=rymdraket").content.decode()
    assert 'type="checkbox"' not in nothing and "Rensa alla filter" in nothing


def test_cards_lead_with_what_tells_projects_apart(client):
    page = parse(client.get("/projekt/?region=skane"))
    (card,) = page.texts("li", **{"class": "card"})
    assert card.startswith("Region Skåne Skåne · programmet 2017–2018 ")
    assert "ASF-projekt 2017–2018" not in card
    assert "Regionala projekt för ökad sysselsättning" not in card
    other = " ".join(parse(client.get("/projekt/?programme=interreg-ivc")).texts("li"))
    assert "Finansiär/program: Interreg IVC" in other
    # The title itself is unchanged where the project is shown.
    project = client.get("/projekt/skane-2017-2018/")
    assert parse(project).texts("h1") == ["ASF-projekt 2017–2018: Region Skåne"]


def test_a_facts_page_is_named_by_its_site_and_written_in_full_under_sources(client):
    html = client.get("/projekt/gavleborg-2017-2018/").content.decode()
    address = (
        "https://tillvaxtverket.se/vara-tjanster/lar-av-andra/insatser/"
        "2019-01-07-gavleborg-vill-sanka-arbetslosheten-med-arbetsintegrerande-sociala-foretag.html"
    )
    # Seen: the site; read out by a screen reader and copied: the whole address.
    assert (
        f'<a href="{address}">tillvaxtverket.se<span class="visually-hidden">'
        f"{address.removeprefix('https://tillvaxtverket.se')}</span></a>"
    ) in html
    # Every page a fact's line names by its site, the programme's too, is in the list of sources.
    named = set(re.findall(r'<p class="provenance">[^<]*<a href="([^"]+)">[^<]*<span', html))
    listed = set(re.findall(r'<a href="([^"]+)">\1</a>', html.split('id="kallor-rubrik"')[1]))
    assert len(named) > 10 and named <= listed
