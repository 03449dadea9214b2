"""The portal past one machine: two app servers over a streaming replica and a shared Redis, as
`make cluster` starts them (conftest.py). Each test builds on the one before it."""

import functools
import itertools
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from asf_portal.routers import REPLICA_RETRY_SECONDS
from tests.cluster.conftest import (
    EDITOR,
    app_connections,
    eventually,
    query,
    wait_for_replay,
    write_figures,
)
from tests.cluster.web import Browser
from tools import loadtest

pytestmark = pytest.mark.cluster

PROJECT = "kronoberg-2017-2018"
# Projects the editor changes while the load runs, one after the other.
EDITED_UNDER_LOAD = ("skane-2017-2018", "norrbotten-2017-2018", "kalmar-lan-2017-2018")
FIGURES = os.environ.get("CLUSTER_FIGURES", "test-artifacts/cluster.md")


@functools.cache
def project_id(running, slug):
    return query(running.primary, "SELECT id FROM projects_project WHERE slug = %s", [slug])[0][0]


def change_url(running, server, slug):
    return f"{server.url}admin/projects/project/{project_id(running, slug)}/change/"


def signed_in_editor(server):
    browser = Browser()
    response = browser.submit(
        f"{server.url}admin/login/?next=/admin/",
        "login-form",
        {"username": EDITOR[0], "password": EDITOR[1]},
    )
    assert response.status == 302, response.text[:2000]
    return browser


def save_lead(browser, url, lead, primary_down=None):
    """An editor's save of a project's lead in the admin: True once the portal said it saved,
    False when it said, as documented, that the primary is down (primary_down: an Event that
    is set while it is)."""
    down_before = primary_down is not None and primary_down.is_set()
    response = browser.submit(url, "project_form", {"lead": lead}, button="_save")
    down = down_before or (primary_down is not None and primary_down.is_set())
    if down and is_documented_503(response):
        return False
    if response.status != 302:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
        pytest.fail(f"The save was not taken ({response.status}): {errors}")
    return True


def is_documented_503(response):
    return (
        response.status == 503
        and response.headers["Retry-After"] == "10"
        and "Portalen är tillfälligt otillgänglig" in response.text
    )


def anonymous(url):
    return Browser().get(url)


def test_make_cluster_prints_the_two_app_servers_and_returns(cluster):
    lines = cluster.printed.splitlines()
    assert lines == [server.url for server in cluster.servers]
    assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+/", line) for line in lines)
    assert len({server.port for server in cluster.servers}) == 2
    assert query(cluster.replica, "SELECT pg_is_in_recovery()") == [(True,)]
    streaming = query(cluster.primary, "SELECT state FROM pg_stat_replication")
    assert streaming == [("streaming",)]


def test_public_pages_read_the_replica_and_share_one_cache(cluster):
    a, b = cluster.servers
    cluster.redis.command("FLUSHALL")
    first = anonymous(f"{a.url}regioner/")
    assert first.status == 200
    assert int(cluster.redis.command("DBSIZE").lstrip(":")) > 0
    hits = int(re.search(r"keyspace_hits:(\d+)", redis_info(cluster)).group(1))
    # Server B answers the same address from what server A put in Redis.
    second = anonymous(f"{b.url}regioner/")
    assert second.status == 200
    assert second.headers["ETag"] == first.headers["ETag"]
    assert int(re.search(r"keyspace_hits:(\d+)", redis_info(cluster)).group(1)) > hits
    eventually(
        lambda: {"asf-portal-a", "asf-portal-b"} <= app_connections(cluster, cluster.replica),
        "both app servers read from the replica",
        between=lambda: [anonymous(f"{s.url}projekt/?region=skane") for s in cluster.servers],
    )


def redis_info(cluster):
    """INFO's whole reply (the first line of it says only its length)."""
    with socket.create_connection(("127.0.0.1", cluster.redis.port), timeout=2) as connection:
        connection.sendall(b"INFO stats\r\n")
        reply = b""
        while b"keyspace_hits" not in reply or not reply.endswith(b"\r\n"):
            reply += connection.recv(65536)
        return reply.decode()


