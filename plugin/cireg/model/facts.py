"""The facts cireg computes from what an initiative says, in one pass and one order:

1. each KPI's usable measurements, baseline and latest value;
2. each objective's KPI, state (met, met late, not met) and share of the gap closed;
3. the SMART criteria each objective fails, and why;
4. each step's completeness, which needs 1-3;
5. the outcome computed from the objectives, and the one shown in lists;
6. the backlog score.

Rules read these facts and return findings; renderers read them and draw."""

from __future__ import annotations

import math

from cireg.model.completeness import assess_completeness
from cireg.model.smart import smart_failures
from cireg.model.values import (
    EFFORT_SCORE,
    VALUE_SCORE,
    Initiative,
    Kpi,
    Measurement,
    Objective,
    ObjectiveState,
)


def compute_facts(initiative: Initiative) -> Initiative:
    for kpi in initiative.kpis:
        _measure(kpi, initiative)
    for objective in initiative.objectives:
        _assess_objective(objective, initiative)
    for objective in initiative.objectives:
        objective.smart_failures = smart_failures(initiative, objective)
    initiative.completeness = assess_completeness(initiative)
    initiative.computed_outcome = _computed_outcome(initiative)
    initiative.outcome = (
        initiative.computed_outcome or initiative.declared_outcome
        if initiative.verification is not None
        else None
    )
    value = VALUE_SCORE.get(initiative.value or "", VALUE_SCORE["medium"])
    effort = EFFORT_SCORE.get(initiative.effort or "", EFFORT_SCORE["m"])
    initiative.value_effort_score = value / effort
    return initiative


def usable_measurements(kpi: Kpi) -> list[Measurement]:
    """Measurements with a date and a value, in date order (stable for equal dates)."""
    dated = [m for m in kpi.measurements if m.on is not None and m.value is not None]
    return sorted(dated, key=lambda m: m.on)  # type: ignore[arg-type, return-value]


def _measure(kpi: Kpi, initiative: Initiative) -> None:
    kpi.usable = usable_measurements(kpi)
    kpi.latest = kpi.usable[-1] if kpi.usable else None
    assessed_on = initiative.assessed_on
    if assessed_on is not None:
        before = [m for m in kpi.usable if m.on <= assessed_on]  # type: ignore[operator]
        kpi.baseline = before[-1] if before else None


def _assess_objective(objective: Objective, initiative: Initiative) -> None:
    kpi = objective.kpi = initiative.kpi(objective.kpi_id)
    if kpi is None or kpi.direction is None or objective.target is None:
        return
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


def _computed_outcome(initiative: Initiative) -> str | None:
    if not initiative.objectives:
        return None
    met = sum(1 for o in initiative.objectives if o.state is ObjectiveState.MET)
    if met == len(initiative.objectives):
        return "met"
    return "not-met" if met == 0 else "partially-met"
