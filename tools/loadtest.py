"""A bounded load on the portal over loopback: `python -m tools.loadtest`.

Threads with keep-alive http.client connections send a mix of the portal's public requests
for at most --duration seconds and at most --requests requests, whichever comes first, and
print per kind of request: how many, how many a second, latency percentiles and errors.
An error is a status of 500 or more, a connection error, a timeout, or any status the kind
of request does not expect (a 404 is expected only where the mix asks for a missing page).
The exit status is 1 when there was any error.

Only loopback addresses are accepted: this is for measuring our own server, never anyone
else's. Standard library only, so it runs without Django and in any virtualenv.

`--check-log FILE` instead checks a server log written during a load test: every line must
be a request line of asf_portal.requests with a status below 500, or gunicorn's own
start and stop lines.
"""

import argparse
import http.client
import ipaddress
import itertools
import json
import math
import os
import platform
import random
import re
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

MAX_DURATION = 600  # seconds; a load test is a measurement, not a soak
MAX_REQUESTS = 1_000_000
MAX_CONCURRENCY = 64
CHUNK = 64 * 1024

# The portal's real data (fixtures/portal.json): its slugs are a public contract.
REGION_SLUGS = ("kronoberg", "ostergotland", "skane", "dalarna", "vastra-gotaland", "norrbotten")
PROJECT_SLUGS = (
    "starkare-asf-i-jonkopings-lan",
    "kronoberg-2017-2018",
    "ostgotamodellen",
    "messe",
    "skane-2017-2018",
)
LIST_SORTS = ("titel", "period", "region")
PAGES = ("1", "2", "3")  # beyond the last page the list shows the last one: still a 200

# Share of requests that carry a (made-up) session cookie, as a returning browser would: the
# server looks the session up, finds none, and answers as to anyone. The rest send no cookie.
COOKIE_SHARE = 0.15
# Share of cookie-less requests that repeat an ETag they were given, as a browser does.
CONDITIONAL_SHARE = 0.15

OK = frozenset({200})
CACHEABLE = frozenset({200, 304})


@dataclass(frozen=True)
class Kind:
    """One kind of request in the mix: its paths, how often, and what it may answer."""

    name: str
    paths: tuple
    weight: int = 1
    expected: frozenset = CACHEABLE
    # Add a random valid sort order and page, so the same page is asked for in a few
    # spellings: some are answered from the server's cache, some are not.
    vary_listing: bool = False
    extra_sorts: tuple = ()
    # Send a session cookie or a known ETag now and then, as browsers do.
    like_browsers: bool = True

    def path(self, rng):
        path = rng.choice(self.paths)
        params = {}
        if self.vary_listing:
            params["sort"] = rng.choice(LIST_SORTS + self.extra_sorts)
            params["page"] = rng.choice(PAGES)
        if not params:
            return path
        return f"{path}{'&' if '?' in path else '?'}{urlencode(params)}"


PORTAL_MIX = (
    Kind("start page", ("/",), weight=10),
    Kind("regions", ("/regioner/",), weight=5),
    Kind("region", tuple(f"/regioner/{slug}/" for slug in REGION_SLUGS), weight=8),
    Kind("project list", ("/projekt/",), weight=8, vary_listing=True),
    Kind("project", tuple(f"/projekt/{slug}/" for slug in PROJECT_SLUGS), weight=12),
    Kind(
        "filter: regions",
        ("/projekt/?region=kronoberg&region=ostergotland", "/projekt/?region=skane&region=dalarna"),
        weight=5,
        vary_listing=True,
    ),
    Kind(
        "filter: theme",
        ("/projekt/?theme=samverkan", "/projekt/?theme=saljbolag"),
        weight=5,
        vary_listing=True,
    ),
    Kind("filter: year", ("/projekt/?year=2017",), weight=4, vary_listing=True),
    Kind(
        "search",
        ("/projekt/?q=upphandling", "/projekt/?q=samverkan"),
        weight=8,
        vary_listing=True,
        extra_sorts=("relevans",),
    ),
    Kind("export.csv", ("/projekt/export.csv?region=kronoberg",), weight=2),
    Kind("export.json", ("/projekt/export.json", "/projekt/export.json?theme=samverkan"), weight=2),
    Kind("api", ("/api/projekt/", "/api/projekt/?region=kronoberg"), weight=4),
    Kind("feed", ("/projekt/flode/", "/projekt/flode/?q=samverkan"), weight=3),
    Kind("healthz", ("/healthz",), weight=3, expected=OK),
    # Expected 4xx: a project that does not exist, a year no project runs in.
    Kind("missing page (404)", ("/projekt/finns-inte/",), weight=1, expected=frozenset({404})),
    Kind("bad filter (400)", ("/projekt/?year=1900",), weight=1, expected=frozenset({400})),
)


