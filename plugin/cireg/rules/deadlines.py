"""stale-review and overdue: dates that have passed while the work is still open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cireg.findings import Severity
from cireg.model import Initiative
from cireg.rules.table import Scope, Spot, rule


@rule(
    "stale-review",
    Severity.WARNING,
    "The backlog review date has not passed.",
    Scope.INITIATIVE,
)
def stale_review(initiative: Initiative, today: dt.date) -> Iterator[Spot]:
    if initiative.is_stale(today):
        yield Spot(
            initiative.display_path,
            initiative.place.at("review_by"),
            f"the backlog review was due on {initiative.review_by}, before today "
            f"({today}); review the initiative and set a new `review_by`",
        )


@rule(
    "overdue",
    Severity.WARNING,
    "No open objective is past its deadline unmet.",
    Scope.INITIATIVE,
)
def overdue(initiative: Initiative, today: dt.date) -> Iterator[Spot]:
    for objective in initiative.overdue_objectives(today):
        yield Spot(
            initiative.display_path,
            objective.place.at("deadline"),
            f"objective `{objective.id}` passed its deadline {objective.deadline} without "
            f"reaching its target; the initiative is still `{initiative.status}`",
        )
