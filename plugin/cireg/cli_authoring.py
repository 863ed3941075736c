"""`cireg init` and `cireg new`: the commands that write a new register or a new initiative
for its authors to fill in."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from cireg.cli_context import EXIT_OK, UsageError, command_today, default_register
from cireg.cli_validate import collect_findings
from cireg.report import Summary, render_text
from cireg.rules.files import id_problem


def run_init(args: argparse.Namespace) -> int:
    # Imported by the commands that write or render only: `validate` runs on every pull
    # request and should not pay for Markdown and Jinja at start-up.
    from cireg.scaffold import ScaffoldError, register_files, write_files

    today = command_today(args, of_the_site=False)  # a new register: no site around it yet
    files = register_files(args.name, args.organisation, today)
    try:
        write_files(args.directory, files, force=args.force)
    except ScaffoldError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write into {args.directory}: {error}") from None
    where = os.path.normpath(args.directory)
    print(f"Created a register in {where} ({len(files)} files). Next:")
    if where != ".":
        print(f"  cd {where}")
    print("  python3 -m pip install -r requirements.txt   # cireg and MkDocs, as CI installs them")
    print('  cireg new my-first-idea --title "What to improve" --owner "Your role"')
    print("  cireg validate && mkdocs serve")
    return EXIT_OK


def _git_user() -> str | None:
    try:
        found = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = found.stdout.strip()
    return name if found.returncode == 0 and name else None


def run_new(args: argparse.Namespace) -> int:
    from cireg.scaffold import ScaffoldError, initiative_skeleton, schema_reference

    today = command_today(args)
    problem = id_problem(args.id)
    if problem:
        raise UsageError(f"`{args.id}` is not a valid id: {problem} (e.g. faster-password-resets)")
    owner = args.owner or _git_user()
    if not owner:
        raise UsageError("--owner is required (git has no user.name to use instead)")
    folder = _new_file_folder(args.register, args.id)
    try:
        text = initiative_skeleton(
            title=args.title,
            status=args.status,
            owner=owner,
            today=today,
            schema_ref=schema_reference(str(folder)),
            vision=args.vision,
        )
    except ScaffoldError as error:
        raise UsageError(str(error)) from None
    path = folder / f"{args.id}.yaml"
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    shown = os.path.relpath(path)
    findings, _files = collect_findings([str(path)], today)
    if not findings:
        print(f"Wrote {shown}; it validates. Write its vision, then open a pull request.")
        return EXIT_OK
    print(
        f"Wrote {shown}. Status `{args.status}` needs facts only you can give; "
        "`cireg validate` will ask for each of these:"
    )
    sys.stdout.write(render_text(findings, Summary.of(findings, 1)))
    return EXIT_OK


def _new_file_folder(register: str | None, initiative_id: str) -> Path:
    """The register folder a new initiative goes into, once no file there has its id."""
    folder = Path(register) if register else default_register()
    if not folder.is_dir():
        raise UsageError(f"{folder}: no register folder here (run `cireg init` to make one)")
    for existing in folder.iterdir():
        stem = existing.name.split(".", 1)[0]
        if stem.casefold() == initiative_id.casefold() and existing.name.lower().endswith(
            (".yaml", ".yml")
        ):
            raise UsageError(f"{existing} already exists; choose another id or edit that file")
    return folder
