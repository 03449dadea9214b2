"""The Makefile's set-up on a fresh machine: which Python makes the virtualenv, a port in use
said before any set-up, and what `make run`, `make dev` and `make serve` serve.

Other Pythons are stand-ins (shell scripts) on a PATH of the test's own: they answer the
version question as that Python would and make a virtualenv as a note of who made it.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tools import loadtest

BASE_DIR = Path(settings.BASE_DIR)

STAND_IN = """#!/bin/sh
case "$1" in
  -c) echo "{major} {minor}" ;;
  -m) mkdir -p "$3/bin" && echo {major}.{minor} > "$3/made-by" &&
      printf '#!/bin/sh\\n' > "$3/bin/pip" && chmod +x "$3/bin/pip" ;;
esac
"""


def stand_in(folder, name, version):
    major, minor = version.split(".")
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(STAND_IN.format(major=major, minor=minor))
    path.chmod(0o755)
    return path


def clean_env(**extra):
    # Nothing of an outer make (`make test`) or of the caller's choice of Python.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "PYTHON"))}
    return {**env, **extra}


def find_python(path, python=None):
    env = {"PATH": str(path)} if python is None else {"PATH": str(path), "PYTHON": python}
    return subprocess.run(
        ["/bin/sh", "tools/python.sh"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def make(*args, path=None, env=None):
    env = clean_env(**(env or {}))
    if path is not None:
        env["PATH"] = f"{path}:/usr/bin:/bin"
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,  # a make that sets everything up instead of stopping ends here
    )


def assert_one_sentence(stderr, *words):
    # The sentence, then make's own line naming the target that failed; no traceback.
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert lines[1].startswith("make: ***"), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], stderr
    return lines[0]


# Which Python --------------------------------------------------------------------------------


def test_the_newest_python_of_3_11_or_later_is_chosen(tmp_path):
    stand_in(tmp_path, "python3", "3.9")
    stand_in(tmp_path, "python3.11", "3.11")
    newest = stand_in(tmp_path, "python3.12", "3.12")
    result = find_python(tmp_path)
    assert (result.returncode, result.stdout) == (0, f"3.12 {newest}\n")


def test_python3_is_taken_when_it_is_new_enough(tmp_path):
    python3 = stand_in(tmp_path, "python3", "3.13")
    assert find_python(tmp_path).stdout == f"3.13 {python3}\n"


def test_only_a_too_old_python_gets_one_sentence_on_what_to_install(tmp_path):
    stand_in(tmp_path, "python3", "3.10")
    result = find_python(tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ASF-portalen needs Python 3.11 or newer")
    assert "apt-get install python3 python3-venv" in result.stderr
    assert "PYTHON=" in result.stderr


def test_python_overrides_the_choice(tmp_path):
    stand_in(tmp_path, "python3.13", "3.13")
    chosen = stand_in(tmp_path / "elsewhere", "python", "3.12")
    assert find_python(tmp_path, python=str(chosen)).stdout == f"3.12 {chosen}\n"


def test_python_too_old_is_said_even_where_a_newer_one_is_there(tmp_path):
    stand_in(tmp_path, "python3.13", "3.13")
    stand_in(tmp_path, "python3", "3.9")
    result = find_python(tmp_path, python="python3")
    assert result.returncode == 1
    assert result.stderr.startswith("PYTHON=python3 is Python 3.9, and ASF-portalen needs 3.11")


def test_make_stops_on_a_too_old_python_with_the_sentence_alone(tmp_path):
    old = stand_in(tmp_path / "bin", "python3.10", "3.10")
    venv = tmp_path / "venv"
    result = make("install", f"VENV={venv}", f"PYTHON={old}", path=tmp_path / "bin")
    assert result.returncode != 0
    assert_one_sentence(result.stderr, f"PYTHON={old} is Python 3.10", "3.11 or newer")
    assert not venv.exists()


def test_the_virtualenv_is_made_again_when_another_python_is_chosen(tmp_path):
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "python3.13", "3.13")
    older = stand_in(bin_dir, "python3.12", "3.12")
    venv = tmp_path / "venv"

    # Without PYTHON, the newest on PATH: the stand-in 3.13 before the machine's own.
    first = make("install", f"VENV={venv}", path=bin_dir)
    assert first.returncode == 0, first.stderr
    assert (venv / "made-by").read_text() == "3.13\n"
    (venv / "kept").touch()

    again = make("install", f"VENV={venv}", path=bin_dir)
    assert again.returncode == 0, again.stderr
    assert "Making the virtualenv" not in again.stdout
    assert (venv / "kept").exists()

    other = make("install", f"VENV={venv}", f"PYTHON={older}", path=bin_dir)
    assert other.returncode == 0, other.stderr
    assert f"Making the virtualenv in {venv} with {older}" in other.stdout
    assert (venv / "made-by").read_text() == "3.12\n"
    assert not (venv / "kept").exists()


# The port ------------------------------------------------------------------------------------


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("target", ["run", "dev", "serve"])
def test_a_port_in_use_is_said_before_any_set_up(tmp_path, taken_port, target):
    venv = tmp_path / "venv"
    result = make(target, f"PORT={taken_port}", f"VENV={venv}")
    assert result.returncode != 0
    sentence = assert_one_sentence(result.stderr)
    assert sentence == (
        f"Something already answers at http://127.0.0.1:{taken_port}: "
        "stop it, or choose another port."
    )
    assert not venv.exists()
    assert "migrate" not in result.stdout


def test_a_free_port_passes(taken_port):
    # The check looks at the port asked for, not at any port in use.
    assert make("port-free", f"PORT={free_port()}").returncode == 0
    assert make("port-free", f"PORT={taken_port}").returncode != 0


# What each command serves ---------------------------------------------------------------------


def database_url_of_the_tests():
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = quote(database["HOST"] or "localhost", safe="")
    return (
        f"postgres://{database['USER']}{password}@{host}:{database['PORT'] or 5432}/"
        f"{database['NAME']}"
    )


@pytest.fixture
def served(django_db_setup):
    """Starts `make <target> PORT=…` on the test database (its set-up already done by the
    test session), and stops it."""
    started = []

    def serve(target):
        port = free_port()
        process = subprocess.Popen(
            ["make", target, f"PORT={port}", "-o", "port-free", "-o", "data", "-o", "static"],
            env=clean_env(DATABASE_URL=database_url_of_the_tests(), DJANGO_SECRET_KEY="x" * 64),
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        base_url = f"http://127.0.0.1:{port}"
        assert loadtest.wait_for_server(base_url, 60), f"make {target} did not answer"
        return port

    yield serve
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(port, path):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    client.request("GET", path)
    response = client.getresponse()
    body = response.read().decode()
    client.close()
    return response.status, body


@pytest.mark.parametrize("target", ["run", "serve"])
def test_run_and_serve_answer_as_readers_see_the_portal(served, target):
    port = served(target)

    status, body = get(port, "/finns-inte/")
    assert status == 404
    assert "<title>Sidan finns inte – ASF-portalen</title>" in body
    assert "Using the URLconf" not in body

    status, body = get(port, "/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, body
    assert get(port, stylesheet[1])[0] == 200


def test_dev_has_djangos_debug_pages_and_the_static_files_as_written(served):
    port = served("dev")

    status, body = get(port, "/finns-inte/")
    assert status == 404
    assert "Using the URLconf" in body

    status, body = get(port, "/")
    assert status == 200
    assert 'href="/static/css/portal.css"' in body
