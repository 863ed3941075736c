"""The warnings that need no other file: stale-review, overdue, outcome-mismatch and
unsorted-measurements."""

from __future__ import annotations

import datetime as dt

from cireg.findings import Finding, Severity
from cireg.model import Initiative, ObjectiveState

WARNING = Severity.WARNING


def warning_findings(initiative: Initiative, today: dt.date) -> list[Finding]:
    findings = []
    if initiative.is_stale(today):
        findings.append(
            initiative.finding(
                ("review_by",),
                "stale-review",
                f"the backlog review was due on {initiative.review_by}, before today "
                f"({today}); review the initiative and set a new `review_by`",
                WARNING,
            )
        )
    for objective in initiative.overdue_objectives(today):
        findings.append(
            initiative.finding(
                (*objective.path, "deadline"),
                "overdue",
                f"objective `{objective.id}` passed its deadline {objective.deadline} without "
                f"reaching its target; the initiative is still `{initiative.status}`",
                WARNING,
            )
        )
    computed = initiative.computed_outcome
    declared = initiative.declared_outcome
    if declared is not None and computed is not None and declared != computed:
        findings.append(
            initiative.finding(
                ("verification", "outcome"),
                "outcome-mismatch",
                f"`verification.outcome` says `{declared}`, but the objectives give "
                f"`{computed}` ({_tally(initiative)})",
                WARNING,
            )
        )
    for kpi in initiative.kpis:
        previous = None
        for measurement in kpi.measurements:
            if measurement.on is None:
                continue
            if previous is not None and measurement.on < previous:
                findings.append(
                    initiative.finding(
                        (*measurement.path, "on"),
                        "unsorted-measurements",
                        f"KPI `{kpi.id}`: the measurement of {measurement.on} comes after one of "
                        f"{previous}; keep measurements in date order",
                        WARNING,
                    )
                )
                break
            previous = measurement.on
    return findings


def _tally(initiative: Initiative) -> str:
    counts = {state: 0 for state in ObjectiveState}
    for objective in initiative.objectives:
        counts[objective.state or ObjectiveState.NOT_MET] += 1
    return ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)
