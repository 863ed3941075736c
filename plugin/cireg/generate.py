"""`cireg generate OUT`: the register's site as plain files, for a generator without plugins.

It reads the site's options as every command does (the cireg plugin's options in
`mkdocs.yml` when it lists the plugin, else the defaults; with `--initiatives DIR` and no
mkdocs.yml, the register alone), checks the register and renders it with the same core as
the plugin (`publish.site_context`, `register_site_files`), and writes the files with the
hand-written pages (their markers expanded) into OUT: Markdown pages with their HTML blocks
in place, SVG badges, the data files and the assets. Any MkDocs-like generator publishes
OUT as its docs folder; `--mkdocs-yml` writes a configuration for that without the plugin."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.structure.files import InclusionLevel, get_files

from cireg.dates import TodayError
from cireg.findings import Finding
from cireg.mkdocs_plugin import CiregPlugin, site_facts
from cireg.model import Register
from cireg.publish import SiteError, site_context
from cireg.render.layout import SiteLayout
from cireg.render.page_context import SiteContext
from cireg.render.site_files import SiteFile, expand_markers, register_site_files
from cireg.site_options import SiteOptions, SiteOptionsError, site_options

# Left in OUT so that a later run may replace a folder it made, and never another one.
STAMP = ".cireg-generated"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")  # what MkDocs looks for in the working folder


class GenerateError(Exception):
    """The site cannot be generated: a bad configuration or output folder."""


@dataclass
class Generated:
    register: Register
    written: list[str] = field(default_factory=list)  # paths relative to OUT
    warnings: list[str] = field(default_factory=list)  # about pages, not the register

    @property
    def findings(self) -> list[Finding]:
        return self.register.findings


@contextmanager
def _mkdocs_messages() -> Iterator[None]:
    """While it lasts, what MkDocs logs (its configuration warnings) is shown as plain
    lines; the `mkdocs` logger is as it was afterwards."""
    logger = logging.getLogger("mkdocs")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    if not handlers:  # a caller that set MkDocs' logging up keeps its own
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("cireg: mkdocs.yml: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    try:
        yield
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def load_site(
    config_file: str | None, initiatives: str | None = None
) -> tuple[SiteOptions, MkDocsConfig | None]:
    """The site's options, and its configuration as MkDocs reads it (None when there is
    no mkdocs.yml and `initiatives` names the register folder). Call it within
    `_mkdocs_messages`."""
    if config_file is None:
        config_file = next((name for name in CONFIG_NAMES if os.path.isfile(name)), None)
    if config_file is None:
        if initiatives is None:
            raise GenerateError(
                "no mkdocs.yml here; give the site's configuration with -f FILE, or the "
                "register folder with --initiatives DIR to write the register's pages alone"
            )
        folder = {"initiatives_dir": os.path.abspath(initiatives)}
        return _checked(folder, os.getcwd(), "--initiatives"), None
    try:
        config = load_config(config_file)
    except (ConfigurationError, OSError) as error:
        raise GenerateError(f"cannot read {config_file}: {error}") from None
    # The cireg plugin's options when the site lists it (as MkDocs read them), else none.
    plugin = next((p for p in config.plugins.values() if isinstance(p, CiregPlugin)), None)
    values: dict[str, Any] = dict(plugin.config) if plugin is not None else {}
    values.update(site_facts(config))
    if initiatives is not None:
        values["initiatives_dir"] = os.path.abspath(initiatives)
    root = os.path.dirname(os.path.abspath(config_file))
    return _checked(values, root, config_file), config


def _checked(values: dict[str, Any], root: str, source: str) -> SiteOptions:
    try:
        return site_options(values, root, source=source)
    except SiteOptionsError as error:
        raise GenerateError(str(error)) from None


def generate(
    config_file: str | None,
    out: str,
    *,
    today: str | None = None,
    mkdocs_yml: str | None = None,
    initiatives: str | None = None,
) -> Generated:
    """Write the site into `out`. Writes nothing when the register has errors: the result's
    findings say why, as they would stop `mkdocs build`."""
    with _mkdocs_messages():
        options, config = load_site(config_file, initiatives)
        return _generate(options, config, out, today=today, mkdocs_yml=mkdocs_yml)


def _generate(
    options: SiteOptions,
    config: MkDocsConfig | None,
    out: str,
    *,
    today: str | None,
    mkdocs_yml: str | None,
) -> Generated:
    try:
        day = options.today_or(today)
    except TodayError as error:
        raise GenerateError(str(error)) from None
    out = os.path.abspath(out)
    config_file = config.config_file_path if config is not None else None
    _check_out(out, config.docs_dir if config is not None else None, options.initiatives_dir)
    if mkdocs_yml is not None:
        _check_plain_config_target(mkdocs_yml, config_file, out)
    try:
        site = site_context(options, day)
    except SiteError as error:
        raise GenerateError(str(error)) from None
    result = Generated(site.register)
    if any(f.is_error for f in site.register.findings):
        return result
    files = list(_hand_written(config, site, result.warnings)) if config is not None else []
    files.extend(register_site_files(site))
    seen: set[str] = set()
    for item in files:
        if item.src_uri in seen:
            raise GenerateError(
                f"the docs folder already has a file `{item.src_uri}` where the register's "
                "would go; move that file or change the cireg option that places it"
            )
        seen.add(item.src_uri)
    _prepare(out)
    for item in files:
        target = os.path.join(out, *item.src_uri.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(item.data())
        result.written.append(item.src_uri)
    if mkdocs_yml is not None:
        write_plain_config(config_file, mkdocs_yml, out, site.layout, options.site_name)
    return result


def _hand_written(
    config: MkDocsConfig, site: SiteContext, warnings: list[str]
) -> Iterator[SiteFile]:
    """The docs folder's own files, as MkDocs would pick them, pages with markers expanded."""
    for file in get_files(config):
        if file.inclusion is InclusionLevel.EXCLUDED or file.abs_src_path is None:
            continue
        if file.is_documentation_page():
            with open(file.abs_src_path, encoding="utf-8-sig") as handle:
                text = handle.read()
            text = expand_markers(text, site, file.src_uri, warnings.append)
            yield SiteFile(file.src_uri, text)
        else:
            with open(file.abs_src_path, "rb") as handle:
                yield SiteFile(file.src_uri, handle.read())


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _check_out(out: str, docs_dir: str | None, register: str) -> None:
    for name, folder in (("docs", docs_dir), ("register", register)):
        if folder is None:
            continue
        folder = os.path.abspath(folder)
        if _inside(out, folder) or _inside(folder, out):
            raise GenerateError(
                f"the output folder {out} overlaps the {name} folder {folder}; choose another one"
            )
    if os.path.islink(out):
        raise GenerateError(f"{out} is a symbolic link; give a real folder (or a new name)")
    if os.path.exists(out):
        if not os.path.isdir(out):
            raise GenerateError(f"{out} exists and is not a folder")
        if os.listdir(out) and not os.path.isfile(os.path.join(out, STAMP)):
            raise GenerateError(
                f"{out} is not empty and was not made by `cireg generate`; choose an empty "
                "or new folder (cireg only replaces folders it made)"
            )


