"""WCAG 2.1 AA, checked by axe-core in Chromium on every kind of public page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "start": "/",
    "regioner": "/regioner/",
    "region": "/regioner/kronoberg/",
    "region-med-siffror": "/regioner/vastra-gotaland/",
    "projektlista-filtrerad": "/projekt/?region=kronoberg&region=ostergotland&theme=samverkan",
    "projektlista-sokning": "/projekt/?q=upphandling",
    "projektlista-sokning-partner": "/projekt/?q=Coompanion%20or%20Wandel",
    "projektlista-tom": "/projekt/?q=rymdraket",
    "projektlista-felaktig": "/projekt/?region=finns-inte&year=abc",
    "projekt": "/projekt/starkare-asf-i-jonkopings-lan/",
    "projekt-utan-beskrivning": "/projekt/kalmar-lan-2017-2018/",
    "projekt-med-uppgifter": "/projekt/dalarna-2017-2018/",
    "region-med-lite-kant": "/regioner/kalmar-lan/",
    "projekt-versioner": "/projekt/starkare-asf-i-jonkopings-lan/versioner/",
    "statistik": "/statistik/",
    "jamfor": "/jamfor/?region=kronoberg&region=vastra-gotaland&region=jonkopings-lan",
    "jamfor-felaktig": "/jamfor/?region=kronoberg",
    "data": "/data/",
    "om": "/om/",
    "tillganglighet": "/tillganglighet/",
    "personuppgifter": "/personuppgifter/",
    "404": "/finns-inte/",
}


@pytest.mark.parametrize("name, path", PAGES.items(), ids=PAGES.keys())
def test_no_wcag_violations(portal, page, screenshot, name, path):
    response = page.goto(portal.url + path)
    assert response.status in {200, 400, 404}, response.status
    screenshot(page, name)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    # axe really ran its WCAG rules here: a page it could not read would pass nothing.
    assert len(results.response["passes"]) > 10


def test_axe_reports_a_real_violation(portal, page):
    """The harness itself: an image without alt text and an unlabelled field are caught."""
    page.goto(portal.url + "/om/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/css/portal.css"><input type="text">\')'
    )
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    rules = {violation["id"] for violation in results.response["violations"]}
    assert {"image-alt", "label"} <= rules
