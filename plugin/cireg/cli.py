"""The command line: a thin adapter over the core. `cireg validate` is the CI gate.

This module holds the argument parser and hands each command to its module: validate
(`cli_validate`), init and new (`cli_authoring`), export and generate (`cli_export`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from cireg import __version__
from cireg.cli_authoring import run_init, run_new
from cireg.cli_context import EXIT_FINDINGS, EXIT_USAGE, UsageError
from cireg.cli_export import run_export, run_generate
from cireg.cli_validate import run_validate
from cireg.format_shape import STATUSES
from cireg.report import FORMATS

Parser = argparse.ArgumentParser


def _validate_options(command: Parser) -> None:
    command.add_argument("paths", nargs="*", metavar="PATH", help="a register folder or files")
    command.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="output format (auto: github when GITHUB_ACTIONS=true, else text)",
    )
    command.add_argument("--strict", action="store_true", help="warnings fail too")


def _init_options(command: Parser) -> None:
    command.add_argument("directory", nargs="?", default=".", metavar="DIR")
    command.add_argument("--name", default="Improvement register", help="the site's name")
    command.add_argument(
        "--organisation", default="our IT organisation", help="whose register it is"
    )
    command.add_argument("--force", action="store_true", help="overwrite existing files")


def _new_options(command: Parser) -> None:
    command.add_argument("id", metavar="ID", help="the id, which is the file name: lowercase-words")
    command.add_argument(
        "--title", required=True, help="what the initiative improves (5-120 chars)"
    )
    command.add_argument("--status", choices=STATUSES, default="idea")
    command.add_argument(
        "--owner", help="the accountable person or role (default: git's user.name)"
    )
    command.add_argument("--vision", help="the vision statement (default: a prompt to replace)")
    command.add_argument(
        "--register", metavar="DIR", help="the register folder (default: as validate finds it)"
    )


def _export_options(command: Parser) -> None:
    command.add_argument("path", nargs="?", metavar="DIR", help="the register folder")
    command.add_argument("--format", choices=("json", "csv"), default="json")
    command.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")


def _generate_options(command: Parser) -> None:
    command.add_argument("out", metavar="OUT")
    command.add_argument("-f", "--config-file", metavar="FILE", help="default: ./mkdocs.yml")
    command.add_argument(
        "--initiatives", metavar="DIR", help="the register folder; needs no mkdocs.yml"
    )
    command.add_argument(
        "--mkdocs-yml",
        metavar="FILE",
        help="also write a configuration for OUT without the cireg plugin",
    )


class Command(NamedTuple):
    summary: str  # the line in `cireg --help`
    description: str  # the paragraph of `cireg COMMAND --help`
    options: Callable[[Parser], None]  # declares its arguments (--today is every command's)
    run: Callable[[argparse.Namespace], int]  # its exit status; raises UsageError


COMMANDS: dict[str, Command] = {
    "validate": Command(
        "check a register: schema, steps, SMART targets, references",
        "Check a register folder (default: initiatives/ next to mkdocs.yml, or in the "
        "current folder) or single initiative files. Exit status: 0 clean, 1 findings "
        "that fail, 2 usage error or unreadable register folder.",
        _validate_options,
        run_validate,
    ),
    "init": Command(
        "create a new register repository that validates, builds and publishes",
        "Create a register in DIR (default: the current folder): mkdocs.yml, an example "
        "initiative, site pages, the schema for editors, pre-commit, GitHub Actions and "
        "GitLab CI files and a README. Nothing is overwritten unless --force is given.",
        _init_options,
        run_init,
    ),
    "new": Command(
        "write a new initiative file with today's date",
        "Write <register>/ID.yaml: the steps its status requires, the schema modeline "
        "and today's date. An idea (the default status) validates at once.",
        _new_options,
        run_new,
    ),
    "export": Command(
        "the whole register with computed facts, as JSON or CSV",
        "Write the register as JSON (the site's register.json, shape described by "
        "schemas/register.schema.json) or CSV (one row per initiative, the backlog's "
        "columns). Exit status 1 when the register has errors (they are in the JSON).",
        _export_options,
        run_export,
    ),
    "generate": Command(
        "write the site's pages as plain Markdown and SVG, for any generator",
        "Write the docs folder with the register's pages, badges and data files into "
        "OUT, so that a site generator without the cireg plugin can publish it, with the "
        "cireg plugin's options in mkdocs.yml (the defaults when it lists none). OUT "
        "must be new, empty or made by an earlier `cireg generate`.",
        _generate_options,
        run_generate,
    ),
}


def _parser() -> Parser:
    parser = Parser(
        prog="cireg",
        description="A continual improvement register kept as code (ITIL 4 seven-step model).",
    )
    parser.add_argument("--version", action="version", version=f"cireg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        declared = commands.add_parser(name, help=command.summary, description=command.description)
        command.options(declared)
        _add_today(declared)
    return parser


def _add_today(command: Parser) -> None:
    command.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the date that date rules compare against (default: SOURCE_DATE_EPOCH, else today)",
    )


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
        return COMMANDS[args.command].run(args)
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
