"""The web's small conventions: titles, the main navigation, the icon, robots.txt, Open Graph."""

import struct

import pytest
from django.conf import settings
from django.templatetags.static import static

from tests.html import Page, parse

pytestmark = pytest.mark.django_db

# Every kind of public page, and the main navigation's link that leads to it or above it.
PAGES = {
    "/": None,
    "/regioner/": "Regioner",
    "/regioner/kronoberg/": "Regioner",
    "/projekt/": "Projekt",
    "/projekt/?q=upphandling": "Projekt",
    "/projekt/starkare-asf-i-jonkopings-lan/": "Projekt",
    "/projekt/starkare-asf-i-jonkopings-lan/versioner/": "Projekt",
    "/statistik/": "Statistik",
    "/jamfor/": "Jämför regioner",
    "/data/": "Öppna data",
    "/om/": "Om portalen",
    "/tillganglighet/": None,
    "/personuppgifter/": None,
}
NAVIGATION = ["Regioner", "Projekt", "Statistik", "Jämför regioner", "Öppna data", "Om portalen"]


@pytest.mark.parametrize("path", PAGES)
def test_every_title_names_the_page_then_the_site(client, path):
    title = parse(client.get(path)).texts("title")[0]  # the page's; the map's tiles have theirs
    page_name, site = title.rsplit(" – ", 1)
    assert site == "ASF-portalen" and page_name and page_name != "ASF-portalen", title


@pytest.mark.parametrize("path, current", PAGES.items())
def test_the_main_navigation_leads_everywhere_and_says_where_one_is(client, path, current):
    html = client.get(path).content.decode()
    nav = Page(html.split('<nav aria-label="Huvudmeny">')[1].split("</nav>")[0])
    links = nav.find_all("a")
    assert [text for _, text in links] == NAVIGATION
    marked = {text: attrs["aria-current"] for attrs, text in links if "aria-current" in attrs}
    if current is None:
        assert marked == {}
    else:
        # "page" on the page the link opens, "true" on the pages below it.
        exact = links[NAVIGATION.index(current)][0]["href"] == path.split("?")[0]
        assert marked == {current: "page" if exact else "true"}


def test_robots_txt_names_the_sitemap_at_the_host_asked(client, settings):
    settings.ALLOWED_HOSTS = ["asf.example.se"]
    response = client.get("/robots.txt", HTTP_HOST="asf.example.se", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://asf.example.se/sitemap.xml" in lines
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert client.get("/sitemap.xml", HTTP_HOST="asf.example.se").status_code == 200


def test_the_icon_is_linked_and_the_old_address_leads_to_it(client):
    page = parse(client.get("/"))
    (icon,) = [attrs for attrs, _ in page.find_all("link") if attrs.get("rel") == "icon"]
    assert icon == {"rel": "icon", "href": static("favicon.svg"), "type": "image/svg+xml"}
    assert (settings.BASE_DIR / "static" / "favicon.svg").read_text().startswith("<svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("favicon.svg")


@pytest.mark.parametrize("path", ["/", "/projekt/starkare-asf-i-jonkopings-lan/", "/om/"])
def test_shared_links_get_a_title_description_address_and_image(client, path):
    page = parse(client.get(path))
    og = {
        attrs["property"]: attrs["content"]
        for attrs, _ in page.find_all("meta")
        if "property" in attrs
    }
    assert og["og:url"] == f"http://testserver{path}"
    assert og["og:title"] and og["og:description"] and og["og:type"]
    assert og["og:image"] == f"http://testserver{static('og-image.png')}"
    png = (settings.BASE_DIR / "static" / "og-image.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (1200, 630) == (int(og["og:image:width"]), int(og["og:image:height"]))
    assert og["og:image:alt"]
