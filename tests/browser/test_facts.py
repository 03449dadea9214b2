"""A project page's facts with their pages, as a reader sees them on a phone and a desktop."""

import pytest

from tests.browser.test_layout import OVERFLOW

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_a_project_page_with_facts_reads_at_every_width(portal, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(portal.url + "/projekt/gavleborg-2017-2018/")
    facts = page.locator("section[aria-labelledby='uppgifter-rubrik']")
    assert facts.locator("h3").first.inner_text() == "Namn"
    first = facts.locator(".fact-list li").first
    assert first.locator("p").first.inner_text().startswith("Projektnamn: ”Hållbara ASF")
    provenance = first.locator(".provenance")
    assert provenance.inner_text().startswith("Sammanfattning av Tillväxtverket (Lär av andra):")
    # The provenance line is quieter than the fact, yet links its page.
    assert provenance.locator("a").get_attribute("href").startswith("https://tillvaxtverket.se/")
    sizes = [
        float(p.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        for p in (first.locator("p").first, provenance)
    ]
    assert sizes[1] < sizes[0]
    # The programme's facts open from their summary line, by keyboard too.
    page.locator("details summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details").evaluate("e => e.open")
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, f"projekt-med-uppgifter-{width}px")
