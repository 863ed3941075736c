"""A schema's types, constraints and status conditions in the words of the format
reference's tables, as safe Markdown."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cireg.render.markdown_cells import code, codes, meaning
from cireg.render.schema_reader import Condition, SchemaReader
from cireg.render.text import plain_markdown as plain
from cireg.render.yaml_flow import yaml_flow

_TYPE_WORDS = {
    "string": "string",
    "number": "number",
    "integer": "whole number",
    "boolean": "boolean",
    "null": "null",
    "array": "list",
    "object": "mapping",
    "date": "date",
}
# The bounds of a number, in words.
_BOUNDS = (
    ("minimum", "at least"),
    ("maximum", "at most"),
    ("exclusiveMinimum", "more than"),
    ("exclusiveMaximum", "less than"),
)


def type_words(
    node: Mapping[str, Any], reader: SchemaReader, anchors: Mapping[int, str], plural: bool = False
) -> str:
    """The type of a value: a link to its mapping's table (`anchors`: a section's anchor by
    the id of its schema), or its JSON type in words."""
    target = reader.target(node)
    view = reader.view(node)
    anchor = anchors.get(id(target))
    if anchor is not None:
        # A shared definition is named by its title; a step's own mapping is just that.
        titled = isinstance(node.get("$ref"), str) and target.get("title")
        label = plain(str(target["title"])) if titled else "mapping"
        return f"[{label}](#{anchor})"
    kind = view.get("type")
    if kind == "array" and isinstance(view.get("items"), Mapping):
        return "list of " + type_words(view["items"], reader, anchors, plural=True)
    if view.get("format") == "date":
        kind = "date"
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if not kinds:
        return "anything"
    words = [_TYPE_WORDS.get(str(k), plain(str(k))) + ("s" if plural else "") for k in kinds]
    return " or ".join(words)


def allowed(node: Mapping[str, Any], reader: SchemaReader) -> str:
    """The values a node allows, in words ("" when it allows any of its type)."""
    view = reader.view(node)
    words = list(constraints(view))
    if view.get("type") == "array" and isinstance(view.get("items"), Mapping):
        inner = reader.target(view["items"])
        if "properties" not in inner:
            each = allowed(view["items"], reader)
            if each:
                words.append(f"each: {each}")
    if not words and isinstance(node.get("$ref"), str):
        # A shared definition that states its rule only in words (a number's range).
        words.append(meaning(reader.target(node)))
    return "; ".join(word for word in words if word)


def constraints(view: Mapping[str, Any]) -> Iterator[str]:
    """Each constraint of a node's own keywords, in words."""
    if "const" in view:
        yield f"exactly {code(yaml_flow(view['const']))}"
    if "enum" in view:
        yield codes(view["enum"])
    if view.get("format") == "date":
        yield "a calendar date written `YYYY-MM-DD`"
    elif isinstance(view.get("format"), str):
        yield f"format {code(view['format'])}"
    if isinstance(view.get("pattern"), str):
        yield f"matches {code(view['pattern'])}"
    yield from _length_words(view.get("minLength"), view.get("maxLength"))
    for keyword, word in _BOUNDS:
        if keyword in view:
            yield f"{word} {code(yaml_flow(view[keyword]))}"
    if "minItems" in view:
        yield f"at least {view['minItems']} items"
    if "maxItems" in view:
        yield f"at most {view['maxItems']} items"
    if view.get("uniqueItems") is True:
        yield "no item twice"
    if view.get("additionalProperties") is False and view.get("type") == "object":
        yield "no other keys"


def _length_words(low: Any, high: Any) -> Iterator[str]:
    if low is not None and high is not None:
        yield f"{low} to {high} characters"
    elif low == 1:
        yield "not empty"
    elif low is not None:
        yield f"at least {low} characters"
    elif high is not None:
        yield f"at most {high} characters"


def when_words(condition: Condition) -> str:
    return f"when {code(condition.key)} is {codes(condition.values)}"


def condition_words(condition: Condition) -> str:
    keys = [code(path) for path in condition.required]
    if not keys:
        return f"{when_words(condition).capitalize()}: nothing more is required."
    listed = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
    verb = "is" if len(keys) == 1 else "are"
    return f"When {code(condition.key)} is {codes(condition.values)}: {listed} {verb} required."
