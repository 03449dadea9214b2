"""Performance at scale: `python -m tools.bench`, which `make bench` runs.

1. A database of its own: asf_portal_bench on the project's cluster (or, with DATABASE_URL,
   that server's database with "_bench" added to its name), migrated, with the real fixtures
   and --projects synthetic projects from `tools.generate_projects` (made again only when their
   number differs, or with --regenerate).
2. Server time in-process, through Django's test client and every middleware, with the
   cache emptied before each request (the page cache, and what views keep until the data
   changes) so the real work is measured; the project list also answered from the page
   cache. Median and 95th percentile, and the queries per request, for the same kind of
   request on two sets of data.
3. The CSV export of every row in a subprocess of its own: time, and peak memory (VmHWM).
4. Requests per second under gunicorn as `make serve` runs it (this environment, plus
   DATABASE_URL for the bench database), with the load tool of tools/loadtest.py: each
   URL for a few seconds in each of MODES, next to the trivial view /bench/trivial that
   tools/bench_wsgi.py adds.
5. EXPLAIN ANALYZE of the slowest queries.

Times are printed and written to --markdown; nothing here asserts on them.
"""

import argparse
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tools import loadtest, localdb

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_SUFFIX = "_bench"
HOST = "127.0.0.1"
TRIVIAL = "/bench/trivial"
FULL_EXPORT = "/projekt/export.csv"
EXPORT_TARGET_SECONDS = 10
EXPORT_TARGET_MB = 150
THROUGHPUT_TARGET = (
    0.40  # a repeated list address's requests per second, as a share of the trivial view's
)
SLOW_QUERIES = 8  # how many of the slowest queries get an EXPLAIN ANALYZE


class BenchError(Exception):
    pass


# The bench database -----------------------------------------------------------------------------


def bench_database_url(environ=None):
    """DATABASE_URL with "_bench" added to its database name, or the project cluster's."""
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL")
    if not url:
        return localdb.PROJECT_CLUSTER.url(localdb.DATABASE_NAME + BENCH_SUFFIX)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith(BENCH_SUFFIX):
        name += BENCH_SUFFIX
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
                print(f"Created database {config['NAME']}.")
    finally:
        connection.close()


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asf_portal.settings")
    import django

    django.setup()


def prepare_data(projects, regenerate):
    from django.core.management import call_command

    from projects.models import Project
    from tools.generate_projects import SOURCE_SLUG, generate

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_published_data", stdout=io.StringIO())
    have = Project.objects.filter(source__slug=SOURCE_SLUG).count()
    if regenerate or have != projects:
        print(f"Generating {projects} projects (the bench database has {have}) …", flush=True)
        started = time.perf_counter()
        generate(projects)
        print(f"… in {time.perf_counter() - started:.1f} s.", flush=True)
    else:
        print(f"The bench database already has {have} synthetic projects.")
    vacuum_analyze()


