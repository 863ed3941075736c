"""The site's options: every setting of the cireg plugin, and the few facts of mkdocs.yml that
the pages need, as one typed value. Each option's default, check and meaning are written
once, here.

The MkDocs plugin, `cireg generate` and the commands that read mkdocs.yml (`validate`,
`export`, `new`) all make it with `site_options()`, so that they agree on every option and
refuse a bad one with the same message. Nothing here imports MkDocs: `cireg validate`, run
on every pull request, does not pay for it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from cireg.dates import TodayError, resolve_today, today_option


class SiteOptionsError(ValueError):
    """An option, or a fact of mkdocs.yml, has a value the site cannot be built with."""


class _Refused(ValueError):
    """What is wrong with one value: `must be …; got …`."""


# A check takes the value as written (never None: None is the default) and gives the value
# to keep, or raises _Refused.
Check = Callable[[Any], Any]


def _site_path(suffix: str | None) -> Check:
    """A place in the site: relative, inside it, with the suffix its content needs. A
    folder (no suffix) is kept without a trailing slash."""
    expected = f" ending in `{suffix}`" if suffix else ""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Refused(f"must be a relative path inside the site{expected}; got {value!r}")
        parts = (value.rstrip("/") if suffix is None else value).split("/")
        if (
            value.startswith("/")
            or "\\" in value
            or any(part in ("", ".", "..") for part in parts)
            or (suffix is not None and not value.endswith(suffix))
        ):
            raise _Refused(f"must be a relative path inside the site{expected}; got {value!r}")
        return value.rstrip("/") if suffix is None else value

    return check


def _local_path(value: Any) -> str:
    """A file or folder beside mkdocs.yml (resolved against its folder by site_options)."""
    if not isinstance(value, str) or not value:
        raise _Refused(f"must be a path, relative to mkdocs.yml; got {value!r}")
    return value


def _date(value: Any) -> dt.date | None:
    try:
        return today_option(value)
    except TodayError as error:
        raise _Refused(str(error)) from None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Refused(f"must be a whole number, 0 or more; got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"must be true or false; got {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Refused(f"must be text; got {value!r}")
    return value


def _url(value: Any) -> str | None:
    """MkDocs' rule for `site_url`: absolute, and read as a folder (a trailing slash)."""
    if value == "":
        return None
    parsed = urlsplit(value) if isinstance(value, str) else None
    if parsed is None or not (parsed.scheme and parsed.netloc):
        raise _Refused(f"must be an absolute URL (https://…); got {value!r}")
    if not parsed.path.endswith("/"):
        parsed = parsed._replace(path=parsed.path + "/")
    return urlunsplit(parsed)


Value = TypeVar("Value")
PLUGIN, SITE = "plugin", "site"  # an option of the cireg plugin, or a fact of mkdocs.yml


def _option(
    default: Value, check: Check, doc: str, *, of: str = PLUGIN, path: bool = False
) -> Value:
    """A field of SiteOptions: its default, its check, what it means, whose it is (the
    plugin's option or the site's fact) and whether it is a path beside mkdocs.yml (made
    absolute)."""
    return field(default=default, metadata={"check": check, "doc": doc, "of": of, "path": path})


