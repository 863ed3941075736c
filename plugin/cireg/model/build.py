"""From a loaded document to the typed initiative: the one place that reads the raw YAML.

Whatever the file holds, the builder never fails: a value of the wrong type counts as
absent (the schema check has already said so), and a step whose key holds anything but a
mapping counts as not written."""

from __future__ import annotations

import math
from typing import Any

from cireg.dates import parse_date
from cireg.format_shape import DIRECTIONS, RISKS, STATUSES
from cireg.load import MAX_SAFE_NUMBER, Document
from cireg.model.values import (
    EFFORT_SCORE,
    PRIORITY_RANK,
    VALUE_SCORE,
    Action,
    CurrentState,
    Execution,
    Initiative,
    Kpi,
    LogEntry,
    Measurement,
    Momentum,
    Objective,
    Place,
    Plan,
    TargetState,
    Verification,
    Vision,
)
from cireg.paths import owning_item

ACTION_STATUSES = ("todo", "doing", "done", "dropped")
OUTCOMES = ("met", "partially-met", "not-met")


def text_of(mapping: Any, key: str) -> str | None:
    """A non-blank string value, else None."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def number_of(value: Any) -> float | None:
    """A finite number within the safe range, else None (booleans are not numbers)."""
    if not is_number(value) or not math.isfinite(value) or abs(value) > MAX_SAFE_NUMBER:
        return None
    return value  # type: ignore[no-any-return]


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def strings_of(mapping: Any, key: str) -> list[str]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item.strip()]


def _items(mapping: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in the list at `key`, with their indices (other items are skipped)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _choice(mapping: Any, key: str, allowed: Any) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) and value in allowed else None


def as_json(value: Any) -> Any:
    """The file's data as written, with numbers JSON cannot carry (non-finite, beyond ±2^53:
    already schema errors) as null."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if is_number(value):
        return number_of(value)
    return value