def vacuum_analyze():
    """As autovacuum does soon after a bulk load, and did long ago on a server in use: the
    planner's statistics, and the visibility map that index-only scans need."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def data_summary():
    from projects.models import Contact, Goal, Partnership, Project
    from regions.models import Region

    return {
        "projects": Project.objects.count(),
        "published": Project.objects.published().count(),
        "goals": Goal.objects.count(),
        "partners": Partnership.objects.count(),
        "themes": Project.themes.through.objects.count(),
        "contacts": Contact.objects.count(),
        "regions": Region.objects.count(),
    }


# What is measured -----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    url: str
    other: str  # the same kind of request on other data: it must take as many queries
    target_ms: float | None = None  # for the 95th percentile
    cached: bool = False  # answered from the server's page cache


@dataclass
class Measurement:
    case: Case
    times_ms: list
    queries: int
    other_queries: int
    slowest: list  # (ms, sql) of this request's slowest queries
    rps: dict = field(default_factory=dict)  # requests per second under gunicorn, by mode
    load_tool_cpu: float | None = None  # share of one core the load tool used, busiest mode

    @property
    def p50(self):
        return statistics.median(self.times_ms)

    @property
    def p95(self):
        return loadtest.percentile(sorted(self.times_ms), 0.95)

    @property
    def target_met(self):
        if self.case.target_ms is None:
            return None
        return self.p95 <= self.case.target_ms


def cases():
    """The kinds of request, on slugs of the bench data."""
    from django.db.models import Count

    from projects.models import Goal, Partnership, Project
    from tools.generate_projects import SOURCE_SLUG

    def projects_with(model, number):
        rows = model.objects.values("project").annotate(n=Count("pk")).filter(n=number)
        return rows.values("project")

    synthetic = Project.objects.published().filter(source__slug=SOURCE_SLUG).order_by("pk")
    # The project page on a full project and on a bare one: the same number of queries.
    full = (
        synthetic.filter(pk__in=projects_with(Goal, 6), contacts__isnull=False)
        .filter(pk__in=projects_with(Partnership, 5))
        .first()
    )
    bare = synthetic.filter(
        goals__isnull=True, partnerships__isnull=True, contacts__isnull=True
    ).first()
    if full is None or bare is None:
        raise BenchError("The bench data has no project to measure the project page on.")
    # A deep page of the API: the thousandth, or the last with fewer projects.
    deep_api_page = min(1000, -(-Project.objects.published().count() // 50))
    facets = "region=kronoberg&region=ostergotland&theme=samverkan&year=2017&status=avslutade"
    other_facets = "region=skane&region=dalarna&theme=saljbolag&year=2020&status=avslutade"
    return [
        Case("trivial view", TRIVIAL, TRIVIAL),
        Case("start page", "/", "/"),
        Case("regions", "/regioner/", "/regioner/"),
        Case("region page", "/regioner/kronoberg/", "/regioner/skane/"),
        Case("project list", "/projekt/", "/projekt/?page=30"),
        Case("project list, cached", "/projekt/", "/projekt/?page=30", cached=True),
        Case("filtered list", "/projekt/?region=kronoberg", "/projekt/?region=skane&page=2", 50),
        # A word in about a third of the generated projects, and a place in a few hundred.
        Case("search", "/projekt/?q=upphandling", "/projekt/?q=samverkan+handledare", 50),
        Case("search, rarer word", "/projekt/?q=Slite", "/projekt/?q=Tierp", 50),
        Case("facet counts", f"/projekt/?{facets}", f"/projekt/?{other_facets}", 50),
        Case("project page", f"/projekt/{full.slug}/", f"/projekt/{bare.slug}/", 20),
        Case("API page", "/api/projekt/?page=2", f"/api/projekt/?page={deep_api_page}"),
        Case("feed", "/projekt/flode/", "/projekt/flode/?q=samverkan"),
    ]


def client():
    from django.test import Client

    return Client(HTTP_HOST=HOST)


def fetch(http, url):
    """The whole answer, streamed or not; its size in bytes."""
    response = http.get(url)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}, not 200.")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


@contextmanager
def request_log_discarded():
    """The request log is written as in production (its cost is part of the server time),
    but to /dev/null rather than over the benchmark's output."""
    import logging

    # Importing the bench URLconf sets logging up once more: first that, then the change.
    import tools.bench_wsgi  # noqa: F401

    handlers = [
        handler
        for handler in logging.getLogger("asf_portal.requests").handlers
        if isinstance(handler, logging.StreamHandler)
    ]
    with open(os.devnull, "w") as devnull:
        streams = [handler.setStream(devnull) for handler in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, streams, strict=True):
                handler.setStream(stream)


