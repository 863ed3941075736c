"""unsorted-measurements: a KPI's measurements written out of date order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cireg.findings import Severity
from cireg.model import Initiative
from cireg.rules.table import Scope, Spot, rule


@rule(
    "unsorted-measurements",
    Severity.WARNING,
    "A KPI's measurements are in date order.",
    Scope.INITIATIVE,
)
def unsorted_measurements(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    for kpi in initiative.kpis:
        previous: dt.date | None = None
        for measurement in kpi.measurements:
            if measurement.on is None:
                continue
            if previous is not None and measurement.on < previous:
                yield Spot(
                    initiative.display_path,
                    measurement.place.at("on"),
                    f"KPI `{kpi.id}`: the measurement of {measurement.on} comes after one of "
                    f"{previous}; keep measurements in date order",
                )
                break
            previous = measurement.on
