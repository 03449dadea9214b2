import pytest

from tests.browser.conftest import chromium_path


def test_a_missing_chromium_fails_and_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium-here"))
    with pytest.raises(pytest.fail.Exception) as failure:
        chromium_path()
    assert "apt-get install chromium" in str(failure.value)


def test_the_browser_is_the_machines_own(monkeypatch):
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    assert chromium_path().endswith("chromium")
