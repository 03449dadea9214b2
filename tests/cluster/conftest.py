"""One cluster for the cluster tests, as `make cluster` starts it (tools/cluster.py): a
PostgreSQL primary, its streaming replica, Redis and two gunicorn servers, made from scratch in
.cluster-test/ on free ports and stopped when the tests are done. Nothing is mocked: the tests
talk HTTP to the servers and SQL to the databases."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from tools.cluster import LoopbackCluster
from tools.localdb import DATABASE_NAME, PORT, SUPERUSER

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_DIR = ROOT / ".cluster-test"
EDITOR = ("redaktor", "ett-långt-lösenord-för-klustret")
# How long a replica may take to replay or an app server to come back to it: a bound, never a
# measurement. Polls end as soon as the condition holds.
PATIENCE_SECONDS = 60


def production_environment():
    """What `make cluster` gives the app servers (the Makefile's PRODUCTION_ENV), and an API
    limit that the load, all from one address, stays under."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST", "PORTAL_"))
    }
    return {
        **environment,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PORTAL_OPERATOR_EXAMPLE": "true",
        "API_THROTTLE_RATE": "1000000/s",
        "DJANGO_SETTINGS_MODULE": "asf_portal.settings",
    }


@pytest.fixture(scope="session")
def cluster():
    """Started through the command line `make cluster` uses; yields the LoopbackCluster."""
    LoopbackCluster(CLUSTER_DIR).remove()
    environment = production_environment()
    started = subprocess.run(
        [sys.executable, "-m", "tools.cluster", "start", "--dir", CLUSTER_DIR, "--ports", "0", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    running = LoopbackCluster(CLUSTER_DIR)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        running.printed = started.stdout
        running.manage(
            {
                **environment,
                "DJANGO_SUPERUSER_USERNAME": EDITOR[0],
                "DJANGO_SUPERUSER_PASSWORD": EDITOR[1],
                "DJANGO_SUPERUSER_EMAIL": "redaktor@exempel.invalid",
            },
            "createsuperuser",
            "--noinput",
        )
        yield running
    finally:
        running.stop()


def connect(database_cluster):
    connection = psycopg2.connect(
        dbname=DATABASE_NAME, user=SUPERUSER, host=str(database_cluster.socket_dir), port=PORT
    )
    connection.autocommit = True
    return connection


def query(database_cluster, sql, parameters=()):
    connection = connect(database_cluster)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
    finally:
        connection.close()


def eventually(condition, what, seconds=PATIENCE_SECONDS, between=None):
    """Wait until condition() is true (calling between() before each look), or fail."""
    deadline = time.monotonic() + seconds
    while True:
        if between:
            between()
        if condition():
            return
        if time.monotonic() > deadline:
            pytest.fail(f"Not within {seconds} s: {what}")
        time.sleep(0.2)


def wait_for_replay(running):
    """Until the replica has replayed everything the primary has written so far."""
    (lsn,) = query(running.primary, "SELECT pg_current_wal_lsn()")[0]
    replayed = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
    eventually(lambda: query(running.replica, replayed, [lsn])[0][0], f"the replica replays {lsn}")


def app_connections(running, database_cluster):
    """The app servers' names ("asf-portal-a") with a connection to that database now."""
    rows = query(
        database_cluster,
        "SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name LIKE "
        "'asf-portal-%%'",
    )
    return {name for (name,) in rows}


def write_figures(path, text):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)
