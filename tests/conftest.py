"""Shared test helpers. Every test pins "today" so that date rules never rot."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
