"""The safe loader: YAML 1.2 core scalars, positions, and hostile input turned into findings."""

from __future__ import annotations

import math
import time

import pytest

from cireg.findings import Position
from cireg.load import MAX_BYTES, MAX_DEPTH, load_bytes
from cireg.load_problems import Alias, Anchor, DuplicateKey, ParserError, TooBig, TooDeep


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
    positions = document.positions
    path = ("kpis", 0, "measurements", 0, "value")
    assert positions.value_position(path) == Position(5, 33)
    assert positions.key_position(path) == Position(5, 26)
    assert positions.key_position(("kpis", 0)) == Position(3, 5)
    assert positions.missing_key_position(("kpis", 0, "measurements")) == Position(4, 5)
    assert positions.missing_key_position(()) == Position(1, 1)
    # A path that does not exist points at the deepest part that does.
    assert positions.value_position(("kpis", 0, "unit")) == Position(3, 5)


def test_the_document_still_answers_for_its_positions() -> None:
    document = load_bytes("x.yaml", b"title: x\nkpis:\n  - id: a\n").document
    assert document is not None
    positions = document.positions
    for path in [(), ("title",), ("kpis", 0, "id"), ("kpis", 3)]:
        assert document.value_position(path) == positions.value_position(path)
        assert document.key_position(path) == positions.key_position(path)
        assert document.missing_key_position(path) == positions.missing_key_position(path)
    assert (
        document.paths_at([(2, 8)]) == positions.paths_at([(2, 8)]) == {(2, 8): ("kpis", 0, "id")}
    )


def test_columns_count_characters_not_bytes() -> None:
    document = load_bytes("x.yaml", "é: ü\nnext: x\n".encode()).document
    assert document is not None
    assert document.positions.value_position(("é",)) == Position(1, 4)


def test_duplicate_key_points_at_the_second_and_keeps_the_first() -> None:
    result = load_bytes("x.yaml", b"title: one\nnested:\n  a: 1\n  a: 2\ntitle: two\n")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [
        ("duplicate-key", 4, 3),
        ("duplicate-key", 5, 1),
    ]
    assert result.problems == [
        DuplicateKey(Position(4, 3), "a", first=Position(3, 3)),
        DuplicateKey(Position(5, 1), "title", first=Position(1, 1)),
    ]
    assert result.document is not None
    assert result.document.data == {"title": "one", "nested": {"a": 1}}
    # Positions are those of the first: the data holds its value.
    assert result.document.positions.value_position(("title",)) == Position(1, 8)


def test_the_value_of_a_repeated_key_leaves_the_first_ones_positions_alone() -> None:
    text = b"kpis:\n  - id: a\nkpis:\n  - id: b\n    unit: x\n"
    result = load_bytes("x.yaml", text)
    assert result.problems == [DuplicateKey(Position(3, 1), "kpis", first=Position(1, 1))]
    assert result.document is not None
    positions = result.document.positions
    assert positions.value_position(("kpis", 0, "id")) == Position(2, 9)
    assert not positions.written(("kpis", 0, "unit"))


def test_findings_keep_the_order_the_problems_were_met_in() -> None:
    # A repeated key, then a syntax error further down: not grouped by rule.
    result = load_bytes("x.yaml", b"a: 1\na: 2\nb: [c\n")
    assert [(f.rule, f.line) for f in result.findings] == [
        ("duplicate-key", 2),
        ("yaml-syntax", 4),
    ]
    assert [type(problem) for problem in result.problems] == [DuplicateKey, ParserError]
    assert result.document is None


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
    result = load_bytes("x.yaml", b"title: x\nvision: &v\n  statement: s\n")
    assert result.problems == [Anchor(Position(2, 9), "v")]
    assert result.document is not None  # an anchor alone does not stop the loading


def test_an_alias_stops_the_loading() -> None:
    result = load_bytes("x.yaml", b"a: &x 1\nb: *x\n")
    assert result.problems == [Alias(Position(2, 4), "x")]
    assert result.document is None


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
    assert load_bytes("x.yaml", data).problems == [TooBig(Position(1, 1), len(data), MAX_BYTES)]


def test_too_deep_is_reported_with_its_limit() -> None:
    result = load_bytes("x.yaml", b"- " * 40 + b"x\n")
    assert result.problems == [TooDeep(Position(1, 65), MAX_DEPTH)]


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
