"""Findings are values: every checker returns them, one reporter prints them."""

from __future__ import annotations

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