@dataclass(frozen=True)
class PlannedRequest:
    kind: Kind
    path: str
    headers: dict


def plan_request(rng, kinds, etags):
    """The next request of the mix: a kind by weight, a path, and its cookie or ETag."""
    kind = rng.choices(kinds, weights=[k.weight for k in kinds])[0]
    path = kind.path(rng)
    headers = {}
    if kind.like_browsers:
        if rng.random() < COOKIE_SHARE:
            headers["Cookie"] = f"sessionid={uuid.uuid4().hex}"
        elif path in etags and rng.random() < CONDITIONAL_SHARE:
            headers["If-None-Match"] = etags[path]
    return PlannedRequest(kind, path, headers)


# Loopback only ------------------------------------------------------------------------------


class NotLoopback(ValueError):
    pass


def loopback_address(base_url):
    """(host, port) of an http:// URL on this machine's loopback; NotLoopback otherwise."""
    parts = urlsplit(base_url)
    if parts.scheme != "http":
        raise NotLoopback(f"Only http:// on loopback is allowed, not {base_url!r}.")
    host = parts.hostname
    if not host:
        raise NotLoopback(f"No host in {base_url!r}.")
    try:
        port = parts.port or 80
    except ValueError as error:
        raise NotLoopback(f"Bad port in {base_url!r}.") from error
    if not is_loopback(host):
        raise NotLoopback(
            f"{host} is not a loopback address: the load test only runs against this machine "
            "(127.0.0.1, ::1 or localhost)."
        )
    return host, port


def is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host.lower() != "localhost":
        return False  # no other name: DNS could point it anywhere
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(
        ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos
    )


# Statistics ---------------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list: the smallest value with at least that
    fraction of the values at or below it. None for no values."""
    if not sorted_values:
        return None
    # Rounded first, so 0.9 × 10 is rank 9 and not 10 by a floating-point hair.
    rank = math.ceil(round(fraction * len(sorted_values), 9))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


@dataclass
class Result:
    kind: str
    path: str
    status: int | None  # None: no answer (connection error, timeout)
    seconds: float
    error: str = ""
    at: float = field(default_factory=time.monotonic)  # when the answer ended


@dataclass
class Row:
    name: str
    requests: int
    per_second: float
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None
    errors: int
    not_modified: int


def summarise_rows(results, elapsed, kind_order=None):
    """One row per kind (in the mix's order) and a last one for all, latencies in ms."""
    by_kind = {}
    for result in results:
        by_kind.setdefault(result.kind, []).append(result)
    names = [name for name in (kind_order or sorted(by_kind)) if name in by_kind]
    names += sorted(set(by_kind) - set(names))
    return [row(name, by_kind[name], elapsed) for name in names] + [row("total", results, elapsed)]


def row(name, results, elapsed):
    latencies = sorted(result.seconds * 1000 for result in results)
    return Row(
        name=name,
        requests=len(results),
        per_second=len(results) / elapsed if elapsed > 0 else 0.0,
        p50=percentile(latencies, 0.50),
        p90=percentile(latencies, 0.90),
        p99=percentile(latencies, 0.99),
        max=latencies[-1] if latencies else None,
        errors=sum(1 for result in results if result.error),
        not_modified=sum(1 for result in results if result.status == 304),
    )


COLUMNS = ("kind", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "304")


def row_cells(row):
    def ms(value):
        return "–" if value is None else f"{value:.1f}"

    return [
        row.name,
        str(row.requests),
        f"{row.per_second:.1f}",
        ms(row.p50),
        ms(row.p90),
        ms(row.p99),
        ms(row.max),
        str(row.errors),
        str(row.not_modified),
    ]


def text_table(rows):
    cells = [list(COLUMNS), *(row_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]

    def line(values):
        padded = [value.rjust(width) for value, width in zip(values, widths, strict=True)]
        return "  ".join([values[0].ljust(widths[0]), *padded[1:]])

    rule = "-" * len(line(cells[0]))
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:-1]), rule, line(cells[-1])])


