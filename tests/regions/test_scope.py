"""A regional editor reaches only their own region's content, every way the admin offers."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from projects.models import Contact, Goal, Project
from regions.models import ActionPlan, Region, RegionRole
from regions.roles import REGIONAL_EDITORS, REGIONAL_READERS
from tests.admin_forms import change_form_data, make_editor
from tests.conftest import make_project

pytestmark = pytest.mark.django_db

OWN = "kronoberg-2017-2018"
OTHER = "skane-2017-2018"


@pytest.fixture
def editor(client):
    client.force_login(make_editor("kerstin", "kronoberg"))
    return client


@pytest.fixture
def reader(client):
    client.force_login(make_editor("lasse", "kronoberg", role=RegionRole.Role.READER))
    return client


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_lists_show_only_the_own_region(editor):
    response = editor.get(admin_url(Project, "changelist"))
    assert [p.slug for p in response.context["cl"].result_list] == [OWN]
    assert editor.get(admin_url(Region, "changelist")).context["cl"].result_count == 1
    assert editor.get(admin_url(ActionPlan, "changelist")).context["cl"].result_count == 1
    contacts = editor.get(admin_url(Contact, "changelist")).context["cl"].result_list
    assert [c.name for c in contacts] == ["Daniel Westergren", "Karin Palmér"]
    assert editor.get(admin_url(Goal, "changelist")).context["cl"].result_count == 1


def test_search_and_filters_stay_in_scope(editor):
    skane = Region.objects.get(slug="skane")
    for query in [{"q": "Skåne"}, {"region__id__exact": skane.pk}, {"q": "Jönköpings"}]:
        response = editor.get(admin_url(Project, "changelist"), query)
        assert response.context["cl"].result_count == 0, query
    goals = editor.get(admin_url(Goal, "changelist"), {"q": "affärsrelationer"})
    assert goals.context["cl"].result_count == 0


@pytest.mark.parametrize("view", ["change", "delete"])
def test_another_regions_record_answers_as_if_it_did_not_exist(editor, view):
    other = Project.objects.get(slug=OTHER)
    goal = Goal.objects.filter(project__region__slug="jonkopings-lan").first()
    for model, pk in [(Project, other.pk), (Goal, goal.pk), (Region, other.region_id)]:
        response = editor.get(admin_url(model, view, pk))
        if response.status_code == 403:  # no right to delete regions at all
            assert (model, view) == (Region, "delete")
            continue
        assert response.status_code == 302 and response.url == reverse("admin:index")
        follow = editor.get(response.url)
        assert "finns inte" in follow.content.decode()
    response = editor.post(admin_url(Project, "delete", other.pk), {"post": "yes"})
    assert Project.objects.filter(pk=other.pk).exists()


def test_another_regions_history_and_restore_are_refused(editor):
    other = Project.objects.get(slug=OTHER)
    assert editor.get(admin_url(Project, "history", other.pk)).status_code == 403
    version = other.history.first()
    url = reverse("admin:projects_project_simple_history", args=[other.pk, version.history_id])
    assert editor.get(url).status_code == 403
    assert editor.post(url, {"title": "Kapat"}).status_code == 403
    assert Project.objects.get(pk=other.pk).title == other.title


def test_own_history_is_open(editor):
    own = Project.objects.get(slug=OWN)
    assert editor.get(admin_url(Project, "history", own.pk)).status_code == 200


def test_autocomplete_offers_only_the_own_region(editor):
    def autocomplete(app, model, field):
        response = editor.get(
            "/admin/autocomplete/",
            {"app_label": app, "model_name": model, "field_name": field, "term": ""},
        )
        assert response.status_code == 200
        return [item["text"] for item in json.loads(response.content)["results"]]

    assert autocomplete("projects", "goal", "project") == [Project.objects.get(slug=OWN).title]
    assert autocomplete("projects", "project", "region") == ["Kronoberg"]
    assert autocomplete("regions", "actionplan", "region") == ["Kronoberg"]


def test_no_bulk_actions_are_offered(editor):
    response = editor.get(admin_url(Project, "changelist"))
    assert response.context["action_form"] is None
    own = Project.objects.get(slug=OWN)
    editor.post(
        admin_url(Project, "changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
    )
    assert Project.objects.filter(pk=own.pk).exists()


def test_choices_exclude_other_regions_and_hand_made_posts_are_refused(editor):
    response = editor.get(admin_url(Project, "add"))
    region_field = response.context["adminform"].form.fields["region"]
    assert [r.slug for r in region_field.queryset] == ["kronoberg"]

    own = Project.objects.get(slug=OWN)
    page = editor.get(admin_url(Project, "change", own.pk))
    data = change_form_data(page)
    data["region"] = str(Region.objects.get(slug="skane").pk)
    response = editor.post(admin_url(Project, "change", own.pk), data)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert Project.objects.get(pk=own.pk).region.slug == "kronoberg"

    other_project = Project.objects.get(slug=OTHER)
    response = editor.post(
        admin_url(Goal, "add"),
        {
            "project": other_project.pk,
            "kind": "result",
            "text": "Smyg",
            "position": 0,
            "source": other_project.source_id,
        },
    )
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Goal.objects.filter(text="Smyg").exists()


def test_editor_changes_own_project(editor):
    own = Project.objects.get(slug=OWN)
    data = change_form_data(editor.get(admin_url(Project, "change", own.pk)))
    data["lead"] = "Ny ingress från redaktören."
    response = editor.post(admin_url(Project, "change", own.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert Project.objects.get(pk=own.pk).lead == "Ny ingress från redaktören."


def test_editor_cannot_rename_the_region_or_choose_its_editors(editor):
    region = Region.objects.get(slug="kronoberg")
    response = editor.get(admin_url(Region, "change", region.pk))
    form = response.context["adminform"].form
    assert "slug" not in form.fields and "editors" not in form.fields
    assert editor.get(admin_url(Region, "add")).status_code == 403


def test_view_only_reader_sees_but_cannot_change(reader):
    own = Project.objects.get(slug=OWN)
    page = reader.get(admin_url(Project, "change", own.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = reader.post(admin_url(Project, "change", own.pk), {"title": "Ändrad"})
    assert response.status_code == 403
    assert Project.objects.get(pk=own.pk).title == own.title
    assert (
        reader.get(admin_url(Project, "change", Project.objects.get(slug=OTHER).pk)).status_code
        == 302
    )
    assert reader.get(admin_url(Project, "add")).status_code == 403
    assert reader.get(admin_url(Project, "changelist")).context["cl"].result_count == 1


def test_deleted_records_list_is_scoped(editor, admin_client):
    skane_goal = Goal.objects.create(
        project=Project.objects.get(slug=OTHER),
        kind="result",
        text="Skånes mål",
        source=Project.objects.get(slug=OTHER).source,
    )
    admin_client.post(admin_url(Goal, "delete", skane_goal.pk), {"post": "yes"})
    assert not Goal.objects.filter(pk=skane_goal.pk).exists()
    assert "Skånes mål" in admin_client.get(admin_url(Goal, "deleted")).content.decode()
    assert "Skånes mål" not in editor.get(admin_url(Goal, "deleted")).content.decode()


def test_editor_previews_own_drafts_only(client):
    own_draft = make_project(
        region=Region.objects.get(slug="kronoberg"), status="draft", title="Kronobergs utkast"
    )
    other_draft = make_project(region=Region.objects.get(slug="skane"), status="draft")
    assert client.get(own_draft.get_absolute_url()).status_code == 404  # the public
    client.force_login(make_editor("karl", "kronoberg"))
    response = client.get(own_draft.get_absolute_url())
    assert response.status_code == 200
    assert "Förhandsvisning av ett utkast" in response.content.decode()
    assert client.get(other_draft.get_absolute_url()).status_code == 404
    # A preview never leaks into public lists.
    assert "Kronobergs utkast" not in client.get("/projekt/").content.decode()


def test_make_editor_command(capsys):
    call_command("make_editor", "nora", "norrbotten", "skane")
    from django.contrib.auth.models import User

    nora = User.objects.get(username="nora")
    assert nora.is_staff and not nora.has_usable_password()

    def roles():
        return sorted(nora.region_roles.values_list("region__slug", "role"))

    assert roles() == [("norrbotten", "editor"), ("skane", "editor")]
    assert nora.groups.get().name == REGIONAL_EDITORS
    call_command("make_editor", "nora", "skane", read_only=True)
    assert roles() == [("norrbotten", "editor"), ("skane", "reader")]
    assert nora.groups.get().name == REGIONAL_EDITORS  # she still edits Norrbotten
    call_command("make_editor", "nora", "norrbotten", read_only=True)
    assert nora.groups.get().name == REGIONAL_READERS


def test_view_on_site_reaches_only_records_the_user_may_see(editor, admin_client):
    """The admin's "Visa på webbplatsen" (/admin/r/<content type>/<id>/) would otherwise take
    an editor to any record's address, where another region's draft is then previewed."""

    def view_on_site(client, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return client.get(f"/admin/r/{content_type.pk}/{obj.pk}/")

    own_draft = make_project(region=Region.objects.get(slug="kronoberg"), status="draft")
    other_draft = make_project(region=Region.objects.get(slug="skane"), status="draft")
    response = view_on_site(editor, own_draft)
    assert response.status_code == 302 and response.url.endswith(own_draft.get_absolute_url())
    for obj in [other_draft, Project.objects.get(slug=OTHER), Region.objects.get(slug="skane")]:
        assert view_on_site(editor, obj).status_code == 404, obj
    assert view_on_site(admin_client, other_draft).status_code == 302
    content_type = ContentType.objects.get_for_model(Project)
    assert editor.get(f"/admin/r/{content_type.pk}/inte-ett-id/").status_code == 404
    assert editor.get("/admin/r/999999/1/").status_code == 404
    editor.logout()
    assert view_on_site(editor, own_draft).url.startswith(reverse("admin:login"))
