"""unknown-ref (an objective's `kpi`, `previous_iteration`, `momentum.next_iteration`) and
duplicate-id (KPIs, objectives and actions of one file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Protocol

from cireg.findings import Severity, listing, quoted
from cireg.model import Initiative, Place
from cireg.rules.table import Scope, Spot, rule


@rule(
    "unknown-ref",
    Severity.ERROR,
    "kpi, previous_iteration and next_iteration name something.",
    Scope.REGISTER,
)
def unknown_ref(initiatives: Sequence[Initiative]) -> Iterator[Spot]:
    ids = {initiative.id for initiative in initiatives}
    for initiative in initiatives:
        yield from _unknown_kpis(initiative)
        links = (
            (("previous_iteration",), initiative.previous_iteration),
            (("momentum", "next_iteration"), initiative.next_iteration),
        )
        for link, target in links:
            key = link[-1]
            if target is not None and target not in ids:
                yield Spot(
                    initiative.display_path,
                    initiative.place.at(*link),
                    f"`{key}` names `{target}`, but the register has no initiative "
                    f"`{target}` (no file {target}.yaml)",
                )


def _unknown_kpis(initiative: Initiative) -> Iterator[Spot]:
    known = list(dict.fromkeys(kpi.id for kpi in initiative.kpis if kpi.id is not None))
    for objective in initiative.objectives:
        if objective.kpi_id is not None and objective.kpi is None:
            listed = listing([quoted(k) for k in known]) if known else "none"
            yield Spot(
                initiative.display_path,
                objective.place.at("kpi"),
                f"objective {quoted(objective.id)} names KPI {quoted(objective.kpi_id)}, "
                f"which this file does not define (its KPIs: {listed})",
            )


class _Identified(Protocol):
    """A KPI, objective or action: what duplicate-id compares."""

    @property
    def id(self) -> str | None: ...
    @property
    def place(self) -> Place: ...


@rule(
    "duplicate-id",
    Severity.ERROR,
    "KPIs, objectives and actions of one file have distinct ids.",
    Scope.INITIATIVE,
)
def duplicate_id(initiative: Initiative, _today: dt.date) -> Iterator[Spot]:
    kinds: tuple[tuple[str, Sequence[_Identified]], ...] = (
        ("KPI", initiative.kpis),
        ("objective", initiative.objectives),
        ("action", initiative.actions),
    )
    for kind, items in kinds:
        seen: dict[str, int] = {}
        for position, item in enumerate(items, start=1):
            if item.id is None:
                continue
            if item.id in seen:
                yield Spot(
                    initiative.display_path,
                    item.place.at("id"),
                    f"{kind} id {quoted(item.id)} is used twice in this file (first by {kind} "
                    f"{seen[item.id]}); ids must be unique",
                )
            else:
                seen[item.id] = position
