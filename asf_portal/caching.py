"""Values that only change when the portal's data changes, kept in the cache framework until
it does: the data version is part of every key, so a change makes the old entries unreachable
and they expire on their own."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from regions.models import DataVersion

TIMEOUT = 3600


def data_changed_at():
    """When the data last changed, from the database this request reads its data from (one
    indexed row, read again rather than carried through the request)."""
    return DataVersion.current()


def until_data_changes(name, parts, compute):
    """compute(), or the value it gave for the same name and parts since the last change."""
    if not settings.CACHE_UNTIL_DATA_CHANGES:
        return compute()
    version = data_changed_at().isoformat()
    digest = hashlib.sha256("|".join([version, *map(str, parts)]).encode()).hexdigest()
    return cache.get_or_set(f"data:{name}:{digest}", compute, TIMEOUT)
