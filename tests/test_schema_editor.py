"""The schema as editors see it through the YAML language server: every property explained
with examples that are themselves valid, and `defaultSnippets` that insert valid items.

yaml-language-server writes a snippet's `body` as block YAML with its strings unquoted (a
leading `^` is dropped, `true`/`false` are quoted), so the tests below render a body the
same way and read it back with cireg's own loader: a placeholder that would not survive as a
plain YAML scalar fails here, not in someone's editor."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from cireg.check import check_register
from cireg.load import load_bytes
from cireg.schema import fast_validator, format_checker, load_schema, validator

MODELINE = "# yaml-language-server: $schema=../schemas/initiative.schema.json\n"

# Keywords whose values are schemas, or maps or lists of schemas. Everything else
# (`examples`, `defaultSnippets`, `enum`, ...) is data, never walked as schema.
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = ("items", "if", "then", "else", "not", "additionalProperties", "contains")

# The definitions that must offer a complete item as a snippet, beside the root.
SNIPPET_DEFINITIONS = ("kpi", "measurement", "objective", "action", "log_entry")


def subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in `node`, with its JSON pointer."""
    if not isinstance(node, dict):
        return
    yield where, node
    for keyword in _SCHEMA_MAPS:
        for name, sub in node.get(keyword, {}).items():
            yield from subschemas(sub, f"{where}/{keyword}/{name}")
    for keyword in _SCHEMA_LISTS:
        for index, sub in enumerate(node.get(keyword, [])):
            yield from subschemas(sub, f"{where}/{keyword}/{index}")
    for keyword in _SCHEMA_ONES:
        yield from subschemas(node.get(keyword), f"{where}/{keyword}")


def properties() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every property of the schema, wherever it stands: (pointer, its schema, its siblings)."""
    for where, node in subschemas(load_schema()):
        siblings = node.get("properties", {})
        for name, prop in siblings.items():
            yield f"{where}/properties/{name}", prop, siblings


def validate_against(subschema: dict[str, Any], instance: Any) -> list[str]:
    """Errors of `instance` against one subschema; its `#/$defs/...` references resolve
    against the root's definitions, and dates are checked as the validator checks them."""
    wrapped = {"$defs": load_schema()["$defs"], **subschema}
    checker = Draft202012Validator(wrapped, format_checker=format_checker())
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in checker.iter_errors(instance)
    ]


def test_the_walk_sees_properties_everywhere() -> None:
    found = {where for where, _prop, _siblings in properties()}
    assert "#/properties/title" in found
    assert "#/properties/vision/properties/statement" in found
    assert "#/$defs/kpi/properties/measurements" in found
    assert "#/allOf/0/if/properties/status" in found
    assert "#/allOf/2/then/properties/momentum" in found
    assert len(found) > 60


@pytest.mark.parametrize(("where", "prop", "siblings"), list(properties()))
def test_every_property_has_a_description_and_examples(
    where: str, prop: dict[str, Any], siblings: dict[str, Any]
) -> None:
    description = prop.get("description")
    assert isinstance(description, str) and description.strip(), f"{where}: no description"
    # Plain text: editors without Markdown show `description` as it is.
    assert not re.search(r"`|\*\*|\*\w[^*]*\*|\]\(|<[a-z/]", description), where
    examples = prop.get("examples")
    assert isinstance(examples, list) and examples, f"{where}: no examples"
    if any("markdownDescription" in sibling for sibling in siblings.values()):
        assert isinstance(prop.get("markdownDescription"), str), where
        assert prop["markdownDescription"].strip(), where


def _examples() -> Iterator[tuple[str, dict[str, Any], Any]]:
    for where, node in subschemas(load_schema()):
        for index, example in enumerate(node.get("examples", [])):
            yield f"{where} example {index}", node, example