def measure_in_process(case, samples, budget_seconds):
    """The case's server times (ms) and queries, with the page cache emptied first unless the
    case is about the cached page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF="tools.bench_wsgi"):
        http = client()
        for _ in range(2):  # templates compiled, connection open, the cached page there
            fetch(http, case.url)
            fetch(http, case.other)
        queries = {}
        for url in (case.url, case.other):
            if not case.cached:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                fetch(http, url)
            queries[url] = captured.captured_queries
        times = []
        deadline = time.perf_counter() + budget_seconds
        while len(times) < samples and (len(times) < 5 or time.perf_counter() < deadline):
            if not case.cached:
                cache.clear()
            started = time.perf_counter()
            fetch(http, case.url)
            times.append((time.perf_counter() - started) * 1000)
    slowest = sorted(
        ((float(query["time"]) * 1000, query["sql"]) for query in queries[case.url]),
        reverse=True,
    )[:3]
    return Measurement(case, times, len(queries[case.url]), len(queries[case.other]), slowest)


def peak_memory_mb(pid="self"):
    """Peak resident memory of a process: VmHWM, which starts afresh with each program. (A
    child's ru_maxrss does not: Linux carries the parent's over exec, so a subprocess of a
    large process would report the parent's size.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    if pid != "self":
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child():
    """In a process of its own: the CSV export of every row, its time and peak memory; first as
    the first download after a change makes it, then from the file that download saved."""
    from django.conf import settings

    # The saved exports (projects/saved_exports.py) in an empty directory of the run's own.
    settings.EXPORT_FILES_DIR = tempfile.mkdtemp(prefix="asf-bench-exports-")
    http = client()
    fetch(http, f"{FULL_EXPORT}?region=kronoberg")  # code loaded, connection open
    before_mb = peak_memory_mb()
    written = timed_export(http)
    saved = timed_export(http)
    shutil.rmtree(settings.EXPORT_FILES_DIR)
    print(
        json.dumps({**written, "saved": saved, "before_mb": before_mb, "peak_mb": peak_memory_mb()})
    )


def timed_export(http):
    """The export of every row, read to its end: its time, size, rows and queries."""
    from django.db import connection

    counted = []

    def count(execute, sql, params, many, context):
        counted.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = http.get(FULL_EXPORT)
        size = lines = 0
        previous = b""
        for chunk in response.streaming_content:
            size += len(chunk)
            # A saved file comes in blocks, which may part a line's \r from its \n.
            lines += chunk.count(b"\r\n") + (previous.endswith(b"\r") and chunk.startswith(b"\n"))
            previous = chunk
        seconds = time.perf_counter() - started
    return {
        "status": response.status_code,
        "streaming": response.streaming,
        "seconds": seconds,
        "bytes": size,
        "rows": lines - 1,  # the header
        "queries": len(counted),
    }


def measure_export(url):
    result = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--export-child"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"The export subprocess failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# Under gunicorn -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    """How the server keeps what it made: a server is started for each mode's environment."""

    name: str
    environ: tuple = ()


MODES = (
    # The page cache answers: the same address again and again.
    Mode("same address"),
    # A page made anew each time, from what the views keep until the data changes. A new
    # address no longer does this (unknown parameters are dropped from the page cache's key),
    # so the page cache keeps nothing here instead.
    Mode("new address", environ=(("PAGE_CACHE_SECONDS", "0"),)),
    # Every request does all its work.
    Mode("no caches", environ=(("CACHE_UNTIL_DATA_CHANGES", "false"),)),
)


class Server:
    """gunicorn as `make serve` runs it, on the bench database and tools.bench_wsgi."""

    def __init__(self, database_url, bind, log_path, extra_environ=None):
        self.base_url = f"http://{bind}"
        self.log_path = log_path
        secret = os.environ.get("DJANGO_SECRET_KEY")
        key_file = BASE_DIR / ".secret-key"
        if not secret and key_file.exists():
            secret = key_file.read_text().strip()
        if not secret:
            raise BenchError("No DJANGO_SECRET_KEY and no .secret-key: run it through make bench.")
        self.environ = {
            **os.environ,
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost"),
            "DJANGO_SECURE_SSL_REDIRECT": os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "false"),
            "DATABASE_URL": database_url,
            "BIND": bind,
            # The saved exports (projects/saved_exports.py) in an empty directory of its own.
            "EXPORT_FILES_DIR": tempfile.mkdtemp(prefix="asf-bench-exports-"),
            **(extra_environ or {}),
        }
        self.process = None

    def __enter__(self):
        if not loadtest.port_is_free(self.base_url):
            raise BenchError(f"Something already answers at {self.base_url}: set --bind.")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("w")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", "asf_portal/gunicorn.conf.py", "tools.bench_wsgi"],
            cwd=BASE_DIR,
            env=self.environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not loadtest.wait_for_server(self.base_url, 60):
            self.__exit__(None, None, None)
            raise BenchError(f"gunicorn did not answer; see {self.log_path}.")
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.environ["EXPORT_FILES_DIR"])

    def worker_peak_mb(self):
        """The largest peak resident memory (VmHWM) of the server's workers."""
        workers = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", text, re.MULTILINE):
                workers.append(status.parent.name)
        return max(filter(None, map(peak_memory_mb, workers)), default=None)


