"""The five SMART rules, per objective. Which criteria an objective fails, and why, is a fact
of the model (`cireg.model.smart`: step 3's completeness needs it); each rule here reports
its own criterion's failures, so the five differ only in name and summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from cireg.findings import Severity
from cireg.model import Initiative
from cireg.rules.table import Scope, Spot, rule

SmartRule = Callable[[Initiative, dt.date], Iterator[Spot]]


def _smart_rule(name: str, summary: str) -> SmartRule:
    """The registered check of one SMART criterion, named after its rule."""

    def check(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
        for objective in initiative.objectives:
            for failure in objective.smart_failures:
                if failure.rule == name:
                    yield Spot(initiative.display_path, failure.where, failure.message)

    check.__name__ = check.__qualname__ = name.replace("-", "_")
    return rule(name, Severity.ERROR, summary, Scope.INITIATIVE)(check)


smart_specific = _smart_rule(
    "smart-specific", "An objective has a statement of 4+ words and a kpi."
)
smart_measurable = _smart_rule(
    "smart-measurable", "An objective has a numeric target; its KPI has a unit and a baseline."
)
smart_achievable = _smart_rule(
    "smart-achievable", "A target is better than the baseline, and within 0-100 for a % KPI."
)
smart_relevant = _smart_rule("smart-relevant", "An objective says why it serves the vision.")
smart_time_bound = _smart_rule(
    "smart-time-bound", "An objective has a deadline after the assessment and after raised_on."
)
