from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tools import bench


def test_the_bench_database_is_the_project_clusters_own_by_default(settings):
    socket_dir = quote(str(settings.BASE_DIR / ".postgres" / "run"), safe="")
    url = bench.bench_database_url({})
    assert url == f"postgres://postgres@{socket_dir}:5432/asf_portal_bench"


@pytest.mark.parametrize(
    ("database_url", "bench_url"),
    [
        ("postgres://u:p@db:5432/asf_portal", "postgres://u:p@db:5432/asf_portal_bench"),
        ("postgres://u@db/portal_bench", "postgres://u@db/portal_bench"),
        ("postgres://u@db/portal?sslmode=require", "postgres://u@db/portal_bench?sslmode=require"),
    ],
)
def test_with_database_url_the_same_server_and_the_name_suffixed(database_url, bench_url):
    assert bench.bench_database_url({"DATABASE_URL": database_url}) == bench_url


@pytest.mark.django_db
def test_the_trivial_view_is_only_in_the_bench_urlconf(client, settings):
    assert client.get("/bench/trivial").status_code == 404
    settings.ROOT_URLCONF = "tools.bench_wsgi"
    response = client.get("/bench/trivial")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert client.get("/healthz").status_code == 200  # and the portal around it


@pytest.fixture
def connections_kept_open():
    # As Django's test client does: a WSGI request would otherwise close the test's
    # connection, and its transaction with it, when it ends.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_bench_entry_point_serves_the_trivial_view_and_the_portal(connections_kept_open):
    from tools.bench_wsgi import application

    def get(path):
        environ = {"PATH_INFO": path, "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        statuses = []
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
        return statuses[0], body

    assert get("/bench/trivial") == ("200 OK", b"ok\n")
    assert get("/healthz")[0] == "200 OK"
    assert get("/bench/finns-inte")[0] == "404 Not Found"
