import io

import pytest
from django.core.management import call_command

from projects.models import Programme, Project
from regions.models import County, Region, Source

# The twelve regions' permanent slugs (a public contract), in Swedish order of short names.
REGION_SLUGS_IN_SWEDISH_ORDER = [
    "dalarna",
    "gavleborg",
    "jamtland-harjedalen",
    "jonkopings-lan",
    "kalmar-lan",
    "kronoberg",
    "norrbotten",
    "skane",
    "vasterbotten",
    "vastra-gotaland",
    "orebro-lan",
    "ostergotland",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Live-server tests last, after every other ordering (pytest-playwright's included).

    They run in committed transactions and empty the tables when done, so any test after
    them would miss the portal's data.
    """
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Tests see each view do its work; the page cache has tests of its own
    (tests/test_caching.py), which switch it on."""
    from django.core.cache import cache

    settings.CACHE_UNTIL_DATA_CHANGES = False
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The hashed-name storage needs `collectstatic` first; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """A second, real PostgreSQL database as the read replica, for the router's tests.

    Only tests that ask for it (databases=["default", "replica"]) create it, and the router
    is switched on only inside them.
    """
    from django.db import connections

    default = connections.settings["default"]
    connections.settings["replica"] = {
        **default,
        "NAME": f"{default['NAME']}_replica",
        "TEST": {**default["TEST"], "NAME": f"test_{default['NAME']}_replica"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the portal's real data, loaded once into the test database as
    `make data` loads it."""
    with django_db_blocker.unblock():
        call_command("load_published_data", stdout=io.StringIO())


def make_source(**fields):
    defaults = {
        "slug": f"kalla-{Source.objects.count() + 1}",
        "title": "En källa",
        "publisher": "Testutgivare",
        "retrieved_year": 2026,
        "text": "Originaltext.",
    }
    return Source.objects.create(**{**defaults, **fields})


def make_region(**fields):
    source = fields.pop("source", None) or make_source()
    number = Region.objects.count() + 1
    defaults = {
        "name": f"Region Test {number}",
        "short_name": f"Test {number}",
        "slug": f"test-{number}",
        "county": County.objects.get(code="01"),
        "source": source,
    }
    return Region.objects.create(**{**defaults, **fields})


def make_project(**fields):
    region = fields.pop("region", None) or make_region()
    number = Project.objects.count() + 1
    defaults = {
        "region": region,
        "programme": Programme.objects.get(slug="regionala-projekt-2017-2018"),
        "title": f"Testprojekt {number}",
        "slug": f"testprojekt-{number}",
        "status": Project.Status.PUBLISHED,
        "source": region.source,
    }
    return Project.objects.create(**{**defaults, **fields})
