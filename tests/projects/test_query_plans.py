"""The project list at scale: the planner finds the projects through the indexes, and the page
runs as many queries as with the portal's own few projects.

The module fills the test database with generated projects once, for all its tests, and removes
them when its tests are done, so the session's other tests see only the portal's real data.
It asserts plans, never timings: a plan says the same on any machine and names the index.
"""

import io
from dataclasses import dataclass

import pytest
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from projects.facet_cells import FacetCell
from projects.filters import ProjectFilter, published_project_filter
from projects.models import (
    Contact,
    Goal,
    Organisation,
    Partnership,
    Programme,
    Project,
)
from projects.views import PAGE_SIZE
from regions.models import DataVersion, Region, Source
from tools.generate_projects import SOURCE_SLUG, generate, remove_previous

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("many_projects")]

# Enough that reading a table whole costs what it does at scale, and the planner chooses
# as it would there; small enough that the module stays quick.
GENERATED = 10_000

PROJECTS = Project._meta.db_table
GOALS = Goal._meta.db_table
CONTACTS = Contact._meta.db_table
PROJECT_THEMES = Project.themes.through._meta.db_table
FACET_CELLS = FacetCell._meta.db_table
GENERATED_INTO = [
    PROJECTS,
    GOALS,
    PROJECT_THEMES,
    Partnership._meta.db_table,
    Contact._meta.db_table,
    Organisation._meta.db_table,
    Programme._meta.db_table,
    Region._meta.db_table,
]

# Filters that pick a few percent of the published projects or fewer, and the columns they
# filter on: an index that includes them should find the projects.
SELECTIVE_FILTERS = {
    "region=kronoberg": ["region"],
    "programme=eruf": ["programme"],
    "year=2008": ["period_start", "period_end"],
    "status=kommande": ["period_start"],
    "status=pagaende": ["period_start", "period_end"],
}
# A word in about a hundred of the generated projects (a place on Gotland), and one in half.
RARE_WORD = "Slite"
COMMON_WORD = "samverkan"


def vacuum_analyze():
    # As autovacuum would have long since in production: statistics for the planner, and the
    # visibility map that index-only scans need. VACUUM refuses to run in a transaction, and
    # outside the tests' own none is open.
    tables = ", ".join(connection.ops.quote_name(table) for table in GENERATED_INTO)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def remove_generated():
    """Everything generate_projects wrote, as the command itself removes it, and what it keeps
    for its next run: its regions and its source."""
    source = Source.objects.filter(slug=SOURCE_SLUG).first()
    if source is None:
        return
    with transaction.atomic():
        remove_previous(connection.alias, source)
        # In SQL, as the command deletes: the ORM would record each deletion in the history.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Region._meta.db_table} WHERE source_id = %s", [source.pk])
            cursor.execute(f"DELETE FROM {Source._meta.db_table} WHERE id = %s", [source.pk])
        DataVersion.touch()  # as the command does: the pages and counts kept must go


@pytest.fixture(scope="module")
def many_projects(django_db_setup, django_db_blocker):
    # Committed, outside the tests' transactions, so every test of the module sees them.
    try:
        with django_db_blocker.unblock():
            generate(GENERATED, stdout=io.StringIO())
            vacuum_analyze()
        yield
    finally:
        with django_db_blocker.unblock():
            remove_generated()
            vacuum_analyze()


# Plans ----------------------------------------------------------------------------------------


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def plan_of(queryset):
    return explain(*queryset.query.sql_with_params())


def statements_run_by(action):
    """The (sql, params) of every statement action() runs, exactly as it runs them."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return statements


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def indexes_used(plan):
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def tables_read(plan):
    return {node["Relation Name"] for node in nodes(plan) if "Relation Name" in node}


def reads_whole(plan, table):
    return any(
        node["Node Type"] == "Seq Scan" and node.get("Relation Name") == table
        for node in nodes(plan)
    )


def outline(plan, depth=0):
    """The plan much as EXPLAIN prints it, for failure messages."""
    line = plan["Node Type"]
    if "Index Name" in plan:
        line += f" using {plan['Index Name']}"
    if "Relation Name" in plan:
        line += f" on {plan['Relation Name']}"
    line += f"  (rows={plan['Plan Rows']})"
    for condition in ("Index Cond", "Recheck Cond", "Hash Cond", "Filter"):
        if condition in plan:
            line += f"  {condition}: {plan[condition]}"
    lines = ["  " * depth + line]
    for child in plan.get("Plans", []):
        lines.append(outline(child, depth + 1))
    return "\n".join(lines)


def indexes_including(model, field_names):
    """The names of the indexes (unique ones too, and those Django named with a hash) that
    include any of the fields' columns."""
    columns = {model._meta.get_field(name).column for name in field_names}
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name
        for name, about in constraints.items()
        if (about["index"] or about["unique"]) and columns & set(about["columns"])
    }


