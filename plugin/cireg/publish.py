"""What publishing the register takes, whoever publishes it: from the site's options to the
register checked and everything its pages need (a SiteContext), for
`render.site_files.register_site_files` to turn into files.

The MkDocs plugin and `cireg generate` both call `site_context`, so that a site built with
the plugin and one generated for a generator without plugins hold the same files. Nothing
here imports MkDocs."""

from __future__ import annotations

import datetime as dt
import os

from cireg.check import CheckCache, check_register
from cireg.load import load_file
from cireg.principles import CANONICAL_PRINCIPLES_PER_STEP, PRINCIPLES, STEP_BY_KEY
from cireg.render.layout import SiteLayout
from cireg.render.page_context import PrinciplesTable, SiteContext
from cireg.rules.files import DisplayPath, RegisterFolderError
from cireg.site_options import SiteOptions


class SiteError(Exception):
    """The site cannot be published: its register folder, principles table or templates
    cannot be used. (Findings in the register are not this: they are in the register.)"""


def site_context(
    options: SiteOptions, today: dt.date, cache: CheckCache | None = None
) -> SiteContext:
    """Check the register of `options` as of `today` and gather what its pages need. A cache
    kept between calls (`mkdocs serve`) spares re-checking unchanged files."""
    if not os.path.isdir(options.initiatives_dir):
        raise SiteError(
            f"the register folder {options.initiatives_dir} (the cireg option "
            "`initiatives_dir`) isn't an existing directory"
        )
    if options.templates_dir is not None and not os.path.isdir(options.templates_dir):
        raise SiteError(
            f"the cireg option `templates_dir`: {options.templates_dir} isn't an existing directory"
        )
    table = load_principles_table(options.principles_table)
    try:
        register = check_register(options.initiatives_dir, today, DisplayPath(options.root), cache)
    except RegisterFolderError as error:
        raise SiteError(str(error)) from None
    return SiteContext(
        register=register,
        today=today,
        layout=SiteLayout.of(options),
        principles_table=table,
        show_findings=options.show_findings,
        templates_dir=options.templates_dir,
        site_name=options.site_name,
        site_url=options.site_url,
        feed_entries=options.feed_entries,
        site_language=options.site_language,
    )


def load_principles_table(path: str | None) -> PrinciplesTable:
    """The principles-per-step table: ITIL 4's, or the register's own from a YAML file, read
    with cireg's own loader (the same limits, refusals and positions as an initiative)."""
    if path is None:
        return dict(CANONICAL_PRINCIPLES_PER_STEP)
    if not os.path.isfile(path):
        raise SiteError(f"the cireg option `principles_table`: {path} isn't an existing file")
    loaded = load_file(path)
    if loaded.document is None:
        problems = "; ".join(
            f"{f.path}:{f.line}:{f.column}: {f.message} [{f.rule}]" for f in loaded.findings
        )
        raise SiteError(f"cannot read `principles_table`: {problems}")
    raw = loaded.document.data
    if not isinstance(raw, dict):
        raise SiteError(f"`principles_table` {path} must map step keys to lists of principles")
    table: PrinciplesTable = {}
    for step_key, slugs in raw.items():
        if step_key not in STEP_BY_KEY:
            raise SiteError(
                f"`principles_table` {path}: unknown step `{step_key}`; steps are "
                + ", ".join(STEP_BY_KEY)
            )
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            raise SiteError(f"`principles_table` {path}: `{step_key}` must be a list of principles")
        unknown = [s for s in slugs if s not in PRINCIPLES]
        if unknown:
            raise SiteError(
                f"`principles_table` {path}: `{step_key}` names unknown principles "
                + ", ".join(f"`{s}`" for s in unknown)
                + "; principles are "
                + ", ".join(PRINCIPLES)
            )
        table[step_key] = frozenset(slugs)
    return table
