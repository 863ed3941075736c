"""outcome-mismatch: the declared outcome against the one the objectives give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cireg.findings import Severity
from cireg.model import Initiative, ObjectiveState
from cireg.rules.table import Scope, Spot, rule


@rule(
    "outcome-mismatch",
    Severity.WARNING,
    "The declared outcome matches the one computed from the objectives.",
    Scope.INITIATIVE,
)
def outcome_mismatch(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    computed = initiative.computed_outcome
    declared = initiative.declared_outcome
    if declared is not None and computed is not None and declared != computed:
        yield Spot(
            initiative.display_path,
            initiative.place.at("verification", "outcome"),
            f"`verification.outcome` says `{declared}`, but the objectives give "
            f"`{computed}` ({_tally(initiative)})",
        )


def _tally(initiative: Initiative) -> str:
    counts = {state: 0 for state in ObjectiveState}
    for objective in initiative.objectives:
        counts[objective.state or ObjectiveState.NOT_MET] += 1
    return ", ".join(f"{n} {state.value}" for state, n in counts.items() if n)
