"""The register as plain data, with the facts cireg computes from it.

The builder reads whatever the file holds: a schema error elsewhere never stops the model
from being built, and a value of the wrong type simply counts as absent here (the schema
check has already said so)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from cireg.dates import parse_date
from cireg.findings import Finding, Position, Severity, make_finding
from cireg.format_shape import DIRECTIONS, EFFORTS, PRIORITIES, RISKS, VALUES
from cireg.format_shape import STATUSES as STATUSES  # the model's statuses: the schema's
from cireg.load import MAX_SAFE_NUMBER, Document, Key
from cireg.principles import STEPS

Path = tuple[Key, ...]

CLOSED_STATUSES = ("done", "abandoned")
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}
# The backlog score, value / effort: cireg's numbers for the schema's words, in its order
# (zip(strict=True) fails at import should the schema's lists change length).
VALUE_SCORE = dict(zip(VALUES, (3, 2, 1), strict=True))
EFFORT_SCORE = dict(zip(EFFORTS, (1, 2, 3, 5, 8), strict=True))
RISK_LEVELS = frozenset(RISKS)


class ObjectiveState(str, Enum):
    MET = "met"
    MET_LATE = "met late"
    NOT_MET = "not met"


class Completeness(str, Enum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    MISSING = "missing"


# --- reading raw data defensively ------------------------------------------------------------


def text_of(mapping: Any, key: str) -> str | None:
    """A non-blank string value, else None."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def number_of(value: Any) -> float | None:
    """A finite number within the safe range, else None (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or abs(value) > MAX_SAFE_NUMBER:
        return None
    return value


def strings_of(mapping: Any, key: str) -> list[str]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item.strip()]


def mapping_items(mapping: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in the list at `key`, with their indices (other items are skipped)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


# --- the model -------------------------------------------------------------------------------


@dataclass
class Measurement:
    path: Path
    on: dt.date | None
    value: float | None
    note: str | None


@dataclass
class Kpi:
    path: Path
    id: str | None
    name: str | None
    unit: str | None
    direction: str | None  # "increase" | "decrease" | None
    source: str | None
    measurements: list[Measurement]
    baseline: Measurement | None = None
    latest: Measurement | None = None

    @property
    def usable(self) -> list[Measurement]:
        """Measurements with a date and a value, in date order (stable for equal dates)."""
        dated = [m for m in self.measurements if m.on is not None and m.value is not None]
        return sorted(dated, key=lambda m: m.on)  # type: ignore[arg-type, return-value]

    def better_or_equal(self, value: float, than: float) -> bool:
        return value >= than if self.direction == "increase" else value <= than

    @property
    def is_percentage(self) -> bool:
        return self.unit is not None and self.unit.strip() == "%"


@dataclass
class Objective:
    path: Path
    id: str | None
    statement: str | None
    kpi_id: str | None
    target: float | None  # None when missing or not a usable number
    deadline: dt.date | None
    relevance: str | None
    kpi: Kpi | None = None
    state: ObjectiveState | None = None  # None when it cannot be computed
    gap_closed: float | None = None  # a fraction: 1.0 is the whole gap
    smart_failures: list[SmartFailure] = field(default_factory=list)

    @property
    def is_smart(self) -> bool:
        # A dangling `kpi` (unknown-ref) or an unusable number (schema) fails too.
        return not self.smart_failures and self.kpi is not None and self.target is not None


@dataclass(frozen=True)
class SmartFailure:
    """One SMART rule an objective fails, where to point, and why (reasons joined)."""

    rule: str
    path: Path
    message: str


@dataclass
class Action:
    path: Path
    id: str | None
    what: str | None
    owner: str | None
    due: dt.date | None
    status: str  # missing means "todo"


@dataclass
class LogEntry:
    path: Path
    on: dt.date | None
    note: str | None


@dataclass
class StepReport:
    state: Completeness
    due: bool  # the status requires this step (at least partial)
    required_complete: bool
    gaps: list[str]  # what keeps it from complete, in words


@dataclass
class Initiative:
    id: str
    source: str  # the file's path on disk
    document: Document
    data: dict[str, Any]
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
    next_iteration: str | None
    kpis: list[Kpi]
    objectives: list[Objective]
    actions: list[Action]
    log: list[LogEntry]
    assessed_on: dt.date | None  # current_state.assessed_on
    started_on: dt.date | None  # execution.started_on
    verified_on: dt.date | None  # verification.assessed_on
    declared_outcome: str | None
    principles: dict[str, list[str]]
    steps: dict[str, StepReport] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.document.path

    def step(self, key: str) -> Any:
        """The raw step mapping (or whatever stands under the key), None when absent."""
        return self.data.get(key)

    def kpi(self, kpi_id: str | None) -> Kpi | None:
        for kpi in self.kpis:
            if kpi_id is not None and kpi.id == kpi_id:
                return kpi
        return None

    @property
    def computed_outcome(self) -> str | None:
        if not self.objectives:
            return None
        met = sum(1 for o in self.objectives if o.state is ObjectiveState.MET)
        if met == len(self.objectives):
            return "met"
        return "not-met" if met == 0 else "partially-met"

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
    def value_effort_score(self) -> float:
        value = VALUE_SCORE.get(self.value or "", VALUE_SCORE["medium"])
        effort = EFFORT_SCORE.get(self.effort or "", EFFORT_SCORE["m"])
        return value / effort

    @property
    def backlog_key(self) -> tuple[int, float, dt.date, str]:
        """Priority (none last), value/effort score (highest first), raised_on, id."""
        return (
            PRIORITY_RANK.get(self.priority or "", len(PRIORITY_RANK)),
            -self.value_effort_score,
            self.raised_on or dt.date.max,
            self.id,
        )

    # Findings at places in this file.
    def finding(
        self,
        path: Path,
        rule: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        at_key: bool = False,
    ) -> Finding:
        where: Position = (
            self.document.key_position(path) if at_key else self.document.value_position(path)
        )
        return make_finding(self.path, where, rule, message, severity)


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


# --- building --------------------------------------------------------------------------------


def build_initiative(initiative_id: str, source: str, document: Document) -> Initiative | None:
    """The model of one loaded file, with its computed facts; None if it is not a mapping."""
    data = document.data
    if not isinstance(data, dict):
        return None
    kpis = [_kpi(("kpis", i), raw) for i, raw in mapping_items(data, "kpis")]
    current = data.get("current_state")
    target = data.get("target_state")
    plan = data.get("plan")
    execution = data.get("execution")
    verification = data.get("verification")
    momentum = data.get("momentum")
    initiative = Initiative(
        id=initiative_id,
        source=source,
        document=document,
        data=data,
        title=text_of(data, "title"),
        status=text_of(data, "status") if data.get("status") in STATUSES else None,
        owner=text_of(data, "owner"),
        raised_on=parse_date(data.get("raised_on")),
        raised_by=text_of(data, "raised_by"),
        review_by=parse_date(data.get("review_by")),
        priority=_choice(data, "priority", PRIORITY_RANK),
        value=_choice(data, "value", VALUE_SCORE),
        effort=_choice(data, "effort", EFFORT_SCORE),
        risk=_choice(data, "risk", RISK_LEVELS),
        services=strings_of(data, "services"),
        value_chain=strings_of(data, "value_chain"),
        tags=strings_of(data, "tags"),
        on_hold_reason=text_of(data, "on_hold_reason"),
        previous_iteration=text_of(data, "previous_iteration"),
        next_iteration=text_of(momentum, "next_iteration"),
        kpis=kpis,
        objectives=[
            _objective(("target_state", "objectives", i), raw)
            for i, raw in mapping_items(target, "objectives")
        ],
        actions=[_action(("plan", "actions", i), raw) for i, raw in mapping_items(plan, "actions")],
        log=[
            LogEntry(("execution", "log", i), parse_date(raw.get("on")), text_of(raw, "note"))
            for i, raw in mapping_items(execution, "log")
        ],
        assessed_on=parse_date(current.get("assessed_on")) if isinstance(current, dict) else None,
        started_on=parse_date(execution.get("started_on")) if isinstance(execution, dict) else None,
        verified_on=(
            parse_date(verification.get("assessed_on")) if isinstance(verification, dict) else None
        ),
        declared_outcome=_choice(verification, "outcome", ("met", "partially-met", "not-met")),
        principles={
            step.key: strings_of(data.get(step.key), "principles")
            for step in STEPS
            if isinstance(data.get(step.key), dict)
        },
    )
    _compute_facts(initiative)
    return initiative


def _choice(mapping: Any, key: str, allowed: Any) -> str | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) and value in allowed else None


def _kpi(path: Path, raw: dict[str, Any]) -> Kpi:
    direction = raw.get("direction")
    return Kpi(
        path=path,
        id=text_of(raw, "id"),
        name=text_of(raw, "name"),
        unit=text_of(raw, "unit"),
        direction=direction if direction in DIRECTIONS else None,
        source=text_of(raw, "source"),
        measurements=[
            Measurement(
                (*path, "measurements", i),
                parse_date(item.get("on")),
                number_of(item.get("value")),
                text_of(item, "note"),
            )
            for i, item in mapping_items(raw, "measurements")
        ],
    )


def _objective(path: Path, raw: dict[str, Any]) -> Objective:
    return Objective(
        path=path,
        id=text_of(raw, "id"),
        statement=raw.get("statement") if isinstance(raw.get("statement"), str) else None,
        kpi_id=text_of(raw, "kpi"),
        target=number_of(raw.get("target")),
        deadline=parse_date(raw.get("deadline")),
        relevance=text_of(raw, "relevance"),
    )


def _action(path: Path, raw: dict[str, Any]) -> Action:
    status = raw.get("status", "todo")
    return Action(
        path=path,
        id=text_of(raw, "id"),
        what=text_of(raw, "what"),
        owner=text_of(raw, "owner"),
        due=parse_date(raw.get("due")),
        status=status if status in ("todo", "doing", "done", "dropped") else "todo",
    )


def _compute_facts(initiative: Initiative) -> None:
    """Baselines, latest values, objective states and gaps closed."""
    for measured in initiative.kpis:
        usable = measured.usable
        measured.latest = usable[-1] if usable else None
        if initiative.assessed_on is not None:
            before = [m for m in usable if m.on <= initiative.assessed_on]  # type: ignore[operator]
            measured.baseline = before[-1] if before else None
    for objective in initiative.objectives:
        kpi = objective.kpi = initiative.kpi(objective.kpi_id)
        if kpi is None or kpi.direction is None or objective.target is None:
            continue
        target = objective.target
        if objective.deadline is not None:
            reached = [m for m in kpi.usable if kpi.better_or_equal(m.value, target)]  # type: ignore[arg-type]
            if any(m.on <= objective.deadline for m in reached):  # type: ignore[operator]
                objective.state = ObjectiveState.MET
            elif reached:
                objective.state = ObjectiveState.MET_LATE
            else:
                objective.state = ObjectiveState.NOT_MET
        baseline, latest = kpi.baseline, kpi.latest
        if baseline is not None and latest is not None and target != baseline.value:
            gap = (latest.value - baseline.value) / (target - baseline.value)  # type: ignore[operator]
            # A target a hair's breadth from the baseline can make the ratio overflow.
            objective.gap_closed = gap if math.isfinite(gap) else None
