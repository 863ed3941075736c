"""`cireg export` and `cireg generate`: the register written out for other tools, as one
JSON or CSV file or as a site generator's docs folder."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

from cireg.check import check_register
from cireg.cli_context import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    command_today,
    default_register,
)
from cireg.findings import Finding
from cireg.model import Register
from cireg.report import Summary, render_text, well_formed
from cireg.rules.files import DisplayPath, RegisterFolderError


def _register_of(args: argparse.Namespace, today: dt.date) -> Register:
    folder = args.path or str(default_register())
    try:
        return check_register(folder, today, DisplayPath())
    except RegisterFolderError as error:
        raise UsageError(str(error)) from None


def _write_output(text: str, output: str | None) -> None:
    text = well_formed(text)  # a file name that is not UTF-8 shown as the reports show it
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None


def _report_errors(findings: Sequence[Finding], files: int, doing: str) -> int:
    """Findings go to stderr, so that the output stays clean; errors fail the command."""
    errors = [f for f in findings if f.is_error]
    if findings:
        sys.stderr.write(render_text(findings, Summary.of(findings, files)))
    if errors:
        print(f"cireg: {doing}: the register has errors (listed above)", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    today = command_today(args)
    register = _register_of(args, today)
    if args.format == "csv":
        from cireg.render.export_csv import render_register_csv

        text = render_register_csv(register, today)
    else:
        from cireg.render.register_json import render_register_json

        text = render_register_json(register, today)
    _write_output(text, args.output)
    return _report_errors(register.findings, register.files, "exported, with its errors")


def run_generate(args: argparse.Namespace) -> int:
    # Imported here: MkDocs is needed by this command only.
    from cireg.generate import GenerateError, generate

    try:
        result = generate(
            args.config_file,
            args.out,
            today=args.today,
            mkdocs_yml=args.mkdocs_yml,
            initiatives=args.initiatives,
        )
    except GenerateError as error:
        raise UsageError(str(error)) from None
    for warning in result.warnings:
        print(f"cireg: {warning}", file=sys.stderr)
    status = _report_errors(result.findings, result.register.files, "nothing was generated")
    if status == EXIT_OK:
        print(f"Wrote {len(result.written)} files into {args.out}.")
        if args.mkdocs_yml:
            print(f"Build them without the cireg plugin: mkdocs build -f {args.mkdocs_yml}")
    return status
