import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from asf_portal.paths import slug_paths


@pytest.fixture
def script_prefix():
    """Set a script prefix, as a portal served under a sub-path has; the old one afterwards."""
    old = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(old)


@pytest.mark.parametrize("view_name", ["projects:detail", "regions:detail"])
@pytest.mark.parametrize("prefix", ["/", "/asf/"])
def test_a_slug_path_is_what_reverse_gives(script_prefix, view_name, prefix):
    script_prefix(prefix)
    for slug in ["messe", "ostergotland-2017-2018", "a_b-9"]:
        assert slug_paths(view_name)(slug) == reverse(view_name, args=[slug])
    assert slug_paths(view_name)("messe").startswith(prefix)
