"""`cireg validate --format gitlab`: a GitLab Code Quality report (Code Climate issues)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from cireg.cli import main
from cireg.findings import Finding, Severity
from cireg.report import FORMATS, RENDERERS, Summary, render_gitlab
from conftest import TODAY_TEXT, run_cireg

IDEA = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: {review}\nvision:\n  statement: Better.\n"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def issues(findings: list[Finding]) -> list[dict[str, object]]:
    summary = Summary.of(findings, 1)
    parsed: list[dict[str, object]] = json.loads(render_gitlab(findings, summary))
    return parsed


def fingerprints(findings: list[Finding]) -> list[object]:
    return [issue["fingerprint"] for issue in issues(findings)]


def test_gitlab_is_a_format_of_the_command_line() -> None:
    assert "gitlab" in FORMATS
    assert RENDERERS["gitlab"] is render_gitlab


def test_the_exact_shape_of_an_issue() -> None:
    error = Finding("initiatives/a.yaml", 3, 9, Severity.ERROR, "schema", "`status` is wrong")
    warning = Finding("initiatives/b.yaml", 5, 12, Severity.WARNING, "stale-review", "two\nlines")
    first, second = issues([error, warning])
    assert first == {
        "type": "issue",
        "check_name": "schema",
        "description": "`status` is wrong [schema]",
        "categories": ["Bug Risk"],
        "severity": "major",
        "fingerprint": first["fingerprint"],
        "location": {"path": "initiatives/a.yaml", "lines": {"begin": 3}},
    }
    assert SHA256_HEX.fullmatch(str(first["fingerprint"]))
    # The fingerprint is sha256 over path, rule, message and the occurrence number.
    expected = json.dumps(["initiatives/a.yaml", "schema", "`status` is wrong", 0])
    assert first["fingerprint"] == hashlib.sha256(expected.encode()).hexdigest()
    assert second["severity"] == "minor"
    assert second["description"] == "two\\nlines [stale-review]"  # one line, like the text report
    assert second["location"] == {"path": "initiatives/b.yaml", "lines": {"begin": 5}}


def test_a_clean_register_is_an_empty_list() -> None:
    assert render_gitlab([], Summary(0, 0, 3)) == "[]\n"


def test_fingerprints_survive_lines_moving() -> None:
    before = [
        Finding("a.yaml", 4, 3, Severity.ERROR, "schema", "bad key"),
        Finding("a.yaml", 9, 3, Severity.WARNING, "overdue", "late"),
    ]
    after = [
        Finding("a.yaml", 14, 1, Severity.ERROR, "schema", "bad key"),
        Finding("a.yaml", 30, 7, Severity.WARNING, "overdue", "late"),
    ]
    assert fingerprints(before) == fingerprints(after)


def test_fingerprints_change_with_path_rule_or_message() -> None:
    base = Finding("a.yaml", 4, 3, Severity.ERROR, "schema", "bad key")
    variants = [
        base,
        Finding("b.yaml", 4, 3, Severity.ERROR, "schema", "bad key"),
        Finding("a.yaml", 4, 3, Severity.ERROR, "alias", "bad key"),
        Finding("a.yaml", 4, 3, Severity.ERROR, "schema", "bad value"),
        # The parts are kept apart: moving text across a boundary is another finding.
        Finding("a.yaml", 4, 3, Severity.ERROR, "schem", "abad key"),
    ]
    prints = [fingerprints([finding])[0] for finding in variants]
    assert len(set(prints)) == len(prints)


def test_repeated_identical_findings_get_distinct_stable_fingerprints() -> None:
    same = [Finding("a.yaml", line, 1, Severity.ERROR, "schema", "bad key") for line in (2, 5, 9)]
    prints = fingerprints(same)
    assert len(set(prints)) == 3
    # An unrelated finding in between, and all of them moved, changes nothing.
    moved = [
        Finding("a.yaml", 1, 1, Severity.WARNING, "stale-review", "review"),
        *[
            Finding("a.yaml", line + 10, 1, Severity.ERROR, "schema", "bad key")
            for line in (2, 5, 9)
        ],
    ]
    assert fingerprints(moved)[1:] == prints
    # The same finding in another file is another issue.
    other = [Finding("b.yaml", 2, 1, Severity.ERROR, "schema", "bad key")]
    assert fingerprints(other)[0] not in prints


def test_the_report_is_json_text_as_written() -> None:
    finding = Finding("initiatives/ü.yaml", 1, 1, Severity.ERROR, "schema", "got `ä` & <b>")
    text = render_gitlab([finding], Summary(1, 0, 1))
    assert text.endswith("\n")
    assert "ä" in text  # UTF-8, like the other JSON reports
    assert json.loads(text)[0]["description"] == "got `ä` & <b> [schema]"


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_writes_the_report(register) -> None:
    folder = register(
        {
            "bad-one.yaml": IDEA.format(review="2026-01-01").replace("A small idea", "x"),
            "good-one.yaml": IDEA.format(review="2027-01-01"),
        }
    )
    result = run_cireg(
        "validate", "--format", "gitlab", "--today", TODAY_TEXT, str(folder), cwd=folder.parent
    )
    assert result.returncode == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)  # nothing but the JSON: no summary line after it
    assert [(i["check_name"], i["severity"]) for i in report] == [
        ("schema", "major"),
        ("stale-review", "minor"),
    ]
    for issue in report:
        assert issue["type"] == "issue"
        assert issue["location"]["path"] == "initiatives/bad-one.yaml"
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["description"].endswith(f" [{issue['check_name']}]")
        assert SHA256_HEX.fullmatch(issue["fingerprint"])


@pytest.mark.parametrize(("strict", "status"), [(False, 0), (True, 1)])
def test_exit_status_is_the_same_as_with_text(
    register, capsys: pytest.CaptureFixture[str], strict: bool, status: int
) -> None:
    folder = register({"stale-one.yaml": IDEA.format(review="2026-01-01")})
    options = ["--strict"] if strict else []
    args = ["validate", *options, "--today", TODAY_TEXT, str(folder)]
    assert main([*args, "--format", "text"]) == status
    capsys.readouterr()
    assert main([*args, "--format", "gitlab"]) == status
    (issue,) = json.loads(capsys.readouterr().out)
    assert issue["check_name"] == "stale-review" and issue["severity"] == "minor"


def test_a_clean_register_prints_an_empty_list(register, capsys) -> None:
    folder = register({"good-one.yaml": IDEA.format(review="2027-01-01")})
    assert main(["validate", "--format", "gitlab", "--today", TODAY_TEXT, str(folder)]) == 0
    assert capsys.readouterr().out == "[]\n"
