"""The MkDocs plugin `cireg`: a thin adapter that publishes the register as part of a site.

Per build it checks the register once (the same core as `cireg validate`), reports the
findings through MkDocs' logger, and adds the pages and files the pure renderers make as
generated files: nothing is written into `docs_dir` or a temporary folder."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from typing import Any

import yaml
from jinja2 import TemplateError
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from cireg.check import check_register
from cireg.dates import TodayError, resolve_today
from cireg.findings import Finding
from cireg.model import Register
from cireg.principles import CANONICAL_PRINCIPLES_PER_STEP, PRINCIPLES, STEP_BY_KEY
from cireg.render.badges import STATES, render_state_badge, render_steps_badge, step_states
from cireg.render.layout import SiteLayout
from cireg.render.pages import (
    FIGURES,
    PrinciplesTable,
    RenderedPage,
    SiteContext,
    render_backlog_page,
    render_figures,
    render_initiative_page,
    render_principles_page,
    render_unreadable_page,
)
from cireg.render.register_json import render_register_json
from cireg.rules.files import DisplayPath, RegisterFolderError
from cireg.schema import schema_path

log = get_plugin_logger(__name__)

ASSETS_DIR = os.path.join(os.path.dirname(__file__), "render", "assets")
# `<!-- cireg:figures -->` on a line of its own in a hand-written page.
_MARKER = re.compile(r"^[ \t]*<!--[ \t]*cireg:([\w-]+)[ \t]*-->[ \t]*$", re.MULTILINE)


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
    badges_dir = c.Type(str, default="badges")
    """Folder of the seven-step SVG badges, `<badges_dir>/<id>.svg`, embeddable in a README."""
    register_json = c.Type(str, default="register.json")
    """Where the whole register with its computed facts is published as JSON."""
    schema_file = c.Type(str, default="schemas/initiative.schema.json")
    """Where the initiative JSON Schema is published, for editors to point at."""
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
        _check_site_path("register_json", options.register_json, suffix=".json")
        _check_site_path("schema_file", options.schema_file, suffix=".json")
        try:
            today = options.today
            if not isinstance(today, dt.date):
                today = resolve_today(str(today) if today is not None else None)
            self.today = today
        except TodayError as error:
            raise PluginError(f"cireg: `today`: {error}") from None
        self.table = _load_principles_table(options.principles_table)
        self.layout = SiteLayout(
            pages_dir=options.pages_dir.rstrip("/"),
            backlog_page=options.backlog_page,
            principles_page=options.principles_page,
            badges_dir=options.badges_dir.rstrip("/"),
            register_json=options.register_json,
            schema_file=options.schema_file,
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

    def _add_files(self, files: Files, config: MkDocsConfig) -> Files:
        root = os.path.dirname(config.config_file_path or os.path.abspath("mkdocs.yml"))
        try:
            register = check_register(self.config.initiatives_dir, self.today, DisplayPath(root))
        except RegisterFolderError as error:
            raise PluginError(f"cireg: {error}") from None
        self._report(register, config)
        site = self.site = SiteContext(
            register=register,
            today=self.today,
            layout=self.layout,
            principles_table=self.table,
            show_findings=self.config.show_findings,
            templates_dir=self.config.templates_dir,
        )
        layout = self.layout

        def add(src_uri: str, content: str | bytes | RenderedPage, *, in_nav: bool = True) -> File:
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"cireg: the site already has a file `{src_uri}` where the register's "
                    "would go; move that file or change the cireg option that places it"
                )
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            if isinstance(content, RenderedPage):
                self.pages[src_uri] = content
                content = content.markdown
            file = File.generated(config, src_uri, content=content, inclusion=inclusion)
            files.append(file)
            return file

        for initiative in register.initiatives:
            page = add(
                layout.initiative_page(initiative.id),
                render_initiative_page(initiative, site),
                in_nav=False,
            )
            page.edit_uri = _edit_uri(initiative.source, config.docs_dir)
            add(
                layout.badge(initiative.id),
                render_steps_badge(initiative.id, step_states(initiative)),
            )
        unreadable = [(candidate.id, candidate.display) for candidate in register.unreadable]
        for candidate in register.unreadable:
            findings = [f for f in register.findings if f.path == candidate.display]
            page = add(
                layout.initiative_page(candidate.id),
                render_unreadable_page(candidate.id, candidate.display, findings, site),
                in_nav=False,
            )
            page.edit_uri = _edit_uri(candidate.path, config.docs_dir)
        for state in STATES:
            add(layout.state_badge(state), render_state_badge(state))
        add(layout.backlog_page, render_backlog_page(site, unreadable))
        add(layout.principles_page, render_principles_page(site))
        add(layout.register_json, render_register_json(register, self.today))
        with open(schema_path(), "rb") as schema:
            add(layout.schema_file, schema.read())
        for asset in (layout.stylesheet, layout.script):
            with open(os.path.join(ASSETS_DIR, posixpath.basename(asset)), "rb") as source:
                add(asset, source.read())
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Insert live figures where a hand-written page asks for them."""
        site = self.site
        if site is None or page.file.generated_by is not None or "cireg:" not in markdown:
            return None

        def figures(match: re.Match[str]) -> str:
            name = match.group(1)
            if name != "figures" and name not in FIGURES:
                log.warning(
                    f"{page.file.src_uri}: unknown marker `cireg:{name}`; use one of "
                    + ", ".join(f"`cireg:{n}`" for n in ("figures", *FIGURES))
                )
                return match.group(0)
            which = FIGURES if name == "figures" else (name,)
            # Blank lines around it make it one raw HTML block for Markdown.
            return "\n" + render_figures(site, page.file.src_uri, which) + "\n"

        return _MARKER.sub(figures, markdown)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put the HTML blocks of a generated page back in place of their placeholders."""
        rendered = self.pages.get(page.file.src_uri)
        return rendered.fill(html) if rendered is not None else None

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
    return (
        f"{finding.path}:{finding.line}:{finding.column}: {finding.severity.value}: "
        f"{finding.message} [{finding.rule}]"
    )


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
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PluginError(f"cireg: cannot read `principles_table` {path}: {error}") from None
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
