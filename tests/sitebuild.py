"""Building sites in tests: a copy of the reference project in a temporary folder, built by
the real `mkdocs build` in a child process (or in-process, to play `mkdocs serve`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import REPO, TODAY_TEXT

PROJECT_PARTS = ("mkdocs.yml", "site_src", "initiatives", "schemas")


def copy_project(destination: Path) -> Path:
    """The reference register's project (site config, pages, initiatives) in `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


@dataclass
class Build:
    project: Path
    site: Path
    returncode: int
    output: str  # stdout and stderr together, as a reader of the terminal sees them

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def html(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / relative).read_text(encoding="utf-8"), "html.parser")

    def page(self, src_uri: str) -> BeautifulSoup:
        """The built page of a Markdown source, e.g. `initiatives/x.md` or `backlog.md`."""
        stem = src_uri[: -len(".md")]
        relative = "index.html" if stem == "index" else f"{stem}/index.html"
        return self.html(relative)


def build_site(project: Path, *, strict: bool = True, timeout: float = 180) -> Build:
    """Run `mkdocs build` on `project`, as a newcomer would, into `project/site`."""
    site = project / "site"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")]
    command += ["-d", str(site)] + (["--strict"] if strict else [])
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Build(project, site, done.returncode, done.stdout + done.stderr)


def serve_build(project: Path) -> Build:
    """One build as `mkdocs serve` makes it (in-process), into `project/site`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = project / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    output = ""
    try:
        build(config)
        code = 0
    except Exception:  # MkDocs aborts with click's Abort; any exception is a failed build
        code = 1
        output = traceback.format_exc()  # what went wrong, for the failing test to show
    return Build(project, site, code, output)


__all__ = ["TODAY_TEXT", "Build", "build_site", "copy_project", "serve_build"]
