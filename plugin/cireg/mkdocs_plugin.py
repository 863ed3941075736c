"""The MkDocs plugin `cireg`: a thin adapter that publishes the register as part of a site.

Per build it checks the register once (the same core as `cireg validate`), reports the
findings through MkDocs' logger, and adds the pages and files the pure renderers make as
generated files: nothing is written into `docs_dir` or a temporary folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
from typing import Any

from jinja2 import TemplateError
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from cireg.check import CheckCache, check_register
from cireg.dates import TodayError, resolve_today, today_option
from cireg.findings import Finding
from cireg.load import load_file
from cireg.model import Register
from cireg.principles import CANONICAL_PRINCIPLES_PER_STEP, PRINCIPLES, STEP_BY_KEY
from cireg.render.layout import LinkResolver, SiteLayout, resolve_links
from cireg.render.memo import RenderMemo
from cireg.render.pages import PrinciplesTable, RenderedPage, SiteContext
from cireg.render.site_files import expand_markers, register_site_files
from cireg.report import text_line
from cireg.rules.files import DisplayPath, RegisterFolderError

log = get_plugin_logger(__name__)


class CiregConfig(base.Config):
    initiatives_dir = c.Dir(exists=True, default="initiatives")
    """The register folder, relative to mkdocs.yml."""
    today = c.Optional(c.Type((str, dt.date)))
    """The date that date rules (stale-review, overdue) compare against, YYYY-MM-DD. Default:
    SOURCE_DATE_EPOCH when set, else the local date."""
    pages_dir = c.Type(str, default="initiatives")
    """Folder of the site that holds one page per initiative (`<pages_dir>/<id>/`)."""
    backlog_page = c.Type(str, default="backlog.md")
    """Where the backlog page goes; list it in `nav` to give readers the way in."""
    principles_page = c.Type(str, default="principles.md")
    """Where the principles-per-step page goes."""
    format_page = c.Type(str, default="format-reference.md")
    """Where the format reference goes: every key of an initiative file and every rule,
    made from the JSON Schema and the validator's rules, so it never drifts from them."""
    badges_dir = c.Type(str, default="badges")
    """Folder of the seven-step SVG badges, `<badges_dir>/<id>.svg`, embeddable in a README."""
    register_json = c.Type(str, default="register.json")
    """Where the whole register with its computed facts is published as JSON."""
    schema_file = c.Type(str, default="schemas/initiative.schema.json")
    """Where the initiative JSON Schema is published, for editors to point at."""
    register_schema_file = c.Type(str, default="schemas/register.schema.json")
    """Where the JSON Schema of register.json (and of `cireg export`) is published."""
    feed = c.Type(str, default="feed.xml")
    """Where the Atom feed of the register's recent events is published."""
    feed_entries = c.Type(int, default=50)
    """How many of the newest events the feed holds."""
    principles_table = c.Optional(c.File(exists=True))
    """A YAML file mapping each step key (vision, current_state, ...) to the list of principle
    slugs especially relevant there; replaces ITIL 4's table, shipped as the default."""
    templates_dir = c.Optional(c.Dir(exists=True))
    """A folder of Jinja templates overriding cireg's own (initiative.md.j2, backlog.md.j2,
    principles.md.j2, figures.html.j2, unreadable.md.j2)."""
    show_findings = c.Type(bool, default=True)
    """Show each initiative's findings in a box on its page."""