def throughput(base_url, url, seconds, concurrency, mode):
    kind = loadtest.Kind(
        "bench",
        (url,),
        expected=loadtest.OK,
        like_browsers=False,
    )
    # Each worker first answers it a couple of times, so its own caches are as they would be
    # in a server that has been running; then the measurement.
    warm_up = loadtest.run(
        base_url, duration=120, max_requests=2 * concurrency, concurrency=concurrency, kinds=(kind,)
    )
    report = loadtest.run(base_url, duration=seconds, concurrency=concurrency, kinds=(kind,))
    return report, warm_up.errors + report.errors


def export_over_http(base_url):
    """The export of every row downloaded twice: written (and saved), then from the saved file."""
    kind = loadtest.Kind("export", (FULL_EXPORT,), expected=loadtest.OK, like_browsers=False)
    rows, errors = [], []
    for _ in ("written", "saved"):
        report = loadtest.run(
            base_url, duration=300, max_requests=1, concurrency=1, kinds=(kind,), timeout=300
        )
        rows.append(report.rows[-1])
        errors += report.errors
    return rows, errors


# EXPLAIN ---------------------------------------------------------------------------------------

KEY_PLAN_LINE = re.compile(
    r"Seq Scan|Index|Bitmap|Sort|Hash|Nested Loop|Merge|Aggregate|Gather|Limit|Unique|"
    r"SubPlan|Rows Removed|JIT|Execution Time|Planning Time"
)
PLAN_LINES = 30


