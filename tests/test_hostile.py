"""The hostile register (tests/hostile_corpus.py), end to end: every case gives its findings
with positions, alone in the core within a second and all together through the real command
line, `mkdocs build` and a serve-mode build; no traceback, no hang, nothing read from outside
the register, and no initiative file without its page and record."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cireg.check import check_register
from cireg.findings import Severity
from cireg.render.layout import file_name_of
from cireg.report import one_line, well_formed
from cireg.rules.files import DisplayPath
from conftest import REPO, TODAY, TODAY_TEXT, run_cireg
from hostile_corpus import (
    OUTSIDE_CANARY,
    Expected,
    HostileCase,
    all_cases,
    initiative_files,
    make_outside,
    write_entries,
)
from sitebuild import Build, build_site, copy_project, serve_build

CASES = all_cases()
RULES = {"alias", "duplicate-key", "too-large", "yaml-syntax", "file-name", "schema"}
# A case must answer in this much processor time (the issue: "within a second"). Processor
# time, not wall time, so that a busy CI machine cannot fail it; a hang fails it.
CPU_SECONDS_PER_CASE = 1.0


def by_entry(findings: list[tuple[str, str, int, int]]) -> dict[str, Expected]:
    grouped: dict[str, Expected] = {}
    for path, rule, line, column in findings:
        grouped.setdefault(path.rsplit("/", 1)[-1], []).append((rule, line, column))
    return grouped


def expected_of(
    cases: list[HostileCase], shown: Callable[[str], str] = lambda name: name
) -> dict[str, Expected]:
    """The findings expected per entry, the entry named as `shown` makes it look (as the
    reports print file names: JSON with `well_formed`, text lines with `one_line`)."""
    return {shown(name): found for case in cases for name, found in case.expected.items() if found}


def hostile_register(root: Path, cases: list[HostileCase]) -> Path:
    """`root/initiatives` holding every entry of `cases`, and `root/outside` for links."""
    make_outside(root)
    folder = root / "initiatives"
    folder.mkdir(exist_ok=True)
    for case in cases:
        write_entries(folder, case.files)
    return folder


def test_every_case_lists_every_entry_it_makes() -> None:
    for case in CASES:
        assert set(case.expected) == set(case.files), case.name
        for found in case.expected.values():
            assert {rule for rule, _, _ in found} <= RULES, case.name
    names = [name for case in CASES for name in case.files]
    assert len(names) == len(set(names)), "two cases make the same entry"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_case_alone_gives_its_findings_within_a_second(
    case: HostileCase, tmp_path: Path
) -> None:
    folder = hostile_register(tmp_path, [case])
    started = time.process_time()
    register = check_register(str(folder), TODAY, DisplayPath(str(folder)))
    spent = time.process_time() - started
    found = [(f.path, f.rule, f.line, f.column) for f in register.findings]
    assert by_entry(found) == expected_of([case])
    for finding in register.findings:
        assert finding.message.strip() and finding.severity is Severity.ERROR
    assert spent < CPU_SECONDS_PER_CASE, f"{case.name} took {spent:.2f} s of processor time"
    # Every initiative file is accounted for: read as an initiative or listed as unreadable.
    accounted = {i.id for i in register.initiatives} | {c.id for c in register.unreadable}
    assert accounted == {name[: -len(".yaml")] for name in initiative_files([case])}


def test_every_case_at_once_through_the_command_line(tmp_path: Path) -> None:
    folder = hostile_register(tmp_path, CASES)
    result = run_cireg(
        "validate", "--format", "json", "--today", TODAY_TEXT, "initiatives", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    found = [(f["path"], f["rule"], f["line"], f["column"]) for f in report["findings"]]
    assert by_entry(found) == expected_of(CASES, well_formed)
    assert all(str(f["path"]).startswith("initiatives/") for f in report["findings"])
    assert report["summary"]["files"] == sum(len(case.files) for case in CASES)
    assert OUTSIDE_CANARY not in result.stdout + result.stderr
    assert folder.is_dir()


# --- the site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference project with the whole hostile corpus added to its register."""
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    hostile_register(project, CASES)
    return project


