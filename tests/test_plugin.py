"""The MkDocs plugin's options and behaviour, each through a real build of a project copy."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from sitebuild import Build, build_site, copy_project, serve_build

PLUGIN_LINE = "      initiatives_dir: initiatives\n"


def project_with(tmp_path: Path, options: str = "", top: str = "") -> Path:
    """A copy of the reference project with extra cireg options (indented YAML lines) and
    extra top-level mkdocs.yml settings."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert PLUGIN_LINE in text
    if "today:" in options:  # the reference pins its own
        text = re.sub(r"^ +today: .*\n", "", text, flags=re.M)
    text = text.replace(PLUGIN_LINE, PLUGIN_LINE + options)
    config.write_text(top + text, encoding="utf-8")
    return project


def test_no_placeholder_is_left_in_any_page(reference_site: Build) -> None:
    for page in reference_site.site.rglob("*.html"):
        assert "data-cireg-block" not in page.read_text(encoding="utf-8"), page


def test_a_register_can_override_the_principles_table(tmp_path: Path) -> None:
    project = project_with(tmp_path, "      principles_table: principles.yaml\n")
    (project / "principles.yaml").write_text(
        "vision: [start-where-you-are]\nmomentum: [optimize-and-automate, focus-on-value]\n"
    )
    built = build_site(project)
    assert built.ok, built.output
    table = built.page("principles.md").select_one(".cireg-principles-table")
    assert table is not None
    marked = {
        (row.select_one("th").get_text(), index)
        for row in table.select("tbody tr")
        for index, cell in enumerate(row.select("td"))
        if "cireg-canonical" in (cell.get("class") or [])
    }
    assert marked == {
        ("1. What is the vision?", 1),
        ("7. How do we keep the momentum going?", 0),
        ("7. How do we keep the momentum going?", 6),
    }


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("vision: [be-nice]\n", "unknown principles `be-nice`"),
        ("steps: [focus-on-value]\n", "unknown step `steps`"),
        ("vision: focus-on-value\n", "must be a list of principles"),
        ("- vision\n", "must map step keys"),
        ("vision: [unclosed\n", "cannot read"),
    ],
)
def test_a_bad_principles_table_fails_with_a_clear_message(
    tmp_path: Path, table: str, expected: str
) -> None:
    project = project_with(tmp_path, "      principles_table: principles.yaml\n")
    (project / "principles.yaml").write_text(table)
    built = build_site(project)
    assert not built.ok
    assert expected in built.output and "principles.yaml" in built.output
    assert "Traceback" not in built.output


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("backlog_page: ../outside.md", "`backlog_page` must be a relative path"),
        ("principles_page: principles.html", "ending in `.md`"),
        ("pages_dir: /abs", "`pages_dir` must be a relative path"),
        ("badges_dir: a//b", "`badges_dir` must be a relative path"),
        ("today: 21/11/2026", "`today`"),
        ("initiatives_dir: no-such-folder", "isn't an existing directory"),
    ],
)
def test_bad_options_fail_with_a_clear_message(tmp_path: Path, option: str, expected: str) -> None:
    project = project_with(tmp_path, f"      {option}\n")
    built = build_site(project)
    assert not built.ok and expected in built.output, built.output
    assert "Traceback" not in built.output


def test_a_hand_written_page_in_the_way_is_reported_not_overwritten(tmp_path: Path) -> None:
    project = project_with(tmp_path)
    (project / "site_src" / "backlog.md").write_text("# My own backlog\n")
    built = build_site(project)
    assert not built.ok
    assert "already has a file `backlog.md`" in built.output
    assert (project / "site_src" / "backlog.md").read_text() == "# My own backlog\n"


def test_an_unknown_marker_is_a_warning_that_strict_builds_refuse(tmp_path: Path) -> None:
    project = project_with(tmp_path)
    index = project / "site_src" / "index.md"
    index.write_text(index.read_text() + "\n<!-- cireg:bogus -->\n")
    built = build_site(project)
    assert not built.ok
    assert "index.md: unknown marker `cireg:bogus`" in built.output


def test_single_figures_can_be_asked_for(tmp_path: Path) -> None:
    project = project_with(tmp_path)
    (project / "site_src" / "model.md").write_text(
        "# Model\n\nStatus:\n\n<!-- cireg:status -->\n\nAttention:\n\n  <!--  cireg:attention  -->\n"
    )
    built = build_site(project)
    assert built.ok, built.output
    figures = built.page("model.md").select("[data-figure]")
    assert [f["data-figure"] for f in figures] == ["status", "attention"]


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    project = project_with(tmp_path, "      templates_dir: overrides\n")
    (project / "overrides").mkdir()
    (project / "overrides" / "backlog.md.j2").write_text(
        '{{ front_matter }}\n{% filter html_block %}\n<ol class="mine">\n'
        "{% for row in rows %}<li>{{ row.i.title }}</li>\n{% endfor %}</ol>\n{% endfilter %}\n"
    )
    built = build_site(project)
    assert built.ok, built.output
    items = built.page("backlog.md").select("ol.mine li")
    assert len(items) == len(list((project / "initiatives").glob("*.yaml")))


def test_a_broken_template_override_is_reported_with_its_line(tmp_path: Path) -> None:
    project = project_with(tmp_path, "      templates_dir: overrides\n")
    (project / "overrides").mkdir()
    (project / "overrides" / "backlog.md.j2").write_text("{{ front_matter }}\n\n{% if %}\n")
    built = build_site(project)
    assert not built.ok
    assert "backlog.md.j2:3: template error" in built.output
    assert "Traceback" not in built.output


def test_links_hold_without_directory_urls(tmp_path: Path) -> None:
    project = project_with(tmp_path, top="use_directory_urls: false\n")
    built = build_site(project)
    assert built.ok, built.output
    for name in ("backlog.html", "principles.html", "initiatives/exam-desk-response.html"):
        page = built.site / name
        soup = built.html(name)
        for element in soup.select("article [href], article [src]"):
            link = str(element.get("href") or element.get("src"))
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / parts.path).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{name}: {link} leads nowhere"


def test_serve_watches_the_register_and_its_extra_files(tmp_path: Path) -> None:
    from cireg.mkdocs_plugin import CiregPlugin

    project = copy_project(tmp_path / "project")
    (project / "table.yaml").write_text("vision: []\n")
    plugin = CiregPlugin()
    errors, _warnings = plugin.load_config(
        {"initiatives_dir": "initiatives", "principles_table": "table.yaml"},
        str(project / "mkdocs.yml"),
    )
    assert not errors
    watched: list[str] = []
    server = SimpleNamespace(watch=watched.append)
    plugin.on_serve(server, config=None, builder=None)  # type: ignore[arg-type]
    assert watched == [str(project / "initiatives"), str(project / "table.yaml")]


def test_serve_with_a_strict_config_still_shows_the_broken_page(tmp_path: Path) -> None:
    project = project_with(tmp_path, top="strict: true\n")
    broken = project / "initiatives" / "exam-desk-response.yaml"
    broken.write_text(broken.read_text().replace("status: done", "status: finished", 1))
    served = serve_build(project)
    assert served.ok
    box = served.page("initiatives/exam-desk-response.md").select_one(".cireg-findings")
    assert box is not None and "[schema]" in box.get_text()
    assert re.search(r"\b3:9\b", box.get_text())
