"""The format's shape as the JSON Schema states it: the one source of its closed vocabularies.

The schema (schemas/initiative.schema.json) is what editors, the validator and the format
reference read; the model, the pages and the scaffold take the statuses, priorities,
directions, value-chain activities, the id pattern and the keys a status requires from here,
read from the schema at import, so that none of them can drift from it."""

from __future__ import annotations

from typing import Any

from cireg.schema import load_schema

# The first line of an initiative file that points the YAML language server at the schema.
MODELINE_PREFIX = "# yaml-language-server: $schema="


def _enum(schema: dict[str, Any]) -> tuple[str, ...]:
    values = schema.get("enum") or schema.get("items", {}).get("enum")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"the schema gives no list of words here: {schema.get('title')}")
    return tuple(values)


_SCHEMA = load_schema()
_PROPERTIES: dict[str, Any] = _SCHEMA["properties"]
_DEFS: dict[str, Any] = _SCHEMA["$defs"]

STATUSES = _enum(_PROPERTIES["status"])
PRIORITIES = _enum(_PROPERTIES["priority"])  # the most pressing first
VALUES = _enum(_PROPERTIES["value"])  # the highest first
EFFORTS = _enum(_PROPERTIES["effort"])  # the smallest first
RISKS = _enum(_PROPERTIES["risk"])
VALUE_CHAIN_ACTIVITIES = _enum(_PROPERTIES["value_chain"])
DIRECTIONS = _enum(_DEFS["kpi"]["properties"]["direction"])
SLUG_PATTERN: str = _DEFS["slug"]["pattern"]


def _keys_required_by_status() -> dict[str, tuple[str, ...]]:
    """status -> the top-level keys the schema's conditions require for it, in schema order
    (`priority` from `planned` on, `on_hold_reason` when on hold, `momentum` when abandoned)."""
    required: dict[str, list[str]] = {status: [] for status in STATUSES}
    for condition in _SCHEMA.get("allOf", []):
        statuses = condition.get("if", {}).get("properties", {}).get("status", {}).get("enum")
        keys = condition.get("then", {}).get("required", [])
        for status in statuses or ():
            required[status].extend(key for key in keys if key not in required[status])
    return {status: tuple(keys) for status, keys in required.items()}


KEYS_REQUIRED_BY_STATUS = _keys_required_by_status()
