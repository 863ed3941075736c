"""The command line: a thin adapter over the core. `cireg validate` is the CI gate."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from cireg import __version__
from cireg.check import check_file, check_register
from cireg.dates import TodayError, resolve_today
from cireg.findings import Finding, sort_findings
from cireg.format_shape import STATUSES
from cireg.model import Register
from cireg.register_config import RegisterConfig, RegisterConfigError, register_config
from cireg.report import (
    FORMATS,
    JSON_FORMATS,
    RENDERERS,
    Summary,
    render_sarif,
    render_step_summary,
    render_text,
    well_formed,
)
from cireg.rules.files import Candidate, DisplayPath, RegisterFolderError, id_problem

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
    _add_today(validate)

    init = commands.add_parser(
        "init",
        help="create a new register repository that validates, builds and publishes",
        description=(
            "Create a register in DIR (default: the current folder): mkdocs.yml, an example "
            "initiative, site pages, the schema for editors, pre-commit, GitHub Actions and "
            "GitLab CI files and a README. Nothing is overwritten unless --force is given."
        ),
    )
    init.add_argument("directory", nargs="?", default=".", metavar="DIR")
    init.add_argument("--name", default="Improvement register", help="the site's name")
    init.add_argument("--organisation", default="our IT organisation", help="whose register it is")
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    _add_today(init)

    new = commands.add_parser(
        "new",
        help="write a new initiative file with today's date",
        description=(
            "Write <register>/ID.yaml: the steps its status requires, the schema modeline "
            "and today's date. An idea (the default status) validates at once."
        ),
    )
    new.add_argument("id", metavar="ID", help="the id, which is the file name: lowercase-words")
    new.add_argument("--title", required=True, help="what the initiative improves (5-120 chars)")
    new.add_argument("--status", choices=STATUSES, default="idea")
    new.add_argument("--owner", help="the accountable person or role (default: git's user.name)")
    new.add_argument("--vision", help="the vision statement (default: a prompt to replace)")
    new.add_argument(
        "--register", metavar="DIR", help="the register folder (default: as validate finds it)"
    )
    _add_today(new)

    export = commands.add_parser(
        "export",
        help="the whole register with computed facts, as JSON or CSV",
        description=(
            "Write the register as JSON (the site's register.json, shape described by "
            "schemas/register.schema.json) or CSV (one row per initiative, the backlog's "
            "columns). Exit status 1 when the register has errors (they are in the JSON)."
        ),
    )
    export.add_argument("path", nargs="?", metavar="DIR", help="the register folder")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    _add_today(export)

    generate = commands.add_parser(
        "generate",
        help="write the site's pages as plain Markdown and SVG, for any generator",
        description=(
            "Write the docs folder with the register's pages, badges and data files into "
            "OUT, so that a site generator without the cireg plugin can publish it, with the "
            "cireg plugin's options in mkdocs.yml (the defaults when it lists none). OUT "
            "must be new, empty or made by an earlier `cireg generate`."
        ),
    )
    generate.add_argument("out", metavar="OUT")
    generate.add_argument("-f", "--config-file", metavar="FILE", help="default: ./mkdocs.yml")
    generate.add_argument(
        "--initiatives", metavar="DIR", help="the register folder; needs no mkdocs.yml"
    )
    generate.add_argument(
        "--mkdocs-yml",
        metavar="FILE",
        help="also write a configuration for OUT without the cireg plugin",
    )
    _add_today(generate)
    return parser


def _add_today(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date that date rules compare against (default: SOURCE_DATE_EPOCH, else today)",
    )


def _register_config() -> RegisterConfig:
    try:
        return register_config()
    except RegisterConfigError as error:
        raise UsageError(str(error)) from None


def default_register() -> Path:
    """The register folder of the nearest mkdocs.yml up from here (its cireg plugin's
    `initiatives_dir`, else initiatives/ beside it), else ./initiatives."""
    return _register_config().folder


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


def _today(args: argparse.Namespace, of_the_site: bool = True) -> dt.date:
    """--today, else the site's `today` option (as the site is built with), else
    SOURCE_DATE_EPOCH, else the local date."""
    try:
        if args.today is None and of_the_site:
            configured = _register_config().today
            if configured is not None:
                return configured
        return resolve_today(args.today)
    except TodayError as error:
        raise UsageError(str(error)) from None


def _validate(args: argparse.Namespace) -> int:
    today = _today(args)
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
        page_url = _register_config().format_page_url
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


def _init(args: argparse.Namespace) -> int:
    # Imported by the commands that write or render only: `validate` runs on every pull
    # request and should not pay for Markdown and Jinja at start-up.
    from cireg.scaffold import ScaffoldError, register_files, write_files

    today = _today(args, of_the_site=False)  # a new register: no site around it yet
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


def _new(args: argparse.Namespace) -> int:
    from cireg.scaffold import ScaffoldError, initiative_skeleton, schema_reference

    today = _today(args)
    problem = id_problem(args.id)
    if problem:
        raise UsageError(f"`{args.id}` is not a valid id: {problem} (e.g. faster-password-resets)")
    owner = args.owner or _git_user()
    if not owner:
        raise UsageError("--owner is required (git has no user.name to use instead)")
    folder = Path(args.register) if args.register else default_register()
    if not folder.is_dir():
        raise UsageError(f"{folder}: no register folder here (run `cireg init` to make one)")
    for existing in folder.iterdir():
        stem = existing.name.split(".", 1)[0]
        if stem.casefold() == args.id.casefold() and existing.name.lower().endswith(
            (".yaml", ".yml")
        ):
            raise UsageError(f"{existing} already exists; choose another id or edit that file")
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


def _export(args: argparse.Namespace) -> int:
    today = _today(args)
    register = _register_of(args, today)
    if args.format == "csv":
        from cireg.render.export_csv import render_register_csv

        text = render_register_csv(register, today)
    else:
        from cireg.render.register_json import render_register_json

        text = render_register_json(register, today)
    _write_output(text, args.output)
    return _report_errors(register.findings, register.files, "exported, with its errors")


def _generate(args: argparse.Namespace) -> int:
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


COMMANDS = {
    "validate": _validate,
    "init": _init,
    "new": _new,
    "export": _export,
    "generate": _generate,
}


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
        return COMMANDS[args.command](args)
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
