"""The facet cells: the list's counts summed from them are the counts of the projects, and
they are made again whenever the data or the day changes."""

import io
import re
import urllib.request
from datetime import date, timedelta

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import facet_cells
from projects.facet_cells import FacetCell, FacetCellsMade
from projects.filters import ProjectFilter, published_project_filter
from projects.models import Programme, Project, Theme
from projects.templatetags.portal import NUMBER_WORDS
from regions.models import DataVersion, Region
from tests.conftest import make_project

pytestmark = pytest.mark.django_db


def facets_of(project_filter):
    project_filter.qs  # noqa: B018 (validates, as the view does first)
    return project_filter.counts, project_filter.count()


def from_cells(query):
    """The counts as the site counts them, and the tables its counts summed or counted."""
    project_filter = published_project_filter(QueryDict(query))
    project_filter.qs  # noqa: B018
    project_filter.current_cells  # noqa: B018 (made first if need be: not what is counted)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        counts = facets_of(project_filter)
    counting = [
        sql for sql in statements if sql.startswith("SELECT") and ("SUM(" in sql or "COUNT(" in sql)
    ]
    tables = {
        name
        for name, table in [("cells", FacetCell._meta.db_table), ("projects", "projects_project")]
        if any(f'FROM "{table}"' in sql for sql in counting)
    }
    return counts, tables


def from_projects(query):
    return facets_of(ProjectFilter(QueryDict(query), queryset=Project.objects.published()))


@pytest.fixture
def varied_projects():
    """Projects unlike the real ones: with several themes, without a period, ongoing today,
    starting in the future, and a draft, which must never count."""
    today = timezone.localdate()
    themes = list(Theme.objects.all())
    skane = Region.objects.get(slug="skane")
    eruf = Programme.objects.get(slug="eruf")
    make_project(region=skane, programme=eruf).themes.set(themes[:3])
    make_project(region=skane)
    make_project(
        region=skane, period_start=today - timedelta(days=400), period_end=today + timedelta(9)
    ).themes.set(themes[1:2])
    make_project(programme=eruf, period_start=today, period_end=None).themes.set(themes[:2])
    make_project(period_start=date(2099, 1, 1), period_end=date(2100, 12, 31))
    make_project(status=Project.Status.DRAFT, region=skane).themes.set(themes)


SLUGS = {
    "region": ["skane", "kronoberg", "ostergotland", "jonkopings-lan"],
    "theme": ["samverkan", "saljbolag", "affarsutveckling", "handledarstod"],
    "programme": ["eruf", "regionala-projekt-2017-2018", "interreg-ivc"],
    "year": ["2016", "2017", "2018", "2025", "2026", "2099"],
    "status": ["pagaende", "avslutade", "kommande"],
    "q": ["företag", "samverkan"],
}
CHOICE = st.sampled_from([(name, value) for name, values in SLUGS.items() for value in values])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(CHOICE, max_size=5))
def test_the_cells_count_what_the_projects_count(varied_projects, choices):
    query = "&".join(f"{name}={value}" for name, value in choices)
    counts, tables = from_cells(query)
    assert counts == from_projects(query)
    # The cells cannot tell under a search, nor for several themes (but the theme counts,
    # which leave the theme filter out).
    searched = any(name == "q" for name, _ in choices)
    themes = {value for name, value in choices if name == "theme"}
    assert ("cells" in tables) == (not searched), query
    assert ("projects" in tables) == (searched or len(themes) > 1), query


def test_a_change_to_the_data_makes_the_cells_again(varied_projects):
    before, _ = from_cells("region=kronoberg")
    project = Project.objects.published().get(slug="messe")
    project.region = Region.objects.get(slug="kronoberg")
    project.save()
    after, _ = from_cells("region=kronoberg")
    assert after[1] == before[1] + 1
    assert after == from_projects("region=kronoberg")


def test_the_cells_are_made_again_when_the_day_changes(varied_projects, monkeypatch):
    # The projects of 2099 are to come today, and under way on a day in 2099.
    assert from_cells("")[0][0]["status"]["kommande"] == 1
    monkeypatch.setattr(timezone, "localdate", lambda: date(2099, 6, 1))
    (counts, count), _ = from_cells("")
    assert counts["status"]["kommande"] == 0
    assert (counts, count) == from_projects("")
    assert FacetCellsMade.objects.get().as_of == date(2099, 6, 1)


def test_while_another_request_makes_the_cells_the_projects_are_counted(varied_projects):
    # Another connection holds the lock that making the cells takes (as a request making them
    # would), so this request cannot make them and counts the projects instead.
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [facet_cells.LOCK])
            counts, tables = from_cells("region=skane")
        assert tables == {"projects"}
        assert counts == from_projects("region=skane")
    finally:
        other.close()
    assert from_cells("region=skane") == (counts, {"cells"})


def test_making_the_cells_is_no_change_to_the_data():
    changed_at = DataVersion.current()
    assert facet_cells.make(connection.alias, timezone.localdate())
    assert DataVersion.current() == changed_at
    assert FacetCell.objects.exists()


def test_a_deleted_theme_leaves_the_counts_right(varied_projects):
    from_cells("")
    Theme.objects.get(slug="samverkan").delete()
    counts, tables = from_cells("theme=saljbolag")
    assert tables == {"cells"} and counts == from_projects("theme=saljbolag")
    assert "samverkan" not in counts[0]["theme"]


def listed_count(live_server, query):
    with urllib.request.urlopen(f"{live_server.url}/projekt/?{query}") as response:
        page = response.read().decode()
    count = re.search(r'<h2 id="resultat-rubrik">(\S+) projekt', page).group(1).lower()
    return NUMBER_WORDS.index(count) if count in NUMBER_WORDS else int(count)


@pytest.mark.django_db(transaction=True)
def test_a_request_commits_the_cells_it_makes_and_makes_them_again_after_an_edit(live_server):
    """On a real server: the cells one request makes are committed (this test's own connection
    reads them), and an edit committed afterwards has the next request make them anew."""
    call_command("load_published_data", stdout=io.StringIO())  # the live server empties tables
    kronoberg = Region.objects.get(slug="kronoberg")
    in_kronoberg = Project.objects.published().filter(region=kronoberg)
    assert listed_count(live_server, "region=kronoberg") == in_kronoberg.count()
    assert FacetCellsMade.objects.get().data_changed_at == DataVersion.current()

    moved = Project.objects.published().exclude(region=kronoberg).first()
    moved.region = kronoberg
    moved.save()
    assert listed_count(live_server, "region=kronoberg") == in_kronoberg.count()
    assert FacetCellsMade.objects.get().data_changed_at == DataVersion.current()
    cells = FacetCell.objects.filter(region=kronoberg, theme=None)
    assert sum(cells.values_list("projects", flat=True)) == in_kronoberg.count()
