"""The page cache (asf_portal/middleware.py) and the values kept until the data changes
(asf_portal/caching.py), through every middleware as a browser or a CDN meets them."""

import io
import urllib.request
import uuid
from datetime import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date

from asf_portal.caching import data_changed_at
from projects.models import Project
from regions.models import DataVersion
from tests.admin_forms import make_editor

pytestmark = pytest.mark.django_db

LIST = "/projekt/?region=kronoberg"


@pytest.fixture
def page_cache(settings):
    settings.CACHE_UNTIL_DATA_CHANGES = True


def entries():
    """The pages the cache holds (the tests run on local memory): Django's page cache keys."""
    return {key for key in cache._cache if "views.decorators.cache" in key}


def test_a_repeated_request_is_served_from_the_cache(client, django_assert_num_queries, page_cache):
    first = client.get(LIST)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # when the data last changed, nothing more
        again = client.get(LIST)
    assert again.content == first.content


def test_public_pages_carry_headers_for_browsers_and_cdns(client, page_cache):
    response = client.get(LIST)
    assert response["Cache-Control"] == "public, max-age=60"
    # When the data changed, or when today began if later: what is "pågående" changes daily.
    today = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    last_modified = max(DataVersion.current(), today)
    assert parse_http_date(response["Last-Modified"]) == int(last_modified.timestamp())
    assert response["ETag"] and "Cookie" in response["Vary"]
    # Only Swedish: the page does not differ by the browser's languages.
    assert "Accept-Language" not in response["Vary"]


def test_a_page_the_browser_has_gets_a_304(client, django_assert_num_queries, page_cache):
    etag = client.get(LIST)["ETag"]
    with django_assert_num_queries(1):
        again = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get(LIST, HTTP_IF_NONE_MATCH='"another"').status_code == 200


@pytest.fixture
def portal_data(transactional_db):
    """Transactional tests empty the tables after themselves, so each loads the portal's data."""
    call_command("load_published_data", stdout=io.StringIO())


def test_an_edit_shows_on_the_next_request(client, portal_data, page_cache):
    # Committed, as an editor's save is: the data version's signal does the rest.
    first = client.get(LIST)
    etag = first["ETag"]
    project = Project.objects.get(slug="kronoberg-2017-2018")
    project.lead = "Ny ingress."
    project.save()
    changed = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Ny ingress." in changed.content.decode()
    assert parse_http_date(changed["Last-Modified"]) >= parse_http_date(first["Last-Modified"])


def test_a_deleted_goal_also_changes_the_page(client, page_cache):
    etag = client.get("/projekt/starkare-asf-i-jonkopings-lan/")["ETag"]
    Project.objects.get(slug="starkare-asf-i-jonkopings-lan").goals.first().delete()
    assert client.get("/projekt/starkare-asf-i-jonkopings-lan/")["ETag"] != etag


def test_unknown_parameters_add_no_entry(client, django_assert_num_queries, page_cache):
    canonical = client.get(LIST)
    kept = entries()
    with django_assert_num_queries(1):
        made_up = client.get(f"{LIST}&x={uuid.uuid4().hex}&utm_source=nyhetsbrev")
    assert made_up.content == canonical.content
    assert entries() == kept


def test_an_unknown_parameter_is_answered_without_it_and_kept_under_the_canonical_address(
    client, django_assert_num_queries, page_cache
):
    made_up = client.get(f"{LIST}&okand={uuid.uuid4().hex}")
    assert made_up.status_code == 200 and "okand" not in made_up.content.decode()
    with django_assert_num_queries(1):
        assert client.get(LIST).content == made_up.content


@pytest.mark.parametrize(
    "spelling",
    [
        "/projekt/?theme=samverkan&region=skane&region=kronoberg",
        "/projekt/?q=&region=kronoberg&theme=samverkan&region=skane&year=",
    ],
)
def test_the_same_choices_in_another_order_share_one_entry(
    client, django_assert_num_queries, page_cache, spelling
):
    first = client.get("/projekt/?region=kronoberg&region=skane&theme=samverkan")
    kept = entries()
    with django_assert_num_queries(1):
        again = client.get(spelling)
    assert again.content == first.content and entries() == kept


