"""The register's pages as Markdown documents whose bodies are HTML made from Jinja templates.

Why Markdown with HTML inside: any MkDocs-like generator can publish these pages as they are
(`cireg generate`), while the headings that stay Markdown give the theme its table of
contents. Every value from an initiative file reaches a page in one of two ways only:
through Jinja's autoescaping, or as Markdown rendered and sanitized by `render.text`. Author
text never lands in a Markdown context, where `[x](javascript:...)` or `{ onclick=... }`
could turn into markup: the Markdown headings hold fixed words only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from cireg.findings import Finding
from cireg.model import (
    CLOSED_STATUSES,
    PRIORITY_RANK,
    STATUSES,
    Initiative,
    Kpi,
    Objective,
    ObjectiveState,
)
from cireg.principles import PRINCIPLES, STEPS
from cireg.render.badges import STATES, describe_steps
from cireg.render.charts import describe_kpi, render_kpi_chart
from cireg.render.page_context import (
    OUTCOME_WORDS,
    VALUE_CHAIN_NAMES,
    RenderedPage,
    SiteContext,
    dom_token,
    front_matter,
)

OBJECTIVE_STATE_CLASS = {
    ObjectiveState.MET: "met",
    ObjectiveState.MET_LATE: "met-late",
    ObjectiveState.NOT_MET: "not-met",
}

FIGURES = ("status", "completeness", "outcomes", "attention")


# --- one initiative --------------------------------------------------------------------------


@dataclass
class KpiView:
    kpi: Kpi
    dom_id: str
    chart: Markup
    description: str
    objectives: list[Objective]


def _kpi_views(initiative: Initiative) -> list[KpiView]:
    views = []
    for index, kpi in enumerate(initiative.kpis):
        dom_id = "kpi-" + dom_token(kpi.id, str(index + 1))
        objectives = [o for o in initiative.objectives if o.kpi is kpi]
        views.append(
            KpiView(
                kpi=kpi,
                dom_id=dom_id,
                chart=Markup(render_kpi_chart(kpi, objectives, dom_id=dom_id)),
                description=describe_kpi(kpi, objectives),
                objectives=objectives,
            )
        )
    return views


def render_initiative_page(initiative: Initiative, site: SiteContext) -> RenderedPage:
    page_src = site.layout.initiative_page(initiative.id)
    states = initiative.badge_states()
    return site.render(
        "initiative.md.j2",
        page_src,
        front_matter=front_matter(initiative.title or initiative.id, tags=initiative.tags),
        i=initiative,
        states=dict((step.key, state) for step, state in states),
        steps_alt=describe_steps(states),
        kpis=_kpi_views(initiative),
        overdue=initiative.overdue_objectives(site.today),
        stale=initiative.is_stale(site.today),
        known_ids=site.ids,
        canonical=site.principles_table,
        findings=initiative.findings if site.show_findings else [],
        objective_class=OBJECTIVE_STATE_CLASS,
        met_count=sum(1 for o in initiative.objectives if o.state is ObjectiveState.MET),
    )


def render_unreadable_page(
    initiative_id: str, display_path: str, findings: Sequence[Finding], site: SiteContext
) -> RenderedPage:
    """A page for a file that could not be read, so that it is never silently missing."""
    page_src = site.layout.initiative_page(initiative_id)
    return site.render(
        "unreadable.md.j2",
        page_src,
        front_matter=front_matter(initiative_id),
        initiative_id=initiative_id,
        display_path=display_path,
        findings=findings,
    )


# --- the backlog -----------------------------------------------------------------------------


# Sort ranks of the backlog's outcome column: met first, no outcome last.
OUTCOME_RANK = {"met": 0, "partially-met": 1, "not-met": 2}


def _backlog_facets(initiatives: Sequence[Initiative], unreadable: bool) -> dict[str, list[str]]:
    """The choices of each filter: the values found in the register, in the model's order."""
    statuses = {i.status for i in initiatives}
    priorities = {i.priority or "none" for i in initiatives}
    activities = {a for i in initiatives for a in i.value_chain}
    return {
        "status": [s for s in STATUSES if s in statuses] + (["unreadable"] if unreadable else []),
        "priority": [p for p in (*PRIORITY_RANK, "none") if p in priorities],
        "owner": sorted({i.owner for i in initiatives if i.owner}, key=str.casefold),
        "activity": [a for a in VALUE_CHAIN_NAMES if a in activities],
    }


