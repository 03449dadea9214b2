"""Reads from the replica, writes to the primary (DATABASE_REPLICA_URL in settings).

Whatever must see its own writes at once reads from the primary too: the admin and every
non-GET request (PrimaryForEditsMiddleware), and sessions, accounts and login records, which a
lagging replica would otherwise lose between two requests.
"""

from contextlib import contextmanager
from contextvars import ContextVar

PRIMARY_ONLY_APPS = {"sessions", "auth", "admin", "axes", "contenttypes"}
reading_from_primary = ContextVar("reading_from_primary", default=False)


@contextmanager
def primary_for_reads():
    token = reading_from_primary.set(True)
    try:
        yield
    finally:
        reading_from_primary.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if reading_from_primary.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication
