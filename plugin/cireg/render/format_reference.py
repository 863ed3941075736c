"""The format reference page, generated from the JSON Schema and the rule table.

The schema is what `cireg validate` enforces, so a page made from it cannot drift from the
validator: every key, type, constraint, meaning and example below comes from the schema,
and only the words around them are fixed here. A schema shape this module cannot put into
words (a status condition it does not understand, a `$ref` outside the file) raises
ValueError instead of being left out, so the page never silently says less than the schema
(`schema_reader`).

Safety: schema text lands in Markdown, so it goes through `markdown_cells`, which escapes
it for a table cell; values are shown as YAML by `yaml_flow`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from markdown.extensions.toc import slugify

from cireg.format_shape import MODELINE_PREFIX
from cireg.principles import STEPS
from cireg.render.markdown_cells import code, meaning
from cireg.render.page_context import front_matter
from cireg.render.schema_reader import (
    Condition,
    SchemaReader,
    Section,
    all_objects,
    conditions,
    mappings,
)
from cireg.render.schema_words import allowed, condition_words, constraints, type_words, when_words
from cireg.render.text import plain_markdown as plain
from cireg.render.yaml_flow import yaml_flow
from cireg.rules.descriptions import rule_anchor
from cireg.rules.table import Rule

TITLE = "Format reference"
# The item definitions documented after the steps, in this order.
ITEM_DEFINITIONS = ("kpi", "measurement", "objective", "action", "log_entry")
MODELINE = MODELINE_PREFIX + "../schemas/initiative.schema.json"
DASH = "\N{EN DASH}"  # an empty cell


def render_format_reference(schema: Mapping[str, Any], rules: Mapping[str, Rule]) -> str:
    """The format reference as one Markdown page (with front matter): the file rules, one
    table per mapping of the format, the status conditions and the rules of the checker.
    `rules` is the rule table: each rule's severity and summary, by name."""
    reader = SchemaReader(schema)
    sections = _ordered_sections(reader)
    status_conditions = conditions(schema)
    when: dict[str, list[Condition]] = {}
    for condition in status_conditions:
        for path in condition.required:
            when.setdefault(path, []).append(condition)
    anchors = {id(section.schema): section.anchor for section in sections}

    lines = [str(front_matter(TITLE)), f"# {TITLE}", ""]
    lines += _paragraphs(
        "This page is generated from the JSON Schema of an initiative file, "
        "`schemas/initiative.schema.json`, and from the rules of `cireg validate`: it says "
        "exactly what the validator checks. *Required* means required inside the mapping "
        "that holds the key, once that mapping is written.",
        meaning(schema),
    )
    lines += ["## Files", ""]
    lines += [f"- {item}" for item in _file_rules(reader, rules)] + [""]
    for section in sections:
        lines += [f"## {section.heading}", ""]
        lines += _paragraphs(*section.intro)
        lines += _table(section, reader, when, anchors)
    lines += _status_conditions(status_conditions)
    lines += _rule_table(rules)
    return "\n".join(lines) + "\n"


def _paragraphs(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        if text:
            out += [text, ""]
    return out


def _status_conditions(status_conditions: list[Condition]) -> list[str]:
    lines = ["## Status conditions", ""]
    if not status_conditions:
        return lines + _paragraphs("No key depends on the status.")
    lines += _paragraphs(
        "Which keys the status requires, besides those marked *yes* above (checked by "
        "the schema, reported as `schema` findings):"
    )
    return lines + [f"- {condition_words(condition)}" for condition in status_conditions] + [""]


def _rule_table(rules: Mapping[str, Rule]) -> list[str]:
    lines = ["## Rules", ""]
    lines += _paragraphs("Every finding names one of these rules.")
    lines += ["| rule | severity | what it checks |", "|---|---|---|"]
    for name, rule in rules.items():
        # Each row has an id of its own: SARIF reports link a rule's help to it.
        anchor = f'<span id="{html.escape(rule_anchor(name))}"></span>'
        severity = plain(rule.severity.value)
        lines.append(f"| {code(name)} | {severity} | {anchor}{plain(rule.summary)} |")
    return lines


def _ordered_sections(reader: SchemaReader) -> list[Section]:
    """Top level, the steps in model order, the item definitions, then any other mapping."""
    found = mappings(reader)
    by_path = {path: section for section in found for path in section.paths}
    definitions = reader.root.get("$defs", {})
    ordered: list[Section] = [by_path[""]]
    by_path[""].heading = "Top level"
    by_path[""].intro = ["The keys of the file itself."]

    for step in STEPS:
        section = by_path.get(step.key)
        if section is None:
            raise ValueError(f"the schema has no mapping for step {step.number}, `{step.key}`")
        section.heading = f"Step {step.number}: {code(step.key)}"
        title = str(section.schema.get("title") or f"Step {step.number} · {step.question}")
        title += "" if title.endswith(("?", ".", "!")) else "."
        section.intro = [f"**{plain(title)}** {meaning(section.schema)}".strip()]
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


def _item_section(section: Section, title: str) -> Section:
    section.heading = plain(title)
    if section.prefix.endswith("[]"):
        lists = " and ".join(code(path[:-2]) for path in section.paths)
        lead = f"Each item of the list {lists}."
    else:
        lead = "The value of " + " and ".join(code(path) for path in section.paths) + "."
    section.intro = [f"{lead} {meaning(section.schema)}".strip()]
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
    section: Section,
    reader: SchemaReader,
    when: Mapping[str, list[Condition]],
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
            needed = " or ".join(when_words(condition) for condition in when[path])
        else:
            needed = "no"
        examples = view.get("examples", [])
        cells = [
            code(path),
            type_words(prop, reader, anchors),
            needed,
            allowed(prop, reader) or DASH,
            meaning(view) or DASH,
            ", ".join(code(yaml_flow(example)) for example in examples) or DASH,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _file_rules(reader: SchemaReader, rules: Mapping[str, Rule]) -> list[str]:
    definitions = reader.root.get("$defs", {})
    items = [
        "A register is a folder of initiative files, one initiative per file, named "
        "`<id>.yaml`. The id is the file name without `.yaml`; there is no `id` key."
    ]
    ident = definitions.get("initiative_id")
    if isinstance(ident, Mapping):
        facts = list(constraints(ident))
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
    every = list(all_objects(reader.root))
    if every and all(node.get("additionalProperties") is False for node in every):
        items.append("Unknown keys are an error at every level, so a typo never hides a step.")
    for name, what in (("date", "Dates"), ("number", "Numbers")):
        definition = definitions.get(name)
        if isinstance(definition, Mapping) and meaning(definition):
            items.append(f"{what}: {meaning(definition)}")
    items.append("Text fields are Markdown; raw HTML in them is shown as text on the site.")
    items.append(f"The first line may point editors at the schema: {code(MODELINE)}")
    named = [
        name for name in ("file-name", "yaml-syntax", "alias", "duplicate-key") if name in rules
    ]
    if named:
        items.append("Checked by the rules " + ", ".join(code(n) for n in named) + " below.")
    return items
