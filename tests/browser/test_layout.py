"""Reflow: phones at 360 px and desktop text at 200 % zoom lose nothing sideways."""

import pytest

from tests.browser.test_accessibility import PAGES

pytestmark = pytest.mark.browser

# Everything that sticks out past the viewport's right edge, or is clipped by its own box.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    if (document.documentElement.scrollWidth > width) {
        problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
    }
    for (const el of document.querySelectorAll('main *, header *, footer *')) {
        // Data tables may scroll inside their own box (WCAG 1.4.10 exempts them); the box
        // itself must still fit, which the outer check of .table-scroll covers.
        if (el.closest('.visually-hidden, .skip-link, svg, .table-scroll > *')) continue;
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 1) {
            problems.push(el.tagName + '.' + el.className + ' ends at ' + Math.round(box.right));
        }
        const style = getComputedStyle(el);
        if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
            problems.push(el.tagName + '.' + el.className + ' cuts off its content');
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("width", [360, 320])
@pytest.mark.parametrize("name, path", PAGES.items(), ids=PAGES.keys())
def test_nothing_overflows_on_a_phone(portal, page, screenshot, name, path, width):
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(portal.url + path)
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, f"{name}-{width}px")


@pytest.mark.parametrize("name, path", PAGES.items(), ids=PAGES.keys())
def test_nothing_is_cut_off_at_200_percent_zoom(portal, browser, name, path):
    # 200 % zoom on a 1280 px wide window lays the page out in 640 CSS pixels, each drawn
    # twice as large: the same as a 640 px viewport at device scale factor 2.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    page.goto(portal.url + path)
    assert page.evaluate(OVERFLOW) == []
    assert page.evaluate("window.devicePixelRatio") == 2
    context.close()


def test_the_overflow_check_catches_a_too_wide_element(portal, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(portal.url + "/om/")
    # Through the CSSOM: the Content-Security-Policy refuses inline style attributes.
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'bred';"
        " p.style.width = '900px'; document.querySelector('main').append(p); }"
    )
    assert any("ends at" in problem for problem in page.evaluate(OVERFLOW))
