"""Naming places in an initiative for people: `target_state.objectives[0].kpi`, and which
objective, KPI or action that is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cireg.findings import quoted
from cireg.load import Key

# List-valued places whose items carry an `id`, and what a reader calls such an item.
_ITEM_KINDS: dict[tuple[str, ...], str] = {
    ("kpis",): "KPI",
    ("target_state", "objectives"): "objective",
    ("plan", "actions"): "action",
}


def dotted(path: Sequence[Key]) -> str:
    """`('target_state', 'objectives', 0, 'kpi')` -> `target_state.objectives[0].kpi`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "the file"


def owning_item(path: Sequence[Key], data: Any) -> str | None:
    """Name the KPI, objective or action that `path` lies in, when it has an id."""
    for prefix, kind in _ITEM_KINDS.items():
        size = len(prefix)
        if len(path) > size and tuple(path[:size]) == prefix and isinstance(path[size], int):
            node: Any = data
            for part in path[: size + 1]:
                try:
                    node = node[part]
                except (KeyError, IndexError, TypeError):
                    return None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                return f"{kind} {quoted(node['id'])}"
            return f"{kind} {int(path[size]) + 1}"
    return None


def label(path: Sequence[Key], data: Any) -> str:
    """A field's name as a reader needs it: `` `kpis[0].unit` (KPI `first-response`) ``."""
    text = f"`{dotted(path)}`" if path else "the file"
    owner = owning_item(path, data)
    return f"{text} ({owner})" if owner else text


def show_value(value: Any, limit: int = 60) -> str:
    """A value as it would read in YAML, shortened, for 'got …' in messages."""
    if value is None:
        return "nothing (null)"
    if value is True:
        return "`true`"
    if value is False:
        return "`false`"
    if isinstance(value, float):
        if value != value:
            return "`.nan`"
        if value in (float("inf"), float("-inf")):
            return "`-.inf`" if value < 0 else "`.inf` (or a number too large to use)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{text}`"
