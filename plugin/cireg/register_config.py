"""One register configuration for every command: the cireg plugin's options in mkdocs.yml.

`cireg validate`, `export` and `new` read `initiatives_dir` and `today` from the nearest
mkdocs.yml, so that they check the same folder against the same date as the site does. This
reads the file with a small YAML loader instead of MkDocs' own, so that `validate` (run on
every pull request) does not pay for importing MkDocs; `cireg generate` goes through MkDocs
itself and reads the same options there."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cireg.dates import TodayError, today_option
from cireg.render.layout import SiteLayout

CONFIG_NAME = "mkdocs.yml"
DEFAULT_FOLDER = "initiatives"


class RegisterConfigError(ValueError):
    """mkdocs.yml cannot be read, or its cireg options are not what they must be."""


@dataclass(frozen=True)
class RegisterConfig:
    folder: Path  # the register folder
    today: dt.date | None  # the plugin's `today` option, when set
    config_file: Path | None  # the mkdocs.yml it came from, if any
    # The address of the site's format reference page, when mkdocs.yml gives `site_url`
    # (SARIF reports link each rule's help to its row there).
    format_page_url: str | None = None


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
        return RegisterConfig((start or Path.cwd()).absolute() / DEFAULT_FOLDER, None, None)
    raw = _load(config_file)
    options = _plugin_options(raw)
    folder = options.get("initiatives_dir", DEFAULT_FOLDER)
    if not isinstance(folder, str) or not folder:
        raise RegisterConfigError(
            f"{config_file}: the cireg option `initiatives_dir` must be a folder name; "
            f"got {folder!r}"
        )
    try:
        today = today_option(options.get("today"))
    except TodayError as error:
        raise RegisterConfigError(f"{config_file}: the cireg option `today`: {error}") from None
    page_url = _format_page_url(raw, options)
    return RegisterConfig(config_file.parent / folder, today, config_file, page_url)


def _load(config_file: Path) -> Any:
    try:
        with open(config_file, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
        raise RegisterConfigError(f"cannot read {config_file}: {reason}") from None


def _format_page_url(raw: Any, options: dict[str, Any]) -> str | None:
    """Where the site serves its format reference page, as MkDocs lays it out."""
    site_url = raw.get("site_url") if isinstance(raw, dict) else None
    if not isinstance(site_url, str) or not site_url.strip():
        return None
    page = options.get("format_page", SiteLayout.format_page)
    directory_urls = raw.get("use_directory_urls", True)
    if not isinstance(page, str) or not isinstance(directory_urls, bool):
        return None  # the build itself refuses such options; no link rather than a wrong one
    layout = SiteLayout(format_page=page, use_directory_urls=directory_urls)
    return site_url.strip().rstrip("/") + "/" + layout.url_of(page).lstrip("/")


def _plugin_options(raw: Any) -> dict[str, Any]:
    """The options under `plugins: - cireg:` (empty when the plugin takes its defaults)."""
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
