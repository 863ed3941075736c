"""The MkDocs plugin `cireg`: a thin adapter that publishes the register as part of a site.

Per build it checks the register once (the same core as `cireg validate`), reports the
findings through MkDocs' logger, and adds the pages and files the pure renderers make as
generated files: nothing is written into `docs_dir` or a temporary folder."""

from __future__ import annotations

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

from cireg.check import CheckCache
from cireg.dates import TodayError
from cireg.findings import Finding
from cireg.model import Register
from cireg.publish import SiteError, site_context
from cireg.render.layout import LinkResolver, SiteLayout, resolve_links
from cireg.render.page_context import RenderedPage, SiteContext
from cireg.render.site_files import expand_markers, register_site_files
from cireg.report import text_line
from cireg.site_options import (
    PLUGIN_OPTIONS,
    SiteOptions,
    SiteOptionsError,
    site_options,
    theme_language,
)

log = get_plugin_logger(__name__)


class CiregConfig(base.Config):
    """The cireg options as MkDocs reads them: one for each plugin option of SiteOptions
    (where each is described, with its default), taken as written. `site_options()` checks
    them, so a bad value gets the same message from `mkdocs build` as from the commands."""

    # MkDocs collects a config class's options from `_schema` and its attributes.
    _schema = tuple((name, c.Optional(c.Type(object))) for name in PLUGIN_OPTIONS)


class CiregPlugin(BasePlugin[CiregConfig]):
    def __init__(self) -> None:
        self.serving = False
        self.site: SiteContext | None = None
        # MkDocs keeps a plugin with `on_startup` across the rebuilds of `mkdocs serve`: what
        # was checked and rendered for an unchanged file is reused (keyed by its bytes).
        self.check_cache: CheckCache = {}
        self.options: SiteOptions | None = None  # checked in each build's `on_config`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` shows an initiative with errors on its page instead of failing.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.site = None  # state of one build only
        self.pages: dict[str, RenderedPage] = {}
        options = self.options = self._options(config)
        try:
            self.today = options.today_or(None)
        except TodayError as error:
            raise PluginError(f"cireg: {error}") from None
        self.layout = SiteLayout.of(options)
        config.extra_css.append(self.layout.stylesheet)
        config.extra_javascript.append(self.layout.script)
        return config

    def _options(self, config: MkDocsConfig | None) -> SiteOptions:
        """This plugin's options and the site's facts, checked as every command checks them."""
        source = self.config.config_file_path or os.path.abspath("mkdocs.yml")
        values: dict[str, Any] = dict(self.config)
        if config is not None:
            values.update(site_facts(config))
        try:
            return site_options(values, os.path.dirname(source), source=source)
        except SiteOptionsError as error:
            raise PluginError(f"cireg: {error}") from None

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
        """Check the register and gather what its pages need (after `on_config`), with the
        same core as `cireg generate`."""
        # A plugin listed after cireg may have changed the site in its own `on_config`
        # (Material's offline plugin turns directory URLs off).
        options = self._options(config)
        # Only `mkdocs serve` builds again; a one-off build would keep copies for nothing.
        cache = self.check_cache if self.serving else None
        try:
            site = site_context(options, self.today, cache)
        except SiteError as error:
            raise PluginError(f"cireg: {error}") from None
        self.layout = site.layout
        return site

    def _add_files(self, files: Files, config: MkDocsConfig) -> Files:
        site = self.site = self.site_context(config)
        self._report(site.register, config)
        # Where each file is finally served is read from these once pages are rendered.
        self.files = files
        self.published: dict[str, File] = {}  # the register's files, by src_uri
        for item in register_site_files(site):
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
        options = self.options or self._options(None)
        server.watch(options.initiatives_dir)
        for extra in (options.principles_table, options.templates_dir):
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


def site_facts(config: MkDocsConfig) -> dict[str, Any]:
    """What SiteOptions takes from the site's configuration rather than the plugin's."""
    return {
        "site_name": config.site_name,
        "site_url": config.site_url,
        "use_directory_urls": config.use_directory_urls,
        "site_language": theme_language(config.theme),
    }
