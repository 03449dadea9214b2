"""Editing in the admin: history, restore, no lost edits, validation, nothing half-saved.

Whatever locks a record (the version check does) is tested with real transactions, as a
server runs it: pytest's own wrapping transaction would hide a view that has none.
"""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from projects.models import Contact, Fact, Goal, Partnership, Project
from regions.models import RegionRole
from tests.admin_forms import change_form_data, make_editor

pytestmark = pytest.mark.django_db
real_transactions = pytest.mark.django_db(transaction=True)

KRONOBERG = "kronoberg-2017-2018"


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


@pytest.fixture
def portal_data(transactional_db):
    """Transactional tests empty the tables after themselves, so each loads the portal's data."""
    call_command("load_published_data", stdout=io.StringIO())


def open_project(client, slug=KRONOBERG):
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


# A Kronoberg record of each kind restored in the admin, and a text field to change in it.
RESTORED = {
    Project: (lambda: Project.objects.get(slug=KRONOBERG), "lead"),
    Goal: (lambda: Goal.objects.filter(project__slug=KRONOBERG).earliest("pk"), "text"),
    Contact: (lambda: Contact.objects.get(name="Karin Palmér"), "role"),
    Partnership: (
        lambda: Partnership.objects.filter(project__slug=KRONOBERG).earliest("pk"),
        "role",
    ),
}
restored_models = pytest.mark.parametrize("model", RESTORED, ids=lambda m: m.__name__)


def restore_url(model, pk, record):
    return admin_url(model, "simple_history", pk, record.history_id)


def change_in_admin(client, model, pk, **values):
    url = admin_url(model, "change", pk)
    data = change_form_data(client.get(url))
    data.update(values)
    assert client.post(url, data).status_code == 302


@real_transactions
@restored_models
def test_an_earlier_version_is_restored_on_a_real_transaction(portal_data, superuser, model):
    find, field = RESTORED[model]
    record = find()
    original = getattr(record, field)
    client = logged_in(superuser)
    change_in_admin(client, model, record.pk, **{field: "En felaktig ändring."})
    changed = model.objects.get(pk=record.pk)
    earlier = model.history.filter(id=record.pk, version=changed.version - 1).first()

    form = client.get(restore_url(model, record.pk, earlier))
    assert form.status_code == 200
    assert "Återställ den här versionen" in form.content.decode()
    data = change_form_data(form)
    assert data[field] == original
    response = client.post(restore_url(model, record.pk, earlier), data)

    assert response.status_code == 302
    restored = model.objects.get(pk=record.pk)
    assert getattr(restored, field) == original
    # The restore is a new version after the newest, not a second copy of the old one.
    assert restored.version == changed.version + 1
    latest = model.history.filter(id=record.pk).first()
    assert (latest.version, latest.history_user) == (restored.version, superuser)


@real_transactions
@restored_models
def test_a_deleted_record_is_listed_and_restored_on_a_real_transaction(
    portal_data, superuser, model
):
    find, field = RESTORED[model]
    record = find()
    client = logged_in(superuser)
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    deleted_page = client.get(admin_url(model, "deleted")).content.decode()
    history_url = admin_url(model, "history", record.pk)
    assert history_url in deleted_page
    assert client.get(history_url).status_code == 200
    deletion = model.history.filter(id=record.pk, history_type="-").get()
    last_version = model.history.filter(id=record.pk).exclude(history_type="-").first()

    url = restore_url(model, record.pk, last_version)
    response = client.post(url, change_form_data(client.get(url)))

    assert response.status_code == 302
    restored = model.objects.get(pk=record.pk)
    assert getattr(restored, field) == getattr(record, field)
    assert restored.version == deletion.version + 1


def wait_until_a_request_waits_for_a_lock():
    """Until another connection of this test database waits for a lock (bounded, never timed:
    the test asserts what happens after, not how long it took)."""
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("No request came to wait for the other restore's lock.")


