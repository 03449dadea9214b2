"""Restoring and saving at the same time in the admin, as the people doing it see it."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from projects.models import Goal, Project
from tests.admin_forms import make_editor

pytestmark = pytest.mark.browser

PASSWORD = "ett-långt-lösenord-1"


@pytest.fixture
def kronoberg(portal):
    return Project.objects.get(slug="kronoberg-2017-2018")


def log_in(browser, portal, username):
    page = browser.new_context(locale="sv-SE").new_page()
    page.goto(portal.url + "/admin/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#site-name")).to_contain_text("ASF-portalen")
    return page


def save(page):
    page.get_by_role("button", name="Spara", exact=True).click()


def test_an_administrator_restores_an_older_version(portal, kronoberg, browser, screenshot):
    User.objects.create_superuser("alva", "alva@example.se", PASSWORD)
    page = log_in(browser, portal, "alva")
    change_url = f"{portal.url}/admin/projects/project/{kronoberg.pk}/change/"
    page.goto(change_url)
    page.get_by_label("Ingress").fill("En felaktig ingress.")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("Ändrade projekt")

    page.goto(f"{portal.url}/admin/projects/project/{kronoberg.pk}/history/")
    # Newest first: the second row is the version before the mistake.
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    expect(page.get_by_label("Ingress")).to_have_value(kronoberg.lead)
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_be_visible()
    screenshot(page, "admin-aterstallt")
    assert Project.objects.get(pk=kronoberg.pk).lead == kronoberg.lead


def test_a_second_save_keeps_both_peoples_changes(portal, kronoberg, browser, screenshot):
    User.objects.create_superuser(
        "alva", "alva@example.se", PASSWORD, first_name="Alva", last_name="Admin"
    )
    make_editor("bengt", "kronoberg")  # with the same password
    alva, bengt = log_in(browser, portal, "alva"), log_in(browser, portal, "bengt")
    change_url = f"{portal.url}/admin/projects/project/{kronoberg.pk}/change/"
    alva.goto(change_url)
    bengt.goto(change_url)

    alva.get_by_label("Ingress").fill("Alvas ingress.")
    save(alva)
    expect(alva.locator(".messagelist")).to_contain_text("Ändrade projekt")

    bengt.get_by_label("Syfte").fill("Bengts syfte.")
    save(bengt)
    expect(bengt.locator(".errornote")).to_be_visible()
    expect(bengt.locator(".errorlist.nonfield")).to_contain_text("Posten har sparats av Alva Admin")
    # His form now shows her lead beside his purpose.
    expect(bengt.get_by_label("Ingress")).to_have_value("Alvas ingress.")
    expect(bengt.get_by_label("Syfte")).to_have_value("Bengts syfte.")
    screenshot(bengt, "admin-sparat-under-tiden")
    save(bengt)

    expect(bengt.locator(".messagelist")).to_contain_text("Ändrade projekt")
    saved = Project.objects.get(pk=kronoberg.pk)
    assert (saved.lead, saved.purpose) == ("Alvas ingress.", "Bengts syfte.")


def test_a_row_deleted_meanwhile_is_named_and_the_rest_saved(portal, kronoberg, browser):
    User.objects.create_superuser("alva", "alva@example.se", PASSWORD)
    page = log_in(browser, portal, "alva")
    page.goto(f"{portal.url}/admin/projects/project/{kronoberg.pk}/change/")
    goal = kronoberg.goals.earliest("pk")
    goal.delete()

    page.get_by_label("Ingress").fill("Ingressen sparas ändå.")
    save(page)
    expect(page.locator(".inline-group .errorlist.nonform")).to_contain_text(
        "medan du hade formuläret öppet, så den sparas inte"
    )
    save(page)

    expect(page.locator(".messagelist")).to_contain_text("Ändrade projekt")
    assert Project.objects.get(pk=kronoberg.pk).lead == "Ingressen sparas ändå."
    assert not Goal.objects.filter(pk=goal.pk).exists()