class _Reader:
    """Builds the typed parts of one file, each with its place."""

    def __init__(self, document: Document) -> None:
        self.data = document.data
        self.positions = document.positions

    def place(self, *path: str | int) -> Place:
        return Place(self.positions, path)

    def step(self, key: str) -> tuple[dict[str, Any], Place, list[str]] | None:
        raw = self.data.get(key)
        if not isinstance(raw, dict):
            return None
        return raw, self.place(key), strings_of(raw, "principles")

    def kpi(self, index: int, raw: dict[str, Any]) -> Kpi:
        place = self.place("kpis", index)
        direction = raw.get("direction")
        return Kpi(
            place=place,
            id=text_of(raw, "id"),
            name=text_of(raw, "name"),
            unit=text_of(raw, "unit"),
            direction=direction if direction in DIRECTIONS else None,
            source=text_of(raw, "source"),
            measurements=[
                Measurement(
                    place.child("measurements", i),
                    parse_date(item.get("on")),
                    number_of(item.get("value")),
                    text_of(item, "note"),
                )
                for i, item in _items(raw, "measurements")
            ],
        )

    def objective(self, index: int, raw: dict[str, Any]) -> Objective:
        path = ("target_state", "objectives", index)
        statement = raw.get("statement")
        return Objective(
            place=self.place(*path),
            id=text_of(raw, "id"),
            statement=statement if isinstance(statement, str) else None,
            kpi_id=text_of(raw, "kpi"),
            target=number_of(raw.get("target")),
            target_is_number=is_number(raw.get("target")),
            deadline=parse_date(raw.get("deadline")),
            relevance=text_of(raw, "relevance"),
            label=owning_item(path, self.data) or "objective",
        )

    def action(self, index: int, raw: dict[str, Any]) -> Action:
        status = raw.get("status", "todo")
        return Action(
            place=self.place("plan", "actions", index),
            id=text_of(raw, "id"),
            what=text_of(raw, "what"),
            owner=text_of(raw, "owner"),
            due=parse_date(raw.get("due")),
            status=status if status in ACTION_STATUSES else "todo",
        )

    def vision(self) -> Vision | None:
        if (step := self.step("vision")) is None:
            return None
        raw, place, principles = step
        return Vision(
            place,
            principles,
            statement=text_of(raw, "statement"),
            supports=text_of(raw, "supports"),
            stakeholders=strings_of(raw, "stakeholders"),
        )

    def current_state(self) -> CurrentState | None:
        if (step := self.step("current_state")) is None:
            return None
        raw, place, principles = step
        return CurrentState(
            place,
            principles,
            assessed_on=parse_date(raw.get("assessed_on")),
            summary=text_of(raw, "summary"),
        )

    def target_state(self) -> TargetState | None:
        if (step := self.step("target_state")) is None:
            return None
        raw, place, principles = step
        return TargetState(
            place,
            principles,
            objectives=[self.objective(i, item) for i, item in _items(raw, "objectives")],
            success_factors=strings_of(raw, "success_factors"),
        )

    def plan(self) -> Plan | None:
        if (step := self.step("plan")) is None:
            return None
        raw, place, principles = step
        return Plan(
            place,
            principles,
            approach=text_of(raw, "approach"),
            actions=[self.action(i, item) for i, item in _items(raw, "actions")],
            risks=strings_of(raw, "risks"),
        )

    def execution(self) -> Execution | None:
        if (step := self.step("execution")) is None:
            return None
        raw, place, principles = step
        return Execution(
            place,
            principles,
            started_on=parse_date(raw.get("started_on")),
            log=[
                LogEntry(place.child("log", i), parse_date(item.get("on")), text_of(item, "note"))
                for i, item in _items(raw, "log")
            ],
        )

    def verification(self) -> Verification | None:
        if (step := self.step("verification")) is None:
            return None
        raw, place, principles = step
        return Verification(
            place,
            principles,
            assessed_on=parse_date(raw.get("assessed_on")),
            outcome=_choice(raw, "outcome", OUTCOMES),
            summary=text_of(raw, "summary"),
        )

    def momentum(self) -> Momentum | None:
        if (step := self.step("momentum")) is None:
            return None
        raw, place, principles = step
        return Momentum(
            place,
            principles,
            lessons_learned=text_of(raw, "lessons_learned"),
            embedded_by=strings_of(raw, "embedded_by"),
            communicated_to=strings_of(raw, "communicated_to"),
            next_iteration=text_of(raw, "next_iteration"),
            backlog_ideas=strings_of(raw, "backlog_ideas"),
        )


def build_initiative(initiative_id: str, file_path: str, document: Document) -> Initiative | None:
    """The typed initiative of one loaded file, without computed facts; None if the file
    does not hold a mapping."""
    data = document.data
    if not isinstance(data, dict):
        return None
    read = _Reader(document)
    return Initiative(
        id=initiative_id,
        file_path=file_path,
        display_path=document.path,
        place=read.place(),
        as_written=as_json(data),
        title=text_of(data, "title"),
        status=text_of(data, "status") if data.get("status") in STATUSES else None,
        owner=text_of(data, "owner"),
        raised_on=parse_date(data.get("raised_on")),
        raised_by=text_of(data, "raised_by"),
        review_by=parse_date(data.get("review_by")),
        priority=_choice(data, "priority", PRIORITY_RANK),
        value=_choice(data, "value", VALUE_SCORE),
        effort=_choice(data, "effort", EFFORT_SCORE),
        risk=_choice(data, "risk", RISKS),
        services=strings_of(data, "services"),
        value_chain=strings_of(data, "value_chain"),
        tags=strings_of(data, "tags"),
        on_hold_reason=text_of(data, "on_hold_reason"),
        previous_iteration=text_of(data, "previous_iteration"),
        kpis=[read.kpi(i, raw) for i, raw in _items(data, "kpis")],
        vision=read.vision(),
        current_state=read.current_state(),
        target_state=read.target_state(),
        plan=read.plan(),
        execution=read.execution(),
        verification=read.verification(),
        momentum=read.momentum(),
    )
