"""The JSON Schema: well-formed, documented for editors, closed, offline, and phrased for
people when it rejects something."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cireg.load import load_bytes
from cireg.schema import (
    check_schema,
    fast_validator,
    first_repeat,
    load_schema,
    schema_path,
    validator,
)
from conftest import REPO


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["$id"]


def test_the_checkout_and_the_package_read_the_same_schema_file() -> None:
    # One source of truth: in a source checkout the package reads schemas/ itself.
    assert schema_path().read_bytes() == (REPO / "schemas" / "initiative.schema.json").read_bytes()


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from _properties(sub, f"{where}[{index}]")


def test_every_property_is_documented_for_editors() -> None:
    schema = load_schema()
    seen = 0
    for where, prop in _properties(schema):
        if "/allOf" in where:  # the status conditions restate properties, they define none
            continue
        seen += 1
        for key in ("title", "description", "markdownDescription", "examples"):
            assert prop.get(key), f"{where} has no {key}"
        assert isinstance(prop["examples"], list)
    assert seen > 50


def test_every_object_is_closed() -> None:
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for sub in node.values():
                yield from objects(sub)
        elif isinstance(node, list):
            for sub in node:
                yield from objects(sub)

    found = list(objects(load_schema()))
    assert len(found) >= 12
    assert all(node.get("additionalProperties") is False for node in found)


def test_validation_never_opens_a_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    validator.cache_clear()
    fast_validator.cache_clear()
    for path in sorted((REPO / "initiatives").glob("*.yaml")):
        document = load_bytes(path.name, path.read_bytes()).document
        assert document is not None
        assert check_schema(document) == []


def test_format_checking_is_on() -> None:
    assert validator().format_checker is not None
    assert not validator().is_valid({"title": "Valid title", "raised_on": "2025-02-30"})


def messages(text: str) -> list[tuple[int, int, str]]:
    document = load_bytes("x.yaml", text.encode()).document
    assert document is not None
    return [(f.line, f.column, f.message) for f in check_schema(document)]


BASE = "title: A fine title\nowner: Ops\nraised_on: 2026-01-05\nvision:\n  statement: Better.\n"


def test_enum_message_lists_the_choices_and_what_was_written() -> None:
    assert messages(BASE + "status: finished\nreview_by: 2027-01-01\n") == [
        (
            6,
            9,
            "`status` must be one of idea, planned, in-progress, verifying, done, on-hold, "
            "abandoned; got `finished`",
        )
    ]


def test_unknown_key_points_at_the_key_and_suggests_the_right_one() -> None:
    text = BASE.replace("  statement", "  statment") + "status: idea\nreview_by: 2027-01-01\n"
    assert messages(text) == [
        (5, 3, "unknown key `statment` in `vision`; did you mean `statement`?"),
        (4, 1, "`vision` is missing the required key `statement`"),
    ]


def test_missing_top_level_keys_point_at_line_1_column_1() -> None:
    result = messages("status: planned\n")
    assert {(line, column) for line, column, _m in result} == {(1, 1)}
    assert sorted(m for _l, _c, m in result) == [
        "the initiative is missing the required key `owner`",
        "the initiative is missing the required key `priority` when `status` is `planned`",
        "the initiative is missing the required key `raised_on`",
        "the initiative is missing the required key `review_by` when `status` is `planned`",
        "the initiative is missing the required key `title`",
    ]


@pytest.mark.parametrize(
    ("value", "wanted"),
    [
        (".nan", "a finite number between -2^53 and 2^53; got `.nan`"),
        ("1e400", "a finite number between -2^53 and 2^53; got `1e400`"),
        ("-.inf", "a finite number between -2^53 and 2^53; got `-.inf`"),
        ("7" * 5000, "a finite number between -2^53 and 2^53; got `" + "7" * 39 + "…`"),
        ("9007199254740993", "a finite number between -2^53 and 2^53; got `9007199254740993`"),
        ("'12'", "a number; got `12`"),
        ("true", "a number; got `true`"),
    ],
)
def test_numbers_must_be_finite_and_safe(value: str, wanted: str) -> None:
    text = (
        BASE
        + "status: idea\nreview_by: 2027-01-01\nkpis:\n  - id: k\n    name: K\n"
        + f"    direction: increase\n    measurements:\n      - {{on: 2026-01-01, value: {value}}}\n"
    )
    assert messages(text) == [
        (13, 33, f"`kpis[0].measurements[0].value` (KPI `k`) must be {wanted}")
    ]


@pytest.mark.parametrize("date", ["2025-02-30", "0000-01-01", "2025-1-5", "20250105", "next week"])
def test_dates_must_be_calendar_dates(date: str) -> None:
    text = BASE.replace("2026-01-05", date) + "status: idea\nreview_by: 2027-01-01\n"
    (finding,) = messages(text)
    assert finding[:2] == (3, 12)
    assert "must be a calendar date written YYYY-MM-DD" in finding[2]


def test_an_empty_file_and_a_top_level_list_are_schema_findings() -> None:
    assert messages("") == [
        (
            1,
            1,
            "the file holds no initiative (it is empty or `null`); write a mapping with "
            "`title`, `status`, `owner` and `raised_on`",
        )
    ]
    assert messages("- a\n- b\n") == [
        (1, 1, "the top level must be a mapping of keys such as `title` and `status`; got a list")
    ]


def test_a_repeated_item_points_at_its_second_appearance() -> None:
    text = BASE + "status: idea\nreview_by: 2027-01-01\ntags: [exams, desk, exams]\n"
    assert messages(text) == [(8, 21, "`tags` lists `exams` more than once")]


@pytest.mark.parametrize(
    ("items", "repeat"),
    [
        ("[a, b, a]", 2),
        ("[1, 1.0]", 1),
        ("[1, true]", None),
        ("[true, false, true]", 2),
        ("[null, a, null]", 2),
        ("[[1, 2], [2, 1], [1, 2]]", 2),
        ("[{a: 1, b: 2}, {b: 2, a: 1}]", 1),
        ("[{a: [1]}, {a: [true]}]", None),
    ],
)
def test_items_repeat_when_json_schema_calls_them_equal(items: str, repeat: int | None) -> None:
    """cireg's own uniqueItems (linear, where jsonschema's compared every pair) agrees with
    jsonschema's on what counts as equal."""
    document = load_bytes("x.yaml", f"items: {items}\n".encode()).document
    assert document is not None
    listed = document.data["items"]
    assert first_repeat(listed) == repeat
    unique = {"uniqueItems": True}
    assert Draft202012Validator(unique).is_valid(listed) == (repeat is None)
    assert validator().evolve(schema=unique).is_valid(listed) == (repeat is None)


def _documents() -> Iterator[tuple[str, Any]]:
    for folder in ("initiatives", "tests/fixtures/valid", "tests/fixtures/invalid"):
        for path in sorted((REPO / folder).glob("*.yaml")):
            document = load_bytes(path.name, path.read_bytes()).document
            if document is not None:
                yield f"{folder}/{path.name}", document


def test_the_fast_path_agrees_with_the_exact_validator() -> None:
    """The compiled validator may only ever say "valid" where the exact one does."""
    checked = 0
    for name, document in _documents():
        exact = validator().is_valid(document.data)
        try:
            fast_validator()(document.data)
            fast = True
        except Exception:
            fast = False
        if not document.unsafe_numbers:
            assert fast == exact, name
        checked += 1
    assert checked > 20
