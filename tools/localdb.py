"""The project's own PostgreSQL cluster, for when no DATABASE_URL is given.

`python -m tools.localdb start` creates the cluster on first use (initdb),
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
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DEBIAN_SERVER_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
DATABASE_NAME = "asf_portal"
PORT = 5432  # only names the socket file; nothing listens on TCP

ROOT_RUNS_AS = "postgres"

# Given at every start, so a cluster made before a change gets it too. The whole data set fits
# in memory on any machine we run on, so pages are cheap to reach at random; the defaults
# (128 MB of buffers, random_page_cost 4) are made for a small server reading a spinning disk,
# and made the planner read the project table whole rather than use the search index. JIT
# compiling pays only for queries far longer than a web request's; it cost more than it saved.
SERVER_SETTINGS = {
    "shared_buffers": "512MB",
    "effective_cache_size": "4GB",
    "random_page_cost": "1.1",
    "work_mem": "16MB",
    "jit": "off",
}
MISSING_BINARIES = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them "
    "(on Debian: apt-get install postgresql) or set DATABASE_URL to a PostgreSQL database."
)


class LocalDatabaseError(Exception):
    pass


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


class Cluster:
    """A PostgreSQL cluster in a folder of its own: data in data/, the socket in run/."""

    def __init__(self, root):
        self.root = Path(root)
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_file = self.root / "server.log"

    def url(self, name=DATABASE_NAME):
        """The DATABASE_URL of a database of this cluster: the socket directory as its host."""
        return f"postgres://{SUPERUSER}@{quote(str(self.socket_dir), safe='')}:{PORT}/{name}"

    def start(self, database=DATABASE_NAME):
        bindir = find_bindir()
        self._prepare_directories()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(bindir)
        if not self.is_running(bindir):
            result = _run(
                [
                    str(bindir / "pg_ctl"),
                    "start",
                    "--wait",
                    "--pgdata",
                    str(self.data_dir),
                    "--log",
                    str(self.log_file),
                    "-o",
                    " ".join(f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()),
                ]
            )
            if result.returncode != 0:
                log = (
                    self.log_file.read_text(errors="replace")[-2000:]
                    if self.log_file.exists()
                    else ""
                )
                raise LocalDatabaseError(f"pg_ctl start failed:\n{result.stderr}\n{log}")
        if database:
            self.create_database(database)

    def stop(self):
        bindir = find_bindir()
        if (self.data_dir / "PG_VERSION").exists() and self.is_running(bindir):
            pg_ctl = str(bindir / "pg_ctl")
            _run([pg_ctl, "stop", "--wait", "--mode", "fast", "--pgdata", str(self.data_dir)])

    def is_running(self, bindir=None):
        bindir = bindir or find_bindir()
        status = _run([str(bindir / "pg_ctl"), "status", "--pgdata", str(self.data_dir)])
        return status.returncode == 0

    def create_database(self, name):
        import psycopg2  # imported late: `stop` and error messages must work without it

        connection = psycopg2.connect(
            dbname="postgres", user=SUPERUSER, host=str(self.socket_dir), port=PORT
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()

    def _prepare_directories(self):
        self.root.mkdir(exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(ROOT_RUNS_AS)
            except KeyError as error:
                raise LocalDatabaseError(
                    f"Running as root needs the '{ROOT_RUNS_AS}' system user to own the "
                    "cluster; install PostgreSQL's server package, which creates it."
                ) from error
            for path in (self.root, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            if _run(["test", "-w", str(self.root)]).returncode != 0:
                raise LocalDatabaseError(
                    f"The '{ROOT_RUNS_AS}' user cannot reach {self.root}: clone the project "
                    "where every user may enter its folders (for example under /tmp or /srv)."
                )

    def _initdb(self, bindir):
        result = _run(
            [
                str(bindir / "initdb"),
                "--pgdata",
                str(self.data_dir),
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
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# ASF-portalen: a private cluster, reachable only through its socket.\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                f"port = {PORT}\n"
            )


# asf_portal/settings.py builds this cluster's URL as its default DATABASE_URL on its own, so
# that the site never imports this module; tests/tools/test_localdb.py checks the two agree.
PROJECT_CLUSTER = Cluster(BASE_DIR / ".postgres")


def main(argv):
    command = argv[1] if len(argv) > 1 else "start"
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the project's own PostgreSQL cluster is not used.")
        return 0
    try:
        if command == "start":
            PROJECT_CLUSTER.start()
            print(
                f"PostgreSQL is up: database '{DATABASE_NAME}' on socket "
                f"{PROJECT_CLUSTER.socket_dir}"
            )
        elif command == "stop":
            PROJECT_CLUSTER.stop()
        else:
            print(f"usage: python -m tools.localdb [start|stop], not {command!r}")
            return 2
    except LocalDatabaseError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
