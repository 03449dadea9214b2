"""Reading the portal's HTML in tests as a browser or a screen reader would see its structure."""

import re
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Page(HTMLParser):
    """Collects elements with their attributes and text, and checks that tags balance."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict, text list)
        self.open = []
        self.errors = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        if not self.open or self.open.pop()[0] != tag:
            self.errors.append(tag)

    def handle_data(self, data):
        for element in self.open:
            element[2].append(data)

    def find_all(self, tag, **attrs):
        return [
            (found_attrs, normalise("".join(text)))
            for found_tag, found_attrs, text in self.elements
            if found_tag == tag and all(found_attrs.get(k) == v for k, v in attrs.items())
        ]

    def texts(self, tag, **attrs):
        return [text for _, text in self.find_all(tag, **attrs)]

    def links(self):
        return [attrs.get("href") for attrs, _ in self.find_all("a")]

    def meta(self, **attrs):
        found = self.find_all("meta", **attrs)
        return found[0][0].get("content") if found else None


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def parse(response):
    html = response.content.decode()
    page = Page(html)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert page.errors == [] and page.open == [], (page.errors, [e[0] for e in page.open])
    return page


def assert_page_basics(page):
    """What every public page carries: language, one h1, landmarks, skip link, metadata."""
    assert page.find_all("html")[0][0].get("lang") == "sv"
    assert len(page.find_all("h1")) == 1
    assert page.find_all("main") and page.find_all("header") and page.find_all("footer")
    assert page.find_all("a", href="#innehall")
    assert page.texts("title")[0]
    assert page.meta(name="description")
    assert page.find_all("link", rel="canonical")[0][0]["href"].startswith("http")
    for prop in ["og:title", "og:description", "og:url", "og:type"]:
        assert page.meta(property=prop), prop
    assert "/tillganglighet/" in page.links()