def explain(sql):
    """EXPLAIN (ANALYZE, BUFFERS): the execution time in ms and the plan's key lines."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    timing = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    key = [lines[0], *(line for line in lines[1:] if KEY_PLAN_LINE.search(line))]
    key = [line for line in key if line not in timing][: PLAN_LINES - len(timing)]
    execution = next((line for line in timing if line.startswith("Execution")), "0 ms")
    return float(re.search(r"([\d.]+) ms", execution).group(1)), key + timing


def slowest_queries(measurements, count):
    """The slowest distinct queries of the measured requests, by a fresh EXPLAIN ANALYZE (a
    single captured time can be a cold cache's or a busy moment's)."""
    found = {}
    for measurement in measurements:
        if measurement.case.cached:
            continue
        for ms, sql in measurement.slowest:
            shape = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
            if ms < 1 or shape in found:
                continue
            explained_ms, plan = explain(sql)
            found[shape] = {
                "case": measurement.case.name,
                "ms": ms,
                "explained_ms": explained_ms,
                "sql": sql,
                "plan": plan,
            }
    return sorted(found.values(), key=lambda query: -query["explained_ms"])[:count]


# Reporting ---------------------------------------------------------------------------------------


def machine():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "description": loadtest.machine_description(),
        "postgresql": version,
        "load": load,
    }


def ms(value):
    return "–" if value is None else f"{value:.1f}"


def share(value, baseline):
    if value is None or not baseline:
        return "–"
    ratio = value / baseline
    return f"{ratio:.1%}" if ratio < 0.1 else f"{ratio:.0%}"


def table_rows(measurements, trivial):
    rows = []
    for m in measurements:
        target = "–"
        if m.case.target_ms is not None:
            met = "yes" if m.target_met else "**no**"
            target = f"p95 ≤ {m.case.target_ms:g} ms: {met}"
        queries = str(m.queries)
        if m.other_queries != m.queries:
            queries += f" (other data: {m.other_queries})"
        row = [
            m.case.name,
            f"`{m.case.url}`",
            str(len(m.times_ms)),
            ms(m.p50),
            ms(m.p95),
            target,
            queries,
        ]
        for mode in MODES:
            rps = m.rps.get(mode.name)
            row += ["–" if rps is None else f"{rps:.0f}", share(rps, trivial.rps.get(mode.name))]
        rows.append(row)
    return rows


HEADER = [
    "request",
    "URL",
    "n",
    "p50 ms",
    "p95 ms",
    "target",
    "queries",
    *(column for mode in MODES for column in (f"req/s {mode.name}", "of trivial")),
]


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header, rows):
    cells = [header, *[[cell.replace("`", "").replace("**", "") for cell in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def export_lines(export, http_rows, http_errors, worker_mb, log_problems=()):
    saved = export["saved"]
    memory_met = export["peak_mb"] <= EXPORT_TARGET_MB
    lines = [
        f"- In-process (its own Python process, test client), the first download after a "
        f"change, written as it streams and saved on the way: {export['rows']} rows, "
        f"{export['bytes'] / 1e6:.1f} MB of CSV in {export['seconds']:.1f} s "
        f"(target {EXPORT_TARGET_SECONDS} s: {export_verdict(export)}), "
        f"{export['queries']} queries, streamed: {'yes' if export['streaming'] else 'no'}.",
        f"- The next downloads, from the saved file until the data changes "
        f"(`projects/saved_exports.py`): {saved['rows']} rows, {saved['bytes'] / 1e6:.1f} MB "
        f"in {saved['seconds']:.1f} s (target {EXPORT_TARGET_SECONDS} s: "
        f"{export_verdict(saved)}), {saved['queries']} queries.",
        f"- Peak memory of that process: {export['peak_mb']:.0f} MB, of which "
        f"{export['before_mb']:.0f} MB before the export began (Django, the portal, a small "
        f"export) (target {EXPORT_TARGET_MB} MB: {'yes' if memory_met else '**no**'}).",
    ]
    if http_rows:
        outcome = (
            "answered in " + " and ".join(f"{row.max / 1000:.1f} s" for row in http_rows)
            if not http_errors
            else f"failed: {http_errors[0].error} after {http_errors[0].seconds:.1f} s"
        )
        peak = f"{worker_mb:.0f} MB" if worker_mb else "unknown"
        lines.append(
            f"- Over HTTP from gunicorn, written then from the saved file: {outcome}; "
            f"the workers' peak memory (VmHWM): {peak}."
        )
        if any("WORKER TIMEOUT" in line for line in log_problems):
            lines.append(
                "- gunicorn killed the worker (WORKER TIMEOUT): a sync worker busy for longer "
                "than GUNICORN_TIMEOUT (asf_portal/gunicorn.conf.py) is replaced, mid-download."
            )
    return lines


def export_verdict(export):
    return "yes" if export["seconds"] <= EXPORT_TARGET_SECONDS else "**no**"


def write_markdown(path, context):
    m = context["machine"]
    data = context["data"]
    queries = []
    for number, query in enumerate(context["slow"], start=1):
        sql = query["sql"] if len(query["sql"]) <= 1500 else query["sql"][:1500] + " …"
        plan = "\n".join(query["plan"])
        queries.append(
            f"### {number}. {query['case']}: {query['explained_ms']:.1f} ms "
            f"({query['ms']:.1f} ms during the measurement)\n\n"
            f"```sql\n{sql}\n```\n\n```\n{plan}\n```\n"
        )
    text = f"""# Benchmark: {data["projects"]:,} projects