def assert_uses(plan, indexes):
    assert indexes_used(plan) & set(indexes), f"None of {sorted(indexes)} used:\n{outline(plan)}"


def assert_some_use(plans, index):
    used = set().union(*(indexes_used(plan) for plan in plans))
    outlines = "\n\n".join(outline(plan) for plan in plans)
    assert index in used, f"{index} not used:\n{outlines}"


def assert_not_read_whole(plan, *tables):
    for table in tables:
        assert not reads_whole(plan, table), f"{table} read whole:\n{outline(plan)}"


# What the list page runs --------------------------------------------------------------------


@dataclass
class ListPlans:
    """The plans of what the list page runs for a query string."""

    lookups: list  # before anything is listed: the chosen regions, themes …
    page: dict  # the ids of a page of projects, as the view asks for them
    counts: list  # the count and the facet counts, those the filters change

    def all(self):
        return [*self.lookups, self.page, *self.counts]


def list_plans(query, from_cells=True):
    filters = project_filter(query, from_cells)
    lookups = statements_run_by(lambda: filters.qs)
    assert filters.is_valid(), filters.errors
    page = filters.qs.values_list("pk")[:PAGE_SIZE]  # as the view picks a page's ids
    # A count that leaves a filter out (the region facet's, under a region filter) is the
    # same as with no filters at all: it says nothing about the filter.
    unfiltered = set(counting_statements(project_filter("", from_cells)))
    counts = [s for s in counting_statements(filters) if s not in unfiltered]
    assert counts, f"No count changes with {query}"
    return ListPlans(
        lookups=[explain(*statement) for statement in lookups],
        page=plan_of(page),
        counts=[explain(*statement) for statement in counts],
    )


def project_filter(query, from_cells):
    if from_cells:
        return published_project_filter(QueryDict(query))
    return ProjectFilter(QueryDict(query), queryset=Project.objects.published())


def counting_statements(filters):
    filters.current_cells  # noqa: B018 (made first if need be: that is no count)
    statements = statements_run_by(lambda: filters.counts)
    return list(dict.fromkeys(statements))


# Selective filters ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", SELECTIVE_FILTERS)
def test_the_page_of_projects_is_read_through_an_index(query):
    # Which index is the planner's to choose: walking project_status_title in the list's order
    # until the page is full is as right as the filter's own index followed by a sort.
    assert_not_read_whole(list_plans(query).page, PROJECTS)


@pytest.mark.parametrize("query", SELECTIVE_FILTERS)
def test_the_counts_are_summed_from_the_facet_cells_alone(query):
    for plan in list_plans(query).counts:
        assert tables_read(plan) == {FACET_CELLS}, outline(plan)


@pytest.mark.parametrize("query", SELECTIVE_FILTERS)
def test_counted_from_the_projects_the_counts_use_an_index_on_the_filtered_column(query):
    # As under a search or several themes, where the cells cannot tell.
    indexes = indexes_including(Project, SELECTIVE_FILTERS[query])
    for plan in list_plans(query, from_cells=False).counts:
        assert_uses(plan, indexes)
        assert_not_read_whole(plan, PROJECTS)


@pytest.mark.parametrize("query", SELECTIVE_FILTERS)
def test_the_selective_filters_pick_few_projects(query):
    # What the tests above take for granted. "kommande" and "pågående" depend on today's date;
    # the generated periods end by 2026, so both only grow rarer.
    filters = published_project_filter(QueryDict(query))
    assert filters.qs.count() < Project.objects.published().count() * 0.06


def test_a_theme_is_looked_up_in_the_theme_index():
    # Each theme is on about a fifth of the generated projects, too many for an index to be
    # the only right plan; under a region it picks a few dozen.
    theme_indexes = indexes_including(Project.themes.through, ["theme"])
    for query in [
        "region=kronoberg&theme=saljbolag",
        "region=kronoberg&theme=saljbolag&theme=handledarstod",
    ]:
        plans = list_plans(query)
        assert_uses(plans.page, theme_indexes)
        assert_not_read_whole(plans.page, PROJECTS, PROJECT_THEMES)
        # Two themes are counted from the projects: the cells cannot tell.
        for plan in plans.counts:
            assert_not_read_whole(plan, PROJECTS)


