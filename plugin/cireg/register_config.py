"""One register configuration for every command: the site's options, read from mkdocs.yml.

`cireg validate`, `export` and `new` read the cireg plugin's options (and the site facts
SiteOptions holds) from the nearest mkdocs.yml, so that they check the same folder against
the same date as the site does, and refuse a bad option with the same message as `mkdocs
build`. This reads the file with a small YAML loader instead of MkDocs' own, so that
`validate` (run on every pull request) does not pay for importing MkDocs. (`cireg generate`
needs MkDocs' reading of the file anyway, for the docs folder and `INHERIT`: it hands the
same values to the same `site_options()`.)

A mkdocs.yml that lists no cireg plugin (one for MkDocs 2 or Zensical, which run none)
gives the defaults, as does no mkdocs.yml at all."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cireg.render.layout import SiteLayout
from cireg.site_options import SiteOptions, SiteOptionsError, site_options, theme_language

CONFIG_NAME = "mkdocs.yml"


class RegisterConfigError(ValueError):
    """mkdocs.yml cannot be read, or its cireg options are not what they must be."""


@dataclass(frozen=True)
class RegisterConfig:
    options: SiteOptions  # the site's options (the defaults when there is no mkdocs.yml)
    config_file: Path | None  # the mkdocs.yml they came from, if any

    @property
    def folder(self) -> Path:
        """The register folder."""
        return Path(self.options.initiatives_dir)

    @property
    def today(self) -> dt.date | None:
        """The plugin's `today` option, when set."""
        return self.options.today

    @property
    def format_page_url(self) -> str | None:
        """The address of the site's format reference page, when mkdocs.yml gives
        `site_url` (SARIF reports link each rule's help to its row there)."""
        site_url = self.options.site_url
        if site_url is None:
            return None
        return site_url + SiteLayout.of(self.options).url_of(self.options.format_page)


class _ConfigLoader(yaml.SafeLoader):
    """Reads any mkdocs.yml: `!ENV` as MkDocs resolves it, other tags (Material's
    `!!python/name:` emoji settings, say) as nothing, since cireg's options never use them."""


def _env_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    names: list[Any]
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        *names, default = loader.construct_sequence(node)
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


def _ignored(_loader: yaml.SafeLoader, _suffix: str, _node: yaml.Node) -> None:
    return None


_ConfigLoader.add_constructor("!ENV", _env_value)
_ConfigLoader.add_multi_constructor("", _ignored)


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest mkdocs.yml from `start` (the working folder) up, as MkDocs would use."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def register_config(start: Path | None = None) -> RegisterConfig:
    """The register that commands run in `start` work on, with the site's options."""
    config_file = find_config_file(start)
    if config_file is None:
        here = str((start or Path.cwd()).absolute())
        return RegisterConfig(site_options({}, here), None)
    return RegisterConfig(read_site_options(config_file), config_file)


def read_site_options(config_file: Path) -> SiteOptions:
    """The site options that `config_file` gives: its cireg plugin's options (none when it
    lists no cireg plugin) and the site facts, checked. Raises RegisterConfigError."""
    raw = _load(config_file)
    values = {**plugin_options(raw), **site_facts(raw)}
    try:
        return site_options(values, str(config_file.parent), source=str(config_file))
    except SiteOptionsError as error:
        raise RegisterConfigError(str(error)) from None


def _load(config_file: Path) -> Any:
    try:
        with open(config_file, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
        raise RegisterConfigError(f"cannot read {config_file}: {reason}") from None


def site_facts(raw: Any) -> dict[str, Any]:
    """What SiteOptions takes from mkdocs.yml itself, as written (None: the default)."""
    if not isinstance(raw, dict):
        return {}
    return {
        "site_name": raw.get("site_name"),
        "site_url": raw.get("site_url"),
        "use_directory_urls": raw.get("use_directory_urls"),
        "site_language": theme_language(raw.get("theme")),
    }


def plugin_options(raw: Any) -> dict[str, Any]:
    """The options under `plugins: - cireg:` (empty when the plugin takes its defaults, or
    is not listed)."""
    plugins = raw.get("plugins") if isinstance(raw, dict) else None
    entries: list[Any]
    if isinstance(plugins, dict):  # MkDocs also takes plugins as a mapping
        entries = [{name: value} for name, value in plugins.items()]
    elif isinstance(plugins, list):
        entries = plugins
    else:
        return {}
    for entry in entries:
        if isinstance(entry, dict) and len(entry) == 1:
            ((name, options),) = entry.items()
            if name == "cireg":
                return options if isinstance(options, dict) else {}
    return {}