def markdown_table(rows):
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "| --- |" + " ---: |" * (len(COLUMNS) - 1),
    ]
    for row in rows:
        cells = row_cells(row)
        if row.name == "total":
            cells = [f"**{cell}**" for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# The load -----------------------------------------------------------------------------------


class RetryableDisconnect(Exception):
    """The server closed a kept-alive connection before answering: send again once."""


@dataclass
class Report:
    base_url: str
    concurrency: int
    elapsed: float
    results: list
    kinds: tuple
    stopped_by: str
    reconnects: int = 0
    cpu_seconds: float = 0.0  # the load tool's own, all threads
    rows: list = field(default_factory=list)

    def __post_init__(self):
        self.rows = summarise_rows(self.results, self.elapsed, [k.name for k in self.kinds])

    @property
    def errors(self):
        return [result for result in self.results if result.error]


class Load:
    """The shared state of one run: the budget of requests and time, the ETags seen."""

    def __init__(self, host, port, kinds, max_requests, deadline, timeout, seed, stop=None):
        self.host, self.port = host, port
        self.stop = stop or threading.Event()
        self.kinds = kinds
        self.max_requests = max_requests
        self.deadline = deadline
        self.timeout = timeout
        self.seed = seed
        self.tickets = itertools.count()  # next() is atomic in CPython
        self.etags = {}
        self.reconnects = 0
        self.lock = threading.Lock()
        self.stopped_by = "requests"

    def next_ticket(self):
        if self.stop.is_set():
            self.stopped_by = "stop"
            return None
        if time.monotonic() >= self.deadline:
            self.stopped_by = "duration"
            return None
        ticket = next(self.tickets)
        return ticket if ticket < self.max_requests else None

    def worker(self, number, results):
        rng = random.Random(f"{self.seed}-{number}")
        connection = None
        while self.next_ticket() is not None:
            planned = plan_request(rng, self.kinds, self.etags)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                try:
                    status, etag = self.send(connection, planned)
                except RetryableDisconnect:
                    with self.lock:
                        self.reconnects += 1
                    connection.close()
                    started = time.perf_counter()
                    status, etag = self.send(connection, planned, retry=False)
            except (OSError, http.client.HTTPException, RetryableDisconnect) as error:
                seconds = time.perf_counter() - started
                description = "timeout" if isinstance(error, TimeoutError) else repr(error)
                results.append(Result(planned.kind.name, planned.path, None, seconds, description))
                connection.close()
                connection = None
                continue
            seconds = time.perf_counter() - started
            error = "" if status in planned.kind.expected else f"unexpected status {status}"
            results.append(Result(planned.kind.name, planned.path, status, seconds, error))
            if etag and status == 200 and "Cookie" not in planned.headers:
                self.etags[planned.path] = etag
        if connection is not None:
            connection.close()

    @staticmethod
    def send(connection, planned, retry=True):
        reused = connection.sock is not None
        try:
            connection.request("GET", planned.path, headers=planned.headers)
            response = connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if retry and reused:
                raise RetryableDisconnect() from None
            raise
        while response.read(CHUNK):
            pass  # the whole body, as a client would, without keeping it
        if response.will_close:
            connection.close()
        return response.status, response.getheader("ETag")


def run(
    base_url,
    duration=20.0,
    max_requests=MAX_REQUESTS,
    concurrency=8,
    kinds=PORTAL_MIX,
    seed=2017,
    timeout=30.0,
    stop=None,
):
    """Send the mix until the time or the number of requests runs out, or until the event
    `stop` is set; return a Report."""
    host, port = loopback_address(base_url)
    duration = min(float(duration), MAX_DURATION)
    max_requests = min(int(max_requests), MAX_REQUESTS)
    concurrency = max(1, min(int(concurrency), MAX_CONCURRENCY))
    started, cpu_started = time.monotonic(), time.process_time()
    load = Load(host, port, tuple(kinds), max_requests, started + duration, timeout, seed, stop)
    per_thread = [[] for _ in range(concurrency)]
    threads = [
        threading.Thread(target=load.worker, args=(n, per_thread[n]), daemon=True)
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    results = [result for results in per_thread for result in results]
    return Report(
        base_url,
        concurrency,
        elapsed,
        results,
        load.kinds,
        load.stopped_by,
        load.reconnects,
        time.process_time() - cpu_started,
    )


def get_status(base_url, path, timeout=2.0):
    host, port = loopback_address(base_url)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_for_server(base_url, seconds, path="/healthz"):
    """True once the server answers 200 on /healthz, False when the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get_status(base_url, path) == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    return False


def port_is_free(base_url):
    # Only asks whether anything answers, which loads nobody: any host of this machine will do
    # (0.0.0.0 reaches this machine's own).
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except OSError:
        return True


# The server's log ---------------------------------------------------------------------------

GUNICORN_OWN_LINE = re.compile(
    r"^\[[^\]]+\] \[\d+\] \[INFO\] (Starting gunicorn|Listening at|Using worker|Booting worker"
    r"|Handling signal|Shutting down|Worker exiting|Autorestarting worker|graceful stop)"
)
REQUEST_LOGGER = "asf_portal.requests"


def is_request_line(line):
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(entry, dict)
        and entry.get("logger") == REQUEST_LOGGER
        and type(entry.get("status")) is int
        and entry["status"] < 500
    )


def check_log(lines):
    """(number of request lines, the lines that are neither a request nor gunicorn's own)."""
    requests, unexpected = 0, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip() or GUNICORN_OWN_LINE.match(line):
            continue
        if is_request_line(line):
            requests += 1
        else:
            unexpected.append(line)
    return requests, unexpected


# Reporting ----------------------------------------------------------------------------------


def machine_description():
    """What the numbers were measured on, in one line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB memory"
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def summary_lines(report):
    lines = [
        f"{len(report.results)} requests in {report.elapsed:.1f} s to {report.base_url} "
        f"with {report.concurrency} connections (stopped by {report.stopped_by}); "
        f"{len(report.errors)} errors.",
    ]
    # Threads share one interpreter: if this nears 100 %, the GIL limits the load, not the server.
    lines.append(
        f"The load tool used {report.cpu_seconds:.1f} s of CPU "
        f"({report.cpu_seconds / max(report.elapsed, 1e-9):.0%} of one core)."
    )
    if report.reconnects:
        lines.append(f"{report.reconnects} requests resent on a new connection (keep-alive ended).")
    return lines


def error_lines(report, limit=10):
    return [
        f"  {result.kind}: GET {result.path} -> {result.error}" for result in report.errors[:limit]
    ]


def write_markdown(path, report, argv):
    command = " ".join(["python -m tools.loadtest", *argv])
    text = f"""# Load test

The latest run of `make loadtest`: the portal served as `make serve` serves it (gunicorn,
`DJANGO_ENV=production`, the portal's real data) on loopback, under the load tool
`tools/loadtest.py`. Latencies are measured by the client, from sending the request
to the last byte of the answer. An error is a status of 500 or more, a connection error, a
timeout, or a status the kind of request does not expect (404 and 400 are expected only for
the two kinds that ask for them). "304" counts conditional requests answered from the ETag.

- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Machine: {machine_description()}
- Command: `make loadtest`, which runs `{command}`
- {" ".join(summary_lines(report))}

{markdown_table(report.rows)}

About 15 % of requests carry a made-up session cookie (the server looks it up and finds no
one signed in), the others none; list pages get a random valid `sort` and `page`, so the server's
page cache both hits and misses; about 15 % of cookie-less requests repeat an ETag they were
given. The load tool runs on the same two cores as the server, so it takes some of the
capacity it measures.
"""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)


# Command line -------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tools.loadtest",
        description="A bounded load on the portal over loopback.",
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--duration", type=float, default=20.0, help=f"seconds, at most {MAX_DURATION}"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=100_000,
        help=f"at most this many requests, at most {MAX_REQUESTS}",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="connections at once")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for one request")
    parser.add_argument("--seed", default="2017")
    parser.add_argument(
        "--wait-for-server",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait this long for /healthz to answer 200",
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the table here")
    parser.add_argument(
        "--check-port-free",
        action="store_true",
        help="only check that nothing listens at --base-url yet",
    )
    parser.add_argument(
        "--check-log", metavar="FILE", help="only check a server log written during a run"
    )
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be more than 0 and at most {MAX_DURATION} seconds")
    if not 0 < args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 0 < args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)

    if args.check_log:
        with open(args.check_log, encoding="utf-8", errors="replace") as log:
            requests, unexpected = check_log(log)
        for line in unexpected:
            print(f"unexpected line in {args.check_log}: {line}")
        if not requests:
            print(f"{args.check_log} has no request lines of {REQUEST_LOGGER}.")
        if unexpected or not requests:
            return 1
        print(f"{args.check_log}: {requests} request lines, nothing else but gunicorn's own.")
        return 0

    if args.check_port_free:
        try:
            if port_is_free(args.base_url):
                return 0
        except ValueError as error:  # a port that is no number
            print(f"No port to check in {args.base_url}: {error}.", file=sys.stderr)
            return 2
        print(
            f"Something already answers at {args.base_url}: stop it, or choose another port.",
            file=sys.stderr,
        )
        return 1

    try:
        loopback_address(args.base_url)
    except NotLoopback as error:
        print(error, file=sys.stderr)
        return 2

    if args.wait_for_server and not wait_for_server(args.base_url, args.wait_for_server):
        print(f"No 200 from {args.base_url}/healthz within {args.wait_for_server:g} s.")
        return 1

    report = run(
        args.base_url,
        duration=args.duration,
        max_requests=args.requests,
        concurrency=args.concurrency,
        seed=args.seed,
        timeout=args.timeout,
    )
    print(text_table(report.rows))
    print()
    print("\n".join(summary_lines(report)))
    if report.errors:
        print("First errors:")
        print("\n".join(error_lines(report)))
    if args.markdown:
        write_markdown(args.markdown, report, argv)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
