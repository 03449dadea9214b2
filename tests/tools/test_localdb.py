import json
import os
import subprocess
import sys

import dj_database_url
import pytest

from tools import localdb


def test_missing_postgresql_binaries_are_named_in_one_sentence(monkeypatch, tmp_path):
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(localdb, "DEBIAN_SERVER_ROOT", tmp_path)
    with pytest.raises(localdb.LocalDatabaseError) as error:
        localdb.find_bindir()
    assert str(error.value) == localdb.MISSING_BINARIES
    assert "apt-get install postgresql" in str(error.value)


def test_debian_binaries_are_found_newest_first(monkeypatch, tmp_path):
    for version in ["9", "15", "14"]:
        bindir = tmp_path / version / "bin"
        bindir.mkdir(parents=True)
        (bindir / "initdb").touch()
        (bindir / "pg_ctl").touch()
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setattr(localdb, "DEBIAN_SERVER_ROOT", tmp_path)
    assert localdb.find_bindir() == tmp_path / "15" / "bin"


def test_database_url_takes_over(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere/db")
    assert localdb.main(["localdb", "start"]) == 0
    assert "DATABASE_URL is set" in capsys.readouterr().out


def test_the_settings_default_is_the_project_clusters_url(settings):
    # The settings build the URL themselves, so that the site never imports the tooling.
    assert localdb.PROJECT_CLUSTER.url() == settings.DEVELOPMENT_DATABASE_URL


@pytest.mark.parametrize("database_url", [None, ""])
def test_without_database_url_the_portal_reaches_the_project_cluster(settings, database_url):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "asf_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    database = json.loads(result.stdout)
    reached = {key: str(database[key]) for key in ("ENGINE", "NAME", "USER", "HOST", "PORT")}
    assert reached == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "asf_portal",
        "USER": "postgres",
        "HOST": str(settings.BASE_DIR / ".postgres" / "run"),
        "PORT": "5432",
    }
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    assert database["OPTIONS"] == {"connect_timeout": 3}


def test_a_clusters_url_keeps_its_socket_path_as_it_is(tmp_path):
    cluster = localdb.Cluster(tmp_path / "Ett Projekt" / ".postgres")
    database = dj_database_url.parse(cluster.url("asf_faults"))
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        str(cluster.socket_dir),
        5432,
        "asf_faults",
    )
