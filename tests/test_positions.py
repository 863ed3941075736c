"""The position index: found by key path, independent of the data, and exact."""

from __future__ import annotations

import copy

import pytest

from cireg.findings import Position
from cireg.load import Document, load_bytes
from cireg.positions import Positions

TEXT = """\
title: Shorter queues
kpis:
  - id: wait
    unit:
    measurements:
      - {on: 2025-01-01, value: 3}
      - on: 2025-02-01
        value: 2
tags: [a, b]
"""


def positions_of(text: str) -> Positions:
    document = load_bytes("x.yaml", text.encode()).document
    assert document is not None
    return document.positions


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ((), (1, 1), (1, 1)),
        (("title",), (1, 8), (1, 1)),
        (("kpis",), (3, 3), (2, 1)),
        (("kpis", 0), (3, 5), (3, 5)),  # a list item: its own start, for key and value
        (("kpis", 0, "unit"), (4, 10), (4, 5)),  # an empty value: just after its key
        (("kpis", 0, "measurements", 0, "value"), (6, 33), (6, 26)),
        (("kpis", 0, "measurements", 1, "value"), (8, 16), (8, 9)),
        (("tags", 1), (9, 11), (9, 11)),
    ],
)
def test_positions_of_values_and_keys(
    path: tuple[str | int, ...], value: tuple[int, int], key: tuple[int, int]
) -> None:
    positions = positions_of(TEXT)
    assert positions.value_position(path) == Position(*value)
    assert positions.key_position(path) == Position(*key)


@pytest.mark.parametrize(
    ("path", "deepest"),
    [
        (("kpis", 0, "name"), (3, 5)),  # a key the item does not have
        (("kpis", 7, "id"), (3, 3)),  # an index past the end
        (("kpis", "0"), (3, 3)),  # a key into a list
        (("title", 0), (1, 8)),  # into a scalar
        (("kpis", 0, 0), (3, 5)),  # an index into a mapping
        (("nothing", "at", "all"), (1, 1)),  # the document itself
    ],
)
def test_a_missing_path_points_at_the_deepest_part_that_exists(
    path: tuple[str | int, ...], deepest: tuple[int, int]
) -> None:
    positions = positions_of(TEXT)
    assert positions.value_position(path) == Position(*deepest)


def test_key_position_of_a_missing_path_is_the_deepest_existing_key() -> None:
    positions = positions_of(TEXT)
    assert positions.key_position(("kpis", 0, "name")) == Position(3, 5)
    assert positions.key_position(("kpis", 0, "unit", "x")) == Position(4, 5)


def test_missing_key_position_is_the_key_of_the_mapping_or_the_start() -> None:
    positions = positions_of(TEXT)
    assert positions.missing_key_position(()) == Position(1, 1)
    assert positions.missing_key_position(("kpis", 0, "measurements", 1)) == Position(7, 9)


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ((), True),
        (("title",), True),
        (("kpis", 0, "unit"), True),  # written, with an empty value
        (("kpis", 0, "name"), False),
        (("kpis", 0), True),
        (("kpis", 1), False),
        (("kpis", -1), False),
        (("kpis", "0"), False),
        (("tags", 1), True),
        (("title", 0), False),
        (("kpis", 0, "measurements", 1, "on"), True),
        (("kpis", 0, "measurements", 2, "on"), False),
        (("vision", "statement"), False),
    ],
)
def test_written_tells_the_key_paths_of_the_file(
    path: tuple[str | int, ...], written: bool
) -> None:
    assert positions_of(TEXT).written(path) is written


def test_a_copy_of_the_data_or_no_data_at_all_loses_no_position() -> None:
    document = load_bytes("x.yaml", TEXT.encode()).document
    assert document is not None
    path = ("kpis", 0, "measurements", 1, "value")
    expected = document.positions.value_position(path)
    copied = Document(document.path, copy.deepcopy(document.data), document.positions)
    assert copied.value_position(path) == expected
    document.data = None  # the model may keep the positions and drop the data
    assert document.positions.value_position(path) == expected
    assert document.positions.written(path)
    assert document.positions.paths_at([(7, 15)]) == {(7, 15): path}


def test_mappings_of_the_same_keys_keep_their_own_positions() -> None:
    # Mappings of one shape share their table of keys, within a file and across files.
    first = positions_of("a: {on: 1, value: 2}\nb: {on: 3, value: 4}\n")
    second = positions_of("b:\n  on: 5\n  value: 6\n")
    assert first.value_position(("a", "value")) == Position(1, 19)
    assert first.value_position(("b", "value")) == Position(2, 19)
    assert second.value_position(("b", "value")) == Position(3, 10)
    assert not second.written(("a",))


def test_paths_at_finds_the_values_starting_at_lines_and_columns() -> None:
    positions = positions_of(TEXT)
    # 0-based, as libyaml reports them.
    found = positions.paths_at([(0, 7), (5, 32), (8, 10), (0, 0), (99, 0)])
    assert found == {
        (0, 0): (),
        (0, 7): ("title",),
        (5, 32): ("kpis", 0, "measurements", 0, "value"),
        (8, 10): ("tags", 1),
    }


def test_an_empty_document_has_only_its_start() -> None:
    positions = positions_of("")
    assert positions.value_position(("title",)) == Position(1, 1)
    assert positions.key_position(("title",)) == Position(1, 1)
    assert not positions.written(("title",))
    assert Positions().value_position(()) == Position(1, 1)


def test_a_scalar_document_starts_where_its_value_does() -> None:
    positions = positions_of("# a comment\n  42\n")
    assert positions.value_position(()) == Position(2, 3)
    assert positions.paths_at([(1, 2)]) == {(1, 2): ()}
