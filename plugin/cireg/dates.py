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


def today_option(value: object) -> dt.date | None:
    """The plugin's `today` option as YAML read it: a date, a `YYYY-MM-DD` string, or unset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # YAML reads `2026-11-21 10:00:00` as a time
        raise TodayError(f"must be a date written YYYY-MM-DD, without a time; got {value}")
    if isinstance(value, dt.date):
        return _checked_today(value)
    parsed = parse_date(value)
    if parsed is None:
        raise TodayError(f"must be a date written YYYY-MM-DD; got {value!r}")
    return _checked_today(parsed)


# Commands count days and quarters from today (a review date a quarter on, an example dated
# a month back): keep well inside the calendar Python can count in.
EARLIEST_TODAY, LATEST_TODAY = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _checked_today(day: dt.date) -> dt.date:
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise TodayError(
            f"must be a date from {EARLIEST_TODAY.isoformat()} to {LATEST_TODAY.isoformat()}; "
            f"got {day.isoformat()}"
        )
    return day


def resolve_today(option: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """Today for date rules: `--today`, else `SOURCE_DATE_EPOCH` (UTC), else the local date."""
    if option is not None:
        parsed = parse_date(option)
        if parsed is None:
            raise TodayError(f"--today must be a date written YYYY-MM-DD; got {option!r}")
        try:
            return _checked_today(parsed)
        except TodayError as error:
            raise TodayError(f"--today {error}") from None
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise TodayError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; got {epoch!r}"
            ) from None
        try:
            return _checked_today(day)
        except TodayError as error:
            raise TodayError(f"SOURCE_DATE_EPOCH {error}") from None
    return dt.date.today()
