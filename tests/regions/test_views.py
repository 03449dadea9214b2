import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

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


class TagBalance(HTMLParser):
    """A small well-formedness check: every opened element is closed in order."""

    def __init__(self):
        super().__init__()
        self.open = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(tag)


def assert_well_formed(html):
    assert html.lstrip().lower().startswith("<!doctype html>")
    checker = TagBalance()
    checker.feed(html)
    assert checker.errors == [] and checker.open == []


def test_home_lists_the_twelve_regions_in_swedish_order(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert_well_formed(html)
    slugs = re.findall(r'href="/regioner/([a-z-]+)/"', html)
    assert slugs == [
        "dalarna",
        "gavleborg",
        "jamtland-harjedalen",
        "jonkopings-lan",
        "kalmar-lan",
        "kronoberg",
        "norrbotten",
        "skane",
        "vasterbotten",
        "vastra-gotaland",
        "orebro-lan",
        "ostergotland",
    ]


def test_every_region_link_leads_to_its_page(client):
    for slug in ["ostergotland", "kalmar-lan"]:
        assert client.get(f"/regioner/{slug}/").status_code == 200
    assert client.get("/regioner/finns-inte/").status_code == 404
