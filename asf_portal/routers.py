"""Reads from the replica, writes to the primary (DATABASE_REPLICA_URL in settings).

Whatever must see its own writes at once reads from the primary too: the admin, signed-in
editors' pages (their previews) and every non-GET request (ReadsMiddleware), and sessions,
accounts and login records, which a lagging replica would otherwise lose between two requests.

A replica that cannot be reached is left alone for a while: reads go to the primary, and every
REPLICA_RETRY_SECONDS one request per process tries the replica again.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DatabaseError, connections

PRIMARY_ONLY_APPS = {"sessions", "auth", "admin", "axes", "contenttypes"}
REPLICA_RETRY_SECONDS = 5
reading_from_primary = ContextVar("reading_from_primary", default=False)
replica_down_until = 0.0  # time.monotonic() of this process; 0: the replica is up


@contextmanager
def primary_for_reads():
    token = reading_from_primary.set(True)
    try:
        yield
    finally:
        reading_from_primary.reset(token)


def replica_answers():
    """Whether the replica takes a new connection now; when it does not, reads go to the
    primary for the next REPLICA_RETRY_SECONDS."""
    global replica_down_until
    replica = connections["replica"]
    replica.close()  # a connection that failed, or the replica's before a restart
    try:
        replica.ensure_connection()
    except DatabaseError:
        replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return False
    return True


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            reading_from_primary.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or time.monotonic() < replica_down_until
        ):
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication
