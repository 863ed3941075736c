"""Every rule of the format spec, in the order the spec lists them: the table that the SARIF
rules, the format reference page, `cireg rules` and the tests read."""

from __future__ import annotations

from types import ModuleType

from cireg import schema
from cireg.rules import (
    deadlines,
    files,
    iterations,
    loading,
    measurements,
    outcome,
    references,
    smart,
    steps,
)
from cireg.rules.table import Rule, Scope, registered_in

# The modules in the spec's order of their rules; each registers its rules in that order.
_MODULES: tuple[ModuleType, ...] = (loading, files, schema, references, steps, smart)
_MODULES += (deadlines, outcome, measurements, iterations)

RULES: dict[str, Rule] = {
    entry.name: entry for module in _MODULES for entry in registered_in(module.__name__)
}


def rules_for(scope: Scope) -> list[Rule]:
    return [entry for entry in RULES.values() if entry.scope is scope]
