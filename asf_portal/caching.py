"""Values that only change when the portal's data changes, kept in the cache framework until
it does: the data version is part of every key, so a change makes the old entries unreachable
and they expire on their own."""

import hashlib

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import router
from django.dispatch import receiver

from regions.models import DataVersion

TIMEOUT = 3600

# The data version is read once per GET or HEAD request and database, so the page cache and
# every value kept for the page agree; outside a request, or in one that may write, each time.
_this_request = Local()


@receiver(request_started, dispatch_uid="data-version-read-once")
def _begin(environ=None, **kwargs):
    reads_only = (environ or {}).get("REQUEST_METHOD") in ("GET", "HEAD")
    _this_request.versions = {} if reads_only else None


@receiver(request_finished, dispatch_uid="data-version-forgotten")
def _end(**kwargs):
    _this_request.versions = None


def data_changed_at():
    """When the data last changed, as the database this request reads its data from says."""
    versions = getattr(_this_request, "versions", None)
    if versions is None:
        return DataVersion.current()
    database = router.db_for_read(DataVersion)
    if database not in versions:
        versions[database] = DataVersion.current()
    return versions[database]


def until_data_changes(name, parts, compute):
    """compute(), or the value it gave for the same name and parts since the last change."""
    if not settings.CACHE_UNTIL_DATA_CHANGES:
        return compute()
    version = data_changed_at().isoformat()
    digest = hashlib.sha256("|".join([version, *map(str, parts)]).encode()).hexdigest()
    return cache.get_or_set(f"data:{name}:{digest}", compute, TIMEOUT)