def test_an_edit_on_a_reaches_b_once_the_replica_has_replayed_it(cluster):
    a, b = cluster.servers
    marker = f"Ingress sparad på server A, {uuid.uuid4().hex[:8]}."
    page_on_b = f"{b.url}projekt/{PROJECT}/"
    exports_on_b = [f"{b.url}projekt/export.csv", f"{b.url}projekt/export.json"]
    feed_on_b = f"{b.url}projekt/flode/"
    editor = signed_in_editor(a)

    # The replica holds the edit back, as a lagging one would.
    query(cluster.replica, "SELECT pg_wal_replay_pause()")
    try:
        assert save_lead(editor, change_url(cluster, a, PROJECT), marker)
        # The editor reads their own change at once, on either server: the admin and their
        # preview of the public page read the primary.
        for server in (a, b):
            assert marker in editor.get(change_url(cluster, server, PROJECT)).text
            assert marker in editor.get(f"{server.url}projekt/{PROJECT}/").text
        # Readers of B see the replica's data, and B caches that page and the exports.
        for url in [page_on_b, *exports_on_b, feed_on_b]:
            response = anonymous(url)
            assert response.status == 200
            assert marker not in response.text
        assert marker not in anonymous(page_on_b).text  # now from the cache
    finally:
        query(cluster.replica, "SELECT pg_wal_replay_resume()")

    wait_for_replay(cluster)
    # No cache keeps the page of before: its key held the data version the replica had then.
    for url in [page_on_b, f"{a.url}projekt/{PROJECT}/", *exports_on_b, feed_on_b]:
        response = anonymous(url)
        assert response.status == 200, url
        assert marker in response.text, url


