"""What Lighthouse checks that does not depend on timing, on every type of page.

`make lighthouse` (tools/lighthouse.py) runs Lighthouse itself, outside the tests, since its
performance score depends on how busy the machine is; these are the parts of its accessibility,
best-practices and SEO audits that a template change can break.
"""

import re

import pytest

from tests.html import parse

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/regioner/",
    "/regioner/kronoberg/",
    "/projekt/",
    "/projekt/?q=upphandling&year=2018",
    "/projekt/starkare-asf-i-jonkopings-lan/",
    "/projekt/starkare-asf-i-jonkopings-lan/versioner/",
    "/statistik/",
    "/jamfor/",
    "/data/",
    "/om/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/finns-inte/",
]

# Lighthouse's SEO audit "Links do not have descriptive text" fails on these link texts
# (its Swedish and English lists).
UNDESCRIPTIVE_LINK_TEXTS = {
    "här",
    "klicka här",
    "läs mer",
    "mer",
    "mer info",
    "mer information",
    "click here",
    "here",
    "learn more",
    "more",
    "read more",
    "see more",
}


def get(client, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/finns-inte/" else 200)
    return response, parse(response)


@pytest.mark.parametrize("path", PAGES)
def test_the_head_has_what_lighthouse_asks_for(client, path):
    response, page = get(client, path)
    assert page.find_all("html")[0][0].get("lang") == "sv"
    # The character set is declared within the first 1024 bytes, and by the header.
    assert '<meta charset="utf-8">' in response.content[:1024].decode(errors="ignore")
    assert "charset=utf-8" in response["Content-Type"]
    (viewport,) = [attrs["content"] for attrs, _ in page.find_all("meta", name="viewport")]
    assert "width=device-width" in viewport
    # Zooming stays possible.
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport
    assert page.texts("title")[0]
    assert page.meta(name="description").strip()


@pytest.mark.parametrize("path", PAGES)
def test_the_page_needs_no_script_and_nothing_inline_the_csp_would_block(client, path):
    # Every page works without JavaScript; and an inline style or script would be refused by
    # the Content-Security-Policy, which the browser reports as a console error.
    response, page = get(client, path)
    html = response.content.decode()
    # A JSON-LD block (/data/'s schema.org Dataset) is data for search engines, never run.
    scripts = [attrs for attrs, _ in page.find_all("script")]
    assert all(attrs.get("type") == "application/ld+json" for attrs in scripts), scripts
    assert not page.find_all("style")
    assert not re.search(r"<[^>]*\sstyle=", html)
    assert not re.search(r"<[^>]*\son[a-z]+=", html)
    stylesheets = [attrs for attrs, _ in page.find_all("link") if attrs.get("rel") == "stylesheet"]
    assert stylesheets and all(attrs["href"].startswith("/static/") for attrs in stylesheets)
    # Only the screen's stylesheet holds up the first paint; the printer's waits.
    print_sheets = [attrs for attrs in stylesheets if "print" in attrs["href"]]
    assert print_sheets and all(attrs.get("media") == "print" for attrs in print_sheets)


@pytest.mark.parametrize("path", PAGES)
def test_every_image_has_a_size_and_every_link_a_descriptive_name(client, path):
    _, page = get(client, path)
    for attrs, _ in page.find_all("img"):
        assert attrs.get("width") and attrs.get("height") and "alt" in attrs, attrs
    for tag, attrs, text in page.elements:
        if tag == "svg":
            assert attrs.get("width") and attrs.get("height"), attrs
        if tag != "a":
            continue
        name = attrs.get("aria-label") or " ".join("".join(text).split())
        assert name, attrs
        assert name.lower().rstrip(".…") not in UNDESCRIPTIVE_LINK_TEXTS, (attrs, name)


def test_robots_txt_holds_only_directives_crawlers_know(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for line in lines:
        if line.strip() and not line.startswith("#"):
            directive, _, value = line.partition(":")
            assert directive.lower() in {"user-agent", "allow", "disallow", "sitemap"}, line
            assert value.strip(), line
