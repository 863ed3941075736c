"""The browser tests' own plumbing: where Chromium is looked for, and that a missing browser
skips locally but fails where CI requires it. These run without any browser."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

import browser


def test_missing_browser_skips_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CIREG_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: no Chromium"):
        browser.unavailable("no Chromium found")


@pytest.mark.parametrize("value", ["1", "yes"])
def test_missing_browser_fails_where_required(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CIREG_REQUIRE_BROWSER", value)
    with pytest.raises(pytest.fail.Exception, match="CIREG_REQUIRE_BROWSER"):
        browser.unavailable("no Chromium found")


def test_required_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIREG_REQUIRE_BROWSER", "0")
    assert not browser.browser_required()


def test_chromium_is_looked_up_on_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CIREG_CHROMIUM", raising=False)
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser.find_chromium() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert browser.find_chromium() is None


def test_an_explicit_chromium_must_be_executable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_executable = tmp_path / "chrome"
    not_executable.write_text("")
    monkeypatch.setenv("CIREG_CHROMIUM", str(not_executable))
    assert browser.find_chromium() is None
    not_executable.chmod(0o755)
    assert browser.find_chromium() == str(not_executable)


def test_the_folder_server_listens_on_loopback_only(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>hello</p>")
    with browser.serve_folder(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url) as response:
            assert response.read() == b"<p>hello</p>"