class Editor(threading.Thread):
    """An editor saving one lead after another, on server A and B in turn, until stopped.
    Remembers every save it tried, and which the portal acknowledged or refused."""

    def __init__(self, cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        for slug in EDITED_UNDER_LOAD:
            project_id(cluster, slug)  # known before the primary stops
        self.stop = threading.Event()
        self.acknowledged = []  # (slug, lead)
        self.refused = []  # (slug, lead) answered with the 503 page while the primary was down
        self.tried = []  # (slug, lead) of every save, in order
        self.primary_down = threading.Event()
        self.failure = None

    def saves_more(self):
        """Wait for one more acknowledged save than now: edits go on through every event."""
        count = len(self.acknowledged)
        eventually(
            lambda: len(self.acknowledged) > count or self.failure is not None,
            "the editor saves once more",
        )

    def run(self):
        browsers = [signed_in_editor(server) for server in self.cluster.servers]
        turns = itertools.cycle(zip(self.cluster.servers, browsers, strict=True))
        slugs = itertools.cycle(EDITED_UNDER_LOAD)
        try:
            for number in itertools.count(1):
                if self.stop.wait(0.3):
                    return
                (server, browser), slug = next(turns), next(slugs)
                lead = f"Ändring nummer {number} under last, via server {server.url}."
                url = change_url(self.cluster, server, slug)
                self.tried.append((slug, lead))
                if save_lead(browser, url, lead, self.primary_down):
                    self.acknowledged.append((slug, lead))
                else:
                    self.refused.append((slug, lead))
        except BaseException as error:
            self.failure = error


def load_on(server, stop, reports):
    reports[server.url] = loadtest.run(server.url, duration=300, concurrency=4, stop=stop)


class Phases:
    """What happened to the cluster when, to count the load's answers by it."""

    def __init__(self):
        self.started = []  # (name, time.monotonic())

    def begin(self, name):
        self.started.append((name, time.monotonic()))

    def of(self, result):
        return [name for name, at in self.started if at <= result.at][-1]


def test_under_load_the_replica_and_redis_go_away_and_come_back(cluster):
    a, b = cluster.servers
    stop = threading.Event()
    reports = {}
    phases = Phases()
    phases.begin("All up")
    loads = [threading.Thread(target=load_on, args=(s, stop, reports)) for s in cluster.servers]
    editor = Editor(cluster)
    for thread in [*loads, editor]:
        thread.start()
    try:
        editor.saves_more()
        # The replica stops: pages come from the primary, an edit shows at once on both.
        phases.begin("Replica stopped")
        cluster.replica.stop()
        assert not cluster.replica.is_running()
        marker = f"Sparad medan repliken stod still, {uuid.uuid4().hex[:8]}."
        assert save_lead(signed_in_editor(a), change_url(cluster, a, PROJECT), marker)
        for server in (a, b):
            response = anonymous(f"{server.url}projekt/{PROJECT}/")
            assert response.status == 200
            assert marker in response.text
        editor.saves_more()
        # The replica is back: reads return to it.
        phases.begin("Replica started again")
        cluster.replica.start(database=None)
        eventually(
            lambda: {"asf-portal-a", "asf-portal-b"} <= app_connections(cluster, cluster.replica),
            "both app servers read from the replica again",
        )
        editor.saves_more()

        # Redis stops: pages are built anew, without the cache.
        phases.begin("Redis stopped")
        cluster.redis.stop()
        assert not cluster.redis.answers()
        for server in (a, b):
            for path in ("", "regioner/", f"projekt/{PROJECT}/", "projekt/?q=samverkan"):
                assert anonymous(f"{server.url}{path}").status == 200
        editor.saves_more()
        # Redis is back, and starts empty (it keeps nothing on disk): caching resumes.
        phases.begin("Redis started again")
        cluster.redis.start()
        eventually(
            lambda: int(cluster.redis.command("DBSIZE").lstrip(":")) > 0,
            "pages are cached in Redis again",
            between=lambda: anonymous(f"{b.url}regioner/"),
        )
        editor.saves_more()

        # The primary stops: readers' pages still come from the replica (and Redis); what needs
        # the primary (an edit, a signed-in editor's session) gets the Swedish 503 page.
        signed_in = signed_in_editor(b)
        phases.begin("Primary stopped")
        editor.primary_down.set()
        primary_down = [time.monotonic()]
        cluster.primary.stop()
        for server in (a, b):
            for path in ("", f"projekt/{PROJECT}/", "projekt/?q=samverkan", "projekt/export.csv"):
                assert anonymous(f"{server.url}{path}").status == 200, path
            assert is_documented_503(signed_in.get(change_url(cluster, server, PROJECT)))
        cluster.primary.start()
        primary_down.append(time.monotonic())
        phases.begin("Primary started again")
        editor.primary_down.clear()
        editor.saves_more()
    finally:
        editor.stop.set()
        editor.join()
        stop.set()
        for thread in loads:
            thread.join()

    assert editor.failure is None, editor.failure
    # No acknowledged edit is lost: each is a version in the history, and what the primary, the
    # replica and both servers' pages hold of each project is its last acknowledged save or a
    # later refused one. A save refused because the primary stopped as it committed may have
    # been kept, as with any database: the 503 says to try again, not that nothing was saved.
    history = query(
        cluster.primary,
        "SELECT p.slug, h.lead FROM projects_historicalproject h "
        "JOIN projects_project p ON p.id = h.id",
    )
    assert set(editor.acknowledged) <= set(history)
    wait_for_replay(cluster)
    for slug in {slug for slug, _ in editor.acknowledged}:
        saves = [lead for tried_slug, lead in editor.tried if tried_slug == slug]
        last_acknowledged = max(
            i for i, lead in enumerate(saves) if (slug, lead) in editor.acknowledged
        )
        sql = "SELECT lead FROM projects_project WHERE slug = %s"
        [(lead,)] = query(cluster.primary, sql, [slug])
        assert lead in saves[last_acknowledged:]
        assert saves.index(lead) == last_acknowledged or (slug, lead) in editor.refused
        assert query(cluster.replica, sql, [slug]) == [(lead,)]
        for server in (a, b):
            assert lead in anonymous(f"{server.url}projekt/{slug}/").text

    def documented(result):
        """A 503 to a request made while the primary was down (in part)."""
        began = result.at - result.seconds
        return result.status == 503 and began <= primary_down[1] and result.at >= primary_down[0]

    write_figures(FIGURES, figures(reports, phases, editor, documented))
    results = [result for report in reports.values() for result in report.results]
    assert {phases.of(result) for result in results} == {name for name, _ in phases.started}
    errors = [f"{r.kind}: GET {r.path} -> {r.error}" for r in results if r.error]
    assert errors == [f"{r.kind}: GET {r.path} -> {r.error}" for r in results if documented(r)]


def figures(reports, phases, editor, documented):
    """The load's answers by phase and by app server, as docs/cluster.md shows them."""
    results = [result for report in reports.values() for result in report.results]
    by_phase = {name: [] for name, _ in phases.started}
    for result in results:
        by_phase[phases.of(result)].append(result)
    rows = list(by_phase.items())
    rows += [(f"All, on {url}", report.results) for url, report in sorted(reports.items())]
    rows.append(("All", results))
    table = [
        "| | requests | 503 while the primary was down | other errors | longest answer (ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, found in rows:
        expected = sum(1 for result in found if documented(result))
        errors = sum(1 for result in found if result.error) - expected
        longest = max((result.seconds for result in found), default=0) * 1000
        table.append(f"| {name} | {len(found)} | {expected} | {errors} | {longest:.0f} |")
    return f"""# Two app servers, a streaming replica and Redis, under load

The latest run of the cluster tests' load (`make test-cluster`, also part of `make test`):
`make cluster`'s PostgreSQL primary, its streaming replica, Redis and two gunicorn servers on
loopback, each server under the load tool's mix (`tools/loadtest.py`, 4 connections each),
while an editor saves a project's lead through the admin every 0.3 s, on the two servers in
turn. The test stops the replica and starts it again, then Redis, then the primary. An error
is a status of 500 or more, a connection error, a timeout or a status the request does not
expect; a 503 is allowed only to a request made while the primary was down, the one error the
README documents. An answer counts in the phase in which it ended.

- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Machine: {loadtest.machine_description()}
- Edits the admin acknowledged during the load: {len(editor.acknowledged)}, none lost (each is a
  version in the history; the last of each project is on the primary, the replica and both
  servers' pages). Saves answered with the 503 page while the primary was down:
  {len(editor.refused)}.

{chr(10).join(table)}

"Replica started again" lasts until both app servers read from it again (they try it again
{REPLICA_RETRY_SECONDS} s after it failed); "Redis started again" until pages are cached there
again; "Primary started again" until the editor's next save is acknowledged. While the primary
is down, readers' pages come from the replica and Redis; the 503s are requests that need the
primary: those carrying a session cookie (the load tool sends a made-up one with 15 % of its
requests, which the portal looks up) and the load balancers' `/healthz`. Both servers and the
load tool share the machine's {os.cpu_count()} cores, so the longest answers say more about the
machine than about the portal.
"""


def postmaster_pid(database_cluster):
    return int((database_cluster.data_dir / "postmaster.pid").read_text().split()[0])


def running(pid):
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def answers(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_cluster_stop_stops_exactly_what_start_started(cluster):
    started = {
        "app server a": cluster.servers[0].pid,
        "app server b": cluster.servers[1].pid,
        "redis": cluster.redis.pid,
        "primary": postmaster_pid(cluster.primary),
        "replica": postmaster_pid(cluster.replica),
    }
    assert all(running(pid) for pid in started.values())
    # The machine's own Redis and PostgreSQL, where it runs them, are none of the cluster's.
    machines_own = [port for port in (6379, 5432) if answers(port)]
    command = [sys.executable, "-m", "tools.cluster", "stop", "--dir", cluster.root]
    stopped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert stopped.returncode == 0, stopped.stderr
    assert [name for name, pid in started.items() if running(pid)] == []
    assert all(loadtest.port_is_free(server.url) for server in cluster.servers)
    assert not cluster.redis.answers()
    assert all(answers(port) for port in machines_own)
