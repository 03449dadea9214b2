"""Editors' logins: lockout by username and address together (behind trusted proxies, the
client's address), every attempt logged, idle sessions end."""

import http.client
import io
import re
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
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


# The load balancer every request comes through, and two editors' machines behind it.
PROXY = "10.0.0.2"
ATTACKER, EDITOR = "203.0.113.5", "198.51.100.7"


def through_the_proxy(client, username, password, client_address, sent_by_client=""):
    # The proxy appends the address it was connected from to what the client sent.
    forwarded = ", ".join(part for part in (sent_by_client, client_address) if part)
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_editor("kerstin", "kronoberg")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = through_the_proxy(client, "kerstin", "fel", ATTACKER)
    assert locked.status_code == 429
    assert through_the_proxy(client, "kerstin", PASSWORD, ATTACKER).status_code == 429
    # Kerstin, through the same load balancer from her own machine, gets in.
    assert through_the_proxy(client, "kerstin", PASSWORD, EDITOR).status_code == 302
    assert {log.ip_address for log in AccessFailureLog.objects.all()} == {ATTACKER}
    assert AccessLog.objects.filter(username="kerstin", ip_address=EDITOR).exists()


def test_behind_a_proxy_a_client_cannot_choose_its_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_editor("kerstin", "kronoberg")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A new made-up address each time, in front of what the proxy adds.
        locked = through_the_proxy(
            client, "kerstin", "fel", ATTACKER, sent_by_client=f"192.0.2.{attempt}"
        )
    assert locked.status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_a_trusted_proxy_x_forwarded_for_counts_for_nothing(client, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default
    make_editor("kerstin", "kronoberg")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(
            "/admin/login/?next=/admin/",
            {"username": "kerstin", "password": "fel"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert locked.status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Nor can anyone get an editor locked out by claiming to be her.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": "kerstin", "password": "fel"},
            REMOTE_ADDR=f"192.0.2.{attempt}",
            HTTP_X_FORWARDED_FOR=EDITOR,
        )
    assert log_in(client, "kerstin", PASSWORD, EDITOR).status_code == 302


def test_a_header_the_proxies_cannot_have_written_counts_for_nothing(client, settings):
    make_editor("kerstin", "kronoberg")
    # Two proxies configured, but the header names one address.
    settings.TRUSTED_PROXY_COUNT = 2
    assert through_the_proxy(client, "kerstin", "fel", ATTACKER).status_code == 200
    # Not an address at all.
    settings.TRUSTED_PROXY_COUNT = 1
    assert through_the_proxy(client, "kerstin", "fel", "okänd").status_code == 200
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == [PROXY] * 2


class LoginPage:
    """The admin's login over a real connection, with its cookies and CSRF token."""

    def __init__(self, url):
        self.address = urlsplit(url)
        self.cookies = {}

    def request(self, method, form=None, headers=()):
        connection = http.client.HTTPConnection(self.address.hostname, self.address.port)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **dict(headers)}
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, "/admin/login/?next=/admin/", body=body, headers=sent)
        response = connection.getresponse()
        content = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, rest = value.partition("=")
                self.cookies[cookie] = rest.split(";")[0]
        connection.close()
        return response.status, content

    def log_in(self, username, password, forwarded_for):
        status, content = self.request("GET")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        return self.request("POST", form, {"X-Forwarded-For": forwarded_for})[0]


def test_over_http_through_one_proxy_clients_are_told_apart(
    live_server, transactional_db, settings
):
    # The live server's connections all come from 127.0.0.1: the proxy, for this test.
    call_command("load_published_data", stdout=io.StringIO())
    settings.TRUSTED_PROXY_COUNT = 1
    make_editor("kerstin", "kronoberg")
    attacker, editor = LoginPage(live_server.url), LoginPage(live_server.url)
    statuses = [
        attacker.log_in("kerstin", "fel", f"192.0.2.{n}, {ATTACKER}")
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    assert attacker.log_in("kerstin", PASSWORD, ATTACKER) == 429
    assert editor.log_in("kerstin", PASSWORD, EDITOR) == 302
