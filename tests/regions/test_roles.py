"""Roles per region (regions/roles.py, RegionRole): a user can read one region and edit
another, set up by `make_editor` or by an administrator on the region's page."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import Goal, Project
from regions.models import DataVersion, Region, RegionRole
from regions.roles import REGIONAL_EDITORS, REGIONAL_READERS
from tests.admin_forms import change_form_data, make_editor
from tests.conftest import make_project

pytestmark = pytest.mark.django_db

READ = "ostergotland-2017-2018"  # the user reads Östergötland
EDIT = "kronoberg-2017-2018"  # and edits Kronoberg


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def make_editor_command(*args, **options):
    out = io.StringIO()
    call_command("make_editor", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def reader_and_editor(client):
    """Read-only in Östergötland, then editor in Kronoberg, as the README sets it up."""
    make_editor_command("ulla", "ostergotland", read_only=True)
    make_editor_command("ulla", "kronoberg")
    client.force_login(User.objects.get(username="ulla"))
    return client


def test_make_editor_gives_each_region_its_own_role():
    data_version = DataVersion.current()
    said = make_editor_command("ulla", "ostergotland", read_only=True)
    assert "ulla är nu regionläsare för Östergötland." in said
    said = make_editor_command("ulla", "kronoberg")
    assert "ulla är nu regionredaktör för Kronoberg." in said
    assert "Roller för ulla: regionredaktör i Kronoberg; regionläsare i Östergötland." in said
    ulla = User.objects.get(username="ulla")
    assert sorted(ulla.region_roles.values_list("region__slug", "role")) == [
        ("kronoberg", "editor"),
        ("ostergotland", "reader"),
    ]
    # The editors' group gives the model-level permissions; the roles limit them per region.
    assert list(ulla.groups.values_list("name", flat=True)) == [REGIONAL_EDITORS]
    # Who edits is not public: the public pages' caches stay valid.
    assert DataVersion.current() == data_version


def test_make_editor_refuses_an_unknown_region_in_swedish():
    with pytest.raises(CommandError, match=r"Okänd region: smaland\. Ange regionens adressnamn"):
        make_editor_command("ulla", "kronoberg", "smaland")
    assert not User.objects.filter(username="ulla").exists()


def test_reader_in_one_region_changes_only_the_region_they_edit(reader_and_editor):
    client = reader_and_editor
    read, edit = Project.objects.get(slug=READ), Project.objects.get(slug=EDIT)

    listed = client.get(admin_url(Project, "changelist")).context["cl"].result_list
    assert {p.region.slug for p in listed} == {"ostergotland", "kronoberg"}

    # The read region's project: shown, read-only, and a save or a delete is refused.
    page = client.get(admin_url(Project, "change", read.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    data = change_form_data(client.get(admin_url(Project, "change", edit.pk)))
    data["lead"] = "Ändrad av läsaren."
    assert client.post(admin_url(Project, "change", read.pk), data).status_code == 403
    assert client.post(admin_url(Project, "delete", read.pk), {"post": "yes"}).status_code == 403
    assert Project.objects.get(pk=read.pk).lead == read.lead

    # The edited region's project is saved.
    data = change_form_data(client.get(admin_url(Project, "change", edit.pk)))
    data["lead"] = "Ändrad av redaktören."
    response = client.post(admin_url(Project, "change", edit.pk), data)
    assert response.status_code == 302
    assert Project.objects.get(pk=edit.pk).lead == "Ändrad av redaktören."


def test_choices_offer_only_the_regions_the_user_edits(reader_and_editor):
    client = reader_and_editor
    form = client.get(admin_url(Project, "add")).context["adminform"].form
    assert [r.slug for r in form.fields["region"].queryset] == ["kronoberg"]
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "goal", "field_name": "project", "term": ""},
    )
    assert [item["text"] for item in response.json()["results"]] == [
        Project.objects.get(slug=EDIT).title
    ]
    read = Project.objects.get(slug=READ)
    response = client.post(
        admin_url(Goal, "add"),
        {"project": read.pk, "kind": "result", "text": "Smyg", "position": 0,
         "source": read.source_id},
    )  # fmt: skip
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Goal.objects.filter(text="Smyg").exists()


def test_drafts_are_previewed_in_the_regions_read_or_edited(client):
    drafts = {
        slug: make_project(region=Region.objects.get(slug=slug), status="draft")
        for slug in ["ostergotland", "kronoberg", "skane"]
    }
    user = make_editor("ulla", "kronoberg")
    RegionRole.objects.create(
        user=user, region=Region.objects.get(slug="ostergotland"), role=RegionRole.Role.READER
    )
    client.force_login(user)
    assert client.get(drafts["ostergotland"].get_absolute_url()).status_code == 200
    assert client.get(drafts["kronoberg"].get_absolute_url()).status_code == 200
    assert client.get(drafts["skane"].get_absolute_url()).status_code == 404


def test_administrators_give_roles_on_the_regions_page(admin_client):
    ulla = make_editor("ulla")
    region = Region.objects.get(slug="ostergotland")
    url = admin_url(Region, "change", region.pk)
    page = admin_client.get(url)
    assert "Redaktörer och läsare" in page.content.decode()
    data = change_form_data(page)
    data.update({"roles-TOTAL_FORMS": "1", "roles-0-user": ulla.pk, "roles-0-role": "reader"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(ulla.region_roles.values_list("region__slug", "role")) == [
        ("ostergotland", "reader")
    ]
    assert list(ulla.groups.values_list("name", flat=True)) == [REGIONAL_READERS]

    # The same user twice in one region is refused, in Swedish.
    data = change_form_data(admin_client.get(url))
    data.update({"roles-TOTAL_FORMS": "2", "roles-1-user": ulla.pk, "roles-1-role": "editor"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "en användare har en roll per region" in response.content.decode()

    # Taking the role away takes the group too.
    data = change_form_data(admin_client.get(url))
    data["roles-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not ulla.region_roles.exists() and not ulla.groups.exists()


def test_only_administrators_see_who_has_a_role(reader_and_editor):
    region = Region.objects.get(slug="kronoberg")
    page = reader_and_editor.get(admin_url(Region, "change", region.pk))
    assert page.status_code == 200
    assert "Redaktörer och läsare" not in page.content.decode()
    assert "roles-TOTAL_FORMS" not in page.content.decode()
