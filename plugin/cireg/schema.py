"""The JSON Schema check: the shipped schema, a validator that never touches the network,
and errors phrased for people at the YAML position they concern."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import FormatChecker, ValidationError

import fastjsonschema

from cireg.dates import is_calendar_date
from cireg.findings import START, Finding, Position, Severity
from cireg.load import Document, Key
from cireg.paths import label, show_value
from cireg.rules.table import Spot, registered, rule

SCHEMA_FILE = "initiative.schema.json"
REGISTER_SCHEMA_FILE = "register.schema.json"  # the shape of register.json and `cireg export`


def schema_path(name: str = SCHEMA_FILE) -> Path:
    """A schema file: inside the installed package, or at the top of a source checkout."""
    packaged = resources.files("cireg") / "schemas" / name
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas" / name


@cache
def load_schema() -> dict[str, Any]:
    with open(schema_path(), encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def format_checker() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=[])
    checker.checks("date")(is_calendar_date)
    return checker


@cache
def fast_validator() -> Any:
    """The same schema compiled to Python code: about seven times faster than the
    interpreting validator, but it stops at the first error and phrases it in JSON terms.
    So it only answers "valid?"; the interpreting validator explains any "no"."""
    return fastjsonschema.compile(
        inline_definitions(load_schema()), formats={"date": is_calendar_date}, use_default=False
    )


def inline_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every `#/$defs/...` reference replaced by the definition itself.

    fastjsonschema turns each reference into a function call that formats the data path
    first, which is most of its time on an initiative (some 45 calls each); inlined, the
    check is three times faster. A reference with sibling keywords becomes `allOf` of both,
    its meaning in draft 2020-12. The schema has no recursive definition."""
    definitions = schema.get("$defs", {})
    prefix = "#/$defs/"

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(prefix):
            target = inline(definitions[reference[len(prefix) :]])
            siblings = {key: inline(value) for key, value in node.items() if key != "$ref"}
            return {"allOf": [target, siblings]} if siblings else target
        return {key: inline(value) for key, value in node.items()}

    return {key: inline(value) for key, value in schema.items() if key != "$defs"}


@cache
def validator() -> Any:
    """A validator for the shipped schema; its registry holds only local resources, so a
    `$ref` can never make validation fetch anything. Two things make its time grow with the
    file's size only: its `uniqueItems` is ours (`first_repeat`), as jsonschema's compares
    every pair of items that do not sort (3,000 tags of text and numbers took 8 seconds); and
    it reads the schema with its definitions inlined, like the compiled check, as looking up
    a `$ref` for each of 30,000 list items took a second."""
    schema = load_schema()
    # Imported here: only files the compiled check rejects need it, and it costs start-up.
    from jsonschema import Draft202012Validator, ValidationError, validators
    from referencing import Registry, Resource

    def unique_items(checker: Any, unique: Any, instance: Any, _schema: Any) -> Iterator[Any]:
        if unique and checker.is_type(instance, "array") and first_repeat(instance) is not None:
            yield ValidationError("has items that repeat")

    linear = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"uniqueItems": unique_items}
    )
    registry: Registry[Any] = Registry().with_resource(
        schema["$id"], Resource.from_contents(schema)
    )
    return linear(inline_definitions(schema), registry=registry, format_checker=format_checker())


def first_repeat(items: list[Any]) -> int | None:
    """The index of the first item equal, in JSON Schema's terms, to an earlier one."""
    seen: set[Any] = set()
    for index, item in enumerate(items):
        canonical = _canonical(item)
        if canonical in seen:
            return index
        seen.add(canonical)
    return None


def _canonical(value: Any) -> Any:
    """A hashable form of a JSON value, equal for two values exactly when JSON Schema calls
    them equal: `true` is not `1`, `1` is `1.0`, and the order of a mapping's keys is not
    counted. (The compiled check does the same.)"""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    return value  # text or null


def check_schema(document: Document) -> list[Finding]:
    """Every schema violation of one document, as findings phrased for people."""
    return registered("schema").run(document)


@rule("schema", Severity.ERROR, "The initiative matches the JSON Schema of the format.")
def schema(document: Document) -> Iterator[Spot]:
    """Each schema violation once, and each number JSON cannot carry exactly."""
    spots: dict[Spot, None] = {}  # one `required` error may restate another's keys
    try:
        fast_validator()(document.data)
    except fastjsonschema.JsonSchemaValueException:
        for error in validator().iter_errors(document.data):
            spots.update(dict.fromkeys(_phrase(error, document)))
    taken = {(spot.where.line, spot.where.column) for spot in spots}
    unsafe = [
        (line, column, text)
        for line, column, text in document.unsafe_numbers
        if (line + 1, column + 1) not in taken  # else already wrong for another reason
    ]
    paths = document.positions.paths_at((line, column) for line, column, _ in unsafe)
    for line, column, text in unsafe:
        path = paths.get((line, column))
        name = label(path, document.data) if path else "a number"
        shown = text if len(text) <= 40 else text[:39] + "…"
        where = Position(line + 1, column + 1)
        message = f"{name} must be a finite number between -2^53 and 2^53; got `{shown}`"
        spots[Spot(document.path, where, message)] = None
    yield from spots


# --- phrasing -------------------------------------------------------------------------------

_SUGGESTED_KEYS = 20  # "did you mean" for at most this many unknown keys of one mapping

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "a mapping of keys to values",
    "boolean": "`true` or `false`",
    "null": "empty",
}


