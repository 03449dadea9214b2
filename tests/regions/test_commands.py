"""Setting the portal up again never undoes an editor's work; only an explicit reset does."""

import io
import json
import os
import re
import subprocess
import urllib.request
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from projects.models import Contact, Fact, Goal, Organisation, Partnership, Project, Theme
from regions.management.commands.load_published_data import (
    EDITORS_FROM,
    FIXTURE,
    FROM_THE_SOURCES,
)
from regions.models import Region, RegionRole
from tests.admin_forms import change_form_data, make_editor
from tests.html import Page

pytestmark = pytest.mark.django_db

SKANE = "skane-2017-2018"
JONKOPING = "starkare-asf-i-jonkopings-lan"
FIXTURE_RECORDS = len(json.loads(FIXTURE.read_text()))


def admin_client(client):
    client.force_login(User.objects.create_superuser("alva", "alva@example.se", "lösenord-1"))
    return client


def edit_in_the_admin(client, project, **fields):
    change = f"/admin/projects/project/{project.pk}/change/"
    form = change_form_data(client.get(change))
    form.update(fields)
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]


def load(**options):
    out = io.StringIO()
    call_command("load_published_data", stdout=out, **options)
    return out.getvalue()


def reset(**options):
    out = io.StringIO()
    call_command("reset_published_data", stdout=out, **options)
    return out.getvalue()


def history_counts():
    return {model._meta.label: model.history.count() for model in (Region, Project, Goal, Contact)}


def database_url():
    """The test database, as DATABASE_URL names it for a process of its own."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="")
    return f"postgres://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}"


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return Page(response.read().decode())


def main_text(page):
    return " ".join(page.texts("main"))


@pytest.mark.django_db(transaction=True)
def test_setting_up_again_keeps_an_editors_edit_and_its_history(live_server, client):
    """The issue as reported: an edit in the admin, committed; `make data` as `make run` and
    `make serve` run it, in a process of its own; and the page, the history and the citation
    still show the edit."""
    load()  # live-server tests empty the tables: the data as `make data` first loads it
    project = Project.objects.get(slug=SKANE)
    edit_in_the_admin(admin_client(client), project, lead="Redaktörens ingress.")
    project.refresh_from_db()
    edited = project.history.first()
    assert (project.lead, edited.history_user.username) == ("Redaktörens ingress.", "alva")
    before = (project.updated_at, project.version, history_counts())

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAKE"))}
    result = subprocess.run(
        ["make", "data"],
        env={**env, "DATABASE_URL": database_url()},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    project.refresh_from_db()
    assert project.lead == "Redaktörens ingress."
    assert (project.updated_at, project.version, history_counts()) == before
    page = get(f"{live_server.url}/projekt/{SKANE}/")
    assert "Redaktörens ingress." in main_text(page)
    (cite,) = page.texts("section", **{"aria-labelledby": "citera-rubrik"})
    assert f"/projekt/{SKANE}/versioner/{edited.pk}/" in cite
    assert "Senast ändrad i portalen" in cite
    versions = get(f"{live_server.url}/projekt/{SKANE}/versioner/")
    assert "Ändrat: ingress." in main_text(versions)
    assert len(versions.find_all("li", **{"class": "card"})) == 2


def test_loading_again_adds_nothing_and_records_no_history():
    before = history_counts()
    output = load()
    assert "Inga nya poster att ladda." in output
    assert f"{FIXTURE_RECORDS} poster som redan finns" in output
    assert history_counts() == before


def test_loading_never_brings_back_what_an_editor_deleted(client):
    admin_client(client)
    contact = Contact.objects.get(name="Karin Palmér")
    theme = Theme.objects.get(slug="samverkan")  # a model without history: the admin's log
    for model, record in (("contact", contact), ("theme", theme)):
        path = f"/admin/projects/{model}/{record.pk}/delete/"
        assert client.post(path, {"post": "yes"}).status_code == 302
    load()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Theme.objects.filter(pk=theme.pk).exists()


def test_loading_into_an_empty_database_gives_every_record_a_first_version(client):
    reset(yes=True)  # the tables emptied and loaded again, in this test's transaction
    assert Project.objects.count() == 14 and Goal.objects.count() == 14
    for model in (Region, Project, Goal, Contact):
        assert model.history.count() == model.objects.count(), model
        assert set(model.history.values_list("history_change_reason", "history_type")) == {
            (FROM_THE_SOURCES, "+")
        }
    first_dates = {
        moment
        for model in (Region, Project, Goal, Contact)
        for moment in model.history.values_list("history_date", flat=True)
    }
    assert len(first_dates) == 1  # one moment: a project's first version shows its goals
    version = Project.objects.get(slug=JONKOPING).history.get()
    response = client.get(f"/projekt/{JONKOPING}/versioner/{version.pk}/")
    page = main_text(Page(response.content.decode()))
    assert "Mål: minst 10 nya affärsrelationer" in page and "samverkan" in page
    # The sequences moved past the fixture's keys: the admin can add records.
    Theme.objects.create(name="Nytt tema", slug="nytt-tema")


def test_reset_asks_before_it_deletes_anything(monkeypatch):
    project = Project.objects.get(slug=SKANE)
    project.lead = "Redaktörens ingress."
    project.save()
    with pytest.raises(CommandError, match=re.escape("Inget togs bort. Kör med --yes")):
        reset()  # no terminal to ask on
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "nej")
    with pytest.raises(CommandError, match=re.escape("Avbrutet: inget togs bort.")):
        reset()
    assert Project.objects.get(slug=SKANE).lead == "Redaktörens ingress."


def test_reset_says_what_it_deletes_and_restores_the_published_texts(client):
    project = Project.objects.get(slug=SKANE)
    edit_in_the_admin(admin_client(client), project, lead="Redaktörens ingress.")
    make_editor("anna", "kronoberg")
    output = reset(yes=True)
    assert "Det här tas bort och kan inte återställas:" in output
    assert "projects_project: 14 rader" in output
    assert "projects_historicalproject: 15 rader" in output  # 14 first versions and the edit
    assert "regions_regionrole: 1 rader" in output
    assert f"Laddade {FIXTURE_RECORDS} nya poster ur källtexterna:" in output
    project = Project.objects.get(slug=SKANE)
    assert project.lead == "" and project.history.count() == 1
    assert not RegionRole.objects.exists()
    assert User.objects.filter(username="anna").exists()  # accounts stay


def test_a_record_referring_to_a_deleted_one_stops_the_load_with_a_message(tmp_path, monkeypatch):
    fixture = tmp_path / "portal.json"
    goal = {"project": 99999, "kind": "result", "text": "Ett mål.", "source": 1}
    fixture.write_text(json.dumps([{"model": "projects.goal", "pk": 99999, "fields": goal}]))
    monkeypatch.setattr("regions.management.commands.load_published_data.FIXTURE", fixture)
    with pytest.raises(CommandError, match=re.escape("Inget laddades: ")):
        load()
    assert not Goal.objects.filter(pk=99999).exists()


@pytest.mark.django_db(transaction=True)
def test_setting_up_again_keeps_an_edited_fact_and_leaves_a_deleted_one_out():
    """Facts load as the published texts do: an editor's change, committed, survives."""
    load()  # transactional tests start from empty tables once another has run
    fact = Fact.objects.get(project__slug="dalarna-2017-2018", label="period")
    fact.text = "Februari 2017 – oktober 2018 (enligt projektsajten)."
    fact.save()
    deleted = Fact.objects.get(project__slug="dalarna-2017-2018", label="budget")
    deleted.delete()
    load()
    fact.refresh_from_db()
    assert fact.text == "Februari 2017 – oktober 2018 (enligt projektsajten)."
    assert not Fact.objects.filter(pk=deleted.pk).exists()
    assert fact.history.count() == 2  # loaded, then edited; not loaded again


