import pytest

from asf_portal import localdb


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
