import json
import os
import shutil
import subprocess
import sys

import dj_database_url
import psycopg2
import pytest
from django.db import connection

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


@pytest.fixture
def no_server_binaries(monkeypatch, tmp_path):
    """A machine without PostgreSQL's server binaries, apt-get or anything else on PATH."""
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(localdb, "DEBIAN_SERVER_ROOT", tmp_path / "lib")
    monkeypatch.setattr(localdb, "HOMEBREW_ROOTS", ())
    monkeypatch.setattr(localdb, "CREATECLUSTER_CONF", tmp_path / "etc" / "createcluster.conf")
    monkeypatch.setattr(localdb, "POLICY_RC_D", tmp_path / "policy-rc.d")
    return tmp_path


def test_without_apt_the_commands_for_each_system_are_named(no_server_binaries, capsys):
    assert localdb.main(["localdb", "start"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == localdb.MISSING_BINARIES + "\n"
    for command in [
        "apt-get install postgresql",
        "dnf install postgresql-server",
        "brew install postgresql@",
    ]:
        assert command in err


# A stand-in for apt-get: notes how it was called and what the package scripts would find
# (Debian's createcluster.conf, what policy-rc.d answers), and "installs" the binaries.
APT_GET = """#!/bin/sh
echo "apt-get $* UCF_FORCE_CONFFOLD=$UCF_FORCE_CONFFOLD DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> {log}
if [ "$1" = install ]; then
  /bin/cat {conf} >> {log}
  {policy}; echo "policy-rc.d says $?" >> {log}
  /bin/mkdir -p {lib}/17/bin && /bin/touch {lib}/17/bin/initdb {lib}/17/bin/pg_ctl
fi
"""


@pytest.mark.parametrize("policy_there", [False, True])
def test_as_root_with_apt_debians_server_package_comes_without_a_cluster_of_its_own(
    no_server_binaries, monkeypatch, policy_there
):
    root = no_server_binaries
    log = root / "apt.log"
    apt_get = root / "bin" / "apt-get"
    apt_get.write_text(
        APT_GET.format(
            log=log, conf=localdb.CREATECLUSTER_CONF, policy=localdb.POLICY_RC_D, lib=root / "lib"
        )
    )
    apt_get.chmod(0o755)
    if policy_there:  # Docker images have their own, which stays
        localdb.POLICY_RC_D.write_text("#!/bin/sh\nexit 101\n# the image's\n")
        localdb.POLICY_RC_D.chmod(0o755)
    monkeypatch.setattr(localdb.os, "geteuid", lambda: 0)

    assert localdb.server_binaries() == root / "lib" / "17" / "bin"

    assert log.read_text().splitlines() == [
        "apt-get update -qq UCF_FORCE_CONFFOLD=1 DEBIAN_FRONTEND=noninteractive",
        "apt-get install -y -qq --no-install-recommends postgresql "
        "UCF_FORCE_CONFFOLD=1 DEBIAN_FRONTEND=noninteractive",
        "# ASF-portalen runs a cluster of its own.",
        "create_main_cluster = false",
        "policy-rc.d says 101",
    ]
    assert localdb.POLICY_RC_D.exists() == policy_there
    assert "create_main_cluster = false" in localdb.CREATECLUSTER_CONF.read_text()


def test_the_swedish_collation_is_the_settings(settings):
    assert localdb.SWEDISH_COLLATION == settings.SWEDISH_COLLATION


@pytest.mark.django_db
def test_a_postgresql_without_icu_is_said_plainly():
    with connection.cursor() as cursor:
        localdb.check_swedish_collation(cursor)  # this one has ICU
        # As a build without ICU would be: no such collation (rolled back with the test).
        cursor.execute(f'ALTER COLLATION "{localdb.SWEDISH_COLLATION}" RENAME TO "not-icu"')
        with pytest.raises(localdb.LocalDatabaseError) as error:
            localdb.check_swedish_collation(cursor)
    assert str(error.value) == localdb.NO_ICU
    assert "built without ICU" in str(error.value)


def test_a_clone_the_server_user_cannot_enter_still_gets_a_cluster_it_can_reach(tmp_path):
    """As root (CI, a fresh server), the cluster is run by the postgres user, who cannot enter
    a clone under /root: it is made under /var/lib/asf-portal/ and linked. Anyone else runs
    their own cluster where it is."""
    home = tmp_path / "root"  # like /root: mode 700, so no other user can enter it
    (home / "portal").mkdir(parents=True)
    home.chmod(0o700)
    (home / "portal" / ".postgres" / "run").mkdir(parents=True)  # left by an earlier attempt
    cluster = localdb.Cluster(home / "portal" / ".postgres")
    try:
        cluster.start(database="asf_relocated")
        as_root = os.geteuid() == 0
        assert cluster.root.is_symlink() == as_root
        expected_parent = localdb.ROOT_CLUSTERS if as_root else home / "portal"
        assert cluster.root.resolve().parent == expected_parent
        database = dj_database_url.parse(cluster.url("asf_relocated"))
        assert database["HOST"] == str(home / "portal" / ".postgres" / "run")
        connection = psycopg2.connect(
            dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=5432
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            assert cursor.fetchone()[0] == str(cluster.data_dir)
        connection.close()
    finally:
        cluster.stop()
        if cluster.root.is_symlink():
            shutil.rmtree(cluster.root.resolve(), ignore_errors=True)
