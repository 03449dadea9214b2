"""Printed pages keep their sources and addresses and leave the navigation and filters out."""

import pytest

pytestmark = pytest.mark.browser

AFTER = "e => getComputedStyle(e, '::after').content"
SHOWN = "e => getComputedStyle(e).display !== 'none'"


def test_a_printed_project_page_writes_out_its_sources_addresses(portal, page):
    page.goto(portal.url + "/projekt/gavleborg-2017-2018/")
    page.emulate_media(media="print")
    source = page.locator(".provenance a").first
    assert source.evaluate(AFTER) == f'" ({source.get_attribute("href")})"'
    assert not page.locator("nav[aria-label='Huvudmeny']").evaluate(SHOWN)
    assert page.locator("footer address").evaluate(SHOWN)
    page.emulate_media(media="screen")
    assert source.evaluate(AFTER) == "none"
    assert page.locator("nav[aria-label='Huvudmeny']").evaluate(SHOWN)


def test_a_printed_project_list_leaves_out_filters_and_search(portal, page):
    page.goto(portal.url + "/projekt/?q=samverkan")
    page.emulate_media(media="print")
    assert not page.locator(".filters").first.evaluate(SHOWN)
    page.goto(portal.url + "/")
    page.emulate_media(media="print")
    assert not page.locator("form[role='search']").evaluate(SHOWN)
    assert page.locator(".key-figures").evaluate(SHOWN)
