"""The format's closed vocabularies come from the JSON Schema (cireg.format_shape); these are
the spec's words (../shared/spec/initiative-format.md), stated here on their own so that a
change to the schema that the spec does not make fails."""

from __future__ import annotations

import re

from cireg import format_shape
from cireg.model import EFFORT_SCORE, PRIORITY_RANK, VALUE_SCORE
from cireg.render.page_context import VALUE_CHAIN_NAMES
from cireg.scaffold import initiative_skeleton
from conftest import TODAY


def test_the_vocabularies_are_the_specs() -> None:
    assert format_shape.STATUSES == (
        "idea",
        "planned",
        "in-progress",
        "verifying",
        "done",
        "on-hold",
        "abandoned",
    )
    assert format_shape.PRIORITIES == ("critical", "high", "medium", "low")
    assert format_shape.DIRECTIONS == ("increase", "decrease")
    assert set(format_shape.VALUE_CHAIN_ACTIVITIES) == {
        "plan",
        "improve",
        "engage",
        "design-and-transition",
        "obtain-build",
        "deliver-and-support",
    }
    assert re.fullmatch(format_shape.SLUG_PATTERN, "first-response")
    assert not re.fullmatch(format_shape.SLUG_PATTERN, "First--response")


def test_scores_and_names_cover_the_schemas_words_exactly() -> None:
    assert list(PRIORITY_RANK) == list(format_shape.PRIORITIES)
    assert VALUE_SCORE == {"high": 3, "medium": 2, "low": 1}
    assert EFFORT_SCORE == {"xs": 1, "s": 2, "m": 3, "l": 5, "xl": 8}
    assert list(VALUE_CHAIN_NAMES) == list(format_shape.VALUE_CHAIN_ACTIVITIES)


def test_the_keys_a_status_requires_are_the_schemas_conditions() -> None:
    required = format_shape.KEYS_REQUIRED_BY_STATUS
    for status in ("planned", "in-progress", "verifying", "done"):
        assert "priority" in required[status], status
    assert "on_hold_reason" in required["on-hold"]
    assert "momentum" in required["abandoned"]
    for status in ("idea", "planned", "in-progress", "verifying", "on-hold"):
        assert "review_by" in required[status], status
    assert "review_by" not in required["done"] and "review_by" not in required["abandoned"]


def test_the_skeleton_writes_what_the_schema_requires_of_its_status() -> None:
    for status, keys in format_shape.KEYS_REQUIRED_BY_STATUS.items():
        text = initiative_skeleton(
            title="A new idea for the desk",
            status=status,
            owner="Desk",
            today=TODAY,
            schema_ref="../schemas/initiative.schema.json",
        )
        assert text.startswith(format_shape.MODELINE_PREFIX)
        for key in keys:
            assert re.search(rf"^{key}:", text, re.M), (status, key)