@dataclass(frozen=True)
class _Failure:
    """One schema error with what phrasing it needs: where, what and the key's words."""

    document: Document
    path: tuple[Key, ...]
    name: str  # the key in words, as `label` gives it
    where: Position  # the failing value's position
    error: ValidationError

    @property
    def value(self) -> Any:
        return self.error.validator_value

    @property
    def instance(self) -> Any:
        return self.error.instance

    @property
    def subschema(self) -> Any:
        return self.error.schema if isinstance(self.error.schema, dict) else {}

    def at(self, position: Position, message: str) -> Spot:
        return Spot(self.document.path, position, message)


def _phrase(error: ValidationError, document: Document) -> Iterator[Spot]:
    path: tuple[Key, ...] = tuple(error.absolute_path)
    failure = _Failure(
        document,
        path,
        label(path, document.data),
        document.positions.value_position(path),
        error,
    )
    if not path and error.validator == "type":
        yield _phrase_top_level(failure)
        return
    phrasing = _PHRASINGS.get(str(error.validator))
    if phrasing is None:
        # A keyword the schema may gain later: still a finding, still at the right place.
        yield failure.at(failure.where, f"{failure.name} is not valid: {error.message}")
        return
    yield from phrasing(failure)


def _phrase_top_level(failure: _Failure) -> Spot:
    if failure.instance is None:
        return failure.at(
            START,
            "the file holds no initiative (it is empty or `null`); write a mapping with "
            "`title`, `status`, `owner` and `raised_on`",
        )
    return failure.at(
        failure.where,
        f"the top level must be a mapping of keys such as `title` and `status`; got "
        f"{show_value(failure.instance)}",
    )


def _phrase_required(failure: _Failure) -> Iterator[Spot]:
    data = failure.document.data
    status = data.get("status") if isinstance(data, dict) else None
    condition = f" when `status` is `{status}`" if "then" in failure.error.schema_path else ""
    owner = "the initiative" if not failure.path else failure.name
    for key in failure.value:
        if isinstance(failure.instance, dict) and key not in failure.instance:
            yield failure.at(
                failure.document.positions.missing_key_position(failure.path),
                f"{owner} is missing the required key `{key}`{condition}",
            )


def _phrase_unknown_keys(failure: _Failure) -> Iterator[Spot]:
    allowed = list(failure.subschema.get("properties", {}))
    where_owner = "at the top level" if not failure.path else f"in {failure.name}"
    unknown = 0
    for key in failure.instance:
        if key in allowed:
            continue
        unknown += 1
        # Past a few unknown keys the mapping is not a typo; looking for the nearest
        # allowed key costs ~0.1 ms a key, which adds up in a file of thousands.
        suggest = unknown <= _SUGGESTED_KEYS
        close = difflib.get_close_matches(str(key), allowed, n=1) if suggest else []
        hint = f"did you mean `{close[0]}`?" if close else "allowed keys: " + ", ".join(allowed)
        yield failure.at(
            failure.document.positions.key_position((*failure.path, key)),
            f"unknown key `{show_value(key)[1:-1]}` {where_owner}; {hint}",
        )


def _phrase_enum(failure: _Failure) -> Iterator[Spot]:
    choices = ", ".join(str(v) for v in failure.value)
    yield failure.at(
        failure.where,
        f"{failure.name} must be one of {choices}; got {show_value(failure.instance)}",
    )


def _phrase_type(failure: _Failure) -> Iterator[Spot]:
    if failure.subschema.get("format") == "date":
        wanted = "a calendar date written YYYY-MM-DD"
    else:
        value = failure.value
        types = [value] if isinstance(value, str) else list(value)
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    yield failure.at(
        failure.where, f"{failure.name} must be {wanted}; got {show_value(failure.instance)}"
    )


def _phrase_format(failure: _Failure) -> Iterator[Spot]:
    yield failure.at(
        failure.where,
        f"{failure.name} must be a calendar date written YYYY-MM-DD; "
        f"got {show_value(failure.instance)}",
    )


def _phrase_pattern(failure: _Failure) -> Iterator[Spot]:
    # The id pattern (the schema's `slug`) in words; any other pattern as written.
    is_slug = failure.value == load_schema()["$defs"]["slug"]["pattern"]
    rule = (
        "lowercase letters and digits, in words joined by single hyphens (like `first-response`)"
        if is_slug
        else f"match the pattern `{failure.value}`"
    )
    yield failure.at(
        failure.where,
        f"{failure.name} must be written in {rule}; got {show_value(failure.instance)}",
    )


def _phrase_length(failure: _Failure) -> Iterator[Spot]:
    low = failure.subschema.get("minLength")
    high = failure.subschema.get("maxLength")
    name, length = failure.name, len(failure.instance)
    if failure.error.validator == "minLength" and low == 1:
        message = f"{name} must not be empty"
    elif low is not None and high is not None:
        message = f"{name} must be {low} to {high} characters long; it has {length}"
    elif failure.error.validator == "minLength":
        message = f"{name} must be at least {low} characters long; it has {length}"
    else:
        message = f"{name} must be at most {high} characters long; it has {length}"
    yield failure.at(failure.where, message)


def _phrase_repeat(failure: _Failure) -> Iterator[Spot]:
    repeat = first_repeat(failure.instance)
    if repeat is not None:
        yield failure.at(
            failure.document.positions.value_position((*failure.path, repeat)),
            f"{failure.name} lists {show_value(failure.instance[repeat])} more than once",
        )


_PHRASINGS: dict[str, Callable[[_Failure], Iterator[Spot]]] = {
    "required": _phrase_required,
    "additionalProperties": _phrase_unknown_keys,
    "enum": _phrase_enum,
    "type": _phrase_type,
    "format": _phrase_format,
    "pattern": _phrase_pattern,
    "minLength": _phrase_length,
    "maxLength": _phrase_length,
    "uniqueItems": _phrase_repeat,
}
