"""Production settings, security headers, health check, 503s and request logs."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory, override_settings

from asf_portal.views import server_error
from tests.admin_forms import make_editor

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "asf.example.se",
    # Who runs the portal; invented here for the test alone, like the host name.
    "PORTAL_OPERATOR_NAME": "Testförvaltningen",
    "PORTAL_OPERATOR_EMAIL": "portalen@example.se",
    "PORTAL_OPERATOR_ADDRESS": "Box 1, 111 11 Teststad",
    "PORTAL_DATA_CONTROLLER": "Testförvaltningen, dataskydd@example.se",
    "PORTAL_ACCESSIBILITY_CONTACT": "tillganglighet@example.se",
}
OPERATOR_SETTINGS = [name for name in PRODUCTION_ENV if name.startswith("PORTAL_")]


def manage(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
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
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_", "MAKE"))
    }
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


@pytest.mark.parametrize("missing", OPERATOR_SETTINGS)
def test_production_refuses_to_start_without_saying_who_runs_it(missing):
    result = manage("check", env={**PRODUCTION_ENV, missing: " "})
    assert result.returncode != 0
    assert f"{missing} must say who runs the portal" in result.stderr


def test_make_serve_runs_with_a_marked_example_operator():
    # The Makefile's PRODUCTION_ENV on loopback, without the operator's settings: the example
    # values say on every page that they are examples.
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_", "MAKE"))
    }
    environment["DJANGO_SECRET_KEY"] = PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    script = "from django.conf import settings; print(settings.PORTAL_OPERATOR)"
    result = subprocess.run(
        [
            "make",
            "--silent",
            "--no-print-directory",
            f"PY={sys.executable}",
            "--eval",
            f'operator: ; @$(PRODUCTION_ENV) $(MANAGE) shell -c "{script}"',
            "operator",
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "'example': True" in result.stdout
    # A real operator set in the environment is used as it is.
    result = manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert "'example': False" in result.stdout and "Testförvaltningen" in result.stdout


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
    assert "förvaltas av <strong>Exempelförvaltningen</strong>" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "förvaltas av <strong>Exempelförvaltningen</strong>" in response.content.decode()


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
