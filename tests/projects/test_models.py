import pytest
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from projects.models import Contact, Goal, Project
from projects.search import swedish_query
from tests.conftest import make_project, make_region

pytestmark = pytest.mark.django_db


def test_period_cannot_end_before_it_starts():
    project = make_project()
    project.period_start = "2018-01-01"
    project.period_end = "2017-12-31"
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "Perioden kan inte sluta före den börjar." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_period_may_be_a_single_day_or_open():
    project = make_project(period_start="2017-01-01", period_end="2017-01-01")
    project.full_clean()
    project.period_end = None
    project.full_clean()


@pytest.mark.parametrize("field", ["target_value", "outcome_value"])
def test_goal_values_cannot_be_negative(field):
    project = make_project()
    goal = Goal(
        project=project,
        kind=Goal.Kind.RESULT,
        text="Mål",
        target_unit="avtal",
        source=project.source,
        **{field: -3},
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "kan inte vara negativt" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        goal.save()


def test_goal_target_needs_a_unit():
    project = make_project()
    goal = Goal(
        project=project, kind=Goal.Kind.RESULT, text="Mål", target_value=3, source=project.source
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "Ett målvärde behöver en enhet" in str(error.value)


def test_contact_belongs_to_exactly_one_of_region_and_project():
    project = make_project()
    for region, for_project in [(None, None), (project.region, project)]:
        contact = Contact(
            name="Anna Andersson", region=region, project=for_project, source=project.source
        )
        with pytest.raises(ValidationError) as error:
            contact.full_clean()
        assert "antingen en region eller ett projekt" in str(error.value)


@pytest.mark.parametrize("phone", ["010-103 65 31", "+46 10 103 65 31", "08-123 456 78"])
def test_published_phone_formats_are_accepted(phone):
    project = make_project()
    Contact(name="A", phone=phone, project=project, source=project.source).full_clean()


@pytest.mark.parametrize("phone", ["ring mig", "12", "010-103 65 31 <script>"])
def test_malformed_phone_is_refused_in_swedish(phone):
    project = make_project()
    with pytest.raises(ValidationError) as error:
        Contact(name="A", phone=phone, project=project, source=project.source).full_clean()
    assert "Ange telefonnumret med siffror" in str(error.value)


def test_search_matches_inflected_swedish_forms():
    found = make_project(lead="Kommunerna har upphandlingar med sociala hänsyn.")
    make_project(lead="Ett projekt om något helt annat.")
    results = list(Project.objects.filter(region=found.region).search("upphandling"))
    assert results == [found]
    assert list(Project.objects.search("kommun").filter(pk=found.pk)) == [found]


def test_search_ranks_title_matches_first():
    region = make_region()
    in_body = make_project(region=region, title="Alfa", activities="Företagen växer.")
    in_title = make_project(region=region, title="Ett företag för alla")
    results = list(Project.objects.filter(region=region).search("företag"))
    assert results == [in_title, in_body]


def test_search_uses_the_gin_index():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Project.objects.matching("samverkan").explain()
    assert "project_search_gin" in plan
    assert "goal_search_gin" in plan


def test_search_finds_projects_by_their_goals():
    project = make_project()
    Goal.objects.create(
        project=project,
        kind=Goal.Kind.RESULT,
        text="Fem nya säljbolag bildas.",
        source=project.source,
    )
    assert project in Project.objects.search("säljbolag")


def test_a_goal_adds_its_rank_to_its_project():
    # Two projects alike but for a matching goal: the goal's rank is looked for only in the
    # projects found by a goal, and adds to the one that has it.
    region = make_region()
    with_goal = make_project(region=region, title="Nya säljbolag")
    without_goal = make_project(region=region, title="Nya säljbolag i länet")
    Goal.objects.create(
        project=with_goal, kind=Goal.Kind.RESULT, text="Tre säljbolag.", source=with_goal.source
    )
    ranked = Project.objects.filter(region=region).search("säljbolag")
    ranks = dict(ranked.values_list("slug", "rank"))
    own = dict(
        Project.objects.filter(region=region)
        .annotate(own=SearchRank(F("search_vector"), swedish_query("säljbolag")))
        .values_list("slug", "own")
    )
    assert ranks[without_goal.slug] == pytest.approx(own[without_goal.slug])
    assert ranks[with_goal.slug] > own[with_goal.slug] > 0
    assert list(ranked) == [with_goal, without_goal]


def test_published_hides_drafts():
    draft = make_project(status=Project.Status.DRAFT)
    published = make_project()
    visible = set(Project.objects.published())
    assert published in visible
    assert draft not in visible
