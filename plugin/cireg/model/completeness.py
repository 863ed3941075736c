"""Step completeness (complete / partial / missing) and what each status requires.

The format spec's table decides: a step is complete when its "complete when" column holds,
partial when its "partial when" column holds, and missing otherwise, even when its key is
written (a `target_state` with no objectives is still a missing step 3). `gaps` says in words
what keeps a written step from complete."""

from __future__ import annotations

from collections.abc import Callable

from cireg.findings import listing, quoted
from cireg.model.values import Completeness, Initiative, StepReport
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


def _vision_gaps(i: Initiative) -> list[str]:
    vision = i.vision
    gaps = []
    if vision is None or vision.statement is None:
        gaps.append("it has no `statement`")
    if vision is None or (vision.supports is None and not vision.stakeholders):
        gaps.append("it names neither `supports` nor `stakeholders`")
    return gaps


def _current_state_gaps(i: Initiative) -> list[str]:
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


def _target_state_gaps(i: Initiative) -> list[str]:
    if not i.objectives:
        return ["it has no objectives"]
    return [
        f"objective {quoted(o.id or o.place.path[-1])} fails "
        + ", ".join(dict.fromkeys(f.rule for f in o.smart_failures) or ["its `kpi` reference"])
        for o in i.objectives
        if not o.is_smart
    ]


def _plan_gaps(i: Initiative) -> list[str]:
    gaps = []
    if i.plan is None or i.plan.approach is None:
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


def _execution_gaps(i: Initiative) -> list[str]:
    gaps = []
    if i.started_on is None:
        gaps.append("it has no `started_on` date")
    open_actions = [
        a.id or str(a.place.path[-1]) for a in i.actions if a.status not in ("done", "dropped")
    ]
    if open_actions:
        gaps.append("actions not done or dropped: " + listing([quoted(a) for a in open_actions]))
    return gaps


def _verification_gaps(i: Initiative) -> list[str]:
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


def _momentum_gaps(i: Initiative) -> list[str]:
    momentum = i.momentum
    gaps = []
    if momentum is None or momentum.lessons_learned is None:
        gaps.append("it has no `lessons_learned`")
    if momentum is None or (
        not momentum.embedded_by and momentum.next_iteration is None and not momentum.backlog_ideas
    ):
        gaps.append("it has none of `embedded_by`, `next_iteration` or `backlog_ideas`")
    return gaps


def _execution_partial(i: Initiative) -> bool:
    place = i.execution.place if i.execution else None
    return place is not None and (place.written("started_on") or place.written("log"))


# "partial when" of the spec's table, for a written step that is not complete. Steps 2, 4,
# 6 and 7 are partial as soon as their mapping exists.
_PARTIAL: dict[str, Callable[[Initiative], bool]] = {
    "vision": lambda i: i.vision is not None and i.vision.statement is not None,
    "current_state": lambda i: True,
    "target_state": lambda i: bool(i.objectives),
    "plan": lambda i: True,
    "execution": _execution_partial,
    "verification": lambda i: True,
    "momentum": lambda i: True,
}

_GAPS: dict[str, Callable[[Initiative], list[str]]] = {
    "vision": _vision_gaps,
    "current_state": _current_state_gaps,
    "target_state": _target_state_gaps,
    "plan": _plan_gaps,
    "execution": _execution_gaps,
    "verification": _verification_gaps,
    "momentum": _momentum_gaps,
}


def assess_completeness(initiative: Initiative) -> dict[str, StepReport]:
    """Each step's completeness and whether the status requires it."""
    due, complete = REQUIRED_STEPS.get(initiative.status or "", (frozenset(), frozenset()))
    reports = {}
    for step in STEPS:
        if initiative.written_step(step.key) is None:
            state, gaps = Completeness.MISSING, []
        else:
            gaps = _GAPS[step.key](initiative)
            if not gaps:
                state = Completeness.COMPLETE
            elif _PARTIAL[step.key](initiative):
                state = Completeness.PARTIAL
            else:
                state = Completeness.MISSING
        reports[step.key] = StepReport(
            state=state,
            due=step.key in due or step.key in complete,
            required_complete=step.key in complete,
            gaps=gaps,
        )
    return reports
