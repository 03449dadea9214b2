"""The portal's own pages (om, tillgänglighet, personuppgifter) and its Swedish error pages."""

from html.parser import HTMLParser
from itertools import pairwise

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.views import defaults

from projects.api import PROJECT_API_ONLY_FIELDS, REGION_FIELDS
from projects.exports import PROJECT_FIELDS
from regions.models import Source
from tests.conftest import make_source
from tests.html import assert_page_basics, parse

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """What the tests look at in a page: headings, links by region, meta and link elements."""

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.headings = []  # (level, text)
        self.links = []  # (href, region) where region is "main", "footer" or "other"
        self.meta = {}  # name or property -> content
        self.link_rels = {}  # rel -> href
        self.html_lang = None
        self._heading = None
        self._region = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag in {"main", "footer"}:
            self._region.append(tag)
        elif tag in self.HEADINGS:
            self._heading = [int(tag[1]), ""]
        elif tag == "a" and "href" in attrs:
            self.links.append((attrs["href"], self._region[-1] if self._region else "other"))
        elif tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link" and "rel" in attrs:
            self.link_rels[attrs["rel"]] = attrs.get("href", "")

    def handle_endtag(self, tag):
        if tag in {"main", "footer"} and self._region:
            self._region.pop()
        elif tag in self.HEADINGS and self._heading:
            level, text = self._heading
            # A soft hyphen (&shy;) shows only where a long word breaks on a narrow screen.
            self.headings.append((level, " ".join(text.replace("\u00ad", "").split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def heading_texts(self, level):
        return [text for lvl, text in self.headings if lvl == level]

    def hrefs(self, region):
        return {href for href, where in self.links if where == region}


def get_page(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status
    return response, Page(response.content.decode())


def assert_headings_in_order(page):
    levels = [level for level, _ in page.headings]
    assert levels, "the page has no headings"
    assert levels[0] == 1, "the first heading is not the h1"
    assert levels.count(1) == 1, "the page does not have exactly one h1"
    for previous, current in pairwise(levels):
        assert current <= previous + 1, f"heading level jumps from h{previous} to h{current}"


PAGES = [
    (
        "about",
        "Om ASF-portalen",
        [
            "Vad portalen är",
            "Vad är ett arbetsintegrerande socialt företag?",
            "Varifrån uppgifterna kommer",
            "Så hanterar vi uppgifterna",
        ],
    ),
    (
        "accessibility",
        "Tillgänglighetsredogörelse",
        [
            "Hur tillgänglig är webbplatsen?",
            "Vad kan du göra om du inte kan använda delar av webbplatsen?",
            "Rapportera brister i webbplatsens tillgänglighet",
            "Tillsyn",
            "Teknisk information om webbplatsens tillgänglighet",
            "Hur vi testat webbplatsen",
        ],
    ),
    (
        "privacy",
        "Personuppgifter",
        [
            "Personuppgiftsansvarig",
            "Vilka personuppgifter portalen visar",
            "Varför uppgifterna visas",
            "Kakor och besöksstatistik",
            "Dina rättigheter",
            "Så begär du rättelse eller borttagning",
        ],
    ),
    (
        "data",
        "Öppna data",
        [
            "Ladda ner allt",
            "Ladda ner ett urval",
            "CSV-filen",
            "JSON-filen",
            "Projektens fält",
            "API",
            "Prenumerera på ändringar",
            "Källor",
            "Villkor för återanvändning",
        ],
    ),
]
PAGE_NAMES = [name for name, _, _ in PAGES]


@pytest.mark.parametrize(("name", "h1", "h2s"), PAGES, ids=PAGE_NAMES)
def test_page_renders_with_one_h1_and_its_sections(client, name, h1, h2s):
    _, page = get_page(client, reverse(name))
    assert page.html_lang == "sv"
    assert page.heading_texts(1) == [h1]
    for heading in h2s:
        assert heading in page.heading_texts(2)
    assert_headings_in_order(page)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_has_canonical_link_and_social_metadata(client, name):
    url = reverse(name)
    _, page = get_page(client, url)
    assert page.link_rels["canonical"] == f"http://testserver{url}"
    assert page.meta["og:url"] == f"http://testserver{url}"
    assert page.meta["og:title"].strip()
    assert page.meta["og:title"] != "ASF-portalen"
    assert page.meta["og:description"].strip()
    assert page.meta["description"].strip()


OPERATOR = {
    "example": False,
    "name": "Testförvaltningen",
    "email": "portalen@example.se",
    "address": "Box 1, 111 11 Teststad",
    "data_controller": "Testförvaltningens dataskyddsombud, dataskydd@example.se",
    "accessibility_contact": "tillganglighet@example.se",
}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_invents_no_contact_details(client, settings, name):
    settings.PORTAL_OPERATOR = OPERATOR
    response, _ = get_page(client, reverse(name))
    html = response.content.decode()
    # The only addresses are those of who runs the portal, from the settings.
    for address in ["portalen@example.se", "dataskydd@example.se", "tillganglighet@example.se"]:
        html = html.replace(f"mailto:{address}", "").replace(address, "")
    # JSON-LD's own keywords (/data/'s schema.org Dataset) are no addresses.
    html = html.replace('"@context"', "").replace('"@type"', "")
    assert "mailto:" not in html
    assert "tel:" not in html
    assert "@" not in html


def test_about_lists_the_sources_and_the_editorial_principles(client):
    response, page = get_page(client, reverse("about"))
    html = response.content.decode()
    sources = list(Source.objects.all())
    quoted = [source for source in sources if source.text]
    assert len(quoted) == 6  # the five texts of fixtures/sources/ and SCB's list of counties
    for source in quoted:
        row = f"<td>{escape(source.publisher)}</td>\n          <td>{escape(source.title)}</td>"
        assert row in html
    assert f"Portalen bygger på {len(sources)} publicerade källor" in html
    assert "Sex texter sparades hela" in html
    assert f"kommer från {len(sources) - 6} webbsidor" in html
    assert "/data/#datakallor" in page.hrefs("main")
    # What the about page said before the facts of all twelve regions came, and before CC0.
    assert "Nio av de tolv" not in html
    assert "anger ASF-portalen och den ursprungliga källan" not in html
    for principle in [
        "Inget är påhittat",
        "Tomt där inget har publicerats",
        "Redaktionella titlar är markerade",
        "Stavfel är rättade och redovisade",
        "Sidornas kringinnehåll är utelämnat",
        "Teman bara där projektets egen text använder ordet",
    ]:
        assert principle in page.heading_texts(3)
    assert "<td>fiansiering</td><td>finansiering</td>" in html
    assert "startsidan" in html
    assert reverse("home") in page.hrefs("main")


def test_about_links_to_accessibility_and_privacy_in_its_text(client):
    _, page = get_page(client, reverse("about"))
    main_links = page.hrefs("main")
    assert reverse("accessibility") == "/tillganglighet/"
    assert reverse("privacy") == "/personuppgifter/"
    assert "/tillganglighet/" in main_links
    assert "/personuppgifter/" in main_links


def test_accessibility_statement_follows_diggs_structure(client):
    response, page = get_page(client, reverse("accessibility"))
    html = response.content.decode()
    assert "ASF-portalen" in html
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in html
    assert "WCAG 2.1 på nivå AA" in html
    assert "delvis förenlig" in html
    assert "Innehåll som inte är tillgängligt" in page.heading_texts(3)
    assert "Texterna från källorna återges så som utgivarna skrev dem" in html
    assert "den organisation som förvaltar portalen" not in html  # it is named instead
    assert "Myndigheten för digital förvaltning (Digg)" in html
    assert "https://www.digg.se/" in page.hrefs("main")
    assert "https://www.digg.se/tdosanmalan" in page.hrefs("main")
    assert "axe-core" in html
    assert "Chromium" in html
    assert "tangentbordet" in html
    assert '<time datetime="2026-11-22">22 november 2026</time>' in html
    assert '<time datetime="2026-12-03">3 december 2026</time>' in html


def test_privacy_page_says_what_is_published_and_why(client):
    response, page = get_page(client, reverse("privacy"))
    html = response.content.decode()
    assert "namn och, där källan anger dem, roll, organisation och telefonnummer" in html
    assert "regionerna och Tillväxtverket" in html
    assert "för att allmänheten ska kunna nå de personer som ansvarar för projekten" in html
    assert "inga e-postadresser som källorna inte har publicerat" in html
    assert "inte på sidorna, inte i API:t och inte i de nedladdningsbara filerna" in html
    assert "En redaktör kan spara en e-postadress i administrationsdelen" in html
    assert "sätter inga kakor (cookies) som spårar dig" in html
    assert "ingen besöksstatistik eller analysverktyg" in html
    assert "Redaktörernas konton" in page.heading_texts(3)
    assert "sessionskaka" in html
    assert "dataskyddsförordningen (GDPR)" in html
    for right in ["få information", "rättade", "raderade"]:
        assert right in html
    assert "den organisation som förvaltar portalen" not in html  # it is named instead


def test_the_footer_of_every_page_says_who_runs_the_portal(client, settings):
    settings.PORTAL_OPERATOR = OPERATOR
    for url in [reverse("home"), *(reverse(name) for name in PAGE_NAMES), "/finns-inte/"]:
        response = client.get(url)
        footer = response.content.decode().split("<footer")[1]
        assert "förvaltas av <strong>Testförvaltningen</strong>" in footer, url
        assert "<address>Box 1, 111 11 Teststad<br>" in footer
        assert "mailto:portalen@example.se" in Page(response.content.decode()).hrefs("footer")
        assert "Exempel" not in response.content.decode()


def test_the_accessibility_statement_names_who_runs_the_portal_and_where_to_report(
    client, settings
):
    settings.PORTAL_OPERATOR = OPERATOR
    response, _ = get_page(client, reverse("accessibility"))
    html = response.content.decode()
    assert "Testförvaltningen står bakom webbplatsen" in html
    report = html.split('id="rapportera"')[1].split("</section>")[0]
    assert 'href="mailto:tillganglighet@example.se"' in report
    assert "Testförvaltningen, Box 1, 111 11 Teststad" in report
    supervision = html.split('id="tillsyn"')[1].split("</section>")[0]
    assert 'href="https://www.digg.se/tdosanmalan"' in supervision


def test_the_privacy_page_names_the_data_controller(client, settings):
    settings.PORTAL_OPERATOR = OPERATOR
    response, page = get_page(client, reverse("privacy"))
    html = response.content.decode()
    assert "Personuppgiftsansvarig" in page.heading_texts(2)
    assert "Personuppgiftsansvarig för ASF-portalen är Testförvaltningens dataskyddsombud" in html
    assert "mailto:dataskydd@example.se" in page.hrefs("main")
    correction = html.split('id="rattelse"')[1].split("</section>")[0]
    assert "dataskydd@example.se" in correction


def test_without_an_operator_development_shows_a_marked_example(client):
    assert settings.PORTAL_OPERATOR["example"]  # the tests run without the PORTAL_ settings
    for name in ["home", "accessibility", "privacy"]:
        html = client.get(reverse(name)).content.decode()
        assert "Exempelförvaltningen" in html
        marks = html.count('<p class="operator-unset"><strong>Exempel</strong>')
        assert marks == (1 if name == "home" else 2), name  # the footer's and the page's own
        assert "Ange den riktiga förvaltaren i inställningarna" in html


def test_public_pages_set_no_cookies(client):
    for name in PAGE_NAMES:
        response = client.get(reverse(name))
        assert not response.cookies, f"{name} sets {list(response.cookies)}"


def test_unknown_address_gives_the_swedish_404_page(client):
    _, page = get_page(client, "/finns-inte/", status=404)
    assert page.html_lang == "sv"
    assert page.heading_texts(1) == ["Sidan finns inte"]
    assert_headings_in_order(page)
    assert {reverse("home"), reverse("regions:list"), reverse("projects:list")} <= page.hrefs(
        "main"
    )
    assert page.meta["robots"] == "noindex"
    assert "canonical" not in page.link_rels


def test_500_template_renders_without_any_context():
    html = render_to_string("500.html")
    page = Page(html)
    assert 'lang="sv"' in html
    assert "Något gick fel" in html
    assert page.heading_texts(1) == ["Något gick fel"]
    assert "canonical" not in page.link_rels
    assert reverse("home") in page.hrefs("main")


def test_server_error_view_returns_the_swedish_500_page():
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in html
    assert 'lang="sv"' in html


def test_a_bad_request_gets_the_swedish_400_page_naming_the_operator(client):
    # A host the portal does not serve: Django's 400, through the real middleware and handler.
    response = client.get("/projekt/", HTTP_HOST="inte-portalen.example")
    html = response.content.decode()
    page = Page(html)
    assert response.status_code == 400
    assert settings.PORTAL_OPERATOR["name"] in html
    assert settings.PORTAL_DATA_LICENCE["url"] in page.hrefs("footer")
    assert page.heading_texts(1) == ["Felaktig förfrågan"]
    assert "Adressen innehöll något som portalen inte kunde förstå" in html
    assert reverse("projects:list") in page.hrefs("main")


def test_every_page_links_to_the_accessibility_statement_in_its_footer(client):
    pages = [get_page(client, reverse(name))[1] for name in PAGE_NAMES]
    pages.append(get_page(client, reverse("home"))[1])
    pages.append(get_page(client, "/finns-inte/", status=404)[1])
    pages.append(Page(render_to_string("500.html")))
    pages.append(get_page(client, "/", status=400, HTTP_HOST="inte-portalen.example")[1])
    for page in pages:
        assert "/tillganglighet/" in page.hrefs("footer")
        assert "/personuppgifter/" in page.hrefs("footer")


def test_every_pages_footer_names_the_data_licence(client):
    for name in PAGE_NAMES:
        _, page = get_page(client, reverse(name))
        assert settings.PORTAL_DATA_LICENCE["url"] in page.hrefs("footer")


def test_data_page_offers_the_whole_data_set(client):
    response, page = get_page(client, reverse("data"))
    assert_page_basics(parse(response))
    assert {"/projekt/export.csv", "/projekt/export.json", "/api/regioner/"} <= page.hrefs("main")
    assert {"/api/projekt/", "/projekt/flode/"} <= page.hrefs("main")
    assert {"/api/schema/", "/api/dokumentation/", "/data/katalog.rdf"} <= page.hrefs("main")
    assert "högst 120 anrop per min" in response.content.decode()


def test_data_page_documents_every_field(client):
    response, _ = get_page(client, reverse("data"))
    html = response.content.decode()
    for field in PROJECT_FIELDS:
        assert f"<td>{escape(field.column)}</td>" in html
        assert f"<td><code>{field.key}</code></td>" in html
        assert escape(field.description) in html
    for field in [*REGION_FIELDS, *PROJECT_API_ONLY_FIELDS]:
        assert f"<code>{field.key}</code>" in html
        assert escape(field.description) in html


def test_data_page_explains_the_csv_choices(client):
    html = get_page(client, reverse("data"))[0].content.decode()
    for choice in [
        "UTF-8 med byte-order mark (BOM)",
        "skiljs med semikolon, eftersom svenskt Excel använder komma som decimaltecken",
        "decimalkomma (2,5)",
        "CRLF",
        "asf-projekt-ÅÅÅÅ-MM-DD.csv",
    ]:
        assert choice in html, choice


def test_data_page_lists_the_sources_from_the_database_and_the_terms(client):
    make_source(title="En ny källa", publisher="Ny utgivare")
    html = get_page(client, reverse("data"))[0].content.decode()
    for source in Source.objects.exclude(title=""):
        assert f"<cite>{escape(source.title)}</cite>, {escape(source.publisher)}" in html
    for page in Source.objects.filter(title=""):  # the pages the facts summarise
        assert f'{escape(page.publisher)}, <a href="{escape(page.url)}">' in html
    for term in [
        "Texterna är citerade ur de publicerade texter som anges som källor, från Tillväxtverket, "
        "Region Jönköpings län och Region Östergötland",
        "Statistiska centralbyrån (SCB)",
        "Vi ber dig, men kräver inte, att du anger ASF-portalen och den ursprungliga källan",
        "För originaltexterna gäller utgivarnas egna villkor",
        "CC0 1.0 Universell",
    ]:
        assert term in html, term
    # Attribution is asked for, no longer required: the portal's own data is under CC0.
    assert "får återanvändas om du anger" not in html


def test_about_page_and_project_list_link_to_the_data_page(client):
    assert reverse("data") == "/data/"
    assert "/data/" in get_page(client, reverse("about"))[1].hrefs("main")
    assert "/data/" in get_page(client, reverse("projects:list"))[1].hrefs("main")
