"""The lists and tables on a 360 px phone: results before the folded filters, filters removed by
their chips, table headers read whole in a box that scrolls on its own."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}

# Every word of a table's cells (and a comparison's facts) drawn on one line: broken only
# where it has a space, a dash or a soft hyphen. Also each header wider than its cell.
BROKEN_WORDS = """() => {
    const problems = [];
    for (const cell of document.querySelectorAll('main th, main td, main dt')) {
        if (cell.scrollWidth > cell.clientWidth + 1) {
            problems.push(`${cell.tagName} "${cell.textContent.trim()}" is wider than its cell`);
        }
        const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = texts.nextNode(); node; node = texts.nextNode()) {
            for (const word of node.data.matchAll(/[^\\s\\u00ad\\u2013-]+/g)) {
                const range = document.createRange();
                // After a soft hyphen the browser draws the hyphen at the word's start.
                const hyphenated = node.data[word.index - 1] === '\\u00ad';
                range.setStart(node, word.index + (hyphenated ? 1 : 0));
                range.setEnd(node, word.index + word[0].length);
                const rects = [...range.getClientRects()].filter((r) => r.width > 0.5);
                const lines = new Set(rects.map((r) => Math.round(r.top)));
                if (lines.size > 1) problems.push(`"${word[0]}" broken over ${lines.size} lines`);
            }
        }
    }
    return problems;
}"""

TABLE_PAGES = {
    "statistik": "/statistik/",
    "data": "/data/",
    "om": "/om/",
    "jamfor": "/jamfor/?region=kronoberg&region=vastra-gotaland&region=jonkopings-lan",
    "region": "/regioner/vastra-gotaland/",
}


def first_result_bottom(page):
    """Where the first result's title ends: on the first screen, the reader sees a result."""
    box = page.locator(".card a").first.bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?region=kronoberg&region=ostergotland&theme=samverkan",
        "?q=upphandling&status=avslutade",
    ],
)
def test_the_first_result_is_near_the_top_of_a_phone(portal, page, screenshot, query):
    page.set_viewport_size(PHONE)
    page.goto(portal.url + "/projekt/" + query)
    assert first_result_bottom(page) <= PHONE["height"]  # was 1 750 px down
    screenshot(page, f"projektlista{'-filtrerad' if query else ''}-360px-forsta-traffen")


def test_a_chip_removes_its_filter_and_only_that(portal, page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(portal.url + "/projekt/?region=kronoberg&region=ostergotland")
    heading = page.locator("#resultat-rubrik")
    expect(heading).to_have_text("Fyra projekt i Kronoberg och Östergötland")
    chip = page.get_by_role("link", name="Ta bort filter: Östergötland")
    assert chip.bounding_box()["y"] < 700  # the chips are seen before the results
    chip.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/projekt/\?region=kronoberg$"))
    expect(page.locator("#resultat-rubrik")).to_have_text("Ett projekt i Kronoberg")
    # In the folded filters, unticked as well.
    assert page.locator("#f-region-ostergotland").evaluate("(box) => !box.checked")
    assert page.locator("#f-region-kronoberg").evaluate("(box) => box.checked")
    screenshot(page, "projektlista-chip-borttagen-360px")
    page.get_by_role("link", name="Ta bort filter: Kronoberg").click()
    page.wait_for_url(re.compile(r"/projekt/$"))
    expect(page.locator("#resultat-rubrik")).to_have_text("14 projekt")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name, path", TABLE_PAGES.items(), ids=TABLE_PAGES.keys())
def test_table_words_are_never_broken_mid_word(portal, page, screenshot, name, path, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal.url + path)
    assert page.evaluate(BROKEN_WORDS) == []
    screenshot(page, f"tabell-{name}-{width}px")


def test_a_wide_table_scrolls_in_its_own_box_by_keyboard(portal, page):
    page.set_viewport_size(PHONE)
    page.goto(portal.url + "/statistik/")
    box = page.get_by_role("region", name="Projekt och mål per region")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")  # wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the page is not
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", polling=50, timeout=2000)
    assert box.evaluate("(el) => el.getAttribute('tabindex')") == "0"


# Each county's label inside its tile with room to spare, and drawn at 12 px or more.
MAP_LABELS = """() => [...document.querySelectorAll('svg.county-map text')].map((text) => {
    const tile = text.previousElementSibling.getBoundingClientRect();
    const lines = [...text.querySelectorAll('tspan')].map((line) => line.getBoundingClientRect());
    const inside = lines.every((line) => line.left >= tile.left + 1 && line.right <= tile.right - 1
        && line.top >= tile.top && line.bottom <= tile.bottom);
    const px = parseFloat(getComputedStyle(text).fontSize) * tile.width / 60;
    return {label: text.textContent, inside, px: Math.round(px * 10) / 10};
})"""


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_county_labels_fit_their_tiles(portal, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal.url + "/regioner/")
    labels = page.evaluate(MAP_LABELS)
    assert len(labels) == 21
    assert [label for label in labels if not label["inside"] or label["px"] < 12] == []
    names = {label["label"] for label in labels}
    assert {"Gävle-borg", "Sörm-land", "Skåne", "Stock-holm"} <= names
    page.locator("svg.county-map").screenshot(path=str(SCREENSHOTS / f"lanskarta-{width}px.png"))


def test_a_search_that_finds_nothing_offers_no_empty_filter(portal, page):
    page.goto(portal.url + "/projekt/?q=rymdraket")
    page.locator("summary").click()
    assert page.locator("fieldset").count() == 5  # in the page, for as many queries
    assert page.locator("fieldset:visible").count() == 0
    assert page.locator("#id_sort").is_visible()
    page.goto(portal.url + "/projekt/?q=upphandling")
    page.locator("summary").click()
    assert page.locator("fieldset:visible").count() == 5
