"""The whole register with its computed facts, as JSON (`register.json`).

Shape version 1. Dates are ISO strings, absent values are null, text fields are the author's
Markdown source as written. `<`, `>` and `&` are written as \\u escapes so the file can also
be embedded in an HTML page without ending up as markup."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from typing import Any

from cireg import __version__
from cireg.model import Initiative, Kpi, Measurement, Objective, Register
from cireg.principles import STEPS
from cireg.render.memo import remembered

FORMAT_VERSION = 1


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _measurement(m: Measurement | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"on": _date(m.on), "value": m.value, "note": m.note}


def _kpi(kpi: Kpi) -> dict[str, Any]:
    return {
        "id": kpi.id,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "source": kpi.source,
        "baseline": _measurement(kpi.baseline),
        "latest": _measurement(kpi.latest),
        "measurements": [_measurement(m) for m in kpi.measurements],
    }


def _objective(objective: Objective, overdue: list[Objective]) -> dict[str, Any]:
    return {
        "id": objective.id,
        "statement": objective.statement,
        "kpi": objective.kpi_id,
        "target": objective.target,
        "deadline": _date(objective.deadline),
        "relevance": objective.relevance,
        "state": objective.state.value if objective.state is not None else None,
        "gap_closed": objective.gap_closed,
        "smart": objective.is_smart,
        "smart_failures": sorted({failure.rule for failure in objective.smart_failures}),
        "overdue": any(o is objective for o in overdue),
    }


def initiative_record(initiative: Initiative, position: int, today: dt.date) -> dict[str, Any]:
    overdue = initiative.overdue_objectives(today)
    return {
        "id": initiative.id,
        "path": initiative.display_path,
        "backlog_position": position,
        "title": initiative.title,
        "status": initiative.status,
        "owner": initiative.owner,
        "raised_on": _date(initiative.raised_on),
        "raised_by": initiative.raised_by,
        "review_by": _date(initiative.review_by),
        "priority": initiative.priority,
        "value": initiative.value,
        "effort": initiative.effort,
        "risk": initiative.risk,
        "value_effort_score": round(initiative.value_effort_score, 4),
        "services": initiative.services,
        "value_chain": initiative.value_chain,
        "tags": initiative.tags,
        "on_hold_reason": initiative.on_hold_reason,
        "previous_iteration": initiative.previous_iteration,
        "next_iteration": initiative.next_iteration,
        "source": initiative.as_written,
        "steps": {
            step.key: {
                "number": step.number,
                "question": step.question,
                "state": report.state.value,
                "badge": report.badge,
                "required": report.due,
                "gaps": report.gaps,
                "principles": initiative.principles.get(step.key, []),
            }
            for step in STEPS
            for report in [initiative.completeness[step.key]]
        },
        "kpis": [_kpi(kpi) for kpi in initiative.kpis],
        "objectives": [_objective(o, overdue) for o in initiative.objectives],
        "started_on": _date(initiative.started_on),
        "verified_on": _date(initiative.verified_on),
        "declared_outcome": initiative.declared_outcome,
        "computed_outcome": initiative.computed_outcome,
        "stale": initiative.is_stale(today),
        "overdue": bool(overdue),
        "findings": [
            {
                "line": f.line,
                "column": f.column,
                "severity": f.severity.value,
                "rule": f.rule,
                "message": f.message,
            }
            for f in initiative.findings
        ],
    }


def register_record(register: Register, today: dt.date, records: bool = True) -> dict[str, Any]:
    errors = sum(1 for f in register.findings if f.is_error)
    initiative_paths = {initiative.display_path for initiative in register.initiatives}
    return {
        "version": FORMAT_VERSION,
        "generator": f"cireg {__version__}",
        "today": today.isoformat(),
        "summary": {
            "initiatives": len(register.initiatives),
            "files": register.files,
            "errors": errors,
            "warnings": len(register.findings) - errors,
        },
        "initiatives": [
            initiative_record(initiative, position, today)
            for position, initiative in enumerate(register.initiatives, start=1)
        ]
        if records
        else [],
        "unreadable": [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "rule": finding.rule,
                "message": finding.message,
            }
            # Every finding no initiative carries: files that could not be read as one
            # (broken YAML, a `.yml` name, a link, a sub-folder), so each error is listed.
            for finding in register.findings
            if finding.path not in initiative_paths
        ],
    }


def render_register_json(register: Register, today: dt.date) -> str:
    """register.json as compact text: the same as dumping `register_record`, assembled from
    each initiative's record text, which is kept (render.memo) while the initiative does
    not change; its position goes in fresh."""
    # JSON escapes every quote inside a string, so these keys cannot occur in any value.
    head, _, tail = _dumps(register_record(register, today, records=False)).partition(
        '"initiatives":[]'
    )
    records = []
    for position, initiative in enumerate(register.initiatives, start=1):
        before, after = remembered(
            "json", initiative, today, partial(_record_text, initiative, today)
        )
        records.append(f"{before}{position}{after}")
    return _finish(f'{head}"initiatives":[{",".join(records)}]{tail}')


def _record_text(initiative: Initiative, today: dt.date) -> tuple[str, str]:
    """An initiative's record as the text before its backlog position and the text after:
    the position changes with other files, the rest only with this one."""
    record = initiative_record(initiative, 0, today)
    head = {key: record.pop(key) for key in ("id", "path")}
    del record["backlog_position"]
    return _dumps(head)[:-1] + ',"backlog_position":', "," + _dumps(record)[1:]


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _finish(text: str) -> str:
    """No markup characters as such: the text may be inlined in a page."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
