"""The one reporter: findings in, text / JSON / GitHub / SARIF / GitLab Code Quality out.

A finding's path and message come from the register: a file name or a YAML string may hold
any character. Every format shows them through one of two functions below: `one_line` where
they land in lines that people, terminals and CI runners read (text, GitHub workflow
commands, the job summary, GitLab's description), `well_formed` where JSON escaping already
keeps them apart (JSON, SARIF, GitLab's path). Both show a lone surrogate (what a file name
that is not UTF-8 becomes in Python) the same way, so every report encodes as UTF-8."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from cireg import __version__
from cireg.findings import Finding, Severity
from cireg.rules.catalogue import RULES
from cireg.rules.descriptions import as_plain_text, describe, rule_anchor
from cireg.rules.table import Rule

FORMATS = ("auto", "text", "json", "github", "sarif", "gitlab")
JSON_FORMATS = frozenset({"json", "sarif", "gitlab"})  # written as UTF-8, whatever the locale

# What a path or message may not hold as it is on a line of output: C0 and C1 controls and
# DEL (CR and NEL end a line for GitHub's runner as LF does, ESC starts a terminal sequence),
# the line and paragraph separators, the bidirectional controls that make a terminal show
# text in another order than it is read, and lone surrogates, which no encoder writes.
_NOT_ON_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# GitHub's runner also obeys the legacy `##[command]` form anywhere in a line.
_LEGACY_COMMAND = "##["


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` on one line that no terminal or CI runner reads as more than text: line breaks,
    control characters and the like shown as escapes (`\\r`, `\\n`, `\\x1b`, `\\u2028`), and
    the `##[` of a legacy workflow command broken up. Ordinary text is left as it is."""
    return _NOT_ON_ONE_LINE.sub(_escape, text).replace(_LEGACY_COMMAND, "#\\x23[")


def well_formed(text: str) -> str:
    """`text` as it is, but for lone surrogates, shown as `one_line` shows them (`\\udcff`),
    so that it encodes as UTF-8. For JSON, whose escaping keeps everything else harmless."""
    return _LONE_SURROGATE.sub(_escape, text)


