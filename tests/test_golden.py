"""Golden outputs: the reference site (cireg's files and every page's content), byte for byte, and every report format over the whole
fixture corpus, as they were when the golden files were last written.

A change that is meant to alter output rewrites them on purpose:

    CIREG_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py

and the diff of tests/golden/ then shows, in review, every page and line that changed. A
refactoring must leave them as they are."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cireg.check import check_register
from cireg.render.register_json import render_register_json
from cireg.report import RENDERERS, Summary, render_step_summary
from cireg.rules.files import DisplayPath
from conftest import FIXTURES, TODAY

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CIREG_UPDATE_GOLDEN") == "1"
# MkDocs stamps these with the day of the build.
BUILD_DATED = frozenset({"sitemap.xml", "sitemap.xml.gz"})
# Files of the theme and its search plugin, not cireg's.
THEME_OWNED = ("assets/javascripts/", "assets/stylesheets/", "assets/images/", "search/")
WORKING = "/golden-register"  # the working folder that stands for the run's own in reports


def _compare(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="")
        return
    assert golden.is_file(), f"no golden {name}; write it with CIREG_UPDATE_GOLDEN=1"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from the golden copy (CIREG_UPDATE_GOLDEN=1 rewrites it on purpose)"
    )


def test_the_reference_site_is_byte_for_byte_the_golden_one(reference_site) -> None:
    """Every file cireg makes, and the content of every page: the theme's own files and page
    chrome change with each Material release, so they are left out."""
    site: Path = reference_site.site
    lines = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        if relative in BUILD_DATED or relative.startswith(THEME_OWNED):
            continue
        data = path.read_bytes()
        if relative.endswith(".html"):
            article = BeautifulSoup(data, "html.parser").find("article")
            data = str(article).encode("utf-8") if article is not None else b""
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {relative}\n")
    _compare("reference-site.sha256", "".join(lines))


def test_register_json_is_the_golden_one(reference_site) -> None:
    _compare("register.json", (reference_site.site / "register.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture file in one register: valid and invalid ones side by side."""
    folder = tmp_path_factory.mktemp("golden") / "initiatives"
    folder.mkdir()
    for kind in ("valid", "invalid"):
        for fixture in sorted((FIXTURES / kind).glob("*.yaml")):
            shutil.copy(fixture, folder / fixture.name)
    return folder


@pytest.mark.parametrize("report_format", ["text", "json", "github", "sarif", "gitlab"])
def test_every_report_format_over_the_fixture_corpus_is_the_golden_one(
    corpus: Path, report_format: str
) -> None:
    register = check_register(str(corpus), TODAY, DisplayPath(str(corpus.parent)))
    summary = Summary.of(register.findings, register.files)
    if report_format == "sarif":
        from cireg.report import render_sarif

        text = render_sarif(register.findings, summary, working_folder=WORKING)
    else:
        text = RENDERERS[report_format](register.findings, summary)
    _compare(f"reports/corpus.{report_format}", text)


def test_the_job_summary_over_the_fixture_corpus_is_the_golden_one(corpus: Path) -> None:
    register = check_register(str(corpus), TODAY, DisplayPath(str(corpus.parent)))
    summary = Summary.of(register.findings, register.files)
    _compare("reports/corpus.summary.md", render_step_summary(register.findings, summary))


def test_the_export_of_the_fixture_corpus_is_the_golden_one(corpus: Path) -> None:
    register = check_register(str(corpus), TODAY, DisplayPath(str(corpus.parent)))
    exported = render_register_json(register, TODAY).encode("utf-8")
    # A megabyte of JSON: its digest is kept; the reference register.json above shows diffs.
    _compare("reports/corpus.register.json.sha256", hashlib.sha256(exported).hexdigest() + "\n")
