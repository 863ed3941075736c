"""The fixture corpus, turned into tests automatically.

Every YAML file under fixtures/valid and fixtures/invalid is checked alone, in a register
folder of its own, with today pinned. A file states what it must produce in comment lines:

    # expect: smart-time-bound 31:7

one line per finding (rule, line, column). Files in valid/ state nothing and must produce
no finding at all. Each folder under fixtures/registers is a whole register whose files state
their expectations the same way (for rules that need several files)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cireg.check import check_register
from cireg.rules import RULES
from cireg.rules.files import DisplayPath
from conftest import FIXTURES, TODAY

EXPECT = re.compile(r"^# expect: (?P<rule>[a-z-]+) (?P<line>\d+):(?P<column>\d+)\s*$", re.M)


def expectations(path: Path) -> set[tuple[str, int, int]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return {(m["rule"], int(m["line"]), int(m["column"])) for m in EXPECT.finditer(text)}


def found(folder: Path) -> dict[str, set[tuple[str, int, int]]]:
    register = check_register(str(folder), TODAY, DisplayPath(str(folder)))
    result: dict[str, set[tuple[str, int, int]]] = {}
    for finding in register.findings:
        result.setdefault(finding.path, set()).add((finding.rule, finding.line, finding.column))
    return result


def _files(kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).glob("*.yaml"))


@pytest.mark.parametrize("fixture", _files("valid"), ids=lambda p: p.stem)
def test_valid_fixture_has_no_findings(fixture: Path, tmp_path: Path) -> None:
    assert not expectations(fixture), "valid fixtures expect nothing"
    shutil.copy(fixture, tmp_path / fixture.name)
    assert found(tmp_path) == {}


@pytest.mark.parametrize("fixture", _files("invalid"), ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_its_findings(fixture: Path, tmp_path: Path) -> None:
    expected = expectations(fixture)
    assert expected, f"{fixture.name} states no `# expect:` line"
    shutil.copy(fixture, tmp_path / fixture.name)
    assert found(tmp_path).get(fixture.name, set()) == expected


@pytest.mark.parametrize(
    "folder",
    sorted(p for p in (FIXTURES / "registers").iterdir() if p.is_dir()),
    ids=lambda p: p.name,
)
def test_register_fixture_gives_exactly_its_findings(folder: Path) -> None:
    expected = {p.name: expectations(p) for p in folder.glob("*.yaml")}
    expected = {name: rules for name, rules in expected.items() if rules}
    assert found(folder) == expected


def test_every_rule_has_a_failing_and_a_passing_fixture() -> None:
    failing = {rule for path in _files("invalid") for rule, _l, _c in expectations(path)}
    for folder in (FIXTURES / "registers").iterdir():
        for path in folder.glob("*.yaml"):
            failing |= {rule for rule, _l, _c in expectations(path)}
    # file-name needs links and sub-folders; tests/test_files.py builds those on the fly.
    missing = set(RULES) - failing - {"file-name", "too-large"}
    assert not missing, f"rules with no failing fixture: {sorted(missing)}"
    passing_names = {p.stem for p in _files("valid")}
    without_pass = {
        rule for rule in RULES if not any(name.startswith(rule) for name in passing_names)
    }
    assert not without_pass, (
        f"rules with no fixture that must not trigger them: {sorted(without_pass)}"
    )
