"""Every page of a record has its address from reverse(), also under a sub-path."""

import pytest
from django.urls import get_script_prefix, set_script_prefix

from projects.models import Project
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_prefix():
    """Set a script prefix, as a portal served under a sub-path has; the old one afterwards."""
    old = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(old)


@pytest.mark.parametrize("prefix", ["/", "/asf/"])
def test_a_records_address_follows_the_script_prefix(script_prefix, prefix):
    script_prefix(prefix)
    region = Region.objects.get(slug="ostergotland")
    project = Project.objects.get(slug="messe")
    assert region.get_absolute_url() == f"{prefix}regioner/ostergotland/"
    assert project.get_absolute_url() == f"{prefix}projekt/messe/"


def test_a_region_address_opens_its_page(client):
    region = Region.objects.get(slug="kronoberg")
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    assert response.resolver_match.view_name == "regions:detail"
