"""The site's options, one typed value: each option's default and check live in
`cireg.site_options`, and the MkDocs plugin, `cireg generate` and the commands that read
mkdocs.yml all take them from there, with the same message for a bad value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from cireg.site_options import (
    DEFAULTS,
    PLUGIN_OPTIONS,
    SITE_FACTS,
    SiteOptions,
    SiteOptionsError,
    site_options,
)
from conftest import REPO, run_cireg
from sitebuild import build_site
from test_register_config import make_site

EVERY_OPTION = [
    "initiatives_dir",
    "today",
    "pages_dir",
    "backlog_page",
    "principles_page",
    "format_page",
    "badges_dir",
    "register_json",
    "schema_file",
    "register_schema_file",
    "feed",
    "feed_entries",
    "principles_table",
    "templates_dir",
    "show_findings",
]


def test_every_plugin_option_and_site_fact_is_one_field() -> None:
    assert list(PLUGIN_OPTIONS) == EVERY_OPTION
    assert set(SITE_FACTS) == {"site_name", "site_url", "use_directory_urls", "site_language"}
    for field in dataclasses.fields(SiteOptions):
        if field.name != "root":
            assert field.metadata["doc"].endswith("."), field.name


def test_no_options_are_the_defaults(tmp_path: Path) -> None:
    options = site_options({}, str(tmp_path))
    assert options == dataclasses.replace(
        DEFAULTS, root=str(tmp_path), initiatives_dir=str(tmp_path / "initiatives")
    )
    assert (options.pages_dir, options.feed_entries, options.show_findings) == (
        "initiatives",
        50,
        True,
    )
    assert (options.site_name, options.site_url, options.site_language) == (
        "Improvement register",
        None,
        "en",
    )
    # None is what YAML gives for an option written without a value: the default too.
    assert site_options(dict.fromkeys(PLUGIN_OPTIONS), str(tmp_path)) == options


def test_values_are_kept_checked_and_paths_made_absolute(tmp_path: Path) -> None:
    options = site_options(
        {
            "initiatives_dir": "register",
            "today": "2026-05-01",
            "pages_dir": "work/",
            "principles_table": "../table.yaml",
            "site_url": "https://example.org/register",
            "use_directory_urls": False,
        },
        str(tmp_path / "site"),
    )
    assert options.initiatives_dir == str(tmp_path / "site" / "register")
    assert options.principles_table == str(tmp_path / "table.yaml")
    assert options.today == dt.date(2026, 5, 1)
    assert options.pages_dir == "work"  # a folder is kept without its trailing slash
    assert options.site_url == "https://example.org/register/"  # as MkDocs reads site_url
    assert options.use_directory_urls is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"pages_dir": 3}, "the cireg option `pages_dir` must be a relative path inside the site"),
        ({"badges_dir": "a//b"}, "`badges_dir` must be a relative path inside the site; got"),
        ({"backlog_page": "../out.md"}, "`backlog_page` must be a relative path"),
        ({"principles_page": "principles.html"}, "ending in `.md`; got 'principles.html'"),
        ({"feed": "/feed.xml"}, "`feed` must be a relative path inside the site ending in `.xml`"),
        ({"register_json": "data\\register.json"}, "`register_json` must be a relative path"),
        ({"feed_entries": -1}, "`feed_entries` must be a whole number, 0 or more; got -1"),
        ({"feed_entries": True}, "`feed_entries` must be a whole number, 0 or more; got True"),
        ({"show_findings": "yes"}, "`show_findings` must be true or false; got 'yes'"),
        ({"today": "21/11/2026"}, "`today` must be a date written YYYY-MM-DD"),
        ({"initiatives_dir": ""}, "`initiatives_dir` must be a path, relative to mkdocs.yml"),
        ({"templates_dir": ["a"]}, "`templates_dir` must be a path"),
        ({"site_url": "example.org"}, "site.yml: `site_url` must be an absolute URL"),
        ({"use_directory_urls": "no"}, "site.yml: `use_directory_urls` must be true or false"),
    ],
)
def test_a_bad_value_is_one_plain_message(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    with pytest.raises(SiteOptionsError) as raised:
        site_options(values, str(tmp_path), source="site.yml")
    assert message in str(raised.value)
    assert str(raised.value).startswith("site.yml: ")
    assert "\n" not in str(raised.value)


def test_the_mkdocs_config_class_has_exactly_the_plugin_options() -> None:
    """MkDocs' CiregConfig is made from the one list; it takes values as written, for
    site_options to check, and its unset values give the defaults."""
    from cireg.mkdocs_plugin import CiregConfig, CiregPlugin

    assert [name for name, _option in CiregConfig._schema] == list(PLUGIN_OPTIONS)
    plugin = CiregPlugin()
    errors, warnings = plugin.load_config({"feed_entries": -1, "nonsense": 1}, "mkdocs.yml")
    assert not errors  # the value is checked by site_options, as the commands check it
    assert [name for name, _warning in warnings] == ["nonsense"]
    unset = CiregPlugin()
    assert unset.load_config({}, str(REPO / "mkdocs.yml")) == ([], [])
    assert site_options(dict(unset.config), str(REPO)) == site_options({}, str(REPO))


def test_the_readme_lists_every_option() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| option | default | meaning |") :].split("\n\n", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", table))
    assert set(PLUGIN_OPTIONS) <= listed


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("feed_entries: -3", "the cireg option `feed_entries` must be a whole number, 0 or more"),
        ("pages_dir: ../pages", "the cireg option `pages_dir` must be a relative path inside"),
        ("show_findings: maybe", "the cireg option `show_findings` must be true or false"),
    ],
)
def test_the_cli_and_the_build_refuse_a_bad_option_with_the_same_message(
    tmp_path: Path, option: str, message: str
) -> None:
    site = make_site(tmp_path, f"initiatives_dir: register\n{option}")
    said = f"{site / 'mkdocs.yml'}: {message}"
    done = run_cireg("validate", cwd=site)
    assert done.returncode == 2
    assert done.stderr.startswith(f"cireg: {said}"), done.stderr
    built = build_site(site)
    assert not built.ok
    assert f"cireg: {said}" in built.output, built.output
    assert "Traceback" not in built.output