@dataclass(frozen=True)
class SiteOptions:
    """Every cireg option with its default, and the site facts the renderers need. Made by
    `site_options()`, which checks each value; paths beside mkdocs.yml are absolute then."""

    root: str = "."  # the folder of mkdocs.yml (else the working folder): paths start here
    initiatives_dir: str = _option(
        "initiatives", _local_path, "The register folder, relative to mkdocs.yml.", path=True
    )
    today: dt.date | None = _option(
        None,
        _date,
        "The date that date rules (stale-review, overdue) compare against, YYYY-MM-DD. "
        "Default: SOURCE_DATE_EPOCH when set, else the local date.",
    )
    pages_dir: str = _option(
        "initiatives",
        _site_path(None),
        "Folder of the site that holds one page per initiative (`<pages_dir>/<id>/`).",
    )
    backlog_page: str = _option(
        "backlog.md",
        _site_path(".md"),
        "Where the backlog page goes; list it in `nav` to give readers the way in.",
    )
    principles_page: str = _option(
        "principles.md", _site_path(".md"), "Where the principles-per-step page goes."
    )
    format_page: str = _option(
        "format-reference.md",
        _site_path(".md"),
        "Where the format reference goes: every key of an initiative file and every rule, "
        "made from the JSON Schema and the validator's rules, so it never drifts from them.",
    )
    badges_dir: str = _option(
        "badges",
        _site_path(None),
        "Folder of the seven-step SVG badges, `<badges_dir>/<id>.svg`, embeddable in a README.",
    )
    register_json: str = _option(
        "register.json",
        _site_path(".json"),
        "Where the whole register with its computed facts is published as JSON.",
    )
    schema_file: str = _option(
        "schemas/initiative.schema.json",
        _site_path(".json"),
        "Where the initiative JSON Schema is published, for editors to point at.",
    )
    register_schema_file: str = _option(
        "schemas/register.schema.json",
        _site_path(".json"),
        "Where the JSON Schema of register.json (and of `cireg export`) is published.",
    )
    feed: str = _option(
        "feed.xml",
        _site_path(".xml"),
        "Where the Atom feed of the register's recent events is published.",
    )
    feed_entries: int = _option(50, _count, "How many of the newest events the feed holds.")
    principles_table: str | None = _option(
        None,
        _local_path,
        "A YAML file mapping each step key (vision, current_state, ...) to the list of "
        "principle slugs especially relevant there; replaces ITIL 4's table, the default.",
        path=True,
    )
    templates_dir: str | None = _option(
        None,
        _local_path,
        "A folder of Jinja templates overriding cireg's own (initiative.md.j2, backlog.md.j2, "
        "principles.md.j2, figures.html.j2, unreadable.md.j2).",
        path=True,
    )
    show_findings: bool = _option(
        True, _flag, "Show each initiative's findings in a box on its page."
    )
    site_name: str = _option("Improvement register", _text, "The site's name.", of=SITE)
    site_url: str | None = _option(
        None, _url, "The site's address: absolute links in the feed and reports.", of=SITE
    )
    use_directory_urls: bool = _option(
        True, _flag, "Pages served at `name/` (else at `name.html`).", of=SITE
    )
    site_language: str = _option(
        "en", _text, "The theme's language: cireg's English text is marked as such.", of=SITE
    )

    def today_or(self, given: str | None) -> dt.date:
        """Today for date rules: `given` (`--today`), else this site's `today` option, else
        SOURCE_DATE_EPOCH, else the local date. Raises TodayError."""
        if given is None and self.today is not None:
            return self.today
        return resolve_today(given)


def _names(of: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(SiteOptions) if f.metadata.get("of") == of)


PLUGIN_OPTIONS = _names(PLUGIN)  # the options under `plugins: - cireg:`
SITE_FACTS = _names(SITE)  # read from mkdocs.yml itself (theme.language as site_language)
DEFAULTS = SiteOptions()


def site_options(
    values: Mapping[str, Any], root: str, *, source: str = "mkdocs.yml"
) -> SiteOptions:
    """The options in `values` (the plugin's options and the site facts, by name; a name
    absent or None takes its default), each checked, with the paths beside mkdocs.yml made
    absolute against `root`. Names that are neither are left to MkDocs, which warns.

    A bad value raises SiteOptionsError naming `source` (the configuration file)."""
    root = os.path.abspath(root)
    chosen: dict[str, Any] = {"root": root}
    for option in fields(SiteOptions):
        value = values.get(option.name)
        if option.name == "root" or value is None:
            continue
        meta = option.metadata
        try:
            value = meta["check"](value)
        except _Refused as refused:
            what = "the cireg option " if meta["of"] == PLUGIN else ""
            raise SiteOptionsError(f"{source}: {what}`{option.name}` {refused}") from None
        if meta["path"]:
            value = os.path.abspath(os.path.join(root, value))
        chosen[option.name] = value
    if "initiatives_dir" not in chosen:
        chosen["initiatives_dir"] = os.path.join(root, DEFAULTS.initiatives_dir)
    return SiteOptions(**chosen)


def theme_language(theme: Any) -> str | None:
    """The language of a theme as mkdocs.yml gives it: Material's `language`, or `locale`
    (MkDocs' own themes). `theme` is the raw mapping or MkDocs' Theme; None when unsaid."""
    if not hasattr(theme, "get"):
        return None
    language = theme.get("language") or theme.get("locale")
    return str(language) if language else None
