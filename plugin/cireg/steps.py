"""Step completeness (complete / partial / missing) and what each status requires.

The format spec's table decides: a step is complete when its "complete when" column holds,
partial when its "partial when" column holds, and missing otherwise, even when its key is
written (a `target_state` with no objectives is still a missing step 3). `gaps` says in words
what keeps a written step from complete."""

from __future__ import annotations

from collections.abc import Callable

from cireg.findings import listing, quoted
from cireg.model import Completeness, Initiative, StepReport, strings_of, text_of
from cireg.principles import STEPS

# status -> (steps required at least partial, steps required complete)
REQUIRED_STEPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "idea": (frozenset({"vision"}), frozenset()),
    "planned": (
        frozenset({"vision", "current_state", "target_state", "plan"}),
        frozenset({"target_state"}),
    ),
    "in-progress": (
        frozenset({"vision", "current_state", "target_state", "plan", "execution"}),
        frozenset({"target_state"}),
    ),
    "verifying": (
        frozenset({"vision", "current_state", "target_state", "plan", "execution", "verification"}),
        frozenset({"target_state"}),
    ),
    "done": (frozenset(), frozenset(step.key for step in STEPS)),
    "on-hold": (frozenset({"vision", "current_state", "target_state"}), frozenset()),
    "abandoned": (frozenset({"vision", "momentum"}), frozenset()),
}


def _vision(i: Initiative) -> list[str]:
    step = i.step("vision")
    gaps = []
    if text_of(step, "statement") is None:
        gaps.append("it has no `statement`")
    if text_of(step, "supports") is None and not strings_of(step, "stakeholders"):
        gaps.append("it names neither `supports` nor `stakeholders`")
    return gaps


def _current_state(i: Initiative) -> list[str]:
    gaps = []
    if i.assessed_on is None:
        gaps.append("it has no `assessed_on` date")
    named = [o.kpi_id for o in i.objectives if o.kpi_id is not None]
    if named:
        for kpi_id in dict.fromkeys(named):
            kpi = i.kpi(kpi_id)
            if kpi is None or kpi.baseline is None:
                gaps.append(f"KPI {quoted(kpi_id)} has no baseline")
    elif not any(kpi.baseline is not None for kpi in i.kpis):
        gaps.append("no KPI has a baseline")
    return gaps


def _target_state(i: Initiative) -> list[str]:
    if not i.objectives:
        return ["it has no objectives"]
    return [
        f"objective {quoted(o.id or o.path[-1])} fails "
        + ", ".join(dict.fromkeys(f.rule for f in o.smart_failures) or ["its `kpi` reference"])
        for o in i.objectives
        if not o.is_smart
    ]


def _plan(i: Initiative) -> list[str]:
    gaps = []
    if text_of(i.step("plan"), "approach") is None:
        gaps.append("it has no `approach`")
    if not i.actions:
        gaps.append("it has no actions")
    for action in i.actions:
        missing = [key for key, v in (("owner", action.owner), ("due", action.due)) if v is None]
        if missing:
            gaps.append(
                f"action {quoted(action.id)} has no " + " or ".join(f"`{k}`" for k in missing)
            )
    return gaps


def _execution(i: Initiative) -> list[str]:
    gaps = []
    if i.started_on is None:
        gaps.append("it has no `started_on` date")
    open_actions = [
        a.id or str(a.path[-1]) for a in i.actions if a.status not in ("done", "dropped")
    ]
    if open_actions:
        gaps.append("actions not done or dropped: " + listing([quoted(a) for a in open_actions]))
    return gaps


def _verification(i: Initiative) -> list[str]:
    gaps = []
    if i.verified_on is None:
        gaps.append("it has no `assessed_on` date")
    if i.declared_outcome is None:
        gaps.append("it has no `outcome`")
    started = i.started_on
    for kpi_id in dict.fromkeys(o.kpi_id for o in i.objectives):
        kpi = i.kpi(kpi_id)
        after = (
            kpi is not None
            and started is not None
            and any(m.on is not None and m.on > started for m in kpi.usable)
        )
        if not after:
            gaps.append(f"KPI {quoted(kpi_id)} has no measurement after `execution.started_on`")
    return gaps


def _momentum(i: Initiative) -> list[str]:
    step = i.step("momentum")
    gaps = []
    if text_of(step, "lessons_learned") is None:
        gaps.append("it has no `lessons_learned`")
    if (
        not strings_of(step, "embedded_by")
        and i.next_iteration is None
        and not strings_of(step, "backlog_ideas")
    ):
        gaps.append("it has none of `embedded_by`, `next_iteration` or `backlog_ideas`")
    return gaps


def _mapping(i: Initiative, key: str) -> dict[str, object] | None:
    step = i.step(key)
    return step if isinstance(step, dict) else None


# "partial when" of the spec's table, for a step that is not complete. Steps 2, 4, 6 and 7
# are partial as soon as their mapping exists.
_PARTIAL: dict[str, Callable[[Initiative], bool]] = {
    "vision": lambda i: text_of(i.step("vision"), "statement") is not None,
    "current_state": lambda i: _mapping(i, "current_state") is not None,
    "target_state": lambda i: bool(i.objectives),
    "plan": lambda i: _mapping(i, "plan") is not None,
    "execution": lambda i: any(
        k in (_mapping(i, "execution") or {}) for k in ("started_on", "log")
    ),
    "verification": lambda i: _mapping(i, "verification") is not None,
    "momentum": lambda i: _mapping(i, "momentum") is not None,
}

_GAPS: dict[str, Callable[[Initiative], list[str]]] = {
    "vision": _vision,
    "current_state": _current_state,
    "target_state": _target_state,
    "plan": _plan,
    "execution": _execution,
    "verification": _verification,
    "momentum": _momentum,
}


def assess_steps(initiative: Initiative) -> None:
    """Fill `initiative.steps` with each step's completeness and whether it is due."""
    due, complete = REQUIRED_STEPS.get(initiative.status or "", (frozenset(), frozenset()))
    for step in STEPS:
        if not isinstance(initiative.step(step.key), dict):
            state, gaps = Completeness.MISSING, []
        else:
            gaps = _GAPS[step.key](initiative)
            if not gaps:
                state = Completeness.COMPLETE
            elif _PARTIAL[step.key](initiative):
                state = Completeness.PARTIAL
            else:
                state = Completeness.MISSING
        initiative.steps[step.key] = StepReport(
            state=state,
            due=step.key in due or step.key in complete,
            required_complete=step.key in complete,
            gaps=gaps,
        )
