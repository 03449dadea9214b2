"""A region's and the comparison page's charts as Chromium draws them, at desktop and phone
widths: every label and value read whole inside its chart, each bar as long as its table says."""

import pytest

from tests.browser.test_statistics import DRAWN_CHARTS, assert_bars_match_table

pytestmark = pytest.mark.browser

COMPARED = "region=jonkopings-lan&region=kronoberg&region=ostergotland&region=skane"
# Page, then each chart's title with the caption of its table and the column it draws.
PAGES = {
    "/regioner/jonkopings-lan/": {
        "Mål i regionens projekt efter typ": ("Mål i regionens projekt efter typ", "Mål"),
    },
    f"/jamfor/?{COMPARED}": {
        "Publicerade projekt per region": ("Projekt och mål i de valda regionerna", "Projekt"),
        "Mål i regionernas projekt": ("Projekt och mål i de valda regionerna", "Mål"),
    },
}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("path", list(PAGES))
def test_charts_are_drawn_as_their_tables_say(portal, page, screenshot, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(portal.url + path)
    name = "jamfor" if path.startswith("/jamfor/") else "region-jonkopings-lan"
    screenshot(page, f"{name}-diagram-{width}px")
    charts = page.evaluate(DRAWN_CHARTS)
    assert sorted(chart["title"] for chart in charts) == sorted(PAGES[path])
    for chart in charts:
        assert chart["problems"] == [], chart["title"]
        # Never wider than the screen: the page does not scroll sideways for a chart.
        assert chart["drawnWidth"] <= width
        assert_bars_match_table(page, chart, *PAGES[path][chart["title"]])
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_home_pages_years_are_not_broken_on_a_phone(portal, page, screenshot):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(portal.url + "/")
    screenshot(page, "startsida-ingress-360px")
    years = page.locator(".lead .no-break")
    assert years.inner_text() == "2017–2018"
    assert years.evaluate("span => getComputedStyle(span).whiteSpace") == "nowrap"
    # Wherever the line ends on a phone, the years are never parted at their dash.
    for width in range(300, 481, 4):
        page.set_viewport_size({"width": width, "height": 800})
        assert years.evaluate("span => span.getClientRects().length") == 1, width
