"""The safe loader: YAML 1.2 core scalars, positions, and hostile input turned into findings."""

from __future__ import annotations

import math
import time

import pytest

from cireg.findings import Position
from cireg.load import MAX_BYTES, load_bytes


def rules_at(data: bytes) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in load_bytes("x.yaml", data).findings]


def value_of(text: str) -> object:
    result = load_bytes("x.yaml", f"v: {text}\n".encode())
    assert result.document is not None, result.findings
    return result.document.data["v"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("Y", "Y"),
        ("true", True),
        ("False", False),
        ("2025-09-01", "2025-09-01"),
        ("12:30", "12:30"),
        ("1_000", "1_000"),
        ("0o17", 15),
        ("0x1F", 31),
        ("017", 17),
        ("-3", -3),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("~", None),
        ("null", None),
        ("", None),
        ("'true'", "true"),
        ('"12"', "12"),
        ("!!str 12", "12"),
        ("!!float 3", 3.0),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(text: str, expected: object) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", [".nan", ".NaN"])
def test_nan_is_read_as_a_float_for_the_schema_to_reject(text: str) -> None:
    value = value_of(text)
    assert isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize("text", [".inf", "-.Inf", "1e400", "9" * 5000])
def test_infinite_and_huge_numbers_never_crash(text: str) -> None:
    value = value_of(text)
    assert isinstance(value, float) and math.isinf(value)


def test_positions_of_keys_and_values() -> None:
    text = "title: Something\nkpis:\n  - id: a\n    measurements:\n      - {on: 2025-01-01, value: 3}\n"
    document = load_bytes("x.yaml", text.encode()).document
    assert document is not None
    path = ("kpis", 0, "measurements", 0, "value")
    assert document.value_position(path) == Position(5, 33)
    assert document.key_position(path) == Position(5, 26)
    assert document.key_position(("kpis", 0)) == Position(3, 5)
    assert document.missing_key_position(("kpis", 0, "measurements")) == Position(4, 5)
    assert document.missing_key_position(()) == Position(1, 1)
    # A path that does not exist points at the deepest part that does.
    assert document.value_position(("kpis", 0, "unit")) == Position(3, 5)


def test_columns_count_characters_not_bytes() -> None:
    document = load_bytes("x.yaml", "é: ü\nnext: x\n".encode()).document
    assert document is not None
    assert document.value_position(("é",)) == Position(1, 4)


def test_duplicate_key_points_at_the_second_and_keeps_the_first() -> None:
    result = load_bytes("x.yaml", b"title: one\nnested:\n  a: 1\n  a: 2\ntitle: two\n")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [
        ("duplicate-key", 4, 3),
        ("duplicate-key", 5, 1),
    ]
    assert result.document is not None
    assert result.document.data == {"title": "one", "nested": {"a": 1}}


BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_rejected_at_its_first_alias_at_once() -> None:
    assert len(BILLION_LAUGHS) < 350
    started = time.perf_counter()
    findings = rules_at(BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    assert findings == [("alias", 2, 8)]
    # Generous bound against a pathological regression (expanding takes ~15 s); the real
    # figure is well under a millisecond.
    assert elapsed < 1.0


def test_an_anchor_without_alias_is_reported_at_the_anchor() -> None:
    assert rules_at(b"title: x\nvision: &v\n  statement: s\n") == [("alias", 2, 9)]


def test_text_with_ampersands_and_asterisks_is_fine() -> None:
    assert rules_at(b"a: R&D *really* matters\nb: '*not an alias*'\n") == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 10_000 + b"]" * 10_000, ("too-large", 1, 33)),
        (b"[" * 200_000 + b"]" * 200_000, ("too-large", 1, 1)),  # over 256 KiB first
        (b"- " * 40 + b"x\n", ("too-large", 1, 65)),
        (b"a:\n" + b"".join(b"  " * i + b"k:\n" for i in range(1, 40)), ("too-large", 33, 65)),
    ],
    ids=["flow-10000-deep", "flow-400k", "compact-sequences", "block-mappings"],
)
def test_deep_nesting_is_too_large_and_never_recurses(
    data: bytes, expected: tuple[str, int, int]
) -> None:
    assert rules_at(data) == [expected]


def test_a_10_mb_file_is_too_large_without_being_parsed() -> None:
    data = b"title: " + b"x" * (10 * 1024 * 1024) + b"\n"
    started = time.perf_counter()
    assert rules_at(data) == [("too-large", 1, 1)]
    assert time.perf_counter() - started < 1.0
    assert len(b"x" * MAX_BYTES) == 256 * 1024


def test_a_bom_is_tolerated() -> None:
    result = load_bytes("x.yaml", b"\xef\xbb\xbftitle: x\n")
    assert result.findings == []
    assert result.document is not None and result.document.data == {"title": "x"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("title: x\n".encode("utf-16"), ("yaml-syntax", 1, 1)),
        (b"title: ok\nowner: \xff\xfeoops\n", ("yaml-syntax", 2, 8)),
        (b"\x00\x01\x02\x03binary\xff", ("yaml-syntax", 1, 11)),
        (b"\x00\x01\x02\x03binary", ("yaml-syntax", 1, 1)),
        (b"title: x\n\tstatus: idea\n", ("yaml-syntax", 2, 1)),
        (b"title: x\n---\ntitle: y\n", ("yaml-syntax", 2, 1)),
        (b"title: x\n...\n---\ntitle: y\n", ("yaml-syntax", 3, 1)),
        (b"title: [a, b\n", ("yaml-syntax", 2, 1)),
        (b"title: a: b\n", ("yaml-syntax", 1, 9)),
        (b"title: x\x07\n", ("yaml-syntax", 1, 9)),
        (b"? [a, b]\n: c\n", ("yaml-syntax", 1, 3)),
        (b"a: !!python/object:os.system x\n", ("yaml-syntax", 1, 4)),
        (b"a: !!int abc\n", ("yaml-syntax", 1, 4)),
    ],
    ids=[
        "utf-16",
        "not-utf-8",
        "binary",
        "nul-bytes",
        "tab",
        "two-documents",
        "two-documents-after-end",
        "unclosed-flow",
        "colon-in-plain-text",
        "control-character",
        "complex-key",
        "python-tag",
        "bad-int-tag",
    ],
)
def test_broken_input_gives_one_positioned_finding(
    data: bytes, expected: tuple[str, int, int]
) -> None:
    assert rules_at(data) == [expected]


@pytest.mark.parametrize(
    ("data", "value"),
    [(b"", None), (b"# only a comment\n", None), (b"~\n", None), (b"- a\n", ["a"]), (b"42\n", 42)],
)
def test_documents_that_are_not_mappings_still_load(data: bytes, value: object) -> None:
    result = load_bytes("x.yaml", data)
    assert result.findings == []
    assert result.document is not None and result.document.data == value