Made by `make bench`, which runs `{context["command"]}`. See `tools/bench.py` for
what is measured and how.

- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Machine: {m["description"]}
- PostgreSQL {m["postgresql"]}; load average when the run began: {m["load"]}
- Data (database asf_portal_bench): {data["projects"]:,} projects ({data["published"]:,}
  published), {data["goals"]:,} goals, {data["partners"]:,} partners, {data["themes"]:,}
  themes given, {data["contacts"]:,} contacts, {data["regions"]} regions.

## Server time and throughput

p50 and p95: server time in-process (Django's test client, every middleware, production
settings), with the cache emptied before each request (the page cache and what the views
keep until the data changes), except for "project list, cached", which the page cache
answers. n is the number of timed requests. "queries" is the number of SQL
queries of one request; when the same kind of request on other data takes another number, it
is given in brackets. req/s: requests per second under gunicorn (`make serve`'s
configuration, {context["workers"]} sync workers) for {context["seconds"]:g} s each with
{context["concurrency"]} connections from the load tool on the same machine, after
{2 * context["concurrency"]} requests to warm the workers up. "same address"
asks for the same address again and again, so the server's page cache answers (each worker
has its own until REDIS_URL is set); "new address" is a page made anew each time from what
the views keep until the data changes (`asf_portal/caching.py`: counts, facets, statistics),
measured on a server whose page cache keeps nothing (`PAGE_CACHE_SECONDS=0`), since a made-up
parameter no longer makes a new address; "no caches" is a server started with
`CACHE_UNTIL_DATA_CHANGES=false`, so every request does all its work, as in the in-process
times. "of trivial" compares with the trivial view measured the same way.

{markdown_table(HEADER, context["rows"])}

The issue's throughput target (a repeated list address at least {THROUGHPUT_TARGET:.0%} of
the trivial view): {context["throughput_verdict"]}

{context["load_tool_note"]}

## CSV export of every row

{chr(10).join(context["export_lines"])}

## The slowest queries

The slowest queries of the requests above, each with the key lines of
`EXPLAIN (ANALYZE, BUFFERS)` run on the bench database after the measurements.