def test_a_published_record_whose_key_an_editor_took_is_loaded_under_a_new_one(client):
    """A database set up before the fixture grew: the organisations the facts name were not
    there, and an editor's new organisation took the first free key, the one the fixture gives
    Coompanion Gävleborg. Loading adds Coompanion Gävleborg under a key of its own and links the
    partnerships to it, never the editor's organisation to Gävleborg's project."""
    first_new = Organisation.objects.get(name="Coompanion Gävleborg").pk
    Partnership.objects.filter(organisation__pk__gte=first_new).delete()
    Partnership.history.filter(organisation_id__gte=first_new).delete()
    Organisation.objects.filter(pk__gte=first_new).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('projects_organisation', 'id'), %s)",
            [first_new - 1],
        )
    admin_client(client)
    added = client.post(
        "/admin/projects/organisation/add/",
        {
            "name": "Föreningen Exempel",
            "slug": "foreningen-exempel",
            "source": Organisation.objects.first().source_id,
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    editors = Organisation.objects.get(name="Föreningen Exempel")
    assert editors.pk == first_new

    load()
    editors.refresh_from_db()
    assert editors.name == "Föreningen Exempel" and not editors.partnerships.exists()
    gavleborg = Partnership.objects.filter(project__slug="gavleborg-2017-2018")
    assert sorted(gavleborg.values_list("organisation__name", flat=True)) == [
        "Coompanion Gävleborg",
        "Samordningsförbund Gävleborg",
    ]
    assert "Inga nya poster att ladda." in load()  # and the next load knows them
    # From now on editors' records are numbered where the fixture's never reach.
    Theme.objects.create(name="Nytt tema", slug="nytt-tema")
    assert Theme.objects.get(slug="nytt-tema").pk >= EDITORS_FROM
