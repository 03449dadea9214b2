"""The read-replica router, against a second real PostgreSQL database.

In the test the "replica" does not replicate, which is what lets the test see where each
query went: a row written straight into the replica is visible only to reads routed there.
"""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.http import parse_http_date

from asf_portal.routers import primary_for_reads
from projects.models import Theme
from regions.models import DataVersion

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

ROUTED = override_settings(DATABASE_ROUTERS=["asf_portal.routers.PrimaryReplicaRouter"])


def test_the_replica_is_a_database_of_its_own():
    Theme.objects.using("replica").create(name="bara i repliken", slug="bara-i-repliken")
    assert not Theme.objects.using("default").filter(slug="bara-i-repliken").exists()


@ROUTED
def test_reads_go_to_the_replica_and_writes_to_the_primary():
    Theme.objects.using("replica").create(name="replikerad", slug="replikerad")
    assert Theme.objects.filter(slug="replikerad").exists()  # read: replica
    Theme.objects.create(name="ny", slug="ny")  # write: primary
    assert Theme.objects.using("default").filter(slug="ny").exists()
    assert not Theme.objects.filter(slug="ny").exists()  # not replicated here
    with primary_for_reads():
        assert Theme.objects.filter(slug="ny").exists()


@ROUTED
def test_edits_the_admin_and_editors_pages_read_from_the_primary(admin_client, client):
    Theme.objects.create(name="Nytt tema", slug="nytt-tema")  # only on the primary
    response = admin_client.get("/admin/projects/theme/?q=Nytt")
    assert response.status_code == 200  # the admin's session and user: primary too
    assert response.context["cl"].result_count == 1
    # A signed-in editor's public pages (their previews) read the primary too.
    assert admin_client.get("/projekt/?theme=nytt-tema").status_code == 200
    public = client.get("/projekt/?theme=nytt-tema")
    assert public.status_code == 400  # readers' pages use the replica, which lacks it


@ROUTED
def test_the_replica_is_never_migrated():
    from django.db import router

    assert router.allow_migrate("default", "projects")
    assert not router.allow_migrate("replica", "projects")


@ROUTED
def test_the_page_cache_reads_the_data_version_where_the_page_is_read(client, settings):
    # A lagging replica's pages are kept under the replica's version, never the primary's.
    settings.CACHE_UNTIL_DATA_CHANGES = True
    replicated = timezone.now().replace(microsecond=0)
    DataVersion.objects.using("replica").update_or_create(pk=1, defaults={"changed_at": replicated})
    # A later change on the primary, not yet replicated.
    later = replicated + timedelta(minutes=5)
    DataVersion.objects.using("default").update_or_create(pk=1, defaults={"changed_at": later})
    response = client.get("/om/")
    assert parse_http_date(response["Last-Modified"]) == replicated.timestamp()
