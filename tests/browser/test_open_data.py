"""/data/ in Chromium: its schema.org JSON-LD reads as JSON and trips no part of the strict
Content-Security-Policy, and its catalogue record is one link away."""

import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Runs before the page's own content, so that every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
});
"""


def test_the_data_page_has_json_ld_and_no_csp_violations(portal, page, screenshot):
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto(portal.url + "/data/")
    policy = response.header_value("Content-Security-Policy")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.get_by_role("heading", name="Villkor för återanvändning")).to_be_visible()

    blocks = page.locator('head script[type="application/ld+json"]')
    expect(blocks).to_have_count(1)
    dataset = json.loads(blocks.text_content())
    assert dataset["@type"] == "Dataset"
    assert dataset["url"] == portal.url + "/data/"
    assert dataset["license"] == settings.PORTAL_DATA_LICENCE["url"]
    # The browser reads the block as data: it parses in the page itself, too.
    assert (
        page.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)['@type']"
        )
        == "Dataset"
    )

    page.get_by_role("link", name="katalogposten som RDF/XML").scroll_into_view_if_needed()
    screenshot(page, "oppna-data")
    assert page.evaluate("window.cspViolations") == []
    assert console == []


def test_the_catalogue_record_is_linked_from_the_data_page(portal, page):
    page.goto(portal.url + "/data/")
    link = page.get_by_role("link", name="katalogposten som RDF/XML")
    record = page.request.get(portal.url + link.get_attribute("href"))
    assert record.ok
    assert record.headers["content-type"] == "application/rdf+xml; charset=utf-8"
    assert b"http://www.w3.org/ns/dcat#Catalog" in record.body()
