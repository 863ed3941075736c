"""The format reference page, generated from the JSON Schema and the rule table.

The schema is what `cireg validate` enforces, so a page made from it cannot drift from the
validator: every key, type, constraint, meaning and example below comes from the schema,
and only the words around them are fixed here. A schema shape this module cannot put into
words (a status condition it does not understand, a `$ref` outside the file) raises
ValueError instead of being left out, so the page never silently says less than the schema.

Safety: schema text lands in Markdown, so text outside code spans has `<`, `>` and `&`
HTML-escaped and `|` escaped for the table; plain-text descriptions have Markdown's
punctuation escaped too. Code spans are fenced with enough backticks for their content, and
Python-Markdown escapes HTML inside them itself."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from markdown.extensions.toc import slugify

from cireg.format_shape import MODELINE_PREFIX
from cireg.load import resolve_plain
from cireg.principles import STEPS
from cireg.render.pages import front_matter
from cireg.render.text import plain_markdown as plain
from cireg.render.text import printable
from cireg.rules.descriptions import rule_anchor

TITLE = "Format reference"
# The item definitions documented after the steps, in this order.
ITEM_DEFINITIONS = ("kpi", "measurement", "objective", "action", "log_entry")
MODELINE = MODELINE_PREFIX + "../schemas/initiative.schema.json"
DASH = "\N{EN DASH}"  # an empty cell
# Keywords that only annotate: a status condition may carry them without changing its sense.
_ANNOTATIONS = frozenset(
    {"title", "description", "markdownDescription", "examples", "default", "$comment"}
)


# --- escaping -----------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PIPE = re.compile(r"(\\*)\|")


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def markdown_text(text: str) -> str:
    """Markdown (a `markdownDescription`) kept as Markdown, on one line, safe in a table
    cell: outside code spans `<`, `>`, `&` are HTML-escaped and every `|` is escaped."""
    text = _one_line(text)
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape_prose(text[last : match.start()]))
        out.append(match.group(0))  # Python-Markdown keeps `|` and escapes HTML in code
        last = match.end()
    out.append(_escape_prose(text[last:]))
    return "".join(out)


def _escape_prose(text: str) -> str:
    # An odd run of backslashes already escapes the pipe; an even one needs one more.
    def pipe(match: re.Match[str]) -> str:
        slashes = match.group(1)
        return slashes + ("|" if len(slashes) % 2 else "\\|")

    return _PIPE.sub(pipe, html.escape(text, quote=False))


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it holds. Inner spaces are kept (an
    example's spacing matters); a line break would end the table row, so it becomes one."""
    text = re.sub(r"[\t\n\r]", " ", printable(text))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def codes(values: Sequence[Any]) -> str:
    """`a`, `b` or `c`: values as YAML, in code."""
    shown = [code(yaml_flow(value)) for value in values]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


# --- values as YAML -----------------------------------------------------------------------

