"""The five SMART rules, per objective: smart-specific, smart-measurable, smart-achievable,
smart-relevant, smart-time-bound.

They apply to every objective that is written down, whatever the status. Each rule gives at
most one finding per objective, pointing at the first offending field (or the objective's
first line when that field is absent) and naming every reason it fails."""

from __future__ import annotations

from cireg.findings import Finding
from cireg.model import Initiative, Objective, Path, SmartFailure, number_of
from cireg.paths import owning_item

MIN_STATEMENT_WORDS = 4


def evaluate_smart(initiative: Initiative) -> None:
    """Record on each objective the SMART rules it fails (completeness needs them too)."""
    for objective in initiative.objectives:
        objective.smart_failures = _failures(initiative, objective)


def smart_findings(initiative: Initiative) -> list[Finding]:
    return [
        initiative.finding(failure.path, failure.rule, failure.message)
        for objective in initiative.objectives
        for failure in objective.smart_failures
    ]


def _failures(initiative: Initiative, objective: Objective) -> list[SmartFailure]:
    raw = initiative.document.data
    for part in objective.path:
        raw = raw[part]
    name = owning_item(objective.path, initiative.data) or "objective"
    failures: list[SmartFailure] = []

    def field(key: str) -> Path:
        """Point at the field when it is written, else at the objective's first line."""
        return (*objective.path, key) if key in raw else objective.path

    def fail(rule: str, reasons: list[tuple[Path, str]]) -> None:
        if reasons:
            text = "; ".join(reason for _path, reason in reasons)
            failures.append(SmartFailure(rule, reasons[0][0], f"{name} is not {rule[6:]}: {text}"))

    # smart-specific
    reasons: list[tuple[Path, str]] = []
    words = len(objective.statement.split()) if objective.statement else 0
    if objective.statement is None or not objective.statement.strip():
        why = "its `statement` is empty" if "statement" in raw else "it has no `statement`"
        reasons.append((field("statement"), why))
    elif words < MIN_STATEMENT_WORDS:
        reasons.append(
            (
                field("statement"),
                f"its `statement` has {words} words, fewer than {MIN_STATEMENT_WORDS}",
            )
        )
    if objective.kpi_id is None:
        reasons.append((objective.path, "it names no `kpi`"))
    fail("smart-specific", reasons)

    kpi = objective.kpi
    # smart-measurable
    reasons = []
    if "target" not in raw:
        reasons.append((objective.path, "it has no `target`"))
    elif number_of(raw["target"]) is None and not _is_number_type(raw["target"]):
        # (A NaN, an infinity or an unsafe integer is a number the schema check reports.)
        reasons.append((field("target"), "its `target` is not a number"))
    if kpi is not None:
        if kpi.unit is None:
            reasons.append((field("kpi"), f"KPI `{kpi.id}` has no `unit`"))
        if kpi.baseline is None:
            reasons.append(
                (
                    field("kpi"),
                    f"KPI `{kpi.id}` has no baseline (a measurement on or before "
                    "`current_state.assessed_on`)",
                )
            )
    fail("smart-measurable", reasons)

    # smart-achievable
    reasons = []
    target = objective.target
    if kpi is not None and target is not None:
        baseline = kpi.baseline
        if baseline is not None and baseline.value is not None and kpi.direction is not None:
            if target == baseline.value:
                reasons.append(
                    (
                        field("target"),
                        f"its `target` {target:g} equals the baseline {baseline.value:g}",
                    )
                )
            elif kpi.better_or_equal(baseline.value, target):
                side = "lower" if kpi.direction == "increase" else "higher"
                reasons.append(
                    (
                        field("target"),
                        f"its `target` {target:g} is {side} than the baseline {baseline.value:g}, "
                        f"the worse side for a KPI whose direction is `{kpi.direction}`",
                    )
                )
        if kpi.is_percentage and not 0 <= target <= 100:
            reasons.append(
                (field("target"), f"its `target` {target:g} is outside 0 to 100 for a `%` KPI")
            )
    fail("smart-achievable", reasons)

    # smart-relevant
    if objective.relevance is None:
        why = "its `relevance` is empty" if "relevance" in raw else "it has no `relevance`"
        fail("smart-relevant", [(field("relevance"), why)])

    # smart-time-bound
    reasons = []
    deadline = objective.deadline
    if "deadline" not in raw:
        reasons.append((objective.path, "it has no `deadline`"))
    elif deadline is not None:
        if initiative.assessed_on is not None and deadline <= initiative.assessed_on:
            reasons.append(
                (
                    field("deadline"),
                    f"its `deadline` {deadline} is not after `current_state.assessed_on` "
                    f"{initiative.assessed_on}",
                )
            )
        if initiative.raised_on is not None and deadline <= initiative.raised_on:
            reasons.append(
                (
                    field("deadline"),
                    f"its `deadline` {deadline} is not after `raised_on` {initiative.raised_on}",
                )
            )
    fail("smart-time-bound", reasons)
    return failures


def _is_number_type(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