@pytest.mark.parametrize(("where", "node", "example"), list(_examples()))
def test_every_example_is_valid_for_its_own_schema(
    where: str, node: dict[str, Any], example: Any
) -> None:
    assert validate_against(node, example) == [], where


def test_the_examples_cover_the_definitions_too() -> None:
    defs = load_schema()["$defs"]
    assert all(definition.get("examples") for definition in defs.values())


def test_the_editor_keywords_do_not_upset_either_validator() -> None:
    """`defaultSnippets` is no JSON Schema keyword: both of cireg's validators must compile
    the schema without a word about it, and the metaschema must still accept it."""
    Draft202012Validator.check_schema(load_schema())
    fast_validator.cache_clear()
    validator.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast_validator()
        validator()


# --- snippets -------------------------------------------------------------------------------

# `${1:text}`, `${1|a,b|}` (a choice) and a bare `$1` or `${1}`.
_TAB_STOP = re.compile(r"\$\{(\d+):([^}]*)\}|\$\{(\d+)\|([^|}]*)\|\}|\$\{(\d+)\}|\$(\d+)")


def tab_stops(text: str) -> list[int]:
    return [
        int(next(group for group in match.groups() if group and group.isdigit()))
        for match in _TAB_STOP.finditer(text)
    ]


def expand(text: str, bare: Callable[[], str]) -> str:
    """The text the author gets by accepting every tab stop as offered: a placeholder's
    text, a choice's first option, and `bare()` for a tab stop that offers nothing."""

    def one(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            return match.group(2)
        if match.group(4) is not None:
            return match.group(4).split(",")[0]
        return bare()

    return _TAB_STOP.sub(one, text)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A subschema with a local `$ref` followed (annotations of the referrer kept)."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = load_schema()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**resolve(target), **{k: v for k, v in node.items() if k != "$ref"}}


def sensible(schema: dict[str, Any]) -> str:
    """What a person types at a bare tab stop: the property's first example."""
    example = resolve(schema).get("examples", [None])[0]
    assert isinstance(example, (str, int, float)), (
        f"no scalar example for a bare tab stop in {schema}"
    )
    return str(example)


def filled(body: Any, schema: dict[str, Any]) -> Any:
    """The snippet body with every tab stop accepted; `schema` is the body's own schema,
    so that a bare tab stop gets an example of the property it stands for."""
    schema = resolve(schema)
    if isinstance(body, dict):
        props = schema.get("properties", {})
        return {key: filled(value, props.get(key, {})) for key, value in body.items()}
    if isinstance(body, list):
        return [filled(item, schema.get("items", {})) for item in body]
    if isinstance(body, str):
        return expand(body, lambda: sensible(schema))
    return body


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if value.startswith("^"):
            return value[1:]
        return f'"{value}"' if value in ("true", "false") else value
    return json.dumps(value)


def as_inserted(value: Any, indent: str = "") -> str:
    """The body as block YAML, the way yaml-language-server inserts it: two-space indents,
    `- ` before a list item, scalars written as they stand."""
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines.append(f"{indent}{key}:\n{as_inserted(item, indent + '  ')}")
            else:
                lines.append(f"{indent}{key}: {_scalar(item)}\n")
        return "".join(lines)
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, (dict, list)):
                block = as_inserted(item, indent + "  ")
                lines.append(f"{indent}- {block[len(indent) + 2 :]}")
            else:
                lines.append(f"{indent}- {_scalar(item)}\n")
        return "".join(lines)
    return f"{indent}{_scalar(value)}\n"


def read_back(text: str) -> Any:
    """The inserted text as cireg reads it (YAML 1.2 core scalars, dates as strings)."""
    result = load_bytes("snippet.yaml", text.encode("utf-8"))
    assert result.findings == [], [finding.message for finding in result.findings]
    assert result.document is not None
    return result.document.data


def _snippets() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for where, node in subschemas(load_schema()):
        for index, snippet in enumerate(node.get("defaultSnippets", [])):
            yield f"{where} snippet {index}", node, snippet