_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")
_NEEDS_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def yaml_flow(value: Any, *, nested: bool = False) -> str:
    """`value` in YAML flow style as an author writes it after `key: `: strings plain where
    cireg's loader reads them back as the same string (so dates stay unquoted), else
    quoted. `nested` is for a scalar inside `[...]` or `{...}`, where commas and brackets
    end a plain scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return json.dumps(value)
    if isinstance(value, str):
        return value if _is_plain(value, nested) else _double_quoted(value)
    if isinstance(value, Mapping):
        pairs = [
            f"{yaml_flow(str(k), nested=True)}: {yaml_flow(v, nested=True)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(item, nested=True) for item in value) + "]"
    raise ValueError(f"an example holds a {type(value).__name__}, which YAML cannot show")


def _is_plain(text: str, nested: bool) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and text.isprintable()  # no line breaks or tabs
        and resolve_plain(text) == text
        and isinstance(resolve_plain(text), str)
        and text[0] not in _UNSAFE_START
        and not (nested and _FLOW_INDICATORS.intersection(text))
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
    )


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)  # JSON's escapes are YAML's too
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


# --- reading the schema -------------------------------------------------------------------


class _Schema:
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
class _Section:
    """One mapping of the format and its table."""

    schema: Mapping[str, Any]  # the object schema, after references
    paths: list[str]  # where it stands: "" for the top level, "kpis[]" for a KPI, ...
    heading: str = ""  # Markdown
    anchor: str = ""
    intro: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return self.paths[0]


def _mappings(reader: _Schema) -> list[_Section]:
    """Every mapping reachable from the top level through properties and list items, in
    the order first met, each once (a definition used twice is one section)."""
    found: dict[int, _Section] = {}

    def visit(node: Mapping[str, Any], path: str) -> None:
        target = reader.target(node)
        if "properties" in target or target.get("type") == "object":
            known = found.get(id(target))
            if known is not None:
                if path not in known.paths:
                    known.paths.append(path)
                return
            found[id(target)] = _Section(target, [path])
            for key, prop in target.get("properties", {}).items():
                visit(prop, f"{path}.{key}" if path else key)
        items = target.get("items")
        if isinstance(items, Mapping):
            visit(items, f"{path}[]")

    visit(reader.root, "")
    return list(found.values())


@dataclass(frozen=True)
class _Condition:
    key: str
    values: tuple[Any, ...]
    required: tuple[str, ...]  # paths, e.g. "priority" or "momentum.lessons_learned"


def _conditions(schema: Mapping[str, Any]) -> list[_Condition]:
    """The `allOf` entries `if <key> is one of ... then <keys> are required`."""
    conditions = []
    for index, entry in enumerate(schema.get("allOf", [])):
        where = f"allOf[{index}]"
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
        conditions.append(_Condition(key, values, tuple(required)))
    return conditions


# --- the page -------------------------------------------------------------------------------


def render_format_reference(schema: Mapping[str, Any], rules: Mapping[str, tuple[str, str]]) -> str:
    """The format reference as one Markdown page (with front matter): the file rules, one
    table per mapping of the format, the status conditions and the rules of the checker.
    `rules` maps a rule's name to its severity and what it checks (`cireg.rules.RULES`)."""
    reader = _Schema(schema)
    sections = _ordered_sections(reader)
    conditions = _conditions(schema)
    when: dict[str, list[_Condition]] = {}
    for condition in conditions:
        for path in condition.required:
            when.setdefault(path, []).append(condition)
    anchors = {id(section.schema): section.anchor for section in sections}

    lines = [str(front_matter(TITLE)), f"# {TITLE}", ""]
    lines += _paragraphs(
        "This page is generated from the JSON Schema of an initiative file, "
        "`schemas/initiative.schema.json`, and from the rules of `cireg validate`: it says "
        "exactly what the validator checks. *Required* means required inside the mapping "
        "that holds the key, once that mapping is written.",
        _meaning(schema),
    )
    lines += ["## Files", ""]
    lines += [f"- {item}" for item in _file_rules(reader, rules)] + [""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        lines += _paragraphs(*section.intro)
        lines += _table(section, reader, when, anchors)
    lines += ["## Status conditions", ""]
    if conditions:
        lines += _paragraphs(
            "Which keys the status requires, besides those marked *yes* above (checked by "
            "the schema, reported as `schema` findings):"
        )
        lines += [f"- {_condition_words(condition)}" for condition in conditions] + [""]
    else:
        lines += _paragraphs("No key depends on the status.")
    lines += ["## Rules", ""]
    lines += _paragraphs("Every finding names one of these rules.")
    lines += ["| rule | severity | what it checks |", "|---|---|---|"]
    for name, (severity, checks) in rules.items():
        level = severity.value if isinstance(severity, Enum) else str(severity)
        # Each row has an id of its own: SARIF reports link a rule's help to it.
        anchor = f'<span id="{html.escape(rule_anchor(name))}"></span>'
        lines.append(f"| {code(name)} | {plain(level)} | {anchor}{plain(checks)} |")
    return "\n".join(lines) + "\n"


def _paragraphs(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        if text:
            out += [text, ""]
    return out


def _meaning(node: Mapping[str, Any]) -> str:
    if isinstance(node.get("markdownDescription"), str) and node["markdownDescription"].strip():
        return markdown_text(node["markdownDescription"])
    if isinstance(node.get("description"), str) and node["description"].strip():
        return plain(node["description"])
    return ""


def _ordered_sections(reader: _Schema) -> list[_Section]:
    """Top level, the steps in model order, the item definitions, then any other mapping."""
    found = _mappings(reader)
    by_path = {path: section for section in found for path in section.paths}
    definitions = reader.root.get("$defs", {})
    ordered: list[_Section] = [by_path[""]]
    by_path[""].heading = "Top level"
    by_path[""].intro = ["The keys of the file itself."]

    for step in STEPS:
        section = by_path.get(step.key)
        if section is None:
            raise ValueError(f"the schema has no mapping for step {step.number}, `{step.key}`")
        section.heading = f"Step {step.number}: {code(step.key)}"
        title = str(section.schema.get("title") or f"Step {step.number} · {step.question}")
        title += "" if title.endswith(("?", ".", "!")) else "."
        section.intro = [f"**{plain(title)}** {_meaning(section.schema)}".strip()]
        ordered.append(section)

    for name in ITEM_DEFINITIONS:
        definition = definitions.get(name)
        section = next((s for s in found if s.schema is definition), None)
        if section is None:
            raise ValueError(f"the schema has no mapping `$defs/{name}` in use")
        ordered.append(_item_section(section, str(definition.get("title") or name)))

    for section in found:
        if section not in ordered:
            named = section.schema.get("title")
            ordered.append(_item_section(section, str(named) if named else section.prefix))

    taken = {slugify(TITLE, "-"), "files", "status-conditions", "rules"}
    for section in ordered:
        section.anchor = _unique(slugify(_heading_text(section.heading), "-"), taken)
    return ordered


def _item_section(section: _Section, title: str) -> _Section:
    section.heading = plain(title)
    if section.prefix.endswith("[]"):
        lists = " and ".join(code(path[:-2]) for path in section.paths)
        lead = f"Each item of the list {lists}."
    else:
        lead = "The value of " + " and ".join(code(path) for path in section.paths) + "."
    section.intro = [f"{lead} {_meaning(section.schema)}".strip()]
    return section


def _heading_text(markdown: str) -> str:
    """The text the table of contents makes the heading's id from."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown.replace("`", "")))


def _unique(anchor: str, taken: set[str]) -> str:
    """Python-Markdown's rule: a repeated id gets `_1`, `_2`, ..."""
    candidate, number = anchor, 0
    while candidate in taken or not candidate:
        number += 1
        candidate = f"{anchor}_{number}"
    taken.add(candidate)
    return candidate


def _table(
    section: _Section,
    reader: _Schema,
    when: Mapping[str, list[_Condition]],
    anchors: Mapping[int, str],
) -> list[str]:
    lines = [
        "| key | type | required | allowed values / format | meaning | example |",
        "|---|---|---|---|---|---|",
    ]
    required = set(section.schema.get("required", []))
    for key, prop in section.schema.get("properties", {}).items():
        path = f"{section.prefix}.{key}" if section.prefix else key
        view = reader.view(prop)
        if key in required:
            needed = "yes"
        elif path in when:
            needed = " or ".join(_when_words(condition) for condition in when[path])
        else:
            needed = "no"
        examples = view.get("examples", [])
        cells = [
            code(path),
            _type_words(prop, reader, anchors),
            needed,
            _allowed(prop, reader) or DASH,
            _meaning(view) or DASH,
            ", ".join(code(yaml_flow(example)) for example in examples) or DASH,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


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


def _type_words(
    node: Mapping[str, Any], reader: _Schema, anchors: Mapping[int, str], plural: bool = False
) -> str:
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
        return "list of " + _type_words(view["items"], reader, anchors, plural=True)
    if view.get("format") == "date":
        kind = "date"
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if not kinds:
        return "anything"
    words = [_TYPE_WORDS.get(str(k), plain(str(k))) + ("s" if plural else "") for k in kinds]
    return " or ".join(words)


def _allowed(node: Mapping[str, Any], reader: _Schema) -> str:
    view = reader.view(node)
    words = list(_constraints(view))
    if view.get("type") == "array" and isinstance(view.get("items"), Mapping):
        inner = reader.target(view["items"])
        if "properties" not in inner:
            each = _allowed(view["items"], reader)
            if each:
                words.append(f"each: {each}")
    if not words and isinstance(node.get("$ref"), str):
        # A shared definition that states its rule only in words (a number's range).
        words.append(_meaning(reader.target(node)))
    return "; ".join(word for word in words if word)


def _constraints(view: Mapping[str, Any]) -> Iterator[str]:
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
    low, high = view.get("minLength"), view.get("maxLength")
    if low is not None and high is not None:
        yield f"{low} to {high} characters"
    elif low == 1:
        yield "not empty"
    elif low is not None:
        yield f"at least {low} characters"
    elif high is not None:
        yield f"at most {high} characters"
    for keyword, word in (
        ("minimum", "at least"),
        ("maximum", "at most"),
        ("exclusiveMinimum", "more than"),
        ("exclusiveMaximum", "less than"),
    ):
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


def _when_words(condition: _Condition) -> str:
    return f"when {code(condition.key)} is {codes(condition.values)}"


def _condition_words(condition: _Condition) -> str:
    keys = [code(path) for path in condition.required]
    if not keys:
        return f"{_when_words(condition).capitalize()}: nothing more is required."
    listed = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
    verb = "is" if len(keys) == 1 else "are"
    return f"When {code(condition.key)} is {codes(condition.values)}: {listed} {verb} required."


def _file_rules(reader: _Schema, rules: Mapping[str, Any]) -> list[str]:
    definitions = reader.root.get("$defs", {})
    items = [
        "A register is a folder of initiative files, one initiative per file, named "
        "`<id>.yaml`. The id is the file name without `.yaml`; there is no `id` key."
    ]
    ident = definitions.get("initiative_id")
    if isinstance(ident, Mapping):
        facts = list(_constraints(ident))
        if facts:
            items.append("An initiative id: " + "; ".join(facts) + ".")
    items.append(
        "Only `.yaml` files are initiatives: a `.yml` file, a symbolic link or a sub-folder "
        "in the register folder is reported, never skipped. Ids are compared case-insensitively."
    )
    items.append(
        "The file is UTF-8 YAML, one document, without anchors or aliases and without "
        "repeated keys."
    )
    every = list(_all_objects(reader.root))
    if every and all(node.get("additionalProperties") is False for node in every):
        items.append("Unknown keys are an error at every level, so a typo never hides a step.")
    for name, what in (("date", "Dates"), ("number", "Numbers")):
        definition = definitions.get(name)
        if isinstance(definition, Mapping) and _meaning(definition):
            items.append(f"{what}: {_meaning(definition)}")
    items.append("Text fields are Markdown; raw HTML in them is shown as text on the site.")
    items.append(f"The first line may point editors at the schema: {code(MODELINE)}")
    named = [
        name for name in ("file-name", "yaml-syntax", "alias", "duplicate-key") if name in rules
    ]
    if named:
        items.append("Checked by the rules " + ", ".join(code(n) for n in named) + " below.")
    return items


def _all_objects(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every object schema, not counting examples or snippets (which are data)."""
    if not isinstance(node, Mapping):
        return
    if node.get("type") == "object":
        yield node
    for keyword in ("properties", "$defs"):
        for sub in node.get(keyword, {}).values():
            yield from _all_objects(sub)
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from _all_objects(node.get(keyword))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(keyword, []):
            yield from _all_objects(sub)