class CiregPlugin(BasePlugin[CiregConfig]):
    def __init__(self) -> None:
        self.serving = False
        self.site: SiteContext | None = None
        # MkDocs keeps a plugin with `on_startup` across the rebuilds of `mkdocs serve`: what
        # was checked and rendered for an unchanged file is reused (keyed by its bytes).
        self.check_cache: CheckCache = {}
        self.memo = RenderMemo()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` shows an initiative with errors on its page instead of failing.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.site = None  # state of one build only
        self.pages: dict[str, RenderedPage] = {}
        options = self.config
        for key in ("pages_dir", "badges_dir"):
            _check_site_path(key, options[key], suffix=None)
        _check_site_path("backlog_page", options.backlog_page, suffix=".md")
        _check_site_path("principles_page", options.principles_page, suffix=".md")
        _check_site_path("format_page", options.format_page, suffix=".md")
        _check_site_path("register_json", options.register_json, suffix=".json")
        _check_site_path("schema_file", options.schema_file, suffix=".json")
        _check_site_path("register_schema_file", options.register_schema_file, suffix=".json")
        _check_site_path("feed", options.feed, suffix=".xml")
        if options.feed_entries < 0:
            raise PluginError(
                f"cireg: `feed_entries` must be 0 or more; got {options.feed_entries}"
            )
        try:
            self.today = today_option(options.today) or resolve_today(None)
        except TodayError as error:
            raise PluginError(f"cireg: `today`: {error}") from None
        self.table = _load_principles_table(options.principles_table)
        self.layout = SiteLayout(
            pages_dir=options.pages_dir.rstrip("/"),
            backlog_page=options.backlog_page,
            principles_page=options.principles_page,
            format_page=options.format_page,
            badges_dir=options.badges_dir.rstrip("/"),
            register_json=options.register_json,
            schema_file=options.schema_file,
            register_schema_file=options.register_schema_file,
            feed=options.feed,
            use_directory_urls=config.use_directory_urls,
        )
        config.extra_css.append(self.layout.stylesheet)
        config.extra_javascript.append(self.layout.script)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        try:
            return self._add_files(files, config)
        except TemplateError as error:
            where = getattr(error, "name", None) or "a template"
            line = getattr(error, "lineno", None)
            raise PluginError(
                f"cireg: {where}{f':{line}' if line else ''}: template error: {error}"
            ) from None
        except PluginError:
            raise
        except Exception as error:  # a bug of ours: say so plainly, never a traceback
            raise PluginError(
                f"cireg: internal error while publishing the register ({type(error).__name__}: "
                f"{error}); please report it with the initiative files that caused it"
            ) from None

    def site_context(self, config: MkDocsConfig) -> SiteContext:
        """Check the register and gather what its pages need (after `on_config`); also used
        by `cireg generate`, so both publish the same files."""
        root = os.path.dirname(config.config_file_path or os.path.abspath("mkdocs.yml"))
        try:
            # Only `mkdocs serve` builds again; a one-off build would keep copies for nothing.
            cache = self.check_cache if self.serving else None
            register = check_register(
                self.config.initiatives_dir, self.today, DisplayPath(root), cache
            )
        except RegisterFolderError as error:
            raise PluginError(f"cireg: {error}") from None
        # A plugin listed after cireg may have changed it in its own `on_config` (Material's
        # offline plugin turns directory URLs off).
        self.layout = dataclasses.replace(self.layout, use_directory_urls=config.use_directory_urls)
        return SiteContext(
            register=register,
            today=self.today,
            layout=self.layout,
            principles_table=self.table,
            show_findings=self.config.show_findings,
            templates_dir=self.config.templates_dir,
            site_name=config.site_name,
            site_url=config.site_url or None,
            feed_entries=self.config.feed_entries,
            # Material's `language`; MkDocs' own themes have `locale`.
            site_language=str(config.theme.get("language") or config.theme.get("locale") or "en"),
        )

    def _add_files(self, files: Files, config: MkDocsConfig) -> Files:
        site = self.site = self.site_context(config)
        self._report(site.register, config)
        # Where each file is finally served is read from these once pages are rendered.
        self.files = files
        self.published: dict[str, File] = {}  # the register's files, by src_uri
        for item in register_site_files(site, self.memo if self.serving else None):
            if files.get_file_from_path(item.src_uri) is not None:
                raise PluginError(
                    f"cireg: the site already has a file `{item.src_uri}` where the register's "
                    "would go; move that file or change the cireg option that places it"
                )
            content = item.content
            if isinstance(content, RenderedPage):
                self.pages[item.src_uri] = content
                content = content.markdown
            inclusion = InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, item.src_uri, content=content, inclusion=inclusion)
            if item.source is not None:
                file.edit_uri = _edit_uri(item.source, config.docs_dir)
            self.published[item.src_uri] = file
            files.append(file)
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Insert live figures where a hand-written page asks for them."""
        site = self.site
        if site is None or page.file.generated_by is not None:
            return None
        return expand_markers(markdown, site, page.file.src_uri, log.warning, defer_links=True)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put the HTML blocks of a generated page back in place of their placeholders, and
        resolve cireg's links in any page from where it is finally served."""
        site = self.site
        if site is None:
            return None
        if self.serving:
            rendered = self.pages.get(page.file.src_uri)
        else:  # the blocks are in the page now: let them go, a build holds every page at once
            rendered = self.pages.pop(page.file.src_uri, None)
        links = self._links_from(page)
        html = rendered.fill(html, links) if rendered is not None else resolve_links(html, links)
        if self.published.get(page.file.src_uri) is page.file:
            html = site.in_english(html)
        return html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Feed readers find the register's feed from any page. Links still to resolve come
        from another page's content shown here (a blog post's excerpt on the blog's index)."""
        if self.site is None:
            return None
        links = self._links_from(page)
        output = resolve_links(output, links)
        if "</head>" not in output:
            return output
        href = html.escape(links(self.layout.feed, ""))
        title = html.escape(f"{config.site_name}: recent events")
        link = f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{href}">'
        return output.replace("</head>", link + "</head>", 1)

    def _links_from(self, page: Page) -> LinkResolver:
        """Links from the URL `page` is served at to the URL each file is served at, both
        known only now: plugins may have moved either since cireg rendered the page."""

        def link(to_src: str, fragment: str) -> str:
            target = self.published.get(to_src) or self.files.get_file_from_path(to_src)
            url = target.url if target is not None else self.layout.url_of(to_src)
            return get_relative_url(url, page.url) + (f"#{fragment}" if fragment else "")

        return link

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(self.config.initiatives_dir)
        for extra in (self.config.principles_table, self.config.templates_dir):
            if extra:
                server.watch(extra)
        return server

    def _report(self, register: Register, config: MkDocsConfig) -> None:
        """Warnings count under --strict; errors fail the build with one message listing every
        finding. While serving, errors are shown on the initiatives' pages instead."""
        findings = register.findings
        errors = [f for f in findings if f.is_error]
        if errors and not self.serving:
            warnings = len(findings) - len(errors)
            raise PluginError(
                f"cireg: the register has {len(errors)} error{'s' * (len(errors) != 1)} and "
                f"{warnings} warning{'s' * (warnings != 1)}; the site is not built until the "
                "errors are fixed (`cireg validate` lists the same):\n"
                + "\n".join(f"  {_line(f)}" for f in findings)
            )
        for finding in findings:
            if self.serving and config.strict:
                # A strict serve would stop at the first warning; the pages show the findings.
                log.info(_line(finding))
            elif finding.is_error:
                log.error(_line(finding))
            else:
                log.warning(_line(finding))


def _line(finding: Finding) -> str:
    # The reporter's own line: one line whatever a file name or message holds.
    return text_line(finding)


def _edit_uri(source: str, docs_dir: str) -> str:
    """The YAML file relative to docs_dir: MkDocs joins it to `repo_url` + `edit_uri`, so
    `../initiatives/x.yaml` becomes `.../edit/main/initiatives/x.yaml`."""
    return os.path.relpath(os.path.abspath(source), docs_dir).replace(os.sep, "/")


def _check_site_path(option: str, value: str, *, suffix: str | None) -> None:
    """A place in the site: relative, inside it, with the suffix its content needs."""
    parts = (value.rstrip("/") if suffix is None else value).split("/")
    if (
        value.startswith("/")
        or "\\" in value
        or any(part in ("", ".", "..") for part in parts)
        or (suffix is not None and not value.endswith(suffix))
    ):
        expected = f" ending in `{suffix}`" if suffix else ""
        raise PluginError(
            f"cireg: `{option}` must be a relative path inside the site{expected}; got {value!r}"
        )


def _load_principles_table(path: str | None) -> PrinciplesTable:
    """The principles-per-step table: ITIL 4's, or the register's own from a YAML file."""
    if path is None:
        return dict(CANONICAL_PRINCIPLES_PER_STEP)
    # cireg's own loader: the same limits, refusals and positions as an initiative file.
    loaded = load_file(path)
    if loaded.document is None:
        problems = "; ".join(
            f"{f.path}:{f.line}:{f.column}: {f.message} [{f.rule}]" for f in loaded.findings
        )
        raise PluginError(f"cireg: cannot read `principles_table`: {problems}")
    raw = loaded.document.data
    if not isinstance(raw, dict):
        raise PluginError(
            f"cireg: `principles_table` {path} must map step keys to lists of principles"
        )
    table: PrinciplesTable = {}
    for step_key, slugs in raw.items():
        if step_key not in STEP_BY_KEY:
            raise PluginError(
                f"cireg: `principles_table` {path}: unknown step `{step_key}`; steps are "
                + ", ".join(STEP_BY_KEY)
            )
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            raise PluginError(
                f"cireg: `principles_table` {path}: `{step_key}` must be a list of principles"
            )
        unknown = [s for s in slugs if s not in PRINCIPLES]
        if unknown:
            raise PluginError(
                f"cireg: `principles_table` {path}: `{step_key}` names unknown principles "
                + ", ".join(f"`{s}`" for s in unknown)
                + "; principles are "
                + ", ".join(PRINCIPLES)
            )
        table[step_key] = frozenset(slugs)
    return table
