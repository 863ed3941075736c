"""unknown-ref (for an objective's `kpi`) and duplicate-id, within one file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cireg.findings import Finding, listing, quoted
from cireg.model import Initiative


def reference_findings(initiative: Initiative) -> list[Finding]:
    findings = []
    known = list(dict.fromkeys(kpi.id for kpi in initiative.kpis if kpi.id is not None))
    for objective in initiative.objectives:
        if objective.kpi_id is not None and objective.kpi is None:
            listed = listing([quoted(k) for k in known]) if known else "none"
            findings.append(
                initiative.finding(
                    (*objective.path, "kpi"),
                    "unknown-ref",
                    f"objective {quoted(objective.id)} names KPI {quoted(objective.kpi_id)}, "
                    f"which this file does not define (its KPIs: {listed})",
                )
            )
    findings.extend(_duplicates(initiative, "KPI", initiative.kpis))
    findings.extend(_duplicates(initiative, "objective", initiative.objectives))
    findings.extend(_duplicates(initiative, "action", initiative.actions))
    return findings


def _duplicates(initiative: Initiative, kind: str, items: Sequence[Any]) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for position, item in enumerate(items, start=1):
        if item.id is None:
            continue
        if item.id in seen:
            findings.append(
                initiative.finding(
                    (*item.path, "id"),
                    "duplicate-id",
                    f"{kind} id {quoted(item.id)} is used twice in this file (first by {kind} "
                    f"{seen[item.id]}); ids must be unique",
                )
            )
        else:
            seen[item.id] = position
    return findings