def text_line(finding: Finding) -> str:
    """`PATH:LINE:COL: SEVERITY: MESSAGE [RULE]`, on one line whatever the path and message
    hold. A line must not start with `::` (a workflow command for GitHub's runner, even after
    blanks), which only a path can make happen: its first colon is escaped then."""
    path = one_line(finding.path)
    if path.lstrip().startswith("::"):
        path = path.replace(":", "\\x3a", 1)
    return (
        f"{path}:{finding.line}:{finding.column}: {finding.severity.value}: "
        f"{one_line(finding.message)} [{finding.rule}]"
    )


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
    lines = [text_line(f) for f in findings]
    lines.append(summary.line())
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding], summary: Summary) -> str:
    payload = {
        "findings": [
            {
                "path": well_formed(f.path),
                "line": f.line,
                "column": f.column,
                "severity": f.severity.value,
                "rule": f.rule,
                "message": well_formed(f.message),
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
    # One command per finding: what the runner would unescape into a second line is shown
    # escaped by `one_line` first, and `%` is escaped so that no `%0A` in the text decodes.
    commands = [
        f"::{f.severity.value} file={escape_property(one_line(f.path))},line={f.line},"
        f"col={f.column},title={escape_property(f.rule)}::{escape_data(one_line(f.message))}"
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


# SARIF locations are relative to this base, declared in the log as the register's root.
SOURCE_ROOT_ID = "%SRCROOT%"
SARIF_FINGERPRINT = "findingHash/v1"  # a versioned name, as SARIF asks of fingerprints


def render_sarif(
    findings: Sequence[Finding],
    summary: Summary,
    *,
    rules_page_url: str | None = None,
    working_folder: str | None = None,
) -> str:
    """A SARIF 2.1.0 log that GitHub code scanning takes as it is.

    `rules_page_url` is the address of the site's format reference page, whose row for each
    rule becomes that rule's `helpUri` (left out when the site's address is unknown).
    Locations are relative to one root (see `_source_root`), found from `working_folder`, the
    folder that relative finding paths start from (the current one by default)."""
    table = RULES
    rule_ids = list(table)
    for finding in findings:  # a rule the catalogue lacks still gets a descriptor
        if finding.rule not in rule_ids:
            rule_ids.append(finding.rule)
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    rules = [_sarif_rule(rule_id, table.get(rule_id), rules_page_url) for rule_id in rule_ids]
    working = os.path.abspath(working_folder or os.getcwd())
    root = _source_root([f.path for f in findings], working)
    # Findings as seen from the root: the same register gives the same locations and
    # fingerprints whether cireg ran from its top folder or was given an absolute path.
    located = [replace(f, path=_from_root(f.path, root, working)) for f in findings]
    results = [
        _sarif_result(f, rule_index[f.rule], fingerprint)
        for f, fingerprint in zip(located, finding_fingerprints(located), strict=True)
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
                "originalUriBaseIds": {SOURCE_ROOT_ID: {"uri": _folder_uri(root)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    """A finding as a SARIF result, its path already relative to the source root."""
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": finding.severity.value,
        "message": {"text": well_formed(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SOURCE_ROOT_ID},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
        "partialFingerprints": {SARIF_FINGERPRINT: fingerprint},
    }


def _sarif_rule(rule_id: str, known: Rule | None, rules_page_url: str | None) -> dict[str, Any]:
    """The descriptor of a rule: from the rule table, or (`known` None, a rule the table
    lacks) from its description alone, as an error."""
    described = describe(rule_id)
    severity = known.severity if known is not None else Severity.ERROR
    summary = known.summary if known is not None else described.explanation
    help_markdown = f"{described.explanation}\n\n{described.resolution}"
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": described.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": as_plain_text(described.explanation)},
        "help": {"text": as_plain_text(help_markdown), "markdown": help_markdown},
        "defaultConfiguration": {"level": severity.value},
    }
    if rules_page_url:
        page = rules_page_url.split("#", 1)[0]
        rule["helpUri"] = f"{page}#{rule_anchor(rule_id)}"
    return rule


def _source_root(paths: Sequence[str], working: str) -> str:
    """The folder SARIF locations are relative to: the working folder, when every finding
    lies inside it (as when cireg runs at the top of a repository). A finding outside it (an
    absolute path was given) brings in its register's root instead, the folder holding the
    register folder (where `cireg init` puts mkdocs.yml); the root is then the deepest folder
    holding all of them, so that every location is a relative reference inside it."""
    roots = set()
    for path in paths:
        absolute = os.path.normpath(os.path.join(working, path))
        if _inside(absolute, working):
            roots.add(working)
        else:
            roots.add(os.path.dirname(os.path.dirname(absolute)))
    try:
        return os.path.commonpath(sorted(roots)) if roots else working
    except ValueError:  # paths on different Windows drives have no common folder
        return working


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:
        return False


def _from_root(path: str, root: str, working: str) -> str:
    """A finding's path relative to `root`, with `/` between its parts."""
    absolute = os.path.normpath(os.path.join(working, path))
    try:
        return PurePath(os.path.relpath(absolute, root)).as_posix()
    except ValueError:  # another Windows drive: only the absolute path names the file
        return PurePath(absolute).as_posix()


def _uri(path: str) -> str:
    """A path from `_from_root` as a URI: a percent-encoded reference relative to the root,
    or for an absolute path (see there) its `file:` URI."""
    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return _percent_encoded(path)


def _folder_uri(folder: str) -> str:
    """The absolute `file:` URI of a folder, ending in `/` as a base URI must."""
    uri = PurePath(folder).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _percent_encoded(path: str) -> str:
    """RFC 3986 percent-encoding of a path (space, `#`, `%`, `?`, non-ASCII...), keeping `/`.
    A file name that is not UTF-8 reaches Python as surrogate escapes of its bytes: those
    bytes are encoded, so the URI names the very file."""
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return quote(well_formed(path), safe="/")


# Code Climate severities, the ones GitLab's merge request widget shows.
GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def finding_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding: sha256 of its path, rule, message and how many identical
    findings came before it in the file. GitLab and GitHub compare fingerprints between the
    base and the change, so the line is left out (a finding that only moves is not new), and
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
            "description": f"{one_line(f.message)} [{f.rule}]",
            "categories": ["Bug Risk"],
            "severity": GITLAB_SEVERITY[f.severity],
            "fingerprint": fingerprint,
            "location": {"path": well_formed(f.path), "lines": {"begin": f.line}},
        }
        for f, fingerprint in zip(findings, finding_fingerprints(findings), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "gitlab": render_gitlab,
}


def _cell(text: str) -> str:
    return one_line(text).replace("|", "\\|")
