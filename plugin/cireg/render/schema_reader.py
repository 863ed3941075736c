"""The initiative JSON Schema read for the format reference: local `$ref`s followed, every
mapping of the format found once, and the status conditions (`if <key> is ... then <keys>
are required`) taken apart. A shape that cannot be put into words (a condition of another
kind, a `$ref` outside the file) raises ValueError instead of being left out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Keywords that only annotate: a status condition may carry them without changing its sense.
_ANNOTATIONS = frozenset(
    {"title", "description", "markdownDescription", "examples", "default", "$comment"}
)


class SchemaReader:
    """Local `$ref`s followed, and the same view of a property everywhere."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def target(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """The schema a `$ref` chain ends at (the node itself when it has none)."""
        seen: set[str] = set()
        while isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if not ref.startswith("#") or ref in seen:
                raise ValueError(f"cannot follow the reference {ref!r}")
            seen.add(ref)
            found: Any = self.root
            for part in ref[1:].split("/")[1:]:
                found = found[part.replace("~1", "/").replace("~0", "~")]
            node = found
        return node

    def view(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """Every keyword that applies to `node`: its references' first, its own on top."""
        if not isinstance(node.get("$ref"), str):
            return dict(node)
        inner = self.view(self.target({"$ref": node["$ref"]}))
        return {**inner, **{k: v for k, v in node.items() if k != "$ref"}}


@dataclass(eq=False)  # sections are told apart by identity: two may hold equal schemas
class Section:
    """One mapping of the format and its table."""

    schema: Mapping[str, Any]  # the object schema, after references
    paths: list[str]  # where it stands: "" for the top level, "kpis[]" for a KPI, ...
    heading: str = ""  # Markdown
    anchor: str = ""
    intro: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return self.paths[0]


def mappings(reader: SchemaReader) -> list[Section]:
    """Every mapping reachable from the top level through properties and list items, in
    the order first met, each once (a definition used twice is one section)."""
    found: dict[int, Section] = {}

    def visit(node: Mapping[str, Any], path: str) -> None:
        target = reader.target(node)
        if "properties" in target or target.get("type") == "object":
            known = found.get(id(target))
            if known is not None:
                if path not in known.paths:
                    known.paths.append(path)
                return
            found[id(target)] = Section(target, [path])
            for key, prop in target.get("properties", {}).items():
                visit(prop, f"{path}.{key}" if path else key)
        items = target.get("items")
        if isinstance(items, Mapping):
            visit(items, f"{path}[]")

    visit(reader.root, "")
    return list(found.values())


@dataclass(frozen=True)
class Condition:
    key: str
    values: tuple[Any, ...]
    required: tuple[str, ...]  # paths, e.g. "priority" or "momentum.lessons_learned"


def conditions(schema: Mapping[str, Any]) -> list[Condition]:
    """The `allOf` entries `if <key> is one of ... then <keys> are required`."""
    return [
        _condition(entry, f"allOf[{index}]") for index, entry in enumerate(schema.get("allOf", []))
    ]


def _condition(entry: Mapping[str, Any], where: str) -> Condition:
    test, then = entry.get("if"), entry.get("then")
    if set(entry) - _ANNOTATIONS != {"if", "then"}:
        raise ValueError(f"{where}: only `if`/`then` conditions can be put into words")
    if not isinstance(test, Mapping) or not isinstance(then, Mapping):
        raise ValueError(f"{where}: `if` and `then` must be schemas")
    tested = test.get("properties", {})
    if set(test) - {"required", "properties"} or len(tested) != 1:
        raise ValueError(f"{where}: the condition is not a test of one key")
    ((key, allowed),) = tested.items()
    if not isinstance(allowed, Mapping) or set(allowed) - _ANNOTATIONS - {"enum", "const"}:
        raise ValueError(f"{where}: `{key}` is tested other than by its value")
    if not {"enum", "const"} & set(allowed):
        raise ValueError(f"{where}: `{key}` is tested for no value")
    values = tuple(allowed["enum"]) if "enum" in allowed else (allowed.get("const"),)
    if set(then) - _ANNOTATIONS - {"required", "properties"}:
        raise ValueError(f"{where}: `then` asks for more than required keys")
    required = list(then.get("required", []))
    for name, sub in then.get("properties", {}).items():
        if set(sub) - _ANNOTATIONS - {"required"}:
            raise ValueError(f"{where}: `then` constrains `{name}` beyond required keys")
        required += [f"{name}.{inner}" for inner in sub.get("required", [])]
    return Condition(key, values, tuple(required))


def all_objects(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every object schema, not counting examples or snippets (which are data)."""
    if not isinstance(node, Mapping):
        return
    if node.get("type") == "object":
        yield node
    for keyword in ("properties", "$defs"):
        for sub in node.get(keyword, {}).values():
            yield from all_objects(sub)
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from all_objects(node.get(keyword))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(keyword, []):
            yield from all_objects(sub)
