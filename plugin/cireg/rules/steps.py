"""step-missing, step-incomplete and step-order: the steps a status requires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cireg.findings import START, Severity, listing
from cireg.model import Completeness, Initiative
from cireg.principles import STEP_BY_KEY, STEPS
from cireg.rules.table import Scope, Spot, rule


def _name(key: str) -> str:
    step = STEP_BY_KEY[key]
    return f"step {step.number} `{key}` ({step.question})"


@rule(
    "step-missing", Severity.ERROR, "Every step the status requires is written.", Scope.INITIATIVE
)
def step_missing(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    for step in STEPS:
        report = initiative.completeness[step.key]
        if report.due and report.state is Completeness.MISSING:
            need = "complete" if report.required_complete else "at least partly written"
            # A written step can still count as missing: say what it lacks.
            why = f" ({listing(report.gaps, '; ')})" if report.gaps else ""
            yield Spot(
                initiative.display_path,
                START,
                f"{_name(step.key)} is missing{why}; status `{initiative.status}` requires it "
                f"{need}",
            )


@rule(
    "step-incomplete",
    Severity.ERROR,
    "Every step the status requires complete is complete.",
    Scope.INITIATIVE,
)
def step_incomplete(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    for step in STEPS:
        report = initiative.completeness[step.key]
        if report.due and report.state is Completeness.PARTIAL and report.required_complete:
            yield Spot(
                initiative.display_path,
                initiative.place.child(step.key).key,
                f"{_name(step.key)} is partial but status `{initiative.status}` requires it "
                "complete: " + listing(report.gaps, "; "),
            )


# A later step that makes no sense without an earlier measurement step.
_NEEDS = (
    ("verification", "current_state", '"Did we get there?" has no baseline to compare with'),
    ("execution", "target_state", "action is being taken towards no written target"),
)


@rule(
    "step-order",
    Severity.ERROR,
    "No later step is written while an earlier measurement step is missing.",
    Scope.INITIATIVE,
)
def step_order(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    steps = initiative.completeness
    for later, earlier, why in _NEEDS:
        if steps[later].state is not Completeness.MISSING and (
            steps[earlier].state is Completeness.MISSING
        ):
            yield Spot(
                initiative.display_path,
                initiative.place.child(later).key,
                f"{_name(later)} is written but {_name(earlier)} is missing: {why}",
            )
