"""What every page renderer shares: the site's context (register, layout, options), the
Jinja environment and its filters, and the rendered page with its HTML blocks kept aside.

Every value from an initiative file reaches a page in one of two ways only: through Jinja's
autoescaping (`_finalize` strips what would start a Markdown line), or as Markdown rendered
and sanitized by `render.text`."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
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

from cireg.format_shape import VALUE_CHAIN_ACTIVITIES
from cireg.model import Register
from cireg.principles import CANONICAL_PRINCIPLES_PER_STEP, PRINCIPLES, STEPS
from cireg.render.badges import STATE_WORDS, state_badge_width
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
DASH = "\N{EN DASH}"  # shown for an absent value
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