def in_a_thread(function):
    """Runs function on a connection of its own, as another server process would."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # handed to the test, which says what went wrong
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@real_transactions
def test_two_administrators_restoring_one_deleted_record_at_once(portal_data, superuser):
    goal = Goal.objects.filter(project__slug=KRONOBERG).first()
    client = logged_in(superuser)
    assert client.post(admin_url(Goal, "delete", goal.pk), {"post": "yes"}).status_code == 302
    last_version = Goal.history.filter(id=goal.pk).exclude(history_type="-").first()
    url = restore_url(Goal, goal.pk, last_version)
    form = change_form_data(client.get(url))
    restored, release = threading.Event(), threading.Event()

    def the_other_administrators_restore():
        # Between its check and its commit: it has locked the versions and put the row back.
        with transaction.atomic():
            list(Goal.history.filter(id=goal.pk).select_for_update().values_list("pk"))
            last_version.instance.save()
            restored.set()
            release.wait(timeout=60)

    other, other_outcome = in_a_thread(the_other_administrators_restore)
    assert restored.wait(timeout=60)
    mine, my_outcome = in_a_thread(lambda: client.post(url, form))
    wait_until_a_request_waits_for_a_lock()
    release.set()
    other.join(timeout=60)
    mine.join(timeout=60)

    assert "error" not in other_outcome
    assert "error" not in my_outcome, f"the second restore failed: {my_outcome['error']!r}"
    refused = my_outcome["value"]
    assert refused.status_code == 200
    assert "Posten har sparats" in refused.content.decode()
    assert Goal.objects.filter(pk=goal.pk).count() == 1


def test_a_restored_project_gets_that_versions_themes_back(superuser):
    client = logged_in(superuser)
    project, url, data = open_project(client)
    themes = set(project.themes.all())
    data["themes"] = []
    assert client.post(url, data).status_code == 302
    earlier = project.history.filter(version=project.version).first()
    restore = restore_url(Project, project.pk, earlier)
    assert client.post(restore, change_form_data(client.get(restore))).status_code == 302
    assert set(Project.objects.get(pk=project.pk).themes.all()) == themes


@real_transactions
@pytest.mark.parametrize("role", RegionRole.Role.values)
@pytest.mark.parametrize("model", [Project, Goal], ids=lambda m: m.__name__)
def test_only_administrators_may_restore(portal_data, superuser, role, model):
    find, field = RESTORED[model]
    record = find()
    administrator = logged_in(superuser)
    change_in_admin(administrator, model, record.pk, **{field: "En ändring."})
    earlier = model.history.filter(id=record.pk, version=record.version).first()
    url = restore_url(model, record.pk, earlier)
    data = change_form_data(administrator.get(url))
    # Their own region's record, which they may see (and the editor change).
    user = logged_in(make_editor("lars", "kronoberg", role=role))
    assert user.get(admin_url(model, "change", record.pk)).status_code == 200

    assert user.get(url).status_code == 403
    assert user.post(url, data).status_code == 403

    assert getattr(model.objects.get(pk=record.pk), field) == "En ändring."
    history_page = user.get(admin_url(model, "history", record.pk))
    assert history_page.status_code == 200
    assert url not in history_page.content.decode()
    assert "Datum och tid" in history_page.content.decode()
    administrators_page = administrator.get(admin_url(model, "history", record.pk))
    assert url in administrators_page.content.decode()
    assert "Öppna en version för att återställa den." in administrators_page.content.decode()


@real_transactions
@pytest.mark.parametrize("role", RegionRole.Role.values)
def test_only_administrators_may_restore_a_deleted_record(portal_data, superuser, role):
    goal = RESTORED[Goal][0]()
    administrator = logged_in(superuser)
    assert (
        administrator.post(admin_url(Goal, "delete", goal.pk), {"post": "yes"}).status_code == 302
    )
    last_version = Goal.history.filter(id=goal.pk).exclude(history_type="-").first()
    url = restore_url(Goal, goal.pk, last_version)
    data = change_form_data(administrator.get(url))
    user = logged_in(make_editor("lars", "kronoberg", role=role))

    assert user.get(url).status_code == 403
    assert user.post(url, data).status_code == 403
    assert not Goal.objects.filter(pk=goal.pk).exists()


@real_transactions
def test_a_restore_is_checked_against_saves_made_meanwhile(portal_data, superuser):
    alva = logged_in(superuser)
    bengt = logged_in(make_editor("bengt", "kronoberg"))
    project = Project.objects.get(slug=KRONOBERG)
    change_in_admin(alva, Project, project.pk, lead="En felaktig ingress.")
    earlier = project.history.filter(version=project.version).first()
    url = restore_url(Project, project.pk, earlier)
    restore_form = change_form_data(alva.get(url))

    change_in_admin(bengt, Project, project.pk, purpose="Bengts syfte.")
    refused = alva.post(url, restore_form)

    assert refused.status_code == 200
    assert "Posten har sparats av bengt" in refused.content.decode()
    assert Project.objects.get(pk=project.pk).lead == "En felaktig ingress."
    # Saving again restores the old lead and keeps what Bengt saved meanwhile.
    assert alva.post(url, change_form_data(refused)).status_code == 302
    saved = Project.objects.get(pk=project.pk)
    assert (saved.lead, saved.purpose) == (project.lead, "Bengts syfte.")


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

    # Having seen the message, saving again saves his change and keeps hers.
    retry = change_form_data(response)
    assert bengt.post(url, retry).status_code == 302
    saved = Project.objects.get(pk=project.pk)
    assert (saved.title, saved.lead) == ("Annas titel", "Bengts ingress")


@real_transactions
def test_saving_again_after_a_refusal_keeps_the_other_persons_changes(portal_data, superuser):
    alva, bengt = logged_in(superuser), logged_in(make_editor("bengt", "kronoberg"))
    project, url, alva_data = open_project(alva)
    _, _, bengt_data = open_project(bengt)
    alva_data["lead"] = "Alvas ingress."
    assert alva.post(url, alva_data).status_code == 302

    bengt_data["purpose"] = "Bengts syfte."
    refused = bengt.post(url, bengt_data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Posten har sparats av Alva Admin" in page
    assert "Ingress: ”" in page and "” → ”Alvas ingress.”" in page
    # The form he sees now holds her lead beside his purpose, and so does his next save.
    retry = change_form_data(refused)
    assert (retry["lead"], retry["purpose"]) == ("Alvas ingress.", "Bengts syfte.")
    assert bengt.post(url, retry).status_code == 302

    saved = Project.objects.get(pk=project.pk)
    assert (saved.lead, saved.purpose) == ("Alvas ingress.", "Bengts syfte.")
    assert saved.history.first().history_user.username == "bengt"


@real_transactions
def test_a_field_both_changed_is_shown_and_overwritten_only_by_saving_again(portal_data, superuser):
    alva, bengt = logged_in(superuser), logged_in(make_editor("bengt", "kronoberg"))
    project, url, alva_data = open_project(alva)
    _, _, bengt_data = open_project(bengt)
    alva_data.update(lead="Alvas ingress.", title="Alvas titel")
    assert alva.post(url, alva_data).status_code == 302

    bengt_data["lead"] = "Bengts ingress."
    refused = bengt.post(url, bengt_data)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["lead"] == [
        "Alva Admin ändrade det här fältet till ”Alvas ingress.” medan du hade formuläret "
        "öppet. Ditt värde står kvar: spara igen för att skriva över deras."
    ]
    assert "title" not in errors
    assert Project.objects.get(pk=project.pk).lead == "Alvas ingress."

    retry = change_form_data(refused)
    assert (retry["lead"], retry["title"]) == ("Bengts ingress.", "Alvas titel")
    assert bengt.post(url, retry).status_code == 302
    saved = Project.objects.get(pk=project.pk)
    assert (saved.lead, saved.title) == ("Bengts ingress.", "Alvas titel")


@real_transactions
def test_an_inline_row_deleted_meanwhile_is_named_and_the_rest_saved(portal_data, superuser):
    alva, berit = logged_in(superuser), logged_in(make_editor("berit", "jonkopings-lan"))
    project, url, data = open_project(alva, "starkare-asf-i-jonkopings-lan")
    goals = project.goals.count()
    goal = project.goals.get(target_unit="nya avtal")
    assert berit.post(admin_url(Goal, "delete", goal.pk), {"post": "yes"}).status_code == 302

    data["lead"] = "Alvas ingress."
    refused = alva.post(url, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Raden ”" in page
    assert "togs bort av berit" in page
    assert "Spara igen för att spara resten." in page
    assert Project.objects.get(pk=project.pk).lead == project.lead

    assert alva.post(url, change_form_data(refused)).status_code == 302
    assert Project.objects.get(pk=project.pk).lead == "Alvas ingress."
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert project.goals.count() == goals - 1


@real_transactions
def test_an_inline_row_changed_by_both_keeps_the_fields_only_the_other_changed(
    portal_data, superuser
):
    alva, berit = logged_in(superuser), logged_in(make_editor("berit", "jonkopings-lan"))
    project, url, data = open_project(alva, "starkare-asf-i-jonkopings-lan")
    goal = project.goals.get(target_unit="nya avtal")
    change_in_admin(berit, Goal, goal.pk, text="Fyra nya avtal.")
    prefix = next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.startswith("goals-") and k.endswith("-id") and v == str(goal.pk)
    )

    data[f"{prefix}-target_value"] = "7"
    refused = alva.post(url, data)
    assert refused.status_code == 200
    assert "Posten har sparats av berit" in refused.content.decode()

    assert alva.post(url, change_form_data(refused)).status_code == 302
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.text, saved.target_value) == ("Fyra nya avtal.", 7)


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
        # Django's own wording in Swedish, as REST framework's translation gives it.
        ("contacts", "email", "karin@", "Ange en giltig mejladress."),
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


@real_transactions
def test_a_fact_edited_by_two_editors_on_a_real_transaction(portal_data, superuser):
    """The row lock behind the no-lost-edits check, on a fact (ordered through its nullable
    project), as a real server commits it: the first save stands, the stale one is refused."""
    first, second = logged_in(superuser), logged_in(make_editor("berit", "dalarna"))
    project, url, opened_first = open_project(first, "dalarna-2017-2018")
    _, _, opened_second = open_project(second, "dalarna-2017-2018")
    fact = project.facts.earliest("position")
    prefix = next(
        key.removesuffix("-id")
        for key, value in opened_first.items()
        if key.startswith("facts-") and key.endswith("-id") and value == str(fact.pk)
    )
    opened_first[f"{prefix}-text"] = "Rättad av Alva."
    assert first.post(url, opened_first).status_code == 302
    opened_second[f"{prefix}-text"] = "Rättad av Berit."
    response = second.post(url, opened_second)
    assert response.status_code == 200
    assert "Posten har sparats av" in response.content.decode()
    saved = Fact.objects.get(pk=fact.pk)
    assert saved.text == "Rättad av Alva."
    assert saved.history.first().history_user == superuser
