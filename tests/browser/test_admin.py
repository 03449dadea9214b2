"""The admin keeps working under the strict Content-Security-Policy (no inline scripts)."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from projects.models import Project

pytestmark = pytest.mark.browser

PASSWORD = "ett-långt-lösenord-1"


def test_admin_works_under_the_content_security_policy(portal, page, screenshot):
    User.objects.create_superuser("alva", "alva@example.se", PASSWORD)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(portal.url + "/admin/")
    page.get_by_label("Användarnamn").fill("alva")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#site-name")).to_contain_text("ASF-portalen")

    project = Project.objects.get(slug="kronoberg-2017-2018")
    page.goto(f"{portal.url}/admin/projects/project/{project.pk}/change/")
    # Autocomplete widgets are select2, started by the admin's own scripts.
    expect(page.locator("select#id_region.select2-hidden-accessible")).to_have_count(1)
    # Inlines can add a row: the admin's inline script runs.
    page.get_by_role("button", name="Lägg till ytterligare Mål").click()
    expect(page.locator("#goals-1")).to_have_count(1)
    page.get_by_label("Ingress").fill("Ändrad i webbläsaren.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Ändrade projekt")
    screenshot(page, "admin-projekt")
    assert Project.objects.get(pk=project.pk).lead == "Ändrad i webbläsaren."
    assert violations == []
