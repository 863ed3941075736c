"""The register as typed values: what each initiative file says, step by step, each part
knowing where it stands in its file, and the facts cireg computes from it (filled in by
`cireg.model.facts`, in one pass).

A value of the wrong type in the file counts as absent here: the schema check has already
said so, and nothing after the model reads the raw YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from cireg.findings import START, Finding, Position
from cireg.format_shape import EFFORTS, PRIORITIES, VALUES
from cireg.principles import STEPS, Step

Key = str | int
KeyPath = tuple[Key, ...]  # where a part stands in the file: ("kpis", 0, "unit")

CLOSED_STATUSES = ("done", "abandoned")
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}
# The backlog score, value / effort: cireg's numbers for the schema's words, in its order
# (zip(strict=True) fails at import should the schema's lists change length).
VALUE_SCORE = dict(zip(VALUES, (3, 2, 1), strict=True))
EFFORT_SCORE = dict(zip(EFFORTS, (1, 2, 3, 5, 8), strict=True))


class ObjectiveState(str, Enum):
    MET = "met"
    MET_LATE = "met late"
    NOT_MET = "not met"


class Completeness(str, Enum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    MISSING = "missing"


class PositionIndex(Protocol):
    """Where every part of one file stands (the loader's `Positions`)."""

    def value_position(self, path: KeyPath) -> Position: ...
    def key_position(self, path: KeyPath) -> Position: ...
    def written(self, path: KeyPath) -> bool: ...


@dataclass(frozen=True, slots=True)
class Place:
    """Where a part of an initiative stands in its file, and where its fields do."""

    positions: PositionIndex
    path: KeyPath

    @property
    def value(self) -> Position:
        return self.positions.value_position(self.path)

    @property
    def key(self) -> Position:
        """Where its key stands (a list item's own start)."""
        return self.positions.key_position(self.path)

    def at(self, *keys: Key) -> Position:
        """Where a field's value stands; where this part stands when the field is absent."""
        return self.positions.value_position((*self.path, *keys))

    def written(self, key: Key) -> bool:
        """The field is in the file (with any value, even a wrong or empty one)."""
        return self.positions.written((*self.path, key))

    def child(self, *keys: Key) -> Place:
        return Place(self.positions, (*self.path, *keys))


class _NoPositions:
    def value_position(self, path: KeyPath) -> Position:
        return START

    def key_position(self, path: KeyPath) -> Position:
        return START

    def written(self, path: KeyPath) -> bool:
        return False


# The place of a value made outside any file (by a test, or from a form's fields).
NOWHERE = Place(_NoPositions(), ())


@dataclass
class Measurement:
    place: Place
    on: dt.date | None
    value: float | None
    note: str | None


@dataclass
class Kpi:
    place: Place
    id: str | None
    name: str | None
    unit: str | None
    direction: str | None  # "increase" | "decrease" | None
    source: str | None
    measurements: list[Measurement]
    # computed facts
    baseline: Measurement | None = None
    latest: Measurement | None = None
    usable: list[Measurement] = field(default_factory=list)  # dated, valued, in date order

    def better_or_equal(self, value: float, than: float) -> bool:
        return value >= than if self.direction == "increase" else value <= than

    @property
    def is_percentage(self) -> bool:
        return self.unit is not None and self.unit.strip() == "%"


@dataclass(frozen=True)
class SmartFailure:
    """One SMART rule an objective fails, where to point, and why (reasons joined)."""

    rule: str
    where: Position
    message: str


@dataclass
class Objective:
    place: Place
    id: str | None
    statement: str | None  # as written, even blank
    kpi_id: str | None
    target: float | None  # None when missing or not a usable number
    target_is_number: bool  # a number was written, usable or not (NaN, beyond ±2^53)
    deadline: dt.date | None
    relevance: str | None
    label: str  # how messages name it: "objective `reduce-mttr`" (or just "objective")
    # computed facts
    kpi: Kpi | None = None
    state: ObjectiveState | None = None  # None when it cannot be computed
    gap_closed: float | None = None  # a fraction: 1.0 is the whole gap
    smart_failures: list[SmartFailure] = field(default_factory=list)

    @property
    def is_smart(self) -> bool:
        # A dangling `kpi` (unknown-ref) or an unusable number (schema) fails too.
        return not self.smart_failures and self.kpi is not None and self.target is not None


@dataclass
class Action:
    place: Place
    id: str | None
    what: str | None
    owner: str | None
    due: dt.date | None
    status: str  # missing means "todo"


@dataclass
class LogEntry:
    place: Place
    on: dt.date | None
    note: str | None


# --- the seven steps, as written ---------------------------------------------------------


@dataclass
class WrittenStep:
    """A step whose key holds a mapping (any other value counts as not written)."""

    place: Place
    principles: list[str]


@dataclass
class Vision(WrittenStep):
    statement: str | None
    supports: str | None
    stakeholders: list[str]


@dataclass
class CurrentState(WrittenStep):
    assessed_on: dt.date | None
    summary: str | None


@dataclass
class TargetState(WrittenStep):
    objectives: list[Objective]
    success_factors: list[str]


@dataclass
class Plan(WrittenStep):
    approach: str | None
    actions: list[Action]
    risks: list[str]


@dataclass
class Execution(WrittenStep):
    started_on: dt.date | None
    log: list[LogEntry]


@dataclass
class Verification(WrittenStep):
    assessed_on: dt.date | None
    outcome: str | None  # "met" | "partially-met" | "not-met" | None
    summary: str | None


@dataclass
class Momentum(WrittenStep):
    lessons_learned: str | None
    embedded_by: list[str]
    communicated_to: list[str]
    next_iteration: str | None
    backlog_ideas: list[str]


@dataclass
class StepReport:
    state: Completeness
    due: bool  # the status requires this step (at least partial)
    required_complete: bool
    gaps: list[str]  # what keeps it from complete, in words

    @property
    def badge(self) -> str:
        """What the step's badge shows: a missing step the status does not require is
        "not due"."""
        if self.state is Completeness.MISSING and not self.due:
            return "not-due"
        return self.state.value


@dataclass(eq=False)  # an initiative is itself: renderers keep results beside it (render.memo)
class Initiative:
    id: str
    file_path: str  # the file on disk
    display_path: str  # the file as findings name it
    place: Place  # the whole file
    as_written: Any  # the file's data as JSON can carry it (register.json's `source`)
    title: str | None
    status: str | None
    owner: str | None
    raised_on: dt.date | None
    raised_by: str | None
    review_by: dt.date | None
    priority: str | None
    value: str | None
    effort: str | None
    risk: str | None
    services: list[str]
    value_chain: list[str]
    tags: list[str]
    on_hold_reason: str | None
    previous_iteration: str | None
    kpis: list[Kpi]
    vision: Vision | None
    current_state: CurrentState | None
    target_state: TargetState | None
    plan: Plan | None
    execution: Execution | None
    verification: Verification | None
    momentum: Momentum | None
    # computed facts
    completeness: dict[str, StepReport] = field(default_factory=dict)
    outcome: str | None = None  # shown in lists: computed, or declared, once verified
    computed_outcome: str | None = None  # from the objectives' states
    value_effort_score: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    # What the steps hold, read through the steps (empty when a step is not written).
    @property
    def objectives(self) -> list[Objective]:
        return self.target_state.objectives if self.target_state else []

    @property
    def actions(self) -> list[Action]:
        return self.plan.actions if self.plan else []

    @property
    def log(self) -> list[LogEntry]:
        return self.execution.log if self.execution else []

    @property
    def assessed_on(self) -> dt.date | None:
        return self.current_state.assessed_on if self.current_state else None

    @property
    def started_on(self) -> dt.date | None:
        return self.execution.started_on if self.execution else None

    @property
    def verified_on(self) -> dt.date | None:
        return self.verification.assessed_on if self.verification else None

    @property
    def declared_outcome(self) -> str | None:
        return self.verification.outcome if self.verification else None

    @property
    def next_iteration(self) -> str | None:
        return self.momentum.next_iteration if self.momentum else None

    def written_step(self, key: str) -> WrittenStep | None:
        """The step under its format key ("vision", …), None when it is not written."""
        step: WrittenStep | None = getattr(self, key)
        return step

    @property
    def principles(self) -> dict[str, list[str]]:
        """The principles recorded per written step."""
        return {
            step.key: written.principles
            for step in STEPS
            if (written := self.written_step(step.key)) is not None
        }

    def badge_states(self) -> list[tuple[Step, str]]:
        return [(step, self.completeness[step.key].badge) for step in STEPS]

    def kpi(self, kpi_id: str | None) -> Kpi | None:
        for kpi in self.kpis:
            if kpi_id is not None and kpi.id == kpi_id:
                return kpi
        return None

    def is_stale(self, today: dt.date) -> bool:
        """The backlog review date has passed (closed initiatives need no review)."""
        return (
            self.review_by is not None
            and self.review_by < today
            and self.status not in CLOSED_STATUSES
        )

    def overdue_objectives(self, today: dt.date) -> list[Objective]:
        """Objectives past their deadline, not met, while the work is still planned or on."""
        if self.status not in ("planned", "in-progress"):
            return []
        return [
            o
            for o in self.objectives
            if o.deadline is not None and o.deadline < today and o.state is ObjectiveState.NOT_MET
        ]

    @property
    def backlog_key(self) -> tuple[int, float, dt.date, str]:
        """Priority (none last), value/effort score (highest first), raised_on, id."""
        return (
            PRIORITY_RANK.get(self.priority or "", len(PRIORITY_RANK)),
            -self.value_effort_score,
            self.raised_on or dt.date.max,
            self.id,
        )


@dataclass
class Register:
    """Every initiative of a register folder, in backlog order, and every finding."""

    folder: str
    initiatives: list[Initiative]
    findings: list[Finding]
    files: int  # entries looked at: initiatives, misnamed files, links, sub-folders
    # `.yaml` files that could not be turned into an initiative (broken YAML, not a
    # mapping); they are never dropped silently: their findings say why.
    unreadable: list[Any] = field(default_factory=list)

    def by_id(self) -> dict[str, Initiative]:
        return {initiative.id: initiative for initiative in self.initiatives}
