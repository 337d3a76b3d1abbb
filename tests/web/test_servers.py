"""The test helpers' own promise: without Chromium the browser tests fail, unless told to skip on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web import servers


def test_a_missing_browser_fails_the_browser_tests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(servers, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv(servers.SKIP_BROWSER, raising=False)
    with pytest.raises(pytest.fail.Exception, match="make browser"):
        servers.chromium_or_fail()
    monkeypatch.setenv(servers.SKIP_BROWSER, "0")
    with pytest.raises(pytest.fail.Exception):
        servers.chromium_or_fail()


def test_the_browser_tests_skip_only_when_told_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(servers, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv(servers.SKIP_BROWSER, "1")
    with pytest.raises(pytest.skip.Exception, match=servers.SKIP_BROWSER):
        servers.chromium_or_fail()


def test_an_installed_browser_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "chromium").write_text("")
    monkeypatch.setattr(servers, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(servers.SKIP_BROWSER, "1")
    servers.chromium_or_fail()  # neither fails nor skips
