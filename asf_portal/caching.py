"""Values that only change when the portal's data changes, cached until it does."""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

from regions.models import DataVersion

TIMEOUT = 3600

# When the data last changed, as the page cache read it for the request being answered.
_read_for_this_request = ContextVar("data_changed_at", default=None)


@contextmanager
def data_version_read(changed_at):
    """Within it, until_data_changes uses `changed_at` rather than reading it again."""
    token = _read_for_this_request.set(changed_at)
    try:
        yield
    finally:
        _read_for_this_request.reset(token)


def data_changed_at():
    """When the data last changed: as read once for the request, if it was."""
    return _read_for_this_request.get() or DataVersion.current()


def until_data_changes(name, parts, compute):
    """compute(), or the value it gave for the same name and parts since the last change."""
    if not settings.CACHE_UNTIL_DATA_CHANGES:
        return compute()
    version = data_changed_at().isoformat()
    digest = hashlib.sha256("|".join([version, name, *map(str, parts)]).encode()).hexdigest()
    key = f"data:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
