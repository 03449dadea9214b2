"""Editors' logins: lockout by username and address together, every attempt logged, idle
sessions end."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.admin_forms import make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-1"


def log_in(client, username, password, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_out_that_username_from_that_address(client):
    make_editor("kerstin", "kronoberg")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "kerstin", "fel", "203.0.113.5")
        assert response.status_code == 200
        assert "lösenord för ett personalkonto" in response.content.decode()
    locked = log_in(client, "kerstin", "fel", "203.0.113.5")
    assert locked.status_code == 429
    assert "Inloggningen är tillfälligt spärrad" in locked.content.decode()
    # Even the right password is refused from there while the lockout lasts...
    assert log_in(client, "kerstin", PASSWORD, "203.0.113.5").status_code == 429
    # ...but nobody elsewhere can lock the editor out: from her own address she gets in.
    assert log_in(client, "kerstin", PASSWORD, "198.51.100.7").status_code == 302


def test_every_attempt_is_logged(client):
    make_editor("kerstin", "kronoberg")
    log_in(client, "kerstin", "fel", "203.0.113.5")
    log_in(client, "kerstin", PASSWORD, "203.0.113.5")
    failed = AccessFailureLog.objects.get(username="kerstin")
    assert failed.ip_address == "203.0.113.5"
    assert AccessLog.objects.filter(username="kerstin", ip_address="203.0.113.5").exists()
    # A success resets the failure count for that username and address.
    assert not AccessAttempt.objects.filter(username="kerstin").exists()


def test_sessions_end_when_idle(client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    make_editor("kerstin", "kronoberg")
    assert log_in(client, "kerstin", PASSWORD, "198.51.100.7").status_code == 302
    assert client.get("/admin/").status_code == 200
    # Every request renews the half hour...
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    # ...and once it has passed without one, the editor must log in again.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
