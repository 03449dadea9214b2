"""The API's documentation page as Chromium shows it under the portal's Content-Security-Policy:
Swagger UI from the portal's own files, every operation listed, and a call tried from it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import WCAG_TAGS

pytestmark = pytest.mark.browser

# Each violation of the Content-Security-Policy, as the page's document reports it.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_documentation_shows_every_operation_from_the_portal_alone(page, portal, screenshot):
    requested, console = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    response = page.goto(f"{portal.url}/api/dokumentation/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    assert sorted(operations.all_inner_texts()) == [
        "/api/program/",
        "/api/projekt/",
        "/api/projekt/{slug}/",
        "/api/regioner/",
        "/api/regioner/{slug}/",
    ]
    # One h1, the page's own; Swagger UI's title is hidden, its description and licence shown.
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["API:ts dokumentation"]
    assert page.get_by_role("link", name="CC0 1.0 Universell").is_visible()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    assert page.get_by_text("kräver JavaScript").count() == 0  # Swagger UI took its place

    # Try a search in the project list, as a reader of the page would.
    page.locator("#operations-projekt-projekt_list .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("#operations-projekt-projekt_list tr[data-param-name='q'] input").fill(
        "upphandling"
    )
    page.get_by_role("button", name="Execute").click()
    status = page.locator(
        "#operations-projekt-projekt_list .live-responses-table tbody .response-col_status"
    )
    status.wait_for()
    assert status.inner_text().strip() == "200"
    screenshot(page, "api-documentation")

    assert page.evaluate("window.violations") == []
    assert not [text for text in console if "Content Security Policy" in text]
    assert requested and all(url.startswith(portal.url) for url in requested), requested
    assert f"{portal.url}/api/projekt/?q=upphandling" in requested


def test_without_javascript_the_documentation_points_to_the_schema_and_the_data_page(
    browser, portal
):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{portal.url}/api/dokumentation/")
    fallback = page.locator("#swagger-ui")
    assert "kräver JavaScript" in fallback.inner_text()
    links = fallback.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "/api/schema/",
        "/data/#api",
    ]
    assert context.request.get(f"{portal.url}/api/schema/").status == 200
    context.close()
