"""Findings are values: every checker returns them, one reporter prints them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


START = Position(1, 1)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)


def make_finding(
    path: str, where: Position, rule: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(path, where.line, where.column, severity, rule, message)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort by path, line, column; drop exact repeats (two checks may meet the same fault)."""
    return sorted(set(findings), key=Finding.sort_key)


# How many names a message lists before "… and N more": a file may hold thousands of KPIs or
# objectives, and a message listing them all, once for each, made findings of 144 MB.
LISTED_NAMES = 5


def listing(names: Sequence[str], separator: str = ", ") -> str:
    """The first few `names` joined for a message, and how many more there are."""
    shown = separator.join(names[:LISTED_NAMES])
    more = len(names) - LISTED_NAMES
    return f"{shown} … and {more:,} more" if more > 0 else shown


# The longest id the format allows; a name from a file is cut there in messages, so that a
# long value written once is not repeated in full by every finding that names it.
LONGEST_NAME = 64


def quoted(name: object) -> str:
    """A name from a file (an id, a reference) in backticks for a message."""
    text = str(name)
    return f"`{text if len(text) <= LONGEST_NAME else text[: LONGEST_NAME - 1] + '…'}`"
