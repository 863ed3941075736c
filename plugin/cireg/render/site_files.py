"""Every file the register adds to a site, as data: the one list that both the MkDocs plugin
(in memory, as generated files) and `cireg generate` (on disk, for any generator) publish.

Also the markers of hand-written pages (`<!-- cireg:figures -->`), expanded the same way by
both, so a page reads the same whichever of them published it."""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial

from cireg.render.badges import STATES, render_state_badge, render_steps_badge
from cireg.render.feed import render_feed
from cireg.render.format_reference import render_format_reference
from cireg.render.memo import remembered
from cireg.render.page_context import RenderedPage, SiteContext
from cireg.render.pages import (
    FIGURES,
    render_backlog_page,
    render_figures,
    render_initiative_page,
    render_principles_page,
    render_unreadable_page,
)
from cireg.render.register_json import render_register_json
from cireg.report import well_formed
from cireg.rules.catalogue import RULES
from cireg.schema import REGISTER_SCHEMA_FILE, load_schema, schema_path

ASSETS_DIR = os.path.join(os.path.dirname(__file__), "assets")
# `<!-- cireg:figures -->` on a line of its own in a hand-written page.
_MARKER = re.compile(r"^[ \t]*<!--[ \t]*cireg:([\w-]+)[ \t]*-->[ \t]*$", re.MULTILINE)
MARKER_NAMES = ("figures", *FIGURES)


@dataclass(frozen=True)
class SiteFile:
    """One file of the site: a page (Markdown, or a RenderedPage) or any other file."""

    src_uri: str  # where it goes, relative to the site's docs folder
    content: str | bytes | RenderedPage
    in_nav: bool = True
    source: str | None = None  # the initiative file behind a page: its edit link opens it

    def well_formed(self) -> SiteFile:
        """This file with any lone surrogate (what a file name that is not UTF-8 becomes
        in Python) shown as the reports show it, so that it can be written as UTF-8."""
        content = self.content
        if isinstance(content, RenderedPage):
            content = dataclasses.replace(
                content,
                markdown=well_formed(content.markdown),
                blocks=[well_formed(block) for block in content.blocks],
            )
        elif isinstance(content, str):
            content = well_formed(content)
        return dataclasses.replace(self, content=content)

    def data(self) -> bytes:
        """The file as it is written to disk: a page with its HTML blocks in place."""
        content = self.content
        if isinstance(content, RenderedPage):
            content = content.inline()
        return content.encode("utf-8") if isinstance(content, str) else content


def register_site_files(site: SiteContext) -> list[SiteFile]:
    """The register's pages, badges, data files and assets, in a stable order. What an
    initiative unchanged since the last build (mkdocs serve) gave is not made again."""
    register, layout = site.register, site.layout
    key = site_key(site)
    out: list[SiteFile] = []
    for initiative in register.initiatives:
        make_page = partial(render_initiative_page, initiative, site)
        # A page also links to the iterations that exist; an edit elsewhere may change that.
        links = (initiative.previous_iteration in site.ids, initiative.next_iteration in site.ids)
        page = remembered("page", initiative, (key, links), make_page)
        badge = render_steps_badge(initiative.id, initiative.badge_states())
        out.append(
            SiteFile(
                layout.initiative_page(initiative.id),
                page,
                in_nav=False,
                source=initiative.file_path,
            )
        )
        out.append(SiteFile(layout.badge(initiative.id), badge))
    unreadable = [(candidate.id, candidate.display) for candidate in register.unreadable]
    for candidate in register.unreadable:
        findings = [f for f in register.findings if f.path == candidate.display]
        out.append(
            SiteFile(
                layout.initiative_page(candidate.id),
                render_unreadable_page(candidate.id, candidate.display, findings, site),
                in_nav=False,
                source=candidate.path,
            )
        )
    out.extend(SiteFile(layout.state_badge(s), render_state_badge(s)) for s in STATES)
    out.append(SiteFile(layout.backlog_page, render_backlog_page(site, unreadable)))
    out.append(SiteFile(layout.principles_page, render_principles_page(site)))
    out.append(SiteFile(layout.format_page, render_format_reference(load_schema(), RULES)))
    out.append(SiteFile(layout.register_json, render_register_json(register, site.today)))
    feed = render_feed(
        register,
        site.today,
        layout,
        site_name=site.site_name,
        site_url=site.site_url,
        limit=site.feed_entries,
        feed_file=layout.feed,
    )
    out.append(SiteFile(layout.feed, feed))
    with open(schema_path(), "rb") as schema:
        out.append(SiteFile(layout.schema_file, schema.read()))
    with open(schema_path(REGISTER_SCHEMA_FILE), "rb") as schema:
        out.append(SiteFile(layout.register_schema_file, schema.read()))
    for asset in (layout.stylesheet, layout.script):
        with open(os.path.join(ASSETS_DIR, posixpath.basename(asset)), "rb") as source:
            out.append(SiteFile(asset, source.read()))
    if site.has_malformed_names:  # rare: only then is every text file looked through
        out = [item.well_formed() for item in out]
    return out


def site_key(site: SiteContext) -> Hashable:
    """Everything besides the initiatives that a page or data file depends on: every field
    of the site context but the register (a field added later is part of it at once), and
    the site's own templates; a change to any of it makes the memo start afresh."""
    templates: tuple[tuple[str, bytes], ...] = ()
    if site.templates_dir:
        found = []
        for name in sorted(os.listdir(site.templates_dir)):
            path = os.path.join(site.templates_dir, name)
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    found.append((name, handle.read()))
        templates = tuple(found)
    values = (
        _frozen(getattr(site, f.name)) for f in dataclasses.fields(site) if f.name != "register"
    )
    return (*values, templates)


def _frozen(value: object) -> Hashable:
    """`value` as a key: a mapping (the principles table) as its sorted items, a list as a
    tuple."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def expand_markers(
    markdown: str,
    site: SiteContext,
    page_src: str,
    warn: Callable[[str], None],
    *,
    defer_links: bool = False,
) -> str:
    """A hand-written page with its markers replaced by the live figures they ask for; an
    unknown marker stays as it is (an HTML comment) and is reported through `warn`. With
    `defer_links`, the figures' links stay tokens (see `layout.resolve_links`)."""
    if "cireg:" not in markdown:
        return markdown

    def figures(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in MARKER_NAMES:
            warn(
                f"{page_src}: unknown marker `cireg:{name}`; use one of "
                + ", ".join(f"`cireg:{n}`" for n in MARKER_NAMES)
            )
            return match.group(0)
        which = FIGURES if name == "figures" else (name,)
        shown = render_figures(site, page_src, which, defer_links=defer_links)
        if site.has_malformed_names:
            shown = well_formed(shown)
        # Blank lines around it make it one raw HTML block for Markdown.
        return "\n" + shown + "\n"

    return _MARKER.sub(figures, markdown)