def test_every_filter_of_the_list_is_part_of_the_address(client, page_cache):
    # The recognised parameters are the FilterSet's own: none of them is dropped.
    everything = client.get("/projekt/").context["page_obj"].paginator.count
    for query in [
        "q=samverkan",
        "region=kronoberg",
        "theme=samverkan",
        "year=2017",
        "status=avslutade",
    ]:
        response = client.get(f"/projekt/?{query}")
        assert response.context["page_obj"].paginator.count < everything, query
    assert client.get("/projekt/?sort=period").content != client.get("/projekt/").content
    assert client.get("/projekt/?page=2").content != client.get("/projekt/").content


def test_signed_in_users_neither_get_nor_fill_the_cache(client, page_cache):
    anonymous = Client()
    anonymous.get(LIST)
    kept = entries()
    client.force_login(make_editor("karl", "kronoberg"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200 and len(queries) > 3  # the page made anew
    assert client.get("/projekt/?region=skane").status_code == 200
    assert entries() == kept
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives


def test_an_editors_published_page_is_kept_by_no_shared_cache(client, page_cache):
    client.force_login(make_editor("karl", "kronoberg"))
    published = client.get("/projekt/starkare-asf-i-jonkopings-lan/")
    assert published.status_code == 200
    assert "private" in published["Cache-Control"] and "public" not in published["Cache-Control"]


@pytest.mark.parametrize("page_cache_on", [True, False])
def test_an_editors_preview_of_a_draft_is_kept_by_no_cache(client, settings, page_cache_on):
    settings.CACHE_UNTIL_DATA_CHANGES = page_cache_on
    draft = Project.objects.get(slug="kronoberg-2017-2018")
    draft.status = Project.Status.DRAFT
    draft.save()
    client.force_login(make_editor("karl", "kronoberg"))

    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and draft.title in preview.content.decode()
    directives = {d.strip() for d in preview["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives
    assert "ETag" not in preview
    # The cache kept nothing: the public asks for the same address and finds no draft.
    assert entries() == set()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_errors_are_not_kept_nor_made_public(client, page_cache):
    for path in ["/projekt/finns-inte/", "/projekt/?region=atlantis"]:
        response = client.get(path)
        assert response.status_code in (400, 404)
        assert "public" not in response.get("Cache-Control", "")
    assert entries() == set()


def test_the_admin_is_not_cached(client, page_cache):
    assert client.get("/admin/login/").status_code == 200
    assert entries() == set()


def test_nothing_is_kept_with_the_caches_off(client, settings):
    settings.CACHE_UNTIL_DATA_CHANGES = False
    response = client.get(f"{LIST}&okand=1")
    assert "public" not in response.get("Cache-Control", "")
    assert entries() == set()
    # The address is made canonical all the same: the page is the same, caches on or off.
    assert "okand" not in response.content.decode()


def test_a_page_reads_when_the_data_changed_once(client, page_cache):
    # The page cache reads it, and the values kept until the data changes use that reading.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projekt/?q=samverkan").status_code == 200
    data_version = DataVersion._meta.db_table
    assert sum(data_version in query["sql"] for query in queries.captured_queries) == 1


def test_outside_a_request_the_data_version_is_read_anew(page_cache):
    before = data_changed_at()
    Project.objects.get(slug="kronoberg-2017-2018").save()
    assert data_changed_at() > before


def test_a_head_request_is_answered_from_the_page_of_a_get(
    client, django_assert_num_queries, page_cache
):
    page = client.get(LIST)
    with django_assert_num_queries(1):
        head = client.head(LIST)
    assert head.status_code == 200 and head["ETag"] == page["ETag"]


@pytest.mark.django_db(transaction=True)
def test_on_a_real_server_a_committed_edit_replaces_the_kept_page(live_server, page_cache):
    """The page kept for a repeated address, on a server thread with its own connection: an
    edit committed elsewhere makes the next request build the page anew, with the edit."""
    call_command("load_published_data", stdout=io.StringIO())  # the live server empties tables
    project = Project.objects.published().filter(region__slug="kronoberg").first()

    def page():
        with urllib.request.urlopen(f"{live_server.url}{LIST}") as response:
            return response.read().decode()

    first = page()
    # A card shows the portal's own "ASF-projekt 2017–2018: Region Kronoberg" without its prefix.
    assert project.title.partition(": ")[2] in first
    assert page() == first  # kept: the same bytes, ETag and all
    project.title = f"Ny titel {uuid.uuid4().hex[:8]}"
    project.save()
    assert project.title in page()
