"""The command line: a thin adapter over the core. `cireg validate` is the CI gate."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cireg import __version__
from cireg.check import check_file, check_register
from cireg.dates import TodayError, resolve_today
from cireg.findings import Finding, sort_findings
from cireg.report import FORMATS, RENDERERS, Summary, render_step_summary
from cireg.rules.files import Candidate, DisplayPath, RegisterFolderError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cireg",
        description="A continual improvement register kept as code (ITIL 4 seven-step model).",
    )
    parser.add_argument("--version", action="version", version=f"cireg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check a register: schema, steps, SMART targets, references",
        description=(
            "Check a register folder (default: initiatives/ next to mkdocs.yml, or in the "
            "current folder) or single initiative files. Exit status: 0 clean, 1 findings "
            "that fail, 2 usage error or unreadable register folder."
        ),
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help="a register folder or files")
    validate.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="output format (auto: github when GITHUB_ACTIONS=true, else text)",
    )
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date that date rules compare against (default: SOURCE_DATE_EPOCH, else today)",
    )
    return parser


def default_register() -> Path:
    """initiatives/ beside the nearest mkdocs.yml up from here, else ./initiatives."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder / "initiatives"
    return here / "initiatives"


def collect_findings(paths: Sequence[str], today: dt.date) -> tuple[list[Finding], int]:
    """Check the register folders behind `paths`; keep findings of the files asked about.

    Cross-file rules always see the whole folder a file stands in."""
    display = DisplayPath()
    folders: dict[str, set[str] | None] = {}  # folder -> files asked for (None: all)
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
    findings: list[Finding] = []
    files = 0
    for folder, wanted in folders.items():
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
        known = {f.path for f in reported} | {i.path for i in register.initiatives}
        known |= {c.display for c in register.unreadable}
        for path in sorted(wanted):
            if display(path) not in known and os.path.isfile(path) and not os.path.islink(path):
                stem = os.path.basename(path).rsplit(".", 1)[0]
                _initiative, alone = check_file(Candidate(stem, path, display(path)), today)
                findings.extend(alone)
    return sort_findings(findings), files


def _validate(args: argparse.Namespace) -> int:
    try:
        today = resolve_today(args.today)
    except TodayError as error:
        raise UsageError(str(error)) from None
    try:
        findings, files = collect_findings(args.paths, today)
    except RegisterFolderError as error:
        raise UsageError(str(error)) from None
    summary = Summary.of(findings, files)
    chosen = args.format
    if chosen == "auto":
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as leaving:  # argparse has printed usage; 0 for --help/--version
        return int(leaving.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _validate(args)
    except UsageError as error:
        print(f"cireg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `cireg validate | head`
        sys.stderr.close()
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        print(
            f"cireg: internal error ({type(error).__name__}: {error}); please report it with "
            "the file that caused it",
            file=sys.stderr,
        )
        return EXIT_USAGE
