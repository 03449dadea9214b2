import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from projects.models import Project
from regions.models import Region
from tests.conftest import make_project

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGES = [
    "/",
    "/regioner/",
    "/projekt/",
    "/om/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/data/",
    "/statistik/",
    "/jamfor/",
]


def sitemap(client):
    """Each listed address (without the host) with its lastmod, or None."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    urls = {}
    for url in root.findall(f"{SITEMAP}url"):
        location = url.findtext(f"{SITEMAP}loc")
        assert location.startswith("http://testserver/")
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        urls[location.removeprefix("http://testserver")] = lastmod and date.fromisoformat(lastmod)
    return urls


def test_sitemap_lists_the_pages_every_region_and_every_published_project(client):
    urls = sitemap(client)
    regions = [region.get_absolute_url() for region in Region.objects.all()]
    projects = [project.get_absolute_url() for project in Project.objects.published()]
    assert sorted(urls) == sorted([*PAGES, *regions, *projects])
    assert len(regions) == 12 and len(projects) == 14
    for path in PAGES:
        assert client.get(path).status_code == 200, path


def test_sitemap_dates_projects_and_regions_by_their_last_change(client):
    # update() leaves auto_now alone, so the change can be dated in the past.
    Project.objects.filter(slug="messe").update(updated_at=datetime(2025, 3, 4, 12, tzinfo=UTC))
    urls = sitemap(client)
    assert urls["/projekt/messe/"] == date(2025, 3, 4)
    for record in [*Region.objects.all(), *Project.objects.published()]:
        assert urls[record.get_absolute_url()] == timezone.localdate(record.updated_at)


def test_sitemap_leaves_out_drafts(client):
    draft = make_project(status=Project.Status.DRAFT)
    urls = sitemap(client)
    assert draft.get_absolute_url() not in urls
    assert draft.region.get_absolute_url() in urls  # the region itself is public


def test_loaded_records_are_dated_by_their_load_not_by_the_fixtures_build(client):
    """The fixture's timestamps are when it was built, a time nobody entered anything; a
    record is dated by when this database got it (conftest loads the test database with
    load_published_data, as `make data` does)."""
    for record in [*Region.objects.all(), *Project.objects.published()]:
        first = record.history.earliest()
        assert record.updated_at == first.history_date
        assert getattr(record, "created_at", first.history_date) == first.history_date
