from datetime import date

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.filters import published_project_filter
from projects.models import Project, Theme
from regions.models import Region
from tests.conftest import make_project

pytestmark = pytest.mark.django_db


def run(query):
    """The list as the site filters it, its counts from the facet cells where they can tell."""
    project_filter = published_project_filter(QueryDict(query))
    return project_filter, list(project_filter.qs.values_list("slug", flat=True))


def facet_counts(project_filter, name):
    return project_filter.counts[name]


def test_several_regions_at_once():
    _, slugs = run("region=kronoberg&region=jonkopings-lan")
    assert sorted(slugs) == ["kronoberg-2017-2018", "starkare-asf-i-jonkopings-lan"]


def test_theme_filter_takes_any_of_the_chosen_themes_once_each():
    _, slugs = run("theme=samverkan&theme=affarsutveckling")
    assert sorted(slugs) == [
        "kronoberg-2017-2018",
        "starkare-asf-i-jonkopings-lan",
        "vastra-gotaland-2017-2018",
    ]


def test_programme_filter():
    _, slugs = run("programme=eruf&programme=interreg-ivc")
    assert sorted(slugs) == ["messe", "ostgotamodellen"]


def test_year_filter_matches_projects_running_that_year():
    assert len(run("year=2018")[1]) == 12
    make_project(period_start=date(2019, 3, 1), period_end=date(2020, 6, 30))
    assert run("year=2019")[1] == run("year=2020")[1] != []
    assert "2019" not in run("year=2018")[1]


def test_status_filter_uses_the_period():
    _, finished = run("status=avslutade")
    assert len(finished) == 12
    future = make_project(period_start=date(2099, 1, 1), period_end=date(2099, 12, 31))
    assert run("status=kommande")[1] == [future.slug]


def test_facet_counts_say_what_each_choice_would_give():
    project_filter, slugs = run("region=ostergotland")
    assert len(slugs) == 3
    regions = facet_counts(project_filter, "region")
    # The region facet ignores the region filter itself: ticking Kronoberg would add 1.
    assert regions["ostergotland"] == 3 and regions["kronoberg"] == 1
    programmes = facet_counts(project_filter, "programme")
    assert programmes == {"regionala-projekt-2017-2018": 1, "eruf": 1, "interreg-ivc": 1}
    themes = facet_counts(project_filter, "theme")
    assert themes["saljbolag"] == 1 and themes["samverkan"] == 0
    assert facet_counts(project_filter, "year") == {"2017": 1, "2018": 1}


def test_facet_counts_add_up_under_a_region_filter():
    region = Region.objects.get(slug="skane")
    samverkan = Theme.objects.get(slug="samverkan")
    for number in range(3):
        make_project(region=region, title=f"Samverkan {number}").themes.add(samverkan)
    project_filter, slugs = run("region=skane&region=kronoberg")
    assert len(slugs) == 5
    assert facet_counts(project_filter, "theme")["samverkan"] == 4
    assert facet_counts(project_filter, "programme")["regionala-projekt-2017-2018"] == 5
    assert project_filter.count() == 5


@pytest.mark.parametrize(
    "base",
    [
        "theme=samverkan",  # counted from the facet cells
        "q=företag&status=avslutade",  # from the projects: the cells know nothing of a search
        "q=företag",  # four facets from one pass, a project with no period among them
    ],
)
def test_facet_counts_match_the_lists_they_promise(base):
    chosen = QueryDict(base)
    base_filter, _ = run(base)
    for name, counts in base_filter.counts.items():
        for value, count in counts.items():
            query = chosen.copy()
            query.setlist(name, [value])  # instead of the facet's own choice
            _, slugs = run(query.urlencode())
            assert len(slugs) == count, (name, value)


def test_a_search_alone_counts_four_facets_in_one_query():
    # Region, programme, year and status all count the search's matches: one grouped query
    # for them, and the themes' own.
    cache.clear()
    project_filter = published_project_filter(QueryDict("q=företag"))
    with CaptureQueriesContext(connection) as queries:
        assert len(project_filter.counts) == 5
    grouped = [query["sql"] for query in queries if "GROUP BY" in query["sql"]]
    assert len(grouped) == 2
    assert sum('"projects_project_themes"."theme_id"' in sql for sql in grouped) == 1