_PLAIN_CONFIG_HEADER = "# Made by `cireg generate` from "


def _check_plain_config_target(target: str, config_file: str | None, out: str) -> None:
    """The plain configuration may replace only one that an earlier run wrote: never the
    site's own mkdocs.yml, nor any other file someone wrote by hand."""
    if config_file is not None and (
        os.path.abspath(target) == os.path.abspath(config_file)
        or (os.path.exists(target) and os.path.samefile(target, config_file))
    ):
        raise GenerateError(
            f"--mkdocs-yml {target} is the site's own configuration; name a new file "
            "(mkdocs.plain.yml, say)"
        )
    if _inside(os.path.abspath(target), out):
        raise GenerateError(f"--mkdocs-yml {target} is inside the output folder; put it beside it")
    if os.path.islink(target) or os.path.isdir(target):
        raise GenerateError(f"--mkdocs-yml {target} is a link or a folder; name a new file")
    if os.path.exists(target):
        try:
            with open(target, encoding="utf-8-sig") as handle:
                first_line = handle.readline()
        except (OSError, UnicodeDecodeError):
            first_line = ""
        if not first_line.startswith(_PLAIN_CONFIG_HEADER):
            raise GenerateError(
                f"--mkdocs-yml {target} exists and was not written by `cireg generate`; "
                "name a new file (cireg only replaces configurations it wrote)"
            )


