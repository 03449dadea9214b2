import io
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Max, Min

from projects.models import Contact, Goal, Organisation, Partnership, Programme, Project
from regions.models import County, DataVersion, Region, Source
from tools.generate_projects import (
    SOURCE_PUBLISHER,
    SOURCE_SLUG,
    SOURCE_TITLE,
    Refused,
    check_database_name,
    generate,
    main,
)

pytestmark = pytest.mark.django_db

COUNT = 300


def generated_output(count=COUNT, **options):
    out = io.StringIO()
    generate(count, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def generated():
    before = DataVersion.current()
    output = generated_output()
    return {"output": output, "version_before": before}


def synthetic(model):
    return model.objects.filter(source__slug=SOURCE_SLUG)


def test_the_synthetic_source(generated):
    source = Source.objects.get(slug=SOURCE_SLUG)
    assert (source.title, source.publisher) == (SOURCE_TITLE, SOURCE_PUBLISHER)


def test_n_projects_with_goals_themes_partners_and_contacts(generated):
    projects = synthetic(Project)
    assert projects.count() == COUNT
    counts = projects.annotate(
        goals_n=Count("goals", distinct=True),
        themes_n=Count("themes", distinct=True),
        partners_n=Count("partnerships", distinct=True),
    ).aggregate(
        most_goals=Max("goals_n"),
        fewest_goals=Min("goals_n"),
        most_themes=Max("themes_n"),
        fewest_themes=Min("themes_n"),
        most_partners=Max("partners_n"),
    )
    assert counts == {
        "most_goals": 6,
        "fewest_goals": 0,
        "most_themes": 3,
        "fewest_themes": 0,
        "most_partners": 5,
    }
    assert generated["output"].startswith(f"Generated {COUNT} projects with ")


def test_some_goals_have_numeric_targets_with_units(generated):
    goals = Goal.objects.filter(project__source__slug=SOURCE_SLUG)
    with_target = goals.filter(target_value__isnull=False)
    assert with_target.exists() and goals.filter(target_value__isnull=True).exists()
    assert not with_target.filter(target_unit="").exists()
    assert goals.exclude(status=Goal.Status.NOT_REPORTED).exists()


def test_partners_come_from_a_pool_of_a_few_hundred_organisations(generated):
    organisations = synthetic(Organisation)
    assert organisations.count() == 300
    partnerships = Partnership.objects.filter(project__source__slug=SOURCE_SLUG)
    assert partnerships.exists()
    assert not partnerships.exclude(organisation__in=organisations).exists()


def test_some_projects_have_contacts(generated):
    with_contacts = synthetic(Project).filter(contacts__isnull=False).distinct().count()
    assert 0 < with_contacts < COUNT
    for contact in Contact.objects.filter(project__source__slug=SOURCE_SLUG)[:50]:
        contact.full_clean()  # phone numbers as the admin accepts them


def test_every_county_has_a_region_and_the_real_ones_are_reused(generated):
    assert County.objects.count() == 21
    assert not County.objects.filter(regions__isnull=True).exists()
    made = synthetic(Region)
    assert made.count() == 9
    assert all(r.slug == f"syntetisk-{r.county.code}" and not r.funded_2017_2018 for r in made)
    assert Region.objects.funded().count() == 12
    used = synthetic(Project).values("region").distinct().count()
    assert used == 21


def test_periods_and_statuses(generated):
    projects = synthetic(Project)
    bounds = projects.aggregate(first=Min("period_start"), last=Max("period_end"))
    assert bounds["first"] >= date(2008, 1, 1)
    assert bounds["last"] <= date(2026, 12, 31)
    published = projects.filter(status=Project.Status.PUBLISHED).count()
    assert COUNT * 0.8 < published < COUNT


def test_texts_are_swedish_and_searchable(generated):
    found = Project.objects.filter(source__slug=SOURCE_SLUG).search("upphandling")
    assert found.exists()
    # Swedish stemming: the plural finds what the singular does.
    plural = Project.objects.filter(source__slug=SOURCE_SLUG).search("upphandlingar")
    assert set(plural.values_list("pk", flat=True)) == set(found.values_list("pk", flat=True))
    for word in ["samverkan", "säljbolag", "kompetensutveckling", "arbetsintegrerande"]:
        assert Project.objects.published().filter(source__slug=SOURCE_SLUG).search(word).exists()
    texts = " ".join(synthetic(Project).values_list("lead", flat=True))
    assert "sociala företag" in texts


def test_every_generated_record_has_the_synthetic_source(generated):
    source = Source.objects.get(slug=SOURCE_SLUG)
    goals = Goal.objects.filter(project__source=source)
    partnerships = Partnership.objects.filter(project__source=source)
    contacts = Contact.objects.filter(project__source=source)
    assert goals.exists() and partnerships.exists() and contacts.exists()
    for records in (goals, partnerships, contacts):
        assert not records.exclude(source=source).exists()
    assert not goals.exclude(report_source=None).exclude(report_source=source).exists()
    assert synthetic(Programme).count() == 4
    assert synthetic(Region).count() == 9


def test_the_real_data_is_left_alone(generated):
    real = Project.objects.exclude(source__slug=SOURCE_SLUG)
    assert real.count() == 14
    assert not Goal.objects.filter(project__in=real, source__slug=SOURCE_SLUG).exists()
    assert not Partnership.objects.filter(project__in=real, source__slug=SOURCE_SLUG).exists()


def test_the_data_version_was_touched(generated):
    assert DataVersion.current() > generated["version_before"]


def test_the_generated_projects_are_pages_like_any_other(generated, client):
    project = synthetic(Project).filter(status=Project.Status.PUBLISHED).first()
    assert client.get(project.get_absolute_url()).status_code == 200
    assert client.get("/projekt/?q=upphandling&region=syntetisk-01").status_code == 200
    assert client.get("/regioner/syntetisk-01/").status_code == 200


def test_running_again_replaces_what_was_generated(generated):
    output = generated_output(50)
    assert f"Removed {COUNT} synthetic projects" in output
    assert synthetic(Project).count() == 50
    assert synthetic(Organisation).count() == 300
    assert synthetic(Region).count() == 9
    assert Project.objects.count() == 14 + 50


def test_the_same_seed_gives_the_same_projects():
    generated_output(20, seed=5)
    first = list(synthetic(Project).order_by("slug").values_list("title", "lead", "period_start"))
    generated_output(20, seed=5)
    again = list(synthetic(Project).order_by("slug").values_list("title", "lead", "period_start"))
    assert first == again


@pytest.mark.parametrize("name", ["asf_portal_bench", "test_asf_portal", "test_asf_helper"])
def test_the_guard_accepts_a_bench_or_test_database(name):
    check_database_name(name)


@pytest.mark.parametrize("name", ["asf_portal", "production", "bench_asf_portal", "asf_bench_x"])
def test_the_guard_refuses_any_other_database(name):
    with pytest.raises(Refused, match="database of its own"):
        check_database_name(name)


def test_the_generator_refuses_the_real_database_and_writes_nothing(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "asf_portal")
    with pytest.raises(Refused, match="'asf_portal' is not one"):
        generated_output(10)
    monkeypatch.undo()
    assert not Source.objects.filter(slug=SOURCE_SLUG).exists()
    assert Project.objects.count() == 14


def test_an_unknown_database_alias_is_refused():
    with pytest.raises(Refused, match="No database alias"):
        generated_output(10, database="nowhere")


def test_run_on_its_own(capsys):
    main(["7", "--seed", "3"])
    assert capsys.readouterr().out.startswith("Generated 7 projects with ")
    assert synthetic(Project).count() == 7


def test_refused_on_its_own_says_why(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "asf_portal")
    with pytest.raises(SystemExit, match="'asf_portal' is not one"):
        main(["1"])
