"""The register's pages as Markdown documents whose bodies are HTML made from Jinja templates.

Why Markdown with HTML inside: any MkDocs-like generator can publish these pages as they are
(`cireg generate`), while the headings that stay Markdown give the theme its table of
contents. Every value from an initiative file reaches a page in one of two ways only:
through Jinja's autoescaping, or as Markdown rendered and sanitized by `render.text`. Author
text never lands in a Markdown context, where `[x](javascript:...)` or `{ onclick=... }`
could turn into markup: the Markdown headings hold fixed words only."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from cireg.findings import Finding
from cireg.format_shape import VALUE_CHAIN_ACTIVITIES
from cireg.model import (
    CLOSED_STATUSES,
    PRIORITY_RANK,
    STATUSES,
    Initiative,
    Kpi,
    Objective,
    ObjectiveState,
    Register,
    strings_of,
    text_of,
)
from cireg.principles import CANONICAL_PRINCIPLES_PER_STEP, PRINCIPLES, STEPS
from cireg.render.badges import (
    STATE_WORDS,
    STATES,
    describe_steps,
    state_badge_width,
    step_states,
)
from cireg.render.charts import describe_kpi, render_kpi_chart
from cireg.render.formatting import format_percent, format_quantity
from cireg.render.layout import LinkResolver, SiteLayout, link_token, resolve_links
from cireg.render.text import MarkdownBudget, markdown_to_html, printable, yaml_quoted
from cireg.report import well_formed

PrinciplesTable = dict[str, frozenset[str]]

# ITIL 4's names of the schema's value-chain activities, in the schema's order.
VALUE_CHAIN_NAMES = dict(
    zip(
        VALUE_CHAIN_ACTIVITIES,
        (
            "Plan",
            "Improve",
            "Engage",
            "Design and transition",
            "Obtain/build",
            "Deliver and support",
        ),
        strict=True,
    )
)
OUTCOME_WORDS = {"met": "met", "partially-met": "partially met", "not-met": "not met"}
OBJECTIVE_STATE_CLASS = {
    ObjectiveState.MET: "met",
    ObjectiveState.MET_LATE: "met-late",
    ObjectiveState.NOT_MET: "not-met",
}
DASH = "\N{EN DASH}"  # shown for an absent value
FIGURES = ("status", "completeness", "outcomes", "attention")
_SAFE_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE_SPAN = re.compile(r"`([^`]+)`")


# What stands in the Markdown for a block of HTML (see RenderedPage).
PLACEHOLDER = '<div data-cireg-block="{}"></div>'
_PLACEHOLDER = re.compile(r'<div data-cireg-block="(\d+)"></div>')


@dataclass
class RenderedPage:
    """A page as Markdown in which each HTML block is a placeholder, and the blocks.

    `inline()` is the complete Markdown document, for any generator. The MkDocs plugin hands
    MkDocs the Markdown with placeholders and puts the blocks back into the HTML it gets
    (`fill`): Markdown then never parses the tables and SVG, which made up most of its work,
    and no Markdown extension of the site can touch them. Links are tokens until `fill`
    resolves them, from the page's final URL in a build."""

    markdown: str
    blocks: list[str]
    # Where the page lives in the docs folder: its links when no final URL is known.
    page_src: str = ""
    layout: SiteLayout = field(default_factory=SiteLayout)

    def inline(self) -> str:
        return self.fill(self.markdown)

    def fill(self, text: str, links: LinkResolver | None = None) -> str:
        """`text` (the Markdown, or the HTML made of it) with the blocks in place and every
        link resolved: by `links` (from the page's final URL, in a build), else for the
        page's place in the docs folder."""
        return resolve_links(self.with_blocks(text), links or self.layout.links_from(self.page_src))

    def with_blocks(self, text: str) -> str:
        """`text` with the blocks in place and their link tokens left for later."""
        return _PLACEHOLDER.sub(lambda match: self.blocks[int(match.group(1))], text)


