"""The rule table: every rule of the format spec, registered once with its name, severity
and one-line summary, by the function that checks it.

A rule function is named after its rule (`smart_time_bound` checks `smart-time-bound`) and
yields what it found as `Spot`s: where, and what is wrong, in words. The registration turns
those into findings with the rule's name and severity, so neither is written at a call site.
The SARIF rules, the format reference page and the tests read `cireg.rules.RULES`, which
`cireg.rules.catalogue` fills from every rule module, in the spec's order; rule modules
import only this module, so the loader and the schema check can hold rules of their own
without an import cycle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple, TypeVar

from cireg.findings import Finding, Position, Severity, make_finding


class Spot(NamedTuple):
    """One fault a rule found: the file (as shown), where in it, and what is wrong."""

    path: str
    where: Position
    message: str


class Scope(str, Enum):
    """What a rule looks at, and so when the pipeline runs it."""

    STAGE = "stage"  # a load, the folder scan or the schema check: run by that stage
    INITIATIVE = "initiative"  # one initiative's model
    REGISTER = "register"  # every initiative of the register at once


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    summary: str  # what the rule checks, in one sentence
    check: Callable[..., Iterable[Spot]]
    scope: Scope = Scope.STAGE

    def findings(self, spots: Iterable[Spot]) -> list[Finding]:
        return [
            make_finding(spot.path, spot.where, self.name, spot.message, self.severity)
            for spot in spots
        ]

    def run(self, *subject: Any) -> list[Finding]:
        """The rule's findings for its subject (an initiative, the register, a load)."""
        return self.findings(self.check(*subject))


_REGISTERED: dict[str, Rule] = {}

Check = TypeVar("Check", bound=Callable[..., Iterable[Spot]])


def rule(
    name: str, severity: Severity, summary: str, scope: Scope = Scope.STAGE
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule `name`."""

    def register(check: Check) -> Check:
        if check.__name__ != name.replace("-", "_"):
            raise ValueError(f"the check of rule {name} is named {check.__name__}")
        if name in _REGISTERED:
            raise ValueError(f"rule {name} is registered twice")
        _REGISTERED[name] = Rule(name, severity, summary, check, scope)
        return check

    return register


def registered_in(module: str) -> list[Rule]:
    """The rules a module registered, in the order it defines them."""
    return [entry for entry in _REGISTERED.values() if entry.check.__module__ == module]


def registered(name: str) -> Rule:
    """A rule by name, for the stage that runs it (the table need not be complete yet)."""
    return _REGISTERED[name]
