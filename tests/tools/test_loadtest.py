import io
import random

import pytest
from django.core.management import call_command

from tools import loadtest
from tools.loadtest import Kind, Result, check_log, percentile, plan_request


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 11))
    assert percentile(values, 0.50) == 5
    assert percentile(values, 0.90) == 9
    assert percentile(values, 0.99) == 10
    assert percentile(values, 1.0) == 10
    assert percentile([7.5], 0.99) == 7.5
    assert percentile([], 0.5) is None


def test_percentiles_of_a_hundred_values():
    values = [float(n) for n in range(1, 101)]
    assert [percentile(values, p) for p in (0.5, 0.9, 0.99)] == [50.0, 90.0, 99.0]


def test_rows_per_kind_in_the_mix_order_and_a_total():
    results = [
        Result("project", "/projekt/a/", 200, 0.010),
        Result("project", "/projekt/a/", 304, 0.002),
        Result("project", "/projekt/b/", 500, 0.030, "unexpected status 500"),
        Result("start page", "/", 200, 0.020),
        Result("start page", "/", None, 1.0, "timeout"),
    ]
    rows = loadtest.summarise_rows(results, elapsed=2.0, kind_order=["start page", "project"])

    assert [row.name for row in rows] == ["start page", "project", "total"]
    start, project, total = rows
    assert (start.requests, start.errors, start.per_second) == (2, 1, 1.0)
    assert (project.requests, project.errors, project.not_modified) == (3, 1, 1)
    assert (project.p50, project.max) == (10.0, 30.0)
    assert (total.requests, total.errors, total.not_modified) == (5, 2, 1)
    assert total.max == 1000.0


def test_the_text_table_has_a_line_per_kind_and_the_total():
    results = [Result("healthz", "/healthz", 200, 0.001)]
    table = loadtest.text_table(loadtest.summarise_rows(results, 1.0))
    lines = table.splitlines()
    assert lines[0].split() == [
        "kind",
        "requests",
        "req/s",
        "p50",
        "ms",
        "p90",
        "ms",
        "p99",
        "ms",
        "max",
        "ms",
        "errors",
        "304",
    ]
    assert lines[2].split()[:2] == ["healthz", "1"]
    assert lines[-1].split()[:2] == ["total", "1"]


def all_paths(kind):
    return " ".join(kind.paths)


def test_the_mix_covers_every_kind_of_request_the_issue_names():
    paths = " ".join(all_paths(kind) for kind in loadtest.PORTAL_MIX)
    for wanted in [
        "/ ",
        "/regioner/ ",
        "/regioner/kronoberg/",
        "/projekt/ ",
        "/projekt/messe/",
        "?region=kronoberg&region=ostergotland",
        "?theme=samverkan",
        "?year=2017",
        "?q=upphandling",
        "?q=samverkan",
        "/projekt/export.csv?region=kronoberg",
        "/projekt/export.json",
        "/api/projekt/",
        "/projekt/flode/",
        "/healthz",
    ]:
        assert wanted in paths + " ", wanted


def test_only_the_kinds_that_ask_for_it_expect_a_4xx():
    expected_4xx = {
        kind.name: sorted(status for status in kind.expected if status >= 400)
        for kind in loadtest.PORTAL_MIX
    }
    assert {name: codes for name, codes in expected_4xx.items() if codes} == {
        "missing page (404)": [404],
        "bad filter (400)": [400],
    }
    assert all(status < 500 for kind in loadtest.PORTAL_MIX for status in kind.expected)


def test_a_plan_is_the_same_for_the_same_seed():
    def plans(seed):
        rng = random.Random(seed)
        return [plan_request(rng, loadtest.PORTAL_MIX, {}).path for _ in range(50)]

    assert plans(1) == plans(1)
    assert plans(1) != plans(2)


def test_listings_get_a_valid_sort_and_page_so_the_cache_both_hits_and_misses():
    listing = Kind("list", ("/projekt/?theme=samverkan",), vary_listing=True)
    rng = random.Random(3)
    paths = [listing.path(rng) for _ in range(200)]

    for path in paths:
        query = dict(part.split("=") for part in path.split("?", 1)[1].split("&"))
        assert query["theme"] == "samverkan"
        assert query["sort"] in loadtest.LIST_SORTS
        assert query["page"] in loadtest.PAGES
    # Repeats (server cache hits) and several spellings (misses).
    assert 1 < len(set(paths)) < len(paths)


def test_some_requests_carry_a_cookie_or_an_etag_and_most_nothing():
    kind = Kind("page", ("/regioner/",))
    etags = {"/regioner/": '"abc"'}
    rng = random.Random(5)
    planned = [plan_request(rng, (kind,), etags) for _ in range(1000)]

    cookies = [p for p in planned if "Cookie" in p.headers]
    conditional = [p for p in planned if "If-None-Match" in p.headers]
    plain = [p for p in planned if not p.headers]
    assert cookies and conditional and len(plain) > 500
    assert all(p.headers["If-None-Match"] == '"abc"' for p in conditional)
    assert not any("Cookie" in p.headers and "If-None-Match" in p.headers for p in planned)


def test_kinds_that_are_not_browsers_send_no_headers():
    kind = Kind("bench", ("/projekt/",), like_browsers=False)
    rng = random.Random(0)
    planned = [plan_request(rng, (kind,), {"/projekt/": '"x"'}) for _ in range(200)]
    assert all(not p.headers for p in planned)


