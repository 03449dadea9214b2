"""Setting up `make cluster` on a fresh machine: Debian's redis-server installed where it is
missing (its own service never started), or the command to install it named. The cluster
itself is tested in tests/cluster/."""

import pytest

from tools import cluster, localdb

# A stand-in for apt-get: notes how it was called and what policy-rc.d answers (whether the
# package's own service may start), and "installs" redis-server.
APT_GET = """#!/bin/sh
echo "apt-get $*" >> {log}
if [ "$1" = install ]; then
  {policy}; echo "policy-rc.d says $?" >> {log}
  printf '#!/bin/sh\\n' > {bin}/redis-server && /bin/chmod +x {bin}/redis-server
fi
"""


@pytest.fixture
def no_redis(monkeypatch, tmp_path):
    """A machine with nothing on PATH: no redis-server, no apt-get."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(localdb, "POLICY_RC_D", tmp_path / "policy-rc.d")
    return tmp_path


def test_without_apt_the_commands_for_each_system_are_named(no_redis):
    with pytest.raises(cluster.ClusterError) as error:
        cluster.redis_server()
    for command in ["apt-get install redis-server", "dnf install redis", "brew install redis"]:
        assert command in str(error.value)


def test_as_root_with_apt_debians_redis_server_comes_without_starting_its_service(
    no_redis, monkeypatch
):
    log = no_redis / "apt.log"
    apt_get = no_redis / "bin" / "apt-get"
    apt_get.write_text(APT_GET.format(log=log, policy=localdb.POLICY_RC_D, bin=no_redis / "bin"))
    apt_get.chmod(0o755)
    monkeypatch.setattr(cluster.os, "geteuid", lambda: 0)

    assert cluster.redis_server() == str(no_redis / "bin" / "redis-server")

    assert log.read_text().splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends redis-server",
        "policy-rc.d says 101",
    ]
    assert not localdb.POLICY_RC_D.exists()  # only while installing
