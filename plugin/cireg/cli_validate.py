"""`cireg validate`, the CI gate: check register folders or files and report the findings
in the format asked for."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

from cireg.check import check_file, check_register
from cireg.cli_context import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    command_today,
    default_register,
    site_config,
)
from cireg.findings import Finding, sort_findings
from cireg.report import JSON_FORMATS, RENDERERS, Summary, render_sarif, render_step_summary
from cireg.rules.files import Candidate, DisplayPath, RegisterFolderError


def collect_findings(paths: Sequence[str], today: dt.date) -> tuple[list[Finding], int]:
    """Check the register folders behind `paths`; keep findings of the files asked about.

    Cross-file rules always see the whole folder a file stands in."""
    display = DisplayPath()
    findings: list[Finding] = []
    files = 0
    for folder, wanted in _folders_asked(paths).items():
        register = check_register(folder, today, display)
        if wanted is None:
            findings.extend(register.findings)
            files += register.files
            continue
        shown = {display(path) for path in wanted}
        reported = [f for f in register.findings if f.path in shown]
        findings.extend(reported)
        files += len(wanted)
        # A file the folder scan does not treat as an initiative (a hidden one, say) was
        # still asked for by name: check it on its own rather than say nothing.
        known = {f.path for f in reported} | {i.display_path for i in register.initiatives}
        known |= {c.display for c in register.unreadable}
        for path in sorted(wanted):
            if display(path) not in known and os.path.isfile(path) and not os.path.islink(path):
                stem = os.path.basename(path).rsplit(".", 1)[0]
                _initiative, alone = check_file(Candidate(stem, path, display(path)), today)
                findings.extend(alone)
    return sort_findings(findings), files


def _folders_asked(paths: Sequence[str]) -> dict[str, set[str] | None]:
    """Each register folder behind `paths`, with the files asked for in it (None: all)."""
    folders: dict[str, set[str] | None] = {}
    for raw in paths or [str(default_register())]:
        path = os.path.abspath(raw)
        if os.path.isdir(path):
            folders[path] = None
        elif os.path.lexists(path):
            asked = folders.setdefault(os.path.dirname(path), set())
            if asked is not None:  # None: the whole folder is asked for already
                asked.add(path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return folders


def run_validate(args: argparse.Namespace) -> int:
    today = command_today(args)
    try:
        findings, files = collect_findings(args.paths, today)
    except RegisterFolderError as error:
        raise UsageError(str(error)) from None
    summary = Summary.of(findings, files)
    chosen = args.format
    if chosen == "auto":
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    _prepare_stdout(chosen)
    if chosen == "sarif":  # each rule's help links to its row on the site, when it has one
        page_url = site_config().format_page_url
        sys.stdout.write(render_sarif(findings, summary, rules_page_url=page_url))
    else:
        sys.stdout.write(RENDERERS[chosen](findings, summary))
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if chosen == "github" and step_summary:
        try:
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(render_step_summary(findings, summary))
        except OSError as error:
            print(f"cireg: cannot write the job summary: {error.strerror}", file=sys.stderr)
    failing = summary.errors + (summary.warnings if args.strict else 0)
    return EXIT_FINDINGS if failing else EXIT_OK


def _prepare_stdout(chosen: str) -> None:
    """JSON reports go out as UTF-8 whatever the locale says (JSON is UTF-8, and SARIF and
    GitLab readers expect it); text in the terminal's encoding, with a character it cannot
    show written as an escape rather than failing the command."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is None:  # not a text file (a caller's StringIO): it takes any text
        return
    if chosen in JSON_FORMATS:
        reconfigure(encoding="utf-8", errors="strict")
    else:
        reconfigure(errors="backslashreplace")
