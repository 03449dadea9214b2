"""PostgreSQL goes away under a running portal, and comes back.

A throwaway cluster of its own (so the test database is never touched), the portal served
by gunicorn against it, requests during the outage: never a 500 or a hang, a Swedish 503,
recovery without a restart, and no acknowledged edit lost.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tools.localdb import Cluster

BIN = Path(sys.executable).parent
PASSWORD = "ett-långt-lösenord-1"
TIMEOUT = 10  # a request that takes longer than this counts as hanging


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser for the admin: cookies, CSRF tokens, no redirects."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, content

    def form_token(self, path):
        status, content = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)


@pytest.fixture
def cluster():
    root = settings.BASE_DIR / ".postgres" / f"faults-{os.getpid()}"
    root.parent.mkdir(exist_ok=True)
    cluster = Cluster(root)
    cluster.start(database="asf_faults")
    yield cluster
    cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def portal(cluster, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=cluster.url("asf_faults"), DJANGO_ALLOWED_HOSTS="127.0.0.1")
    for command in (
        ["migrate", "--noinput"],
        ["load_published_data"],
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User;"
            f"User.objects.create_superuser('alva', 'alva@example.se', '{PASSWORD}')",
        ],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
            capture_output=True,
        )
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", "asf_portal/gunicorn.conf.py", "asf_portal.wsgi"],
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    browser = Browser(port)
    for _ in range(100):
        try:
            if browser.request("GET", "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("the portal did not start")
    yield browser, env
    server.terminate()
    server.wait(timeout=20)
    log.close()


def theme_name(env, slug):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from projects.models import Theme; print(Theme.objects.get(slug='{slug}').name)",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def edit_theme(browser, name):
    path = "/admin/projects/theme/1/change/"
    token = browser.form_token(path)
    form = {
        "csrfmiddlewaretoken": token,
        "name": name,
        "slug": "affarsutveckling",
        "description": "",
    }
    return browser.request("POST", path, form)[0]


def test_database_outage_gives_503s_then_recovers_and_keeps_every_saved_edit(cluster, portal):
    browser, env = portal
    token = browser.form_token("/admin/login/")
    status, _ = browser.request(
        "POST",
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": token,
            "username": "alva",
            "password": PASSWORD,
        },
    )
    assert status == 302
    assert edit_theme(browser, "affärsutveckling A") == 302  # acknowledged

    statuses, failures, stop = [], [], threading.Event()

    def keep_reading():
        reader = Browser(browser.port)
        while not stop.is_set():
            for path in ("/", "/projekt/?q=samverkan", "/regioner/kronoberg/", "/healthz"):
                try:
                    statuses.append(reader.request("GET", path)[0])
                except OSError as error:  # includes timeouts: a hang
                    failures.append(repr(error))

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        time.sleep(0.5)
        cluster.stop()
        down_page = browser.request("GET", "/projekt/")
        assert down_page[0] == 503
        assert "Portalen är tillfälligt otillgänglig" in down_page[1]
        assert browser.request("GET", "/healthz")[0] == 503
        # An edit sent while the database is away is refused, not half-saved.
        path = "/admin/projects/theme/1/change/"
        refused = browser.request(
            "POST",
            path,
            {
                "csrfmiddlewaretoken": token,
                "name": "affärsutveckling B",
                "slug": "affarsutveckling",
                "description": "",
            },
        )
        assert refused[0] == 503
        time.sleep(0.5)
        cluster.start(database=None)
        for _ in range(50):  # recovery on its own, no restart of the portal
            if browser.request("GET", "/projekt/")[0] == 200:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the portal did not recover")
        time.sleep(0.5)
    finally:
        stop.set()
        reader.join(timeout=30)

    assert failures == []
    assert 500 not in statuses
    assert set(statuses) <= {200, 503} and {200, 503} <= set(statuses)
    assert theme_name(env, "affarsutveckling") == "affärsutveckling A"
    assert edit_theme(browser, "affärsutveckling C") == 302
    assert theme_name(env, "affarsutveckling") == "affärsutveckling C"
