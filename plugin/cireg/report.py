"""The one reporter: findings in, text / JSON / GitHub / SARIF / GitLab Code Quality out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cireg import __version__
from cireg.findings import Finding, Severity
from cireg.rules import RULES

FORMATS = ("auto", "text", "json", "github", "sarif", "gitlab")


@dataclass(frozen=True)
class Summary:
    errors: int
    warnings: int
    files: int

    @classmethod
    def of(cls, findings: Sequence[Finding], files: int) -> Summary:
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        return cls(errors, len(findings) - errors, files)

    def line(self) -> str:
        return f"{self.errors} errors, {self.warnings} warnings in {self.files} files"


def render_text(findings: Sequence[Finding], summary: Summary) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.severity.value}: {_one_line(f.message)} [{f.rule}]"
        for f in findings
    ]
    lines.append(summary.line())
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding], summary: Summary) -> str:
    payload = {
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "severity": f.severity.value,
                "rule": f.rule,
                "message": f.message,
            }
            for f in findings
        ],
        "summary": {"errors": summary.errors, "warnings": summary.warnings, "files": summary.files},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    """GitHub workflow-command escaping for a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub workflow-command escaping for a property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Sequence[Finding], summary: Summary) -> str:
    commands = [
        f"::{f.severity.value} file={escape_property(f.path)},line={f.line},col={f.column},"
        f"title={escape_property(f.rule)}::{escape_data(f.message)}"
        for f in findings
    ]
    return "\n".join([*commands, ""]) + render_text(findings, summary)


def render_step_summary(findings: Sequence[Finding], summary: Summary) -> str:
    """A Markdown job summary for GitHub Actions."""
    lines = ["## cireg validate", "", f"**{summary.line()}**", ""]
    if findings:
        lines += ["| file | line | severity | rule | message |", "|---|---:|---|---|---|"]
        lines += [
            f"| {_cell(f.path)} | {f.line}:{f.column} | {f.severity.value} | `{f.rule}` | "
            f"{_cell(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n\n"


def render_sarif(findings: Sequence[Finding], summary: Summary) -> str:
    rule_ids = list(RULES)
    for finding in findings:  # a rule the catalogue lacks still gets a descriptor
        if finding.rule not in rule_ids:
            rule_ids.append(finding.rule)
    rules: list[dict[str, Any]] = []
    for rule_id in rule_ids:
        severity, description = RULES.get(rule_id, (Severity.ERROR, rule_id))
        rules.append(
            {
                "id": rule_id,
                "name": "".join(part.capitalize() for part in rule_id.split("-")),
                "shortDescription": {"text": description},
                "defaultConfiguration": {"level": severity.value},
            }
        )
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": f.severity.value,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cireg",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/cireg/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# Code Climate severities, the ones GitLab's merge request widget shows.
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def gitlab_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding: sha256 of its path, rule, message and how many identical
    findings came before it in the file. GitLab compares fingerprints between the base and
    the merge request, so the line is left out (a finding that only moves is not new), and
    the occurrence number keeps repeated identical findings apart."""
    seen: dict[tuple[str, str, str], int] = {}
    prints: list[str] = []
    for f in findings:
        triple = (f.path, f.rule, f.message)
        occurrence = seen.get(triple, 0)
        seen[triple] = occurrence + 1
        # ASCII JSON keeps the parts apart (no path or message can fake another's boundary)
        # and encodes whatever a path holds, even a file name that is not UTF-8.
        key = json.dumps([*triple, occurrence])
        prints.append(hashlib.sha256(key.encode("ascii")).hexdigest())
    return prints


def render_gitlab(findings: Sequence[Finding], summary: Summary) -> str:
    """A GitLab Code Quality report: a JSON array of Code Climate issues (empty when clean).

    Findings arrive sorted by path, line and column, so occurrence numbers follow the file."""
    issues = [
        {
            "type": "issue",
            "check_name": f.rule,
            "description": f"{_one_line(f.message)} [{f.rule}]",
            "categories": ["Bug Risk"],
            "severity": GITLAB_SEVERITY[f.severity],
            "fingerprint": fingerprint,
            "location": {"path": f.path, "lines": {"begin": f.line}},
        }
        for f, fingerprint in zip(findings, gitlab_fingerprints(findings), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "gitlab": render_gitlab,
}


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")