def _prepare(out: str) -> None:
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    with open(os.path.join(out, STAMP), "w", encoding="utf-8") as stamp:
        stamp.write("Made by `cireg generate`; it replaces this folder on its next run.\n")


# --- a configuration without the plugin -------------------------------------------------------


class _Tagged:
    """A value with a tag PyYAML's safe loader does not know (`!ENV`, `!!python/name:`):
    kept as written so the configuration round-trips."""

    def __init__(self, tag: str, value: Any, style: str) -> None:
        self.tag, self.value, self.style = tag, value, style


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(tag, loader.construct_scalar(node), "scalar")
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(tag, loader.construct_sequence(node, deep=True), "sequence")
    return _Tagged(tag, loader.construct_mapping(node, deep=True), "mapping")  # type: ignore[arg-type]


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if data.style == "scalar":
        return dumper.represent_scalar(data.tag, data.value)
    if data.style == "sequence":
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_mapping(data.tag, data.value)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(_Tagged, _represent_tagged)


def _is_cireg(entry: Any) -> bool:
    name = entry if isinstance(entry, str) else next(iter(entry), None) if entry else None
    return isinstance(name, str) and (name == "cireg" or name.startswith("cireg "))


def write_plain_config(
    config_file: str | None, target: str, out: str, layout: SiteLayout, site_name: str
) -> None:
    """`target`: the site's configuration with `out` as its docs folder and no cireg plugin
    (with no `config_file`, a new one naming the site `site_name`). Paths to sources
    (INHERIT, theme.custom_dir) are rebased to where `target` lives; site_dir stays as
    written, relative to `target`. Comments are not kept."""
    target_dir = os.path.dirname(os.path.abspath(target))
    if config_file is None:
        raw: dict[str, Any] = {"site_name": site_name}
        made_from = "the register alone"
    else:
        raw = _rebased_config(config_file, target_dir)
        made_from = os.path.basename(config_file)
    raw["docs_dir"] = os.path.relpath(out, target_dir).replace(os.sep, "/")
    for key, asset in (("extra_css", layout.stylesheet), ("extra_javascript", layout.script)):
        listed = raw.get(key)
        listed = listed if isinstance(listed, list) else []
        raw[key] = listed if asset in listed else [*listed, asset]
    # The initiative pages are reached from the backlog, not the navigation.
    hidden = f"/{layout.pages_dir}/"
    not_in_nav = raw.get("not_in_nav")
    lines = not_in_nav.splitlines() if isinstance(not_in_nav, str) else []
    if hidden not in lines:
        raw["not_in_nav"] = "\n".join([*lines, hidden]) + "\n"
    header = (
        f"{_PLAIN_CONFIG_HEADER}{made_from}: the register's pages\n"
        "# are plain files in docs_dir, so this site needs no cireg plugin.\n"
    )
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(header)
        yaml.dump(raw, handle, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _rebased_config(config_file: str, target_dir: str) -> dict[str, Any]:
    """The site's configuration as written, its source paths rebased to `target_dir`, and
    the cireg plugin left out."""
    with open(config_file, encoding="utf-8-sig") as handle:
        raw = yaml.load(handle, Loader=_Loader)
    if not isinstance(raw, dict):
        raise GenerateError(f"{config_file} is not a mapping")
    source_dir = os.path.dirname(os.path.abspath(config_file))

    def rebase(path: str) -> str:
        return os.path.relpath(os.path.join(source_dir, path), target_dir).replace(os.sep, "/")

    # site_dir stays as written: relative to the new configuration, like docs_dir.
    if isinstance(raw.get("INHERIT"), str):
        raw["INHERIT"] = rebase(raw["INHERIT"])
    theme = raw.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = rebase(theme["custom_dir"])
    plugins = raw.get("plugins")
    if isinstance(plugins, list):
        raw["plugins"] = [p for p in plugins if not _is_cireg(p)]
    elif isinstance(plugins, dict):
        raw["plugins"] = {k: v for k, v in plugins.items() if not _is_cireg(k)}
    return raw
