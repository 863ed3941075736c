"""Which SMART criteria an objective fails, and why: a fact of the model, because step 3's
completeness depends on it; the smart-* rules turn it into findings.

Each criterion gives at most one failure per objective, pointing at the first offending
field (or the objective's first line when that field is absent) and naming every reason."""

from __future__ import annotations

from collections.abc import Callable

from cireg.findings import Position
from cireg.model.values import Initiative, Objective, SmartFailure

MIN_STATEMENT_WORDS = 4

Reasons = list[tuple[Position, str]]


def _field(objective: Objective, key: str) -> Position:
    """Point at the field when it is written, else at the objective's first line."""
    place = objective.place
    return place.at(key) if place.written(key) else place.value


def _specific(objective: Objective, _initiative: Initiative) -> Reasons:
    reasons: Reasons = []
    statement = objective.statement
    words = len(statement.split()) if statement else 0
    if statement is None or not statement.strip():
        written = objective.place.written("statement")
        why = "its `statement` is empty" if written else "it has no `statement`"
        reasons.append((_field(objective, "statement"), why))
    elif words < MIN_STATEMENT_WORDS:
        reasons.append(
            (
                _field(objective, "statement"),
                f"its `statement` has {words} words, fewer than {MIN_STATEMENT_WORDS}",
            )
        )
    if objective.kpi_id is None:
        reasons.append((objective.place.value, "it names no `kpi`"))
    return reasons


def _measurable(objective: Objective, _initiative: Initiative) -> Reasons:
    reasons: Reasons = []
    if not objective.place.written("target"):
        reasons.append((objective.place.value, "it has no `target`"))
    elif not objective.target_is_number:
        # (A NaN, an infinity or an unsafe integer is a number the schema check reports.)
        reasons.append((_field(objective, "target"), "its `target` is not a number"))
    kpi = objective.kpi
    if kpi is not None:
        if kpi.unit is None:
            reasons.append((_field(objective, "kpi"), f"KPI `{kpi.id}` has no `unit`"))
        if kpi.baseline is None:
            reasons.append(
                (
                    _field(objective, "kpi"),
                    f"KPI `{kpi.id}` has no baseline (a measurement on or before "
                    "`current_state.assessed_on`)",
                )
            )
    return reasons


def _achievable(objective: Objective, _initiative: Initiative) -> Reasons:
    reasons: Reasons = []
    kpi, target = objective.kpi, objective.target
    if kpi is None or target is None:
        return reasons
    where = _field(objective, "target")
    baseline = kpi.baseline
    if baseline is not None and baseline.value is not None and kpi.direction is not None:
        if target == baseline.value:
            reasons.append(
                (where, f"its `target` {target:g} equals the baseline {baseline.value:g}")
            )
        elif kpi.better_or_equal(baseline.value, target):
            side = "lower" if kpi.direction == "increase" else "higher"
            reasons.append(
                (
                    where,
                    f"its `target` {target:g} is {side} than the baseline {baseline.value:g}, "
                    f"the worse side for a KPI whose direction is `{kpi.direction}`",
                )
            )
    if kpi.is_percentage and not 0 <= target <= 100:
        reasons.append((where, f"its `target` {target:g} is outside 0 to 100 for a `%` KPI"))
    return reasons


def _relevant(objective: Objective, _initiative: Initiative) -> Reasons:
    if objective.relevance is not None:
        return []
    written = objective.place.written("relevance")
    why = "its `relevance` is empty" if written else "it has no `relevance`"
    return [(_field(objective, "relevance"), why)]


def _time_bound(objective: Objective, initiative: Initiative) -> Reasons:
    if not objective.place.written("deadline"):
        return [(objective.place.value, "it has no `deadline`")]
    reasons: Reasons = []
    deadline = objective.deadline
    if deadline is None:
        return reasons
    where = _field(objective, "deadline")
    assessed_on, raised_on = initiative.assessed_on, initiative.raised_on
    if assessed_on is not None and deadline <= assessed_on:
        reasons.append(
            (
                where,
                f"its `deadline` {deadline} is not after `current_state.assessed_on` {assessed_on}",
            )
        )
    if raised_on is not None and deadline <= raised_on:
        reasons.append((where, f"its `deadline` {deadline} is not after `raised_on` {raised_on}"))
    return reasons


# rule name, the adjective its message uses, and the test: in the spec's order.
CRITERIA: tuple[tuple[str, str, Callable[[Objective, Initiative], Reasons]], ...] = (
    ("smart-specific", "specific", _specific),
    ("smart-measurable", "measurable", _measurable),
    ("smart-achievable", "achievable", _achievable),
    ("smart-relevant", "relevant", _relevant),
    ("smart-time-bound", "time-bound", _time_bound),
)


def smart_failures(initiative: Initiative, objective: Objective) -> list[SmartFailure]:
    failures = []
    for rule, adjective, test in CRITERIA:
        reasons = test(objective, initiative)
        if reasons:
            text = "; ".join(reason for _where, reason in reasons)
            message = f"{objective.label} is not {adjective}: {text}"
            failures.append(SmartFailure(rule, reasons[0][0], message))
    return failures
