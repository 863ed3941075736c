"""What every command of the command line shares: its usage error and exit statuses, and
what it reads from around it, the site's register folder and the date."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cireg.dates import TodayError, resolve_today
from cireg.register_config import RegisterConfig, RegisterConfigError, register_config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command cannot run as asked: `cireg: <message>` on stderr, exit status 2."""


def site_config() -> RegisterConfig:
    """The register configuration of the nearest mkdocs.yml (see `register_config`)."""
    try:
        return register_config()
    except RegisterConfigError as error:
        raise UsageError(str(error)) from None


def default_register() -> Path:
    """The register folder of the nearest mkdocs.yml up from here (its cireg plugin's
    `initiatives_dir`, else initiatives/ beside it), else ./initiatives."""
    return site_config().folder


def command_today(args: argparse.Namespace, of_the_site: bool = True) -> dt.date:
    """--today, else the site's `today` option (as the site is built with), else
    SOURCE_DATE_EPOCH, else the local date."""
    try:
        if args.today is None and of_the_site:
            configured = site_config().today
            if configured is not None:
                return configured
        return resolve_today(args.today)
    except TodayError as error:
        raise UsageError(str(error)) from None
