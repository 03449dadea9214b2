"""Citable history: dated permalinks of published versions, and what changed between them."""

import pytest
from django.contrib.auth.models import User

from projects.models import Goal, Project
from tests.html import parse

pytestmark = pytest.mark.django_db

SLUG = "starkare-asf-i-jonkopings-lan"


def edit(project, **fields):
    for name, value in fields.items():
        setattr(project, name, value)
    project._history_user = User.objects.create_user(f"redaktor{project.version}")
    project.save()
    return project.history.first()


def test_each_published_version_keeps_its_page(client):
    project = Project.objects.get(slug=SLUG)
    first = project.history.first()
    old_lead = project.lead
    second = edit(project, lead="En helt ny ingress.")
    Goal.objects.get(target_unit="nya avtal").delete()

    old_page = client.get(f"/projekt/{SLUG}/versioner/{first.history_id}/")
    assert old_page.status_code == 200
    old_text = " ".join(parse(old_page).texts("main"))
    assert old_lead in old_text and "En helt ny ingress." not in old_text
    assert "Mål: 3 nya avtal" in old_text  # the goal as it was then
    assert "Så här såg sidan ut" in old_text

    new_text = " ".join(parse(client.get(f"/projekt/{SLUG}/")).texts("main"))
    assert "En helt ny ingress." in new_text and "Mål: 3 nya avtal" not in new_text
    assert f"/projekt/{SLUG}/versioner/{second.history_id}/" in new_text  # the citation


def test_the_list_says_what_changed_and_never_who(client):
    project = Project.objects.get(slug=SLUG)
    edit(project, lead="Ändrad ingress.", title="Starkare ASF")
    response = client.get(f"/projekt/{SLUG}/versioner/")
    page = parse(response)
    text = " ".join(page.texts("main"))
    assert "Ändrat: titel, ingress." in text or "Ändrat: ingress, titel." in text
    assert "redaktor" not in response.content.decode()
    assert len(page.find_all("li", **{"class": "card"})) == 2


def test_drafts_are_never_versions(client):
    project = Project.objects.get(slug=SLUG)
    draft = edit(project, status="draft", lead="Hemligt utkast.")
    edit(project, status="published", lead="Publicerat igen.")
    assert client.get(f"/projekt/{SLUG}/versioner/{draft.history_id}/").status_code == 404
    listing = client.get(f"/projekt/{SLUG}/versioner/").content.decode()
    assert "Hemligt utkast" not in listing
    assert f"/versioner/{draft.history_id}/" not in listing


def test_unknown_versions_are_404(client):
    other = Project.objects.get(slug="messe").history.first()
    assert client.get(f"/projekt/{SLUG}/versioner/{other.history_id}/").status_code == 404
    assert client.get(f"/projekt/{SLUG}/versioner/999999/").status_code == 404