{chr(10).join(queries)}
"""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)


# The run -----------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--regenerate", action="store_true", help="make the data anew")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per URL")
    parser.add_argument(
        "--budget", type=float, default=20, help="seconds of timed requests per URL at most"
    )
    parser.add_argument("--seconds", type=float, default=5, help="of load per URL and mode")
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--bind", default="127.0.0.1:8001")
    parser.add_argument("--skip-server", action="store_true", help="no gunicorn part")
    parser.add_argument("--markdown", metavar="FILE")
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args, argv):
    url = bench_database_url()
    ensure_database(url)
    setup_django(url)
    prepare_data(args.projects, args.regenerate)
    context = {
        "command": " ".join(["python -m tools.bench", *argv]),
        "machine": machine(),
        "data": data_summary(),
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "workers": os.environ.get("WEB_CONCURRENCY", "3"),
    }
    print(f"Data: {context['data']}", flush=True)

    measurements = []
    with request_log_discarded():
        for case in cases():
            print(f"In-process: {case.name} …", flush=True)
            measurements.append(measure_in_process(case, args.samples, args.budget))
    print("CSV export of every row, in a process of its own …", flush=True)
    export = measure_export(url)

    http_rows, http_errors, worker_mb, load_errors, log_problems = [], [], None, [], []
    if not args.skip_server:
        for environ in dict.fromkeys(mode.environ for mode in MODES):
            modes = [mode for mode in MODES if mode.environ == environ]
            name = "-".join(mode.name.replace(" ", "-") for mode in modes)
            log_path = BASE_DIR / "test-artifacts" / f"bench-gunicorn-{name}.log"
            with Server(url, args.bind, log_path, dict(environ)) as server:
                if not http_rows:
                    print("Under gunicorn: the CSV export of every row …", flush=True)
                    http_rows, http_errors = export_over_http(server.base_url)
                    worker_mb = server.worker_peak_mb()
                for m in measurements:
                    if m.case.cached:
                        continue
                    names = ", ".join(mode.name for mode in modes)
                    print(f"Under gunicorn ({names}): {m.case.name} …", flush=True)
                    for mode in modes:
                        report, errors = throughput(
                            server.base_url, m.case.url, args.seconds, args.concurrency, mode
                        )
                        m.rps[mode.name] = report.rows[-1].per_second
                        cpu = report.cpu_seconds / report.elapsed
                        m.load_tool_cpu = max(m.load_tool_cpu or 0, cpu)
                        load_errors += errors
            with log_path.open() as log:
                log_problems += loadtest.check_log(log)[1]

    print("EXPLAIN ANALYZE of the slowest queries …", flush=True)
    slow = slowest_queries(measurements, SLOW_QUERIES)
    trivial = next(m for m in measurements if m.case.url == TRIVIAL)
    listing = next(m for m in measurements if m.case.name == "project list")
    context.update(
        rows=table_rows(measurements, trivial),
        export_lines=export_lines(export, http_rows, http_errors, worker_mb, log_problems),
        slow=slow,
        throughput_verdict=throughput_verdict(listing, trivial),
        load_tool_note=load_tool_note(trivial),
    )
    print()
    print(text_table(HEADER, context["rows"]))
    print()
    print("\n".join(line.replace("**", "") for line in context["export_lines"]))
    print(context["throughput_verdict"].replace("**", ""))
    print(context["load_tool_note"])
    print()
    for query in slow:
        print(f"{query['case']}: {query['explained_ms']:.1f} ms: {query['sql'][:200]} …")
        print("\n".join(f"    {line}" for line in query["plan"]))
    if args.markdown:
        write_markdown(args.markdown, context)
        print(f"\nWritten to {args.markdown}.")
    problems = [f"load error: {e.kind} {e.path}: {e.error}" for e in load_errors[:10]]
    problems += [f"export over HTTP: {e.error}" for e in http_errors]
    problems += [f"unexpected server log line: {line}" for line in log_problems[:10]]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def load_tool_note(trivial):
    if trivial.load_tool_cpu is None:
        return ""
    if trivial.load_tool_cpu < 0.8:
        gil = "the GIL is not what limits these numbers"
    else:
        gil = "near one core, so the GIL may limit the load here"
    return (
        f"The load tool (threads in one Python process) used at most {trivial.load_tool_cpu:.0%}"
        f" of one core during the trivial view's runs, its busiest: {gil}. It shares the two "
        "cores with gunicorn and PostgreSQL."
    )


def throughput_verdict(listing, trivial):
    ratios = {
        mode.name: listing.rps[mode.name] / trivial.rps[mode.name]
        for mode in MODES
        if listing.rps.get(mode.name) and trivial.rps.get(mode.name)
    }
    if len(ratios) != len(MODES):
        return "not measured (no gunicorn part)."
    repeated = ratios["same address"]
    met = "yes" if repeated >= THROUGHPUT_TARGET else "**no**"
    return (
        f"{met}: for a repeated address, which the page cache answers, the list page does "
        f"{repeated:.0%} of the trivial view's requests per second. Made anew each time: "
        f"{ratios['new address']:.0%} with what the views keep, {ratios['no caches']:.1%} with "
        "no caches."
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.export_child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asf_portal.settings")
        import django

        django.setup()
        export_child()
        return 0
    try:
        return run(args, argv)
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
