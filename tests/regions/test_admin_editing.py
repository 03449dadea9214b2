"""Editing in the admin: history, restore, no lost edits, validation, nothing half-saved."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Goal, Project
from tests.admin_forms import change_form_data, make_editor

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "alva", "alva@example.se", "ett-långt-lösenord-1", first_name="Alva", last_name="Admin"
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def open_project(client, slug="kronoberg-2017-2018"):
    project = Project.objects.get(slug=slug)
    url = admin_url(Project, "change", project.pk)
    return project, url, change_form_data(client.get(url))


def test_every_change_is_kept_with_who_when_and_what(superuser):
    client = logged_in(superuser)
    project, url, data = open_project(client)
    before = project.history.count()
    data["lead"] = "En ny ingress."
    assert client.post(url, data).status_code == 302
    latest, previous = project.history.all()[:2]
    assert project.history.count() == before + 1
    assert latest.history_user == superuser and latest.history_type == "~"
    changes = latest.diff_against(previous, excluded_fields=["version"]).changes
    assert [(c.field, c.new) for c in changes] == [("lead", "En ny ingress.")]
    history_page = client.get(admin_url(Project, "history", project.pk)).content.decode()
    assert "En ny ingress." in history_page or "Ingress" in history_page
    assert "alva" in history_page


def test_theme_changes_are_kept_too(superuser):
    client = logged_in(superuser)
    project, url, data = open_project(client)
    data["themes"] = []
    assert client.post(url, data).status_code == 302
    assert list(project.history.first().themes.all()) == []
    assert project.history.all()[1].themes.count() == 2


def test_an_earlier_version_can_be_restored(superuser):
    client = logged_in(superuser)
    project, url, data = open_project(client)
    original_lead = project.lead
    first = project.history.first()
    data["lead"] = "Felaktig ändring."
    client.post(url, data)
    restore_url = reverse(
        "admin:projects_project_simple_history", args=[project.pk, first.history_id]
    )
    restore_data = change_form_data(client.get(restore_url))
    assert restore_data["lead"] == original_lead
    response = client.post(restore_url, restore_data)
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).lead == original_lead


def test_a_deleted_goal_can_be_found_and_restored(superuser):
    client = logged_in(superuser)
    goal = Goal.objects.get(target_unit="nya avtal")
    assert client.post(admin_url(Goal, "delete", goal.pk), {"post": "yes"}).status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    deleted_page = client.get(admin_url(Goal, "deleted")).content.decode()
    assert goal.text[:30] in deleted_page
    history_url = admin_url(Goal, "history", goal.pk)
    assert history_url in deleted_page
    assert client.get(history_url).status_code == 200
    # The newest version before the deletion.
    last_version = Goal.history.filter(id=goal.pk).exclude(history_type="-").first()
    restore_url = reverse(
        "admin:projects_goal_simple_history", args=[goal.pk, last_version.history_id]
    )
    response = client.post(restore_url, change_form_data(client.get(restore_url)))
    assert response.status_code == 302
    restored = Goal.objects.get(pk=goal.pk)
    assert (restored.text, restored.target_value) == (goal.text, goal.target_value)


def test_the_second_of_two_simultaneous_saves_is_refused_and_shows_what_changed(superuser):
    anna, bengt = logged_in(superuser), logged_in(make_editor("bengt", "kronoberg"))
    project, url, anna_data = open_project(anna)
    _, _, bengt_data = open_project(bengt)

    anna_data["title"] = "Annas titel"
    assert anna.post(url, anna_data).status_code == 302

    bengt_data["lead"] = "Bengts ingress"
    response = bengt.post(url, bengt_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Posten har sparats av Alva Admin" in page
    assert "dina ändringar sparades inte" in page
    assert "Titel: ”ASF-projekt 2017–2018: Region Kronoberg” → ”Annas titel”" in page
    assert "Bengts ingress" in page  # Bengt's text is still in his form: nothing is lost
    saved = Project.objects.get(pk=project.pk)
    assert (saved.title, saved.lead) == ("Annas titel", project.lead)

    # Having seen the message, saving again overwrites knowingly.
    retry = change_form_data(response)
    assert bengt.post(url, retry).status_code == 302
    assert Project.objects.get(pk=project.pk).lead == "Bengts ingress"


def test_simultaneous_edits_of_a_goal_inline_and_alone(superuser):
    client = logged_in(superuser)
    other = logged_in(make_editor("berit", "jonkopings-lan"))
    project, url, data = open_project(client, "starkare-asf-i-jonkopings-lan")
    goal = project.goals.get(target_unit="nya avtal")
    goal_url = admin_url(Goal, "change", goal.pk)
    goal_data = change_form_data(other.get(goal_url))
    goal_data["text"] = "Fyra nya avtal."
    assert other.post(goal_url, goal_data).status_code == 302

    # The project form still holds the goal as it was: untouched, it saves fine...
    data["lead"] = "Ändrad ingress."
    assert client.post(url, data).status_code == 302
    # ...but editing the same goal in a stale form is refused.
    project, url, stale = open_project(client, "starkare-asf-i-jonkopings-lan")
    prefix = next(
        k.removesuffix("-id")
        for k, v in stale.items()
        if k.startswith("goals-") and k.endswith("-id") and v == str(goal.pk)
    )
    stale[f"{prefix}-seen_version"] = str(int(stale[f"{prefix}-seen_version"]) - 1)
    stale[f"{prefix}-text"] = "Fem nya avtal."
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Posten har sparats av berit" in response.content.decode()
    assert Goal.objects.get(pk=goal.pk).text == "Fyra nya avtal."


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("lead", "<script>alert(1)</script>", "Texten innehåller HTML-kod"),
        ("purpose", 'Läs <a href="x">här</a>', "Texten innehåller HTML-kod"),
        ("period_end", "2016-01-01", "Perioden kan inte sluta före den börjar."),
        ("slug", "skane-2017-2018", "finns redan"),
    ],
)
def test_bad_project_input_is_refused_in_swedish_and_nothing_is_saved(
    superuser, field, value, message
):
    client = logged_in(superuser)
    project, url, data = open_project(client)
    data["title"] = "Ändrad titel som inte får sparas"
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Project.objects.get(pk=project.pk).title == project.title


@pytest.mark.parametrize(
    "inline, field, value, message",
    [
        ("goals", "target_value", "-5", "Målvärdet kan inte vara negativt."),
        ("contacts", "phone", "ring mig", "Ange telefonnumret med siffror"),
        ("contacts", "email", "karin@", "giltig e-postadress"),
    ],
)
def test_bad_inline_input_refuses_the_whole_save(superuser, inline, field, value, message):
    client = logged_in(superuser)
    slug = "starkare-asf-i-jonkopings-lan" if inline == "goals" else "kronoberg-2017-2018"
    project, url, data = open_project(client, slug)
    data["lead"] = "Ingressen får inte sparas när ett mål är fel."
    data[f"{inline}-0-{field}"] = value
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Project.objects.get(pk=project.pk).lead == project.lead