@pytest.fixture(scope="module")
def hostile_build(hostile_project: Path) -> Build:
    return build_site(hostile_project)


@pytest.fixture(scope="module")
def hostile_served(hostile_project: Path) -> Build:
    return serve_build(hostile_project)


def test_the_build_fails_naming_every_bad_file_and_line(hostile_build: Build) -> None:
    output = hostile_build.output
    assert hostile_build.returncode != 0, output[-2000:]
    assert "Traceback" not in output
    expected = expected_of(CASES, one_line)
    errors = sum(len(found) for found in expected.values())
    assert output.count(f"the register has {errors} errors") == 1, output[-2000:]
    # A file name may itself read like `name:9:9: error:`: take the longest known name that
    # starts the line, then its position and rule.
    names = sorted(expected, key=len, reverse=True)
    got: dict[str, Expected] = {}
    for text in output.splitlines():
        text = text.strip()
        name = next((n for n in names if text.startswith(f"initiatives/{n}:")), None)
        if name is None:
            continue
        where = re.match(
            r":(\d+):(\d+): error: .*\[([a-z-]+)\]$", text[len(f"initiatives/{name}") :]
        )
        assert where is not None, text
        got.setdefault(name, []).append((where[3], int(where[1]), int(where[2])))
    assert got == expected
    assert OUTSIDE_CANARY not in output


def test_serve_gives_every_initiative_file_a_page_and_a_record(hostile_served: Build) -> None:
    assert hostile_served.ok, hostile_served.output
    site = hostile_served.site
    reference = sorted(p.name for p in (REPO / "initiatives").glob("*.yaml"))
    files = sorted(name[: -len(".yaml")] for name in initiative_files(CASES) + reference)
    pages = sorted(p.parent.name for p in (site / "initiatives").glob("*/index.html"))
    assert pages == sorted(file_name_of(name) for name in files)
    record = json.loads((site / "register.json").read_text(encoding="utf-8"))
    readable = {entry["id"] for entry in record["initiatives"]}
    unreadable = {
        str(entry["path"]).rsplit("/", 1)[-1][: -len(".yaml")]
        for entry in record["unreadable"]
        if str(entry["path"]).endswith(".yaml")
    }
    assert readable <= set(files)
    assert set(files) <= readable | unreadable
    assert record["summary"]["files"] == sum(len(c.files) for c in CASES) + len(reference)


def test_nothing_from_outside_the_register_reaches_the_site(hostile_served: Build) -> None:
    assert hostile_served.ok
    for path in hostile_served.site.rglob("*"):
        if path.is_file():
            assert OUTSIDE_CANARY.encode() not in path.read_bytes(), path
    # No page for the sub-folder's files, nor for what the links point at.
    initiatives = hostile_served.site / "initiatives"
    for name in ("old-idea", "escape", "secret", "link-out-of-the-register", "dangling-link"):
        assert not (initiatives / name).exists(), name


def test_a_date_at_either_end_of_the_calendar_renders(hostile_served: Build) -> None:
    for name in ("last-day-of-9999-is-fine", "first-day-of-year-one-is-fine"):
        page = hostile_served.page(f"initiatives/{name}.md")
        assert page.select("article svg"), name  # the KPI chart was drawn
        assert not page.select(".cireg-findings"), name


@pytest.mark.parametrize(
    "command",
    [
        ("export", "--format", "json", "-o", "out.json", "initiatives"),
        ("export", "--format", "csv", "-o", "out.csv", "initiatives"),
        ("generate", "generated", "-f", "mkdocs.yml"),
    ],
    ids=["export-json", "export-csv", "generate"],
)
def test_the_other_commands_answer_the_corpus_with_findings(
    hostile_project: Path, command: tuple[str, ...]
) -> None:
    result = run_cireg(*command, "--today", TODAY_TEXT, cwd=hostile_project, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "initiatives/alias-bomb.yaml:2:8: error:" in result.stderr
    assert OUTSIDE_CANARY not in result.stdout + result.stderr
    if command[0] == "generate":
        assert not (hostile_project / "generated").exists()  # nothing written on errors
    else:
        written = (hostile_project / command[4]).read_text(encoding="utf-8")
        assert OUTSIDE_CANARY not in written
