"""The ways people really use the pages: keyboard only, and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from regions.models import Region
from tests.conftest import make_project

pytestmark = pytest.mark.browser

FOCUSED = "document.activeElement"


def focused(page):
    return page.evaluate(
        f"""() => {{
            const el = {FOCUSED};
            const style = getComputedStyle(el);
            return {{
                tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
                value: el.value, href: el.getAttribute('href'), text: el.textContent.trim(),
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                checked: el.checked,
            }};
        }}"""
    )


def assert_focus_visible(element):
    assert element["outline"] not in {"none", ""} and element["outlineWidth"] >= 2, element


def tab_until(page, matches, limit=120):
    """Press Tab until the focused element matches, checking on the way that focus shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] != "body":
            assert_focus_visible(element)
        if matches(element):
            return element
    raise AssertionError("never reached by Tab")


def make_many_projects(count=22):
    for slug in ["skane", "kronoberg"]:
        region = Region.objects.get(slug=slug)
        for number in range(count // 2):
            make_project(
                region=region, title=f"Tangentbordsprojekt {slug} {number:02}", source=region.source
            )


def test_skip_link_moves_focus_to_the_content(portal, page):
    page.goto(portal.url + "/projekt/")
    page.keyboard.press("Tab")
    element = focused(page)
    assert element["href"] == "#innehall" and element["text"] == "Hoppa till innehållet"
    assert_focus_visible(element)
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "innehall"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_keyboard_only_filter_page_through_and_open_a_project(portal, page, screenshot):
    make_many_projects()
    page.goto(portal.url + "/projekt/")

    tab_until(page, lambda e: e["tag"] == "summary")
    page.keyboard.press("Enter")  # unfolds the filters
    tab_until(page, lambda e: e["name"] == "region" and e["value"] == "kronoberg")
    page.keyboard.press("Space")
    tab_until(page, lambda e: e["name"] == "region" and e["value"] == "skane")
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_until(page, lambda e: e["tag"] == "button" and e["text"] == "Visa projekt")
    screenshot(page, "tangentbord-filter")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"region=kronoberg.*region=skane|region=skane.*region=kronoberg"))
    expect(page.locator("#resultat-rubrik")).to_contain_text("24 projekt")

    tab_until(page, lambda e: e["text"] == "Nästa sida")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    assert "region=kronoberg" in page.url and "region=skane" in page.url
    expect(page.locator("#resultat-rubrik")).to_contain_text("sida 2 av 2")

    project = tab_until(
        page,
        lambda e: (
            (e["href"] or "").startswith("/projekt/")
            and e["href"].count("/") == 3
            and "?" not in e["href"]
        ),
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(project["href"]) + "$"))
    expect(page.locator("h1")).to_have_text(project["text"])
    screenshot(page, "tangentbord-projekt")


def test_without_javascript_the_same_filter_path_works(portal, browser):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    make_many_projects()
    page.goto(portal.url + "/projekt/")
    page.get_by_text("Filtrera och sortera").click()  # <details> opens without JavaScript
    page.get_by_label("Kronoberg").check()
    page.get_by_label("Skåne").check()
    page.get_by_role("button", name="Visa projekt").click()
    expect(page.locator("#resultat-rubrik")).to_contain_text("24 projekt")
    page.get_by_role("link", name="Nästa sida").click()
    expect(page.locator("#resultat-rubrik")).to_contain_text("sida 2 av 2")
    first = page.locator(".card h3 a").first
    title = first.text_content()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    context.close()