def _backlog_row(
    position: int, initiative: Initiative, activity_option: dict[str, str], site: SiteContext
) -> dict[str, Any]:
    states = initiative.badge_states()
    outcome = initiative.outcome
    return {
        "position": position,
        "i": initiative,
        "alt": describe_steps(states),
        # Sort keys where lower comes first: best value, most complete steps.
        "value_rank": f"{-initiative.value_effort_score:.4g}",
        "steps_rank": -sum({"complete": 2, "partial": 1}.get(s, 0) for _, s in states),
        "outcome_rank": OUTCOME_RANK.get(outcome or "", ""),
        "activities": " ".join(
            activity_option[a] for a in initiative.value_chain if a in activity_option
        ),
        "terms": " · ".join([*initiative.services, *initiative.tags]),
        "stale": initiative.is_stale(site.today),
        "overdue": bool(initiative.overdue_objectives(site.today)),
        "outcome": outcome,
        "errors": sum(1 for f in initiative.findings if f.is_error),
    }


def render_backlog_page(
    site: SiteContext, unreadable: Sequence[tuple[str, str]] = ()
) -> RenderedPage:
    """The backlog table, and the filter form that `assets/cireg.js` brings to life.

    The form's choices are the facets found in the register, in the model's order; the
    script ranks a column by the order of its facet's options, so orders live here only."""
    page_src = site.layout.backlog_page
    initiatives = site.register.initiatives
    facets = _backlog_facets(initiatives, bool(unreadable))
    # A row names its activities by their option's position (1 for the first): a few bytes
    # instead of names like "design-and-transition", on every one of thousands of rows.
    activity_option = {a: str(n) for n, a in enumerate(facets["activity"], start=1)}
    rows = [
        _backlog_row(position, initiative, activity_option, site)
        for position, initiative in enumerate(initiatives, start=1)
    ]
    return site.render(
        "backlog.md.j2",
        page_src,
        front_matter=front_matter("Backlog", wide=True),
        rows=rows,
        unreadable=unreadable,
        states=STATES,
        facets=facets,
        open_statuses=[s for s in STATUSES if s not in CLOSED_STATUSES],
    )


# --- principles per step ---------------------------------------------------------------------


def principle_counts(initiatives: Iterable[Initiative]) -> Counter[tuple[str, str]]:
    """How many initiatives record each principle at each step (once per initiative)."""
    counts: Counter[tuple[str, str]] = Counter()
    for initiative in initiatives:
        for step_key, slugs in initiative.principles.items():
            for slug in set(slugs) & PRINCIPLES.keys():
                counts[(step_key, slug)] += 1
    return counts


def render_principles_page(site: SiteContext) -> RenderedPage:
    page_src = site.layout.principles_page
    counts = principle_counts(site.register.initiatives)
    never = [
        (step, slug)
        for step in STEPS
        for slug in PRINCIPLES
        if slug in site.principles_table.get(step.key, frozenset()) and not counts[(step.key, slug)]
    ]
    return site.render(
        "principles.md.j2",
        page_src,
        front_matter=front_matter("Guiding principles per step", wide=True),
        canonical=site.principles_table,
        counts=counts,
        total=len(site.register.initiatives),
        never=never,
    )


# --- live figures for hand-written pages ------------------------------------------------------


def register_figures(site: SiteContext) -> dict[str, Any]:
    initiatives = site.register.initiatives
    by_status = Counter(i.status for i in initiatives)
    completeness: dict[str, Counter[str]] = {step.key: Counter() for step in STEPS}
    for initiative in initiatives:
        for step, state in initiative.badge_states():
            completeness[step.key][state] += 1
    outcomes = Counter(i.outcome for i in initiatives if i.outcome is not None)
    objective_states = Counter(o.state for i in initiatives for o in i.objectives if o.state)
    return {
        "total": len(initiatives),
        "by_status": [(status, by_status[status]) for status in STATUSES],
        "completeness": completeness,
        "outcomes": [(o, outcomes[o]) for o in OUTCOME_WORDS],
        "verified": sum(outcomes.values()),
        "objective_states": [(state, objective_states[state]) for state in ObjectiveState],
        "overdue": [i for i in initiatives if i.overdue_objectives(site.today)],
        "stale": [i for i in initiatives if i.is_stale(site.today)],
    }


def render_figures(
    site: SiteContext, page_src: str, which: Sequence[str] = FIGURES, *, defer_links: bool = False
) -> str:
    """The live figures a hand-written page asks for, as one HTML block. With `defer_links`
    its links stay tokens, for the caller to resolve once the page's URL is final."""
    rendered = site.render(
        "figures.html.j2",
        page_src,
        which=which,
        figures=register_figures(site),
        states=STATES,
    )
    figures = rendered.with_blocks(rendered.markdown) if defer_links else rendered.inline()
    return site.in_english(figures)