def test_weights_decide_how_often_a_kind_is_chosen():
    often, never = Kind("often", ("/",), weight=1), Kind("never", ("/x",), weight=0)
    rng = random.Random(0)
    assert {plan_request(rng, (often, never), {}).kind.name for _ in range(100)} == {"often"}


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("http://127.0.0.1", ("127.0.0.1", 80)),
        ("http://127.8.9.10:9000", ("127.8.9.10", 9000)),
        ("http://[::1]:8000", ("::1", 8000)),
        ("http://localhost:8000", ("localhost", 8000)),
        ("http://LOCALHOST:8000", ("localhost", 8000)),
    ],
)
def test_loopback_addresses_are_accepted(url, address):
    assert loadtest.loopback_address(url) == address


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://10.0.0.1:8000",
        "http://192.168.1.1",
        "http://8.8.8.8",
        "http://[2001:db8::1]:8000",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "https://127.0.0.1",
        "ftp://127.0.0.1",
        "127.0.0.1:8000",
        "http://:8000",
    ],
)
def test_anything_but_loopback_is_refused(url):
    with pytest.raises(loadtest.NotLoopback):
        loadtest.loopback_address(url)


def test_the_command_refuses_another_host_before_sending_anything(capsys):
    assert loadtest.main(["--base-url", "http://example.com", "--requests", "1"]) == 2
    assert "not a loopback address" in capsys.readouterr().err


def test_a_run_refuses_another_host():
    with pytest.raises(loadtest.NotLoopback):
        loadtest.run("http://192.0.2.1:8000", duration=1, max_requests=1)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--duration", "0"],
        ["--duration", "601"],
        ["--requests", "0"],
        ["--requests", "1000001"],
        ["--concurrency", "0"],
        ["--concurrency", "65"],
    ],
)
def test_the_load_is_always_bounded(arguments):
    with pytest.raises(SystemExit):
        loadtest.parse_args(arguments)


REQUEST_LINE = (
    '{"time": "2026-11-22T09:54:34+0100", "level": "INFO", "logger": "asf_portal.requests", '
    '"message": "request", "request_id": "b1", "method": "GET", "path": "/", '
    '"status": %d, "duration_ms": 19.0}'
)


def test_the_log_check_accepts_request_lines_and_gunicorns_own():
    lines = [
        "[2026-11-22 09:54:20 +0100] [123] [INFO] Starting gunicorn 23.0.0",
        "[2026-11-22 09:54:20 +0100] [123] [INFO] Listening at: http://127.0.0.1:8000 (123)",
        "[2026-11-22 09:54:20 +0100] [124] [INFO] Booting worker with pid: 124",
        REQUEST_LINE % 200,
        REQUEST_LINE % 304,
        REQUEST_LINE % 404,
        "",
        "[2026-11-22 09:54:40 +0100] [123] [INFO] Handling signal: term",
        "[2026-11-22 09:54:41 +0100] [123] [INFO] Shutting down: Master",
    ]
    assert check_log(lines) == (3, [])


def test_the_log_check_reports_everything_else():
    unexpected = [
        REQUEST_LINE % 500,
        REQUEST_LINE % 503,
        '{"level": "ERROR", "logger": "django.request", "message": "Internal Server Error: /"}',
        "[2026-11-22 09:54:40 +0100] [123] [CRITICAL] WORKER TIMEOUT (pid:124)",
        "[2026-11-22 09:54:40 +0100] [123] [ERROR] Worker (pid:124) was sent SIGKILL!",
        "[2026-11-22 09:54:40 +0100] [123] [WARNING] Something",
        "Traceback (most recent call last):",
        '{"logger": "asf_portal.requests", "status": "200"}',
    ]
    requests, reported = check_log([REQUEST_LINE % 200, *unexpected])
    assert requests == 1
    assert reported == unexpected


def test_the_log_check_command_fails_on_an_unexpected_line(tmp_path, capsys):
    log = tmp_path / "server.log"
    log.write_text(f"{REQUEST_LINE % 200}\nTraceback (most recent call last):\n")
    assert loadtest.main(["--check-log", str(log)]) == 1
    assert "Traceback" in capsys.readouterr().out

    log.write_text(f"{REQUEST_LINE % 200}\n")
    assert loadtest.main(["--check-log", str(log)]) == 0


def test_a_log_without_request_lines_fails(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("[2026-11-22 09:54:20 +0100] [123] [INFO] Starting gunicorn 23.0.0\n")
    assert loadtest.main(["--check-log", str(log)]) == 1


@pytest.fixture
def live_portal(live_server, transactional_db):
    """The live server with the portal's data: transactional tests empty the tables after
    themselves, so the data is loaded here."""
    call_command("load_published_data", stdout=io.StringIO())
    return live_server


def test_a_short_real_run_has_no_errors(live_portal):
    report = loadtest.run(live_portal.url, duration=120, max_requests=30, concurrency=3, seed=7)

    assert len(report.results) == 30
    assert report.stopped_by == "requests"
    assert report.errors == []
    assert report.rows[-1].requests == 30
    assert {result.status for result in report.results} <= {200, 304, 400, 404}


def test_a_run_stops_at_its_duration(live_portal):
    report = loadtest.run(live_portal.url, duration=1, max_requests=100_000, concurrency=2)
    assert len(report.results) < 100_000
    assert report.stopped_by == "duration"
    assert report.errors == []


def test_waiting_for_the_server(live_portal):
    assert loadtest.wait_for_server(live_portal.url, 5)
    assert not loadtest.port_is_free(live_portal.url)
