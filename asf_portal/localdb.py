"""The project's own PostgreSQL cluster, for when no DATABASE_URL is given.

`python -m asf_portal.localdb start` creates the cluster on first use (initdb),
starts it if it is not running and makes sure the portal's database exists; it
is safe to call again and again. The cluster listens only on a unix socket
inside the project, so it never collides with a server already on the machine.

initdb refuses to run as root, so when we are root (as on CI) the cluster is
owned and run by the `postgres` system user instead.
"""

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CLUSTER_DIR = BASE_DIR / ".postgres"
DATA_DIR = CLUSTER_DIR / "data"
SOCKET_DIR = CLUSTER_DIR / "run"
LOG_FILE = CLUSTER_DIR / "server.log"
DEBIAN_SERVER_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
DATABASE_NAME = "asf_portal"
PORT = 5432  # only names the socket file; nothing listens on TCP

ROOT_RUNS_AS = "postgres"
MISSING_BINARIES = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them "
    "(on Debian: apt-get install postgresql) or set DATABASE_URL to a PostgreSQL database."
)


class LocalDatabaseError(Exception):
    pass


def database_settings():
    """The Django DATABASES entry that reaches this cluster."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "HOST": str(SOCKET_DIR),
        "PORT": str(PORT),
    }


def find_bindir():
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    # Debian keeps the server binaries out of PATH, one folder per major version.
    debian = sorted(
        DEBIAN_SERVER_ROOT.glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise LocalDatabaseError(MISSING_BINARIES)


def _as_owner(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", ROOT_RUNS_AS, "--", *command]
    return command


def _run(command, **kwargs):
    return subprocess.run(_as_owner(command), check=False, text=True, capture_output=True, **kwargs)


def _prepare_directories():
    CLUSTER_DIR.mkdir(exist_ok=True)
    SOCKET_DIR.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(ROOT_RUNS_AS)
        except KeyError as error:
            raise LocalDatabaseError(
                f"Running as root needs the '{ROOT_RUNS_AS}' system user to own the cluster; "
                "install PostgreSQL's server package, which creates it."
            ) from error
        for path in (CLUSTER_DIR, SOCKET_DIR):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        if _run(["test", "-w", str(CLUSTER_DIR)]).returncode != 0:
            raise LocalDatabaseError(
                f"The '{ROOT_RUNS_AS}' user cannot reach {CLUSTER_DIR}: clone the project "
                "where every user may enter its folders (for example under /tmp or /srv)."
            )


def _initdb(bindir):
    result = _run(
        [
            str(bindir / "initdb"),
            "--pgdata",
            str(DATA_DIR),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-instructions",
        ]
    )
    if result.returncode != 0:
        raise LocalDatabaseError(f"initdb failed:\n{result.stdout}{result.stderr}")
    with (DATA_DIR / "postgresql.conf").open("a") as conf:
        conf.write(
            "\n# ASF-portalen: a private cluster, reachable only through its socket.\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{SOCKET_DIR}'\n"
            f"port = {PORT}\n"
        )


def is_running(bindir=None):
    bindir = bindir or find_bindir()
    return _run([str(bindir / "pg_ctl"), "status", "--pgdata", str(DATA_DIR)]).returncode == 0


def start():
    bindir = find_bindir()
    _prepare_directories()
    if not (DATA_DIR / "PG_VERSION").exists():
        _initdb(bindir)
    if not is_running(bindir):
        result = _run(
            [
                str(bindir / "pg_ctl"),
                "start",
                "--wait",
                "--pgdata",
                str(DATA_DIR),
                "--log",
                str(LOG_FILE),
            ]
        )
        if result.returncode != 0:
            log = LOG_FILE.read_text(errors="replace")[-2000:] if LOG_FILE.exists() else ""
            raise LocalDatabaseError(f"pg_ctl start failed:\n{result.stderr}\n{log}")
    _create_database()


def stop():
    bindir = find_bindir()
    if (DATA_DIR / "PG_VERSION").exists() and is_running(bindir):
        pg_ctl = str(bindir / "pg_ctl")
        _run([pg_ctl, "stop", "--wait", "--mode", "fast", "--pgdata", str(DATA_DIR)])


def _create_database():
    import psycopg2  # imported late: `stop` and error messages must work without it

    settings = database_settings()
    connection = psycopg2.connect(
        dbname="postgres", user=SUPERUSER, host=settings["HOST"], port=settings["PORT"]
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    connection.close()


def main(argv):
    command = argv[1] if len(argv) > 1 else "start"
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the project's own PostgreSQL cluster is not used.")
        return 0
    try:
        if command == "start":
            start()
            print(f"PostgreSQL is up: database '{DATABASE_NAME}' on socket {SOCKET_DIR}")
        elif command == "stop":
            stop()
        else:
            print(f"usage: python -m asf_portal.localdb [start|stop], not {command!r}")
            return 2
    except LocalDatabaseError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