def test_a_search_sends_its_words_never_its_matches(client, settings):
    # The matches are a subquery of each statement, however many they are: no list of ids
    # is written into a statement. Only the shown cards' passages name their (twenty) ids.
    settings.CACHE_UNTIL_DATA_CHANGES = False
    params = []

    def record(execute, sql, parameters, many, context):
        if "@@" in sql and "ts_headline" not in sql:  # the statements that search
            params.extend(parameters or ())
        return execute(sql, parameters, many, context)

    with connection.execute_wrapper(record):
        assert client.get("/projekt/?q=företag").status_code == 200
    matches = set(Project.objects.search("företag").values_list("pk", flat=True))
    assert len(matches) > 3
    assert not matches & {value for value in params if isinstance(value, int)}


def test_search_finds_any_inflection_of_upphandling_med_social_hansyn():
    _, slugs = run("q=upphandling med social hänsyn")
    assert slugs == ["starkare-asf-i-jonkopings-lan"]
    # Jönköping's own text first; then the projects what public pages say about them matches.
    inflected = run("q=upphandlingar")[1]
    assert inflected[0] == "starkare-asf-i-jonkopings-lan"
    assert set(inflected[1:]) == {"skane-2017-2018", "dalarna-2017-2018"}
    assert run("q=säljbolag")[1][0] == "ostergotland-2017-2018"


def test_search_ranks_best_matches_first_and_can_be_resorted():
    project_filter, slugs = run("q=företag")
    assert project_filter.sort_key == "relevans"
    assert len(slugs) > 3
    ranks = list(project_filter.qs.values_list("rank", flat=True))
    assert ranks == sorted(ranks, reverse=True)
    _, by_title = run("q=företag&sort=titel")
    assert set(by_title) == set(slugs)
    in_swedish_title_order = Project.objects.filter(slug__in=by_title).order_by("title")
    assert by_title == list(in_swedish_title_order.values_list("slug", flat=True))


def test_sort_by_region_follows_the_swedish_order_of_region_names():
    _, by_region = run("sort=region")
    names = [Project.objects.get(slug=slug).region.short_name for slug in by_region]
    swedish_order = list(Region.objects.values_list("short_name", flat=True))
    assert names == sorted(names, key=swedish_order.index)
    assert names[-1] == "Östergötland"


def test_sort_by_period_puts_projects_without_one_last():
    _, by_period = run("sort=period")
    assert by_period[-2:] == ["messe", "ostgotamodellen"]


def test_relevance_without_search_falls_back_to_title():
    project_filter, _ = run("sort=relevans")
    assert project_filter.sort_key == "titel"


def test_drafts_never_count():
    draft = make_project(status=Project.Status.DRAFT, region=Region.objects.get(slug="skane"))
    draft.themes.set(Theme.objects.all())
    project_filter, _ = run("")
    assert facet_counts(project_filter, "region")["skane"] == 1
    assert facet_counts(project_filter, "theme")["handledarstod"] == 1


PARAMETER = st.sampled_from(
    ["q", "region", "theme", "programme", "year", "status", "sort", "page", "", "x", "q[]"]
)
VALUE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["kronoberg", "2017", "titel", "relevans", "-1", "%00", "\x00", "'", "\\"]),
    st.binary(max_size=50).map(lambda b: b.decode("latin-1")),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(PARAMETER, VALUE), max_size=8))
def test_no_query_string_makes_a_server_error(client, pairs):
    from urllib.parse import urlencode

    response = client.get("/projekt/?" + urlencode(pairs))
    assert response.status_code in {200, 400}
    assert "Projekt" in response.content.decode()


def test_paging_through_a_search_lists_each_match_once():
    # Relevance ties are broken by title and id, so no page repeats or skips a match.
    project_filter, slugs = run("q=företag&region=ostergotland&region=skane")
    paginator = Paginator(project_filter.qs.for_listing(), 1)
    pages = [paginator.page(number) for number in paginator.page_range]
    assert [project.slug for page in pages for project in page] == slugs
    assert len(slugs) > 1
