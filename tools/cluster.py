"""The portal past one machine, on this machine's loopback: `python -m tools.cluster start|stop`.

`start` brings up, each as a process of its own under .cluster/ (or --dir), what production
runs on several machines:
- a PostgreSQL primary (a cluster as tools/localdb.py makes one) holding the portal's data;
- a streaming replica of it, made with pg_basebackup, a hot standby on a socket of its own;
- a Redis server on a loopback port (Debian's redis-server, never the machine's own service);
- two gunicorn servers of the portal, configured only through the README's environment
  variables: DATABASE_URL (the primary), DATABASE_REPLICA_URL and REDIS_URL.
It prints the app servers' addresses, one a line, and returns. Run again, it starts only what
is not running. `stop` stops exactly what `start` started, as the state file lists it; the
data stays for the next start.

The app servers take their other settings from the environment `start` runs in (the Makefile
gives `serve`'s): a secret key, the hosts, the operator.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tools.loadtest import wait_for_server
from tools.localdb import (
    PORT,
    SUPERUSER,
    Cluster,
    LocalDatabaseError,
    _run,
    install_debian_package,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DIR = BASE_DIR / ".cluster"
SERVER_NAMES = ("a", "b")
STARTUP_SECONDS = 60


class ClusterError(Exception):
    pass


class Replica(Cluster):
    """A hot standby of `primary` that streams its WAL: made with pg_basebackup, not initdb."""

    def __init__(self, root, primary):
        super().__init__(root)
        self.primary = primary

    def _initdb(self, bindir):
        result = _run(
            [
                str(bindir / "pg_basebackup"),
                "--pgdata",
                str(self.data_dir),
                "--host",
                str(self.primary.socket_dir),
                "--port",
                str(PORT),
                "--username",
                SUPERUSER,
                "--write-recovery-conf",  # standby.signal and primary_conninfo
                "--wal-method",
                "stream",
                "--checkpoint",
                "fast",
            ]
        )
        if result.returncode != 0:
            raise LocalDatabaseError(f"pg_basebackup failed:\n{result.stdout}{result.stderr}")
        # The copied configuration names the primary's socket; the last setting counts.
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nunix_socket_directories = '{self.socket_dir}'  # the replica's own\n")


def process_is(pid, name):
    """Whether process pid runs and its command line holds name (so a pid reused by another
    program after a reboot is never signalled)."""
    try:
        return name.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False


def stop_process(pid, name, seconds=20):
    if not process_is(pid, name):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while process_is(pid, name) and time.monotonic() < deadline:
        time.sleep(0.1)
    if process_is(pid, name):
        os.kill(pid, signal.SIGKILL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """A server process on a loopback port, known by the pid file it leaves."""

    program = ""  # what its command line holds

    def __init__(self, pid_file, port):
        self.pid_file = pid_file
        self.port = port

    @property
    def pid(self):
        try:
            return int(self.pid_file.read_text())
        except (OSError, ValueError):
            return None

    def is_running(self):
        return self.pid is not None and process_is(self.pid, self.program)

    def stop(self):
        if self.pid is not None:
            stop_process(self.pid, self.program)


class Redis(Server):
    """A Redis server of the project's own on a loopback port, keeping nothing on disk."""

    program = "redis-server"

    def __init__(self, root, port):
        self.root = Path(root)
        super().__init__(self.root / "redis.pid", port)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        if self.is_running():
            return
        if port_in_use(self.port):
            raise ClusterError(f"Port {self.port} is taken: Redis cannot listen there.")
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                redis_server(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pid_file),
                "--logfile",
                str(self.root / "redis.log"),
                "--dir",
                str(self.root),
            ],
            check=True,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.answers():
            if time.monotonic() > deadline:
                raise ClusterError(f"Redis did not answer on port {self.port}; see redis.log.")
            time.sleep(0.1)

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words):
        """One command in Redis's inline form, its reply's first line ("+PONG", ":12")."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as connection:
            connection.sendall(" ".join(words).encode() + b"\r\n")
            return connection.recv(4096).split(b"\r\n")[0].decode()


def redis_server():
    """Debian's redis-server, installed where it is missing and we may (root with apt-get)."""
    if found := shutil.which("redis-server"):
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ClusterError(
            "redis-server was not found: install it (Debian and Ubuntu: sudo apt-get install "
            "redis-server; Fedora: sudo dnf install redis; macOS: brew install redis)."
        )
    print("Installing Debian's redis-server package (its own service is not started).")
    install_debian_package("redis-server")
    return shutil.which("redis-server")


