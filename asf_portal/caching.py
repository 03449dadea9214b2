"""Values that only change when the portal's data changes, cached until it does."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from regions.models import DataVersion

TIMEOUT = 3600


def until_data_changes(name, parts, compute):
    """compute(), or the value it gave for the same name and parts since the last change."""
    if not settings.CACHE_UNTIL_DATA_CHANGES:
        return compute()
    version = DataVersion.current().isoformat()
    digest = hashlib.sha256("|".join([version, name, *map(str, parts)]).encode()).hexdigest()
    key = f"data:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
