import pytest
from django.contrib import admin
from django.urls import reverse

from projects.models import Fact, Programme, Project
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

PORTAL_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in {"regions", "projects"}
]


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.se", "lösen-ord-123")
    client.force_login(user)
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_portal_model_is_in_the_admin():
    assert len(PORTAL_MODELS) == 14


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_list_search_add_and_change_pages_load(admin_client, model):
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == model.objects.count()
    assert admin_client.get(admin_url(model, "changelist"), {"q": "Kronoberg"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    first = model.objects.order_by("pk").first()
    assert first is not None, "the fixtures hold at least one of each"
    assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200
    if hasattr(model, "history"):
        assert admin_client.get(admin_url(model, "history", first.pk)).status_code == 200
        assert admin_client.get(admin_url(model, "deleted")).status_code == 200


def test_admin_is_in_swedish(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert 'lang="sv"' in response.content.decode()
    assert "Regioner" in response.content.decode()


def test_project_page_edits_goals_and_contacts_inline(admin_client):
    project = Project.objects.get(slug="kronoberg-2017-2018")
    response = admin_client.get(admin_url(Project, "change", project.pk))
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert {"goals", "contacts"} <= prefixes
    assert "Karin Palmér" in response.content.decode()


@pytest.mark.parametrize("model, slug", [(Project, "dalarna-2017-2018"), (Programme, None)])
def test_facts_are_edited_inline_on_their_project_or_programme(admin_client, model, slug):
    record = model.objects.get(slug=slug or "regionala-projekt-2017-2018")
    response = admin_client.get(admin_url(model, "change", record.pk))
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Fact
    )
    first = formset.forms[0]
    data = change_form_data(response)
    data[first.add_prefix("text")] = "Rättad av en redaktör."
    response = admin_client.post(admin_url(model, "change", record.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fact = Fact.objects.get(pk=first.instance.pk)
    assert fact.text == "Rättad av en redaktör."
    assert fact.history.first().history_user is not None


def test_admin_refuses_a_period_that_ends_before_it_starts(admin_client):
    project = Project.objects.get(slug="dalarna-2017-2018")
    response = admin_client.get(admin_url(Project, "change", project.pk))
    data = change_form_data(response)
    data.update(period_start="2018-01-01", period_end="2017-01-01")
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    assert "Perioden kan inte sluta före den börjar." in response.content.decode()
    project.refresh_from_db()
    assert project.period_start.year == 2017
