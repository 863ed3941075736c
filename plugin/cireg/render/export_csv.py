"""The register as CSV, for people who sort and filter it in a spreadsheet.

One header row, then one row per initiative in backlog order, with the backlog page's columns
spelled out as plain values. The text follows RFC 4180 as Python's `csv` module writes it
(quotes only where needed, `\\r\\n` line ends); write it as UTF-8 without a BOM.

Text cells come from files anyone can propose in a pull request (even the id, a file name), so
a text cell that a spreadsheet would read as a formula (OWASP "CSV injection") gets a leading
apostrophe. Numbers and dates are computed, never author text, and are written plainly so that
spreadsheets still read them as numbers and dates; yes/no facts are `true` or `false`, as in
register.json; an absent value is an empty cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

from cireg.model import Initiative, Register
from cireg.principles import STEPS

# The columns in order. The seven step columns are named after the step keys and hold the
# badge's state word (complete, partial, missing, not-due), as register.json's steps[...].badge.
COLUMNS: tuple[str, ...] = (
    "backlog_position",
    "id",
    "title",
    "status",
    "owner",
    "priority",
    "value",
    "effort",
    "risk",
    "value_effort_score",
    *(step.key for step in STEPS),
    "review_by",
    "outcome",
    "stale",
    "overdue",
    "services",
    "tags",
    "errors",
    "warnings",
    "path",
)

LIST_SEPARATOR = "; "  # joins services and tags into one cell

# What spreadsheets treat as the start of a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | dt.date | None


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest exact form, as register.json writes the same number.
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _joined(items: list[str]) -> str | None:
    return LIST_SEPARATOR.join(items) or None


def _row(initiative: Initiative, position: int, today: dt.date) -> dict[str, Cell]:
    errors = sum(1 for finding in initiative.findings if finding.is_error)
    return {
        "backlog_position": position,
        "id": initiative.id,
        "title": initiative.title,
        "status": initiative.status,
        "owner": initiative.owner,
        "priority": initiative.priority,
        "value": initiative.value,
        "effort": initiative.effort,
        "risk": initiative.risk,
        # Rounded as in register.json, so both files carry the same number.
        "value_effort_score": round(initiative.value_effort_score, 4),
        **{step.key: state for step, state in initiative.badge_states()},
        "review_by": initiative.review_by,
        "outcome": initiative.outcome,
        "stale": initiative.is_stale(today),
        "overdue": bool(initiative.overdue_objectives(today)),
        "services": _joined(initiative.services),
        "tags": _joined(initiative.tags),
        "errors": errors,
        "warnings": len(initiative.findings) - errors,
        "path": initiative.display_path,
    }


def render_register_csv(register: Register, today: dt.date) -> str:
    """The register's initiatives as CSV text. Files that could not be read are not
    initiatives and have no row (register.json lists them under `unreadable`)."""
    out = io.StringIO(newline="")  # the writer's own \r\n, untranslated
    writer = csv.writer(out)  # the "excel" dialect: RFC 4180 quoting, \r\n line ends
    writer.writerow(COLUMNS)
    for position, initiative in enumerate(register.initiatives, start=1):
        row = _row(initiative, position, today)
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return out.getvalue()