def test_the_last_page_takes_its_ids_in_the_list_order_from_an_index():
    # Which index, and whether the rows are visited too, is the planner's to choose (and
    # PostgreSQL's versions choose differently); what matters at scale is that the order comes
    # from an index: never every project read and sorted to find one page.
    filters = published_project_filter(QueryDict())
    paginator = Paginator(filters.qs.values_list("pk", flat=True), PAGE_SIZE)
    last = paginator.page(paginator.num_pages)
    plan = plan_of(last.object_list)
    assert_not_read_whole(plan, PROJECTS)
    assert not any("Sort" in node["Node Type"] for node in nodes(plan)), outline(plan)
    assert len(last.object_list) == filters.count() - (paginator.num_pages - 1) * PAGE_SIZE


# Search ---------------------------------------------------------------------------------------


def test_a_rare_word_is_found_through_both_search_indexes():
    plans = list_plans(f"q={RARE_WORD}").all()
    assert_some_use(plans, "project_search_gin")
    assert_some_use(plans, "goal_search_gin")
    for plan in plans:
        assert_not_read_whole(plan, PROJECTS, GOALS)


def test_a_common_word_never_reads_the_goals_whole():
    # Half the projects have the word: reading their table whole is then the right plan. Few
    # goals have it, and there are three times as many goals as projects.
    plans = list_plans(f"q={COMMON_WORD}").all()
    assert_some_use(plans, "goal_search_gin")
    for plan in plans:
        assert_not_read_whole(plan, GOALS)


# A contact's surname, a word in a few organisations' names, and one in a partner's role (the
# generated roles are each in an eighth of the partnerships: reading them whole is then right).
PLACES_SEARCHED = {
    "Nyström": lambda: {"contact_search_gin"},
    "Snickeriet": lambda: indexes_including(Partnership, ["organisation"]),
    "vävstugan": lambda: {"partnership_search_gin"},
}


@pytest.mark.parametrize("word", PLACES_SEARCHED)
def test_partners_and_contacts_are_found_through_their_indexes(word):
    project = Project.objects.published().filter(source__slug=SOURCE_SLUG).first()
    organisation = Organisation.objects.create(name="Ny", slug="ny", source=project.source)
    Partnership.objects.create(
        project=project, organisation=organisation, role="Driver vävstugan.", source=project.source
    )
    plans = list_plans(f"q={word}").all()
    used = set().union(*(indexes_used(plan) for plan in plans))
    assert used & PLACES_SEARCHED[word](), "\n\n".join(outline(plan) for plan in plans)
    for plan in plans:
        assert_not_read_whole(plan, PROJECTS, GOALS, Partnership._meta.db_table, CONTACTS)
    assert 0 < published_project_filter(QueryDict(f"q={word}")).qs.count() < 2_000


def test_the_search_words_match_as_many_as_the_tests_say():
    published = Project.objects.published().count()
    rare = published_project_filter(QueryDict(f"q={RARE_WORD}")).qs.count()
    common = published_project_filter(QueryDict(f"q={COMMON_WORD}")).qs.count()
    assert 50 < rare < published * 0.03  # the place's partners (Slite kommun …) too
    assert common > published * 0.3


# Query counts -------------------------------------------------------------------------------

PAGES = [
    "/projekt/",
    "/projekt/?region=kronoberg",
    "/projekt/?programme=eruf",
    f"/projekt/?q={COMMON_WORD}",
    "/projekt/?q=samverkan&region=kronoberg&theme=samverkan&year=2017",
]


def queries_with_the_real_data_alone(client):
    """How many queries each page runs when only the portal's own projects are there."""
    counts = {}
    with transaction.atomic():
        remove_generated()
        for url in PAGES:
            client.get(url)  # once first, so whatever is loaded once per process is loaded
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts[url] = len(queries)
        transaction.set_rollback(True)
    return counts


def test_the_list_page_runs_as_many_queries_as_with_the_real_data(
    client, django_assert_num_queries
):
    # Last in the module: deleting, even when rolled back, leaves the tables to be vacuumed.
    expected = queries_with_the_real_data_alone(client)
    assert Project.objects.count() > GENERATED
    for url in PAGES:
        client.get(url)  # once first: the first request after a change makes the facet cells
        with django_assert_num_queries(expected[url]):
            assert client.get(url).status_code == 200