def test_the_root_and_each_item_definition_offer_a_snippet() -> None:
    schema = load_schema()
    labels = [snippet["label"] for snippet in schema.get("defaultSnippets", [])]
    assert "New initiative (idea)" in labels
    for name in SNIPPET_DEFINITIONS:
        assert schema["$defs"][name].get("defaultSnippets"), name


@pytest.mark.parametrize(("where", "node", "snippet"), list(_snippets()))
def test_snippets_have_the_documented_shape(
    where: str, node: dict[str, Any], snippet: dict[str, Any]
) -> None:
    assert set(snippet) <= {"label", "description", "markdownDescription", "body"}, where
    assert isinstance(snippet.get("label"), str) and snippet["label"].strip(), where
    assert isinstance(snippet.get("description"), str) and snippet["description"].strip(), where
    assert isinstance(snippet["body"], dict), where
    # Tab stops run 1, 2, 3... in the order they are written, each once: the author tabs
    # through the item from top to bottom.
    stops = tab_stops(json.dumps(snippet["body"]))
    assert stops == list(range(1, len(stops) + 1)), where
    assert stops, where


@pytest.mark.parametrize(("where", "node", "snippet"), list(_snippets()))
def test_a_snippet_as_inserted_is_valid_for_its_definition(
    where: str, node: dict[str, Any], snippet: dict[str, Any]
) -> None:
    body = filled(snippet["body"], node)
    data = read_back(as_inserted(body))
    assert validate_against(node, data) == [], (where, as_inserted(body))


@pytest.mark.parametrize("dump", ["as the editor inserts it", "as PyYAML dumps it"])
def test_the_new_initiative_snippet_passes_every_rule(tmp_path: Path, dump: str) -> None:
    schema = load_schema()
    (snippet,) = (s for s in schema["defaultSnippets"] if s["label"] == "New initiative (idea)")
    body = filled(snippet["body"], schema)
    assert body["status"] == "idea"
    assert set(body) >= {"title", "status", "owner", "raised_on", "review_by", "vision"}
    assert set(body["vision"]) == {"statement", "supports"}
    folder = tmp_path / "initiatives"
    folder.mkdir()
    text = (
        as_inserted(body) if dump.endswith("inserts it") else yaml.safe_dump(body, sort_keys=False)
    )
    (folder / "new-initiative.yaml").write_text(MODELINE + text, encoding="utf-8")
    # Today is the day it was raised: the review date is still ahead.
    today = dt.date.fromisoformat(body["raised_on"])
    register = check_register(str(folder), today)
    assert [(f.rule, f.message) for f in register.findings] == []
    (initiative,) = register.initiatives
    assert initiative.id == "new-initiative"


# --- the helpers above, on their own ----------------------------------------------------------


def test_expand_accepts_placeholders_choices_and_bare_tab_stops() -> None:
    assert expand("${1:two words} ${2|todo,done|} $3 ${4}", lambda: "x") == "two words todo x x"
    assert tab_stops("${1:a} ${2|b,c|} $3 ${4}") == [1, 2, 3, 4]


def test_a_bare_tab_stop_gets_the_property_example() -> None:
    kpi = load_schema()["$defs"]["kpi"]
    assert filled({"id": "$1", "unit": "${2:h}"}, kpi) == {"id": "first-response", "unit": "h"}


def test_as_inserted_writes_block_yaml_like_the_language_server() -> None:
    body = {"a": "^7", "b": "true", "c": [{"d": "x", "e": 1}], "f": {"g": ["y"]}}
    assert as_inserted(body) == 'a: 7\nb: "true"\nc:\n  - d: x\n    e: 1\nf:\n  g:\n    - y\n'
    assert read_back(as_inserted(body)) == {
        "a": 7,
        "b": "true",
        "c": [{"d": "x", "e": 1}],
        "f": {"g": ["y"]},
    }
