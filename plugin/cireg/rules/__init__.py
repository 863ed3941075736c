"""The rules of the format spec: one function per rule, each registered once with its name,
severity and summary (`table`); `catalogue` holds them all in the spec's order.

Initiative rules see one initiative's model; register rules see every initiative; stage
rules belong to a stage before the model (loading, the folder scan, the schema check)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # `from cireg.rules import RULES` without importing every rule module (and the loader
    # and schema check with them) whenever a rule module is imported.
    if name == "RULES":
        from cireg.rules.catalogue import RULES

        return RULES
    raise AttributeError(name)
