"""Shared test helpers. Every test pins "today" so that date rules never rot."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests (test_properties.py): a bounded, repeatable run by default, in CI too; a long
# random search for maintainers with CIREG_HYPOTHESIS_PROFILE=long (see the README).
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=150, deadline=None, derandomize=True, suppress_health_check=_SLOW_DATA
)
settings.register_profile(
    "long", max_examples=5_000, deadline=None, suppress_health_check=_SLOW_DATA
)
settings.load_profile(os.environ.get("CIREG_HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY_TEXT = "2026-11-15"
TODAY = dt.date.fromisoformat(TODAY_TEXT)


def run_cireg(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as CI would."""
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    }
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cireg", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def register(tmp_path: Path):
    """A fresh, empty register folder; call it with {name: text or bytes} to fill it."""
    folder = tmp_path / "initiatives"
    folder.mkdir()

    def fill(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return fill


@pytest.fixture(scope="session")
def reference_site(tmp_path_factory: pytest.TempPathFactory):
    """The reference register's site, built once per test session with `mkdocs build
    --strict` from a copy of the project."""
    from sitebuild import build_site, copy_project

    project = copy_project(tmp_path_factory.mktemp("reference") / "project")
    built = build_site(project)
    assert built.ok, built.output
    return built


# --- browser tests (see browser.py) ----------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, one browser for the session."""
    from browser import CHROMIUM_ARGS, find_chromium, unavailable

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        unavailable(
            "no Chromium found (install Debian's package: apt-get install chromium, "
            "or set CIREG_CHROMIUM to a Chromium executable)"
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Exception as error:  # the browser is there but does not start
            unavailable(f"Chromium at {executable} did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(reference_site):
    """The built reference site, served on 127.0.0.1 for the session."""
    from browser import serve_folder

    with serve_folder(reference_site.site) as url:
        yield url


@pytest.fixture
def open_context(chromium):
    """Opens browser contexts (viewport, colour scheme, JavaScript) closed after the test."""
    from browser import DESKTOP

    contexts = []

    def open_one(**options):
        options.setdefault("viewport", DESKTOP)
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture
def visit(open_context, site_url):
    """A page of the reference site on a desktop screen in the light palette. After the test
    it must have made no request to another host and logged no console error."""
    from browser import start_visit

    current = start_visit(open_context(color_scheme="light"), site_url)
    yield current
    assert not current.problems(), current.problems()