class AppServer(Server):
    """A gunicorn server of the portal on a loopback port."""

    program = "gunicorn"

    def __init__(self, root, name, port):
        self.root = Path(root)
        self.name = name
        super().__init__(self.root / f"server-{name}.pid", port)
        self.log_file = self.root / f"server-{name}.log"
        self.export_dir = self.root / f"exports-{name}"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def start(self, env):
        if self.is_running():
            return
        if port_in_use(self.port):
            raise ClusterError(f"Port {self.port} is taken: app server {self.name} cannot start.")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = {
            **env,
            "BIND": f"127.0.0.1:{self.port}",
            "EXPORT_FILES_DIR": str(self.export_dir),  # each server its own: no shared disk
        }
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [gunicorn, "--config", "asf_portal/gunicorn.conf.py", "asf_portal.wsgi"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # not stopped with the shell that started it
            )
        self.pid_file.write_text(str(process.pid))
        if not wait_for_server(self.url, STARTUP_SECONDS):
            raise ClusterError(f"App server {self.name} did not answer; see {self.log_file}.")


class LoopbackCluster:
    """The primary, its replica, Redis and the app servers under one folder, with a state file
    naming the ports, so that `stop` and a second `start` find what the first started."""

    def __init__(self, root=DEFAULT_DIR):
        self.root = Path(root)
        self.state_file = self.root / "state.json"
        self.primary = Cluster(self.root / "primary")
        self.replica = Replica(self.root / "replica", self.primary)
        state = self.read_state()
        self.redis = Redis(self.root / "redis", state.get("redis_port", 0))
        ports = state.get("server_ports", [0] * len(SERVER_NAMES))
        self.servers = [
            AppServer(self.root, name, port) for name, port in zip(SERVER_NAMES, ports, strict=True)
        ]

    def read_state(self):
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def database_url(self, cluster, server):
        # The application name tells, in pg_stat_activity, which app server a connection is.
        return f"{cluster.url()}?application_name=asf-portal-{server.name}"

    def start(self, ports=(8001, 8002), env=None):
        """Start whatever is not running, on the ports asked for (0: a free one); what runs
        keeps its port. Returns the app servers."""
        self.root.mkdir(parents=True, exist_ok=True)
        for server, port in zip(self.servers, ports, strict=True):
            if not server.is_running():
                server.port = port or free_port()
        # Running app servers know Redis by its port: it keeps the one it had where it can.
        if not self.redis.is_running() and (not self.redis.port or port_in_use(self.redis.port)):
            self.redis.port = free_port()
        state = {"redis_port": self.redis.port, "server_ports": [s.port for s in self.servers]}
        self.state_file.write_text(json.dumps(state))
        env = dict(os.environ if env is None else env)
        self.primary.start()
        self.manage(env, "migrate", "--noinput")
        self.manage(env, "load_published_data")
        self.replica.start(database=None)
        self.redis.start()
        for server in self.servers:
            server.start(
                {
                    **env,
                    "DATABASE_URL": self.database_url(self.primary, server),
                    "DATABASE_REPLICA_URL": self.database_url(self.replica, server),
                    "REDIS_URL": self.redis.url,
                }
            )
        return self.servers

    def manage(self, env, *arguments):
        """A manage.py command against the primary."""
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": self.primary.url()},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ClusterError(f"manage.py {arguments[0]} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def stop(self):
        for server in self.servers:
            server.stop()
        self.redis.stop()
        for cluster in (self.replica, self.primary):
            if (cluster.data_dir / "PG_VERSION").exists():
                cluster.stop()

    def remove(self):
        """Stop everything and delete its data, the folders a link leads to included."""
        self.stop()
        for cluster in (self.primary, self.replica):
            if cluster.root.is_symlink():
                shutil.rmtree(cluster.root.resolve(), ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where it all lives")
    parser.add_argument(
        "--ports", type=int, nargs=2, default=(8001, 8002), help="the app servers' ports"
    )
    arguments = parser.parse_args(argv)
    cluster = LoopbackCluster(arguments.dir)
    try:
        if arguments.command == "stop":
            cluster.stop()
            return 0
        for server in cluster.start(arguments.ports):
            print(server.url)
    except (ClusterError, LocalDatabaseError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
