"""Production settings, security headers, health check, 503s, request logs and HTTP caching."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.cache import patch_cache_control
from django.utils.http import parse_http_date, quote_etag

from asf_portal.middleware import PublicPageCacheMiddleware
from asf_portal.views import server_error
from projects.models import Project
from regions.models import DataVersion
from tests.admin_forms import make_editor

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "asf.example.se",
}


def manage(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_deploy_check_passes_as_make_serve_runs_the_portal():
    # The Makefile's own PRODUCTION_ENV in front of the check: on loopback, without TLS.
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAKE"))}
    environment["DJANGO_SECRET_KEY"] = PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [
            "make",
            "--silent",
            "--no-print-directory",
            f"PY={sys.executable}",
            "--eval",
            "deploy-check: ; @$(PRODUCTION_ENV) $(MANAGE) check --deploy --fail-level WARNING",
            "deploy-check",
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the redirect to https is left out, because there is no https on loopback.
    assert "no issues (1 silenced)" in result.stdout


def test_the_redirect_is_off_without_a_warning_only_on_loopback():
    without_redirect = {**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "false"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=without_redirect)
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    for hosts in ("127.0.0.1,localhost,asf.example.se", "*"):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            env={**without_redirect, "DJANGO_ALLOWED_HOSTS": hosts},
        )
        assert "security.W008" in result.stderr, hosts


@pytest.mark.parametrize(
    "missing, message",
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "development-only-not-secret"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "kort"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "-1"}, "DJANGO_TRUSTED_PROXY_COUNT must be"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "en"}, "DJANGO_TRUSTED_PROXY_COUNT must be"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    result = manage("check", env={**PRODUCTION_ENV, **missing})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_strict():
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = manage("shell", "-c", script, env={**PRODUCTION_ENV, "DJANGO_DEBUG": "true"})
    assert result.stdout.split()[-6:] == ["False", "True", "True", "True", "31536000", "True"]


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize("path", ["/", "/projekt/?q=samverkan", "/admin/login/", "/healthz"])
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_security_headers_on_public_and_admin_pages(client, path):
    response = client.get(path, secure=True)
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_admin_cookies_are_httponly_and_same_site(client):
    make_editor("kerstin", "kronoberg")
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "kerstin", "password": "ett-långt-lösenord-1"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] and "ETag" not in response


def test_a_lost_database_gives_a_swedish_503_not_a_500():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Portalen är tillfälligt otillgänglig" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_one_structured_log_line_per_request_without_the_query(client, caplog):
    caplog.set_level(logging.INFO, logger="asf_portal.requests")
    client.get("/projekt/?q=hemlig+sökning", HTTP_X_REQUEST_ID="abc123")
    (record,) = [r for r in caplog.records if r.name == "asf_portal.requests"]
    assert (record.method, record.path, record.status, record.request_id) == (
        "GET",
        "/projekt/",
        200,
        "abc123",
    )
    assert record.duration_ms >= 0
    from asf_portal.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/projekt/" and "hemlig" not in json.dumps(line)


@pytest.fixture
def page_cache(settings):
    settings.CACHE_UNTIL_DATA_CHANGES = True


def test_public_pages_answer_304_until_the_data_changes(
    client, django_assert_num_queries, page_cache
):
    first = client.get("/projekt/?region=kronoberg")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"]
    with django_assert_num_queries(1):  # when the data last changed, nothing more
        again = client.get("/projekt/?region=kronoberg", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    with django_assert_num_queries(1):  # the page itself from the shared cache
        cached = client.get("/projekt/?region=kronoberg")
    assert cached.content == first.content and cached["ETag"] == etag

    project = Project.objects.get(slug="kronoberg-2017-2018")
    project.lead = "Ny ingress."
    project.save()
    changed = client.get("/projekt/?region=kronoberg", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Ny ingress." in changed.content.decode()
    assert parse_http_date(changed["Last-Modified"]) >= parse_http_date(modified)


def test_a_public_page_reads_when_the_data_changed_once(client, page_cache):
    # The page cache reads it, and the counts kept until the data changes use that reading.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/projekt/?q=samverkan").status_code == 200
    data_version = DataVersion._meta.db_table
    assert sum(data_version in query["sql"] for query in queries.captured_queries) == 1


def test_a_search_is_kept_until_the_data_changes(client, page_cache):
    first = client.get("/projekt/?q=samverkan")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/projekt/?q=samverkan&sort=titel")  # another page, the same search
    assert first.status_code == again.status_code == 200
    assert not any("@@" in query["sql"] for query in queries.captured_queries)
    counts = [response.context["page_obj"].paginator.count for response in (first, again)]
    assert counts[0] == counts[1] > 0


def test_a_facet_is_kept_under_the_other_filters(client, page_cache):
    client.get("/projekt/?theme=samverkan")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/projekt/?theme=samverkan&region=kronoberg")
    # The region counts depend on the theme alone: those of the list before are used. (Summed
    # from the facet cells, or counted from the projects: either is a query grouped by region.)
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert response.status_code == 200
    assert not re.search(r'AS "region", (COUNT|SUM)\(', statements)
    assert re.search(r'AS "programme", (COUNT|SUM)\(', statements)


def test_a_deleted_goal_also_changes_the_etag(client, page_cache):
    etag = client.get("/projekt/starkare-asf-i-jonkopings-lan/")["ETag"]
    Project.objects.get(slug="starkare-asf-i-jonkopings-lan").goals.first().delete()
    assert client.get("/projekt/starkare-asf-i-jonkopings-lan/")["ETag"] != etag


def test_editors_are_never_served_cached_pages(client, page_cache):
    client.force_login(make_editor("karl", "kronoberg"))
    response = client.get("/projekt/")
    assert "ETag" not in response and "public" not in response.get("Cache-Control", "")


def test_errors_and_drafts_are_not_cached(client, page_cache):
    assert "ETag" not in client.get("/projekt/finns-inte/")
    assert "ETag" not in client.get("/projekt/?region=atlantis")


@pytest.mark.parametrize("page_cache_on", [True, False])
def test_an_editors_preview_of_a_draft_is_kept_by_no_cache(client, settings, page_cache_on):
    settings.CACHE_UNTIL_DATA_CHANGES = page_cache_on
    draft = Project.objects.get(slug="kronoberg-2017-2018")
    draft.status = Project.Status.DRAFT
    draft.save()
    client.force_login(make_editor("karl", "kronoberg"))

    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and draft.title in preview.content.decode()
    directives = {d.strip() for d in preview["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives
    assert "ETag" not in preview

    # The page cache kept nothing: the public asks for the same address and finds no draft.
    anonymous = Client()
    request = RequestFactory().get(draft.get_absolute_url())
    key = PublicPageCacheMiddleware.fingerprint(request, DataVersion.current())
    assert cache.get(f"page:{quote_etag(key)}") is None
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    # A published page seen by the editor stays as it was.
    published = client.get("/projekt/starkare-asf-i-jonkopings-lan/")
    assert "no-store" not in published.get("Cache-Control", "")


def test_the_page_cache_neither_keeps_nor_publishes_a_private_response(page_cache):
    def private_page(request):
        response = HttpResponse("utkast")
        patch_cache_control(response, private=True)
        return response

    middleware = PublicPageCacheMiddleware(private_page)
    response = middleware(RequestFactory().get("/projekt/utkast/"))
    assert response["Cache-Control"] == "private" and "ETag" not in response
    middleware = PublicPageCacheMiddleware(lambda request: HttpResponse("offentlig"))
    response = middleware(RequestFactory().get("/projekt/utkast/"))
    assert response.content == b"offentlig"  # nothing was kept from before


TOO_MANY_PARAMETERS = "&".join(["region=kronoberg"] * 1001)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("page_cache_on", [False, True])
@pytest.mark.parametrize("path", ["/projekt/", "/api/projekt/", "/", "/admin/login/"])
def test_too_many_query_parameters_get_the_swedish_400_page(
    client, settings, debug, page_cache_on, path
):
    settings.DEBUG = debug
    settings.CACHE_UNTIL_DATA_CHANGES = page_cache_on
    response = client.get(f"{path}?{TOO_MANY_PARAMETERS}")
    assert response.status_code == 400
    assert "Felaktig förfrågan" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    assert "ETag" not in response
    # One parameter fewer is an ordinary request.
    fewer = "&".join(["region=kronoberg"] * 1000)
    assert client.get(f"{path}?{fewer}").status_code in (200, 302)
