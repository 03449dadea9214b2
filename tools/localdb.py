"""The project's own PostgreSQL cluster, for when no DATABASE_URL is given.

`python -m tools.localdb start` creates the cluster on first use (initdb),
starts it if it is not running and makes sure the portal's database exists; it
is safe to call again and again. The cluster listens only on a unix socket
inside the project, so it never collides with a server already on the machine.

initdb refuses to run as root, so when we are root (as on CI) the cluster is
owned and run by the `postgres` system user instead.

Where the server binaries are missing, root with apt-get gets Debian's server package
(without a cluster of Debian's own); anyone else is told what to install. A server built
without ICU lacks the Swedish collation, and is turned down at start with a plain message.
"""

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DEBIAN_SERVER_ROOT = Path("/usr/lib/postgresql")
HOMEBREW_ROOTS = (Path("/opt/homebrew/opt"), Path("/usr/local/opt"))
SUPERUSER = "postgres"
DATABASE_NAME = "asf_portal"
PORT = 5432  # only names the socket file; nothing listens on TCP

ROOT_RUNS_AS = "postgres"
# Root's clusters live here when that user cannot enter the clone (a clone under /root, mode
# 700): the clone's .postgres is then a link to the cluster's folder here.
ROOT_CLUSTERS = Path("/var/lib/asf-portal")

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
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them (Debian and "
    "Ubuntu: sudo apt-get install postgresql; Fedora: sudo dnf install postgresql-server; "
    "macOS: brew install postgresql@18) or set DATABASE_URL to a PostgreSQL database."
)
# The portal's names sort by this collation (SWEDISH_COLLATION in the settings); PostgreSQL
# has it only when it was built with ICU.
SWEDISH_COLLATION = "sv-SE-x-icu"
NO_ICU = (
    "This PostgreSQL was built without ICU, so it lacks the Swedish collation sv-SE-x-icu "
    "the portal sorts by: install one built with ICU (Debian's, Ubuntu's, Fedora's and "
    "Homebrew's packages are) or set DATABASE_URL to a database on one."
)
# When Debian's server package is installed, its scripts make a cluster of their own ("main",
# on port 5432) unless told not to here, and start the server through invoke-rc.d unless
# policy-rc.d says no. The project runs its own cluster, so neither is wanted.
CREATECLUSTER_CONF = Path("/etc/postgresql-common/createcluster.conf")
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")


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
    # Homebrew's postgresql@N is not linked onto PATH.
    for root in HOMEBREW_ROOTS:
        candidates.extend(sorted(root.glob("postgresql@*/bin"), reverse=True))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise LocalDatabaseError(MISSING_BINARIES)


def server_binaries():
    """find_bindir(), after installing Debian's server package where it is missing and we may."""
    try:
        return find_bindir()
    except LocalDatabaseError:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise
    print("Installing Debian's PostgreSQL server package (Debian's own cluster is not made).")
    CREATECLUSTER_CONF.parent.mkdir(parents=True, exist_ok=True)
    with CREATECLUSTER_CONF.open("a") as conf:
        conf.write("# ASF-portalen runs a cluster of its own.\ncreate_main_cluster = false\n")
    install_debian_package("postgresql")
    return find_bindir()


def install_debian_package(package):
    """apt-get install, without starting the service the package brings: the project starts
    its own servers, never the machine's."""
    added_policy = not POLICY_RC_D.exists()
    if added_policy:
        POLICY_RC_D.write_text("#!/bin/sh\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
    # ucf keeps the configuration files written before (createcluster.conf above).
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "UCF_FORCE_CONFFOLD": "1"}
    try:
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        ):
            result = subprocess.run(command, env=env, text=True, capture_output=True, check=False)
            if result.returncode != 0:
                raise LocalDatabaseError(
                    f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
                )
    finally:
        if added_policy:
            POLICY_RC_D.unlink()


def _as_owner(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", ROOT_RUNS_AS, "--", *command]
    return command


def _run(command, **kwargs):
    return subprocess.run(_as_owner(command), check=False, text=True, capture_output=True, **kwargs)


def check_swedish_collation(cursor):
    cursor.execute(
        "SELECT 1 FROM pg_collation WHERE collname = %s AND collprovider = 'i'",
        [SWEDISH_COLLATION],
    )
    if cursor.fetchone() is None:
        raise LocalDatabaseError(NO_ICU)


class Cluster:
    """A PostgreSQL cluster in a folder of its own: data in data/, the socket in run/."""

    def __init__(self, root):
        self.root = Path(root)

    # The server's own paths are taken through the link to ROOT_CLUSTERS where there is one: the
    # server's user reaches them there, and not through the clone.
    @property
    def data_dir(self):
        return self.root.resolve() / "data"

    @property
    def socket_dir(self):
        return self.root.resolve() / "run"

    @property
    def log_file(self):
        return self.root.resolve() / "server.log"

    def url(self, name=DATABASE_NAME):
        """The DATABASE_URL of a database of this cluster: the socket directory as its host,
        named inside the clone as the portal's settings name it."""
        socket_dir = quote(str(self.root / "run"), safe="")
        return f"postgres://{SUPERUSER}@{socket_dir}:{PORT}/{name}"

    def start(self, database=DATABASE_NAME):
        bindir = server_binaries()
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
            check_swedish_collation(cursor)
        connection.close()

    def _prepare_directories(self):
        if os.geteuid() == 0 and not self._server_user_can_enter(self.root.parent):
            self._link_to_root_clusters()
        self.root.resolve().mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(ROOT_RUNS_AS)
            except KeyError as error:
                raise LocalDatabaseError(
                    f"Running as root needs the '{ROOT_RUNS_AS}' system user to own the "
                    "cluster; install PostgreSQL's server package, which creates it."
                ) from error
            for path in (self.root.resolve(), self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            if _run(["test", "-w", str(self.root.resolve())]).returncode != 0:
                raise LocalDatabaseError(
                    f"The '{ROOT_RUNS_AS}' user cannot reach {self.root.resolve()}: clone the "
                    "project where every user may enter its folders (for example under /srv)."
                )

    @staticmethod
    def _server_user_can_enter(folder):
        return _run(["test", "-x", str(folder)]).returncode == 0

    def _link_to_root_clusters(self):
        """Root's clone where the server's user cannot enter (under /root): the cluster is made
        in a folder of its own under ROOT_CLUSTERS, named by the clone's path, and linked."""
        if self.root.is_symlink():
            return
        if (self.root / "data" / "PG_VERSION").exists():
            return  # a cluster made here before stays where it is
        shutil.rmtree(self.root, ignore_errors=True)  # an empty one from an earlier attempt
        key = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        elsewhere = ROOT_CLUSTERS / f"{self.root.parent.name}-{key}"
        elsewhere.mkdir(parents=True, exist_ok=True)
        self.root.symlink_to(elsewhere, target_is_directory=True)

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
