"""Dates are written `YYYY-MM-DD` and read as strings; this is where they become dates."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> dt.date | None:
    """The calendar date `value` names, or None when it is not a `YYYY-MM-DD` date."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2025-02-30, 0000-01-01
        return None


def is_calendar_date(value: object) -> bool:
    """JSON Schema `format: date` as cireg reads it (only strings are checked)."""
    return not isinstance(value, str) or parse_date(value) is not None


class TodayError(ValueError):
    """`--today` or `SOURCE_DATE_EPOCH` does not name a date."""


def resolve_today(option: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """Today for date rules: `--today`, else `SOURCE_DATE_EPOCH` (UTC), else the local date."""
    if option is not None:
        parsed = parse_date(option)
        if parsed is None:
            raise TodayError(f"--today must be a date written YYYY-MM-DD; got {option!r}")
        return parsed
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise TodayError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; got {epoch!r}"
            ) from None
    return dt.date.today()