@dataclass
class SiteContext:
    """What every page renderer needs besides the register itself."""

    register: Register
    today: dt.date
    layout: SiteLayout = field(default_factory=SiteLayout)
    principles_table: PrinciplesTable = field(
        default_factory=lambda: dict(CANONICAL_PRINCIPLES_PER_STEP)
    )
    show_findings: bool = True
    templates_dir: str | None = None  # a site's overrides, looked up before ours
    site_name: str = "Improvement register"
    site_url: str | None = None  # absolute links in the feed when known
    feed_entries: int = 50
    site_language: str = "en"  # the theme's; cireg's own text is English

    def __post_init__(self) -> None:
        self.ids = {initiative.id for initiative in self.register.initiatives}
        # A file name that is not UTF-8 reaches ids, paths and messages as lone surrogates,
        # which no page can be written with (see SiteFile.well_formed).
        self.has_malformed_names = any(
            well_formed(finding.path) != finding.path for finding in self.register.findings
        )
        loaders: list[Any] = [PackageLoader("cireg.render", "templates")]
        if self.templates_dir:
            loaders.insert(0, FileSystemLoader(self.templates_dir))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=StrictUndefined,
            finalize=_finalize,
            bytecode_cache=_COMPILED_TEMPLATES,
        )
        # Every text field of one page draws on one budget of Markdown work (see render.text).
        self._markdown_budget = MarkdownBudget()
        self.env.filters["md"] = lambda text: (
            Markup(markdown_to_html(text, self._markdown_budget)) if text else ""
        )
        self.env.filters["code_spans"] = code_spans
        self.env.filters["quantity"] = lambda value, unit=None: (
            format_quantity(value, unit) if value is not None else DASH
        )
        self.env.filters["percent"] = lambda v: format_percent(v) if v is not None else DASH
        self.env.filters["date"] = lambda d: d.isoformat() if d is not None else DASH
        # `{% filter html_block %}` collects a block of HTML and leaves a placeholder.
        self._blocks: list[str] = []
        self.env.filters["html_block"] = self._stash

    def in_english(self, html_text: str) -> str:
        """cireg's HTML marked as English on a site in another language, so that readers,
        screen readers and validators do not take it for the site's language. (Until cireg
        speaks other languages.)"""
        if _is_english(self.site_language):
            return html_text
        return f'<div lang="en">\n{html_text}\n</div>'

    def _stash(self, block: str) -> Markup:
        self._blocks.append(str(block).strip("\n"))
        return Markup(PLACEHOLDER.format(len(self._blocks) - 1))

    def render(self, template: str, page_src: str, **values: Any) -> RenderedPage:
        """A page made from `template`; its links are tokens until `RenderedPage.fill`."""
        self._blocks = []
        self._markdown_budget = MarkdownBudget()
        markdown = self.env.get_template(template).render(
            href=link_token,
            layout=self.layout,
            today=self.today,
            steps=STEPS,
            principle_names=PRINCIPLES,
            state_words=STATE_WORDS,
            outcome_words=OUTCOME_WORDS,
            value_chain_names=VALUE_CHAIN_NAMES,
            badge_width=state_badge_width,
            **values,
        )
        return RenderedPage(markdown, self._blocks, page_src, self.layout)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept for the life of the process. Every build makes a new
    Environment; compiling the templates again cost more than the rest of a rebuild's
    rendering. Jinja keys each by name and checks its source's checksum, so an edited
    template (in a site's `templates_dir`) compiles afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def _is_english(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].casefold() == "en"


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` passes here before escaping. Plain strings lose control characters
    and line breaks (HTML shows them as spaces anyway), so that no author text ever starts a
    line of the page, where a Markdown processor might read it as syntax."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value).replace("\r", " ").replace("\n", " ")
    return value


def code_spans(text: str) -> Markup:
    """Plain text (a finding, a gap) with its `backticked` names shown as code."""
    escaped = html.escape(printable(text))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


def front_matter(title: str, *, wide: bool = False, tags: Sequence[str] = ()) -> Markup:
    """The page's title, its tags (Material's tags plugin lists them) and for wide tables
    Material's `hide: [toc]`. Themes print `page.meta.title` and tag names without escaping,
    so they hold the text escaped for HTML."""
    lines = [f"title: {_front_matter_text(title)}"]
    names = [_front_matter_text(tag) for tag in tags if tag.strip()]
    if names:
        lines.append(f"tags: [{', '.join(names)}]")
    if wide:
        lines.append("hide: [toc]")
    return Markup("---\n" + "".join(line + "\n" for line in lines) + "---\n")


def _front_matter_text(text: str) -> str:
    """One line of text, escaped for HTML, as a YAML string any parser reads alike."""
    one_line = " ".join(printable(text).split())
    return yaml_quoted(html.escape(one_line), ascii_only=True)


def dom_token(raw: str | None, fallback: str) -> str:
    """An id fit for an HTML id attribute: the slug when it is one, else the fallback."""
    return raw if raw is not None and _SAFE_TOKEN.fullmatch(raw) else fallback


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
    states = step_states(initiative)
    step_mapping = {step.key: initiative.step(step.key) for step in STEPS}
    return site.render(
        "initiative.md.j2",
        page_src,
        front_matter=front_matter(initiative.title or initiative.id, tags=initiative.tags),
        i=initiative,
        states=dict((step.key, state) for step, state in states),
        steps_alt=describe_steps(states),
        raw=step_mapping,
        strings_of=strings_of,
        text_of=text_of,
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


def outcome_of(initiative: Initiative) -> str | None:
    """The outcome shown in lists: computed from the KPIs once the initiative is verified."""
    if not isinstance(initiative.step("verification"), dict):
        return None
    return initiative.computed_outcome or initiative.declared_outcome


# Sort ranks of the backlog's outcome column: met first, no outcome last.
OUTCOME_RANK = {"met": 0, "partially-met": 1, "not-met": 2}


def render_backlog_page(
    site: SiteContext, unreadable: Sequence[tuple[str, str]] = ()
) -> RenderedPage:
    """The backlog table, and the filter form that `assets/cireg.js` brings to life.

    The form's choices are the facets found in the register, in the model's order; the
    script ranks a column by the order of its facet's options, so orders live here only."""
    page_src = site.layout.backlog_page
    initiatives = site.register.initiatives
    statuses = {i.status for i in initiatives}
    priorities = {i.priority or "none" for i in initiatives}
    activities = {a for i in initiatives for a in i.value_chain}
    facets = {
        "status": [s for s in STATUSES if s in statuses] + (["unreadable"] if unreadable else []),
        "priority": [p for p in (*PRIORITY_RANK, "none") if p in priorities],
        "owner": sorted({i.owner for i in initiatives if i.owner}, key=str.casefold),
        "activity": [a for a in VALUE_CHAIN_NAMES if a in activities],
    }
    # A row names its activities by their option's position (1 for the first): a few bytes
    # instead of names like "design-and-transition", on every one of thousands of rows.
    activity_option = {a: str(n) for n, a in enumerate(facets["activity"], start=1)}
    rows = []
    for position, initiative in enumerate(initiatives, start=1):
        states = step_states(initiative)
        outcome = outcome_of(initiative)
        rows.append(
            {
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
        )
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
        for step, state in step_states(initiative):
            completeness[step.key][state] += 1
    outcomes = Counter(outcome_of(i) for i in initiatives if outcome_of(i) is not None)
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
