"""Hostile files, end to end: the real command answers every one with positioned findings,
in one run, never with a traceback or a hang."""

from __future__ import annotations

import json

from conftest import TODAY_TEXT, run_cireg
from test_load import BILLION_LAUGHS

HOSTILE: dict[str, bytes] = {
    "alias-bomb.yaml": BILLION_LAUGHS,
    "deep-nesting.yaml": b"[" * 10_000 + b"]" * 10_000,
    "ten-megabytes.yaml": b"title: " + b"x" * (10 * 1024 * 1024),
    "binary-bytes.yaml": bytes(range(256)) * 4,
    "with-bom.yaml": b"\xef\xbb\xbftitle: x\n",
    "tab-indent.yaml": b"title: x\n\tstatus: idea\n",
    "two-documents.yaml": b"title: x\n---\ntitle: y\n",
    "empty-file.yaml": b"",
    "null-document.yaml": b"null\n",
    "top-level-list.yaml": b"- title: x\n",
    "top-level-scalar.yaml": b"just words\n",
    "control-chars.yaml": b"title: \x1b[31mred\n",
    "huge-numbers.yaml": b"title: Big numbers here\nstatus: idea\nowner: o\nraised_on: 2026-01-01\nreview_by: 2027-01-01\nvision:\n  statement: s\nkpis:\n  - id: k\n    name: k\n    direction: increase\n    measurements:\n      - {on: 2026-01-01, value: .nan}\n      - {on: 2026-01-02, value: 1e400}\n      - {on: 2026-01-03, value: "
    + b"7" * 5000
    + b"}\n",
}


def test_every_hostile_file_gets_findings_in_one_run(register) -> None:
    folder = register(HOSTILE)
    result = run_cireg(
        "validate",
        "--format",
        "json",
        "--today",
        TODAY_TEXT,
        str(folder),
        cwd=folder.parent,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout)
    by_file: dict[str, list[dict[str, object]]] = {}
    for finding in report["findings"]:
        by_file.setdefault(str(finding["path"]).rsplit("/", 1)[-1], []).append(finding)
        assert int(finding["line"]) >= 1 and int(finding["column"]) >= 1  # type: ignore[call-overload]
        assert finding["message"]
    assert set(by_file) == set(HOSTILE)
    assert report["summary"]["files"] == len(HOSTILE)
    rules = {name: {f["rule"] for f in found} for name, found in by_file.items()}
    assert rules["alias-bomb.yaml"] == {"alias"}
    assert rules["deep-nesting.yaml"] == {"too-large"}
    assert rules["ten-megabytes.yaml"] == {"too-large"}
    assert rules["binary-bytes.yaml"] == {"yaml-syntax"}
    assert rules["tab-indent.yaml"] == {"yaml-syntax"}
    assert rules["two-documents.yaml"] == {"yaml-syntax"}
    assert rules["control-chars.yaml"] == {"yaml-syntax"}
    for name in (
        "empty-file.yaml",
        "null-document.yaml",
        "top-level-list.yaml",
        "top-level-scalar.yaml",
        "with-bom.yaml",
    ):
        assert rules[name] == {"schema"}, name
    assert rules["huge-numbers.yaml"] == {"schema"}
    assert len(by_file["huge-numbers.yaml"]) == 3
