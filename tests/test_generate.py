"""`cireg generate OUT`: the register's site as plain files that MkDocs publishes with no cireg
plugin at all, reading the same as the plugin's site."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import REPO, run_cireg
from sitebuild import Build, copy_project

# A child MkDocs in which importing cireg fails: the plain build cannot use the plugin.
_NO_CIREG = (
    "import sys; sys.modules['cireg'] = None; from mkdocs.__main__ import cli; sys.exit(cli())"
)


def plain_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(
        [sys.executable, "-c", _NO_CIREG, "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def generate(
    project: Path, out: str = "generated", *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_cireg(
        "generate",
        out,
        "--mkdocs-yml",
        "mkdocs.plain.yml",
        *extra,
        cwd=project,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("generate") / "project")
    # The reference site pins `today` in mkdocs.yml; the plugin build used the same date.
    done = generate(project)
    assert done.returncode == 0, done.stdout + done.stderr
    built = plain_build(project / "mkdocs.plain.yml", project / "plain-site")
    assert built.returncode == 0, built.stdout + built.stderr
    return project


def _article(path: Path) -> str:
    article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")
    assert article is not None, path
    for edit in article.select("a.md-content__button"):  # edit links: see the test below
        edit.decompose()
    return re.sub(r"\s+", " ", str(article))


def _site_files(site: Path) -> set[str]:
    return {
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.is_file() and "search" not in p.parts and p.name != "sitemap.xml.gz"
    }


def test_the_plain_build_uses_no_plugin_and_has_every_page(
    plain_site: Path, reference_site: Build
) -> None:
    config = yaml.safe_load((plain_site / "mkdocs.plain.yml").read_text())
    assert "cireg" not in str(config["plugins"])
    assert config["docs_dir"] == "generated"
    assert config["extra_css"] == ["assets/cireg/cireg.css"]
    assert config["extra_javascript"] == ["assets/cireg/cireg.js"]
    plain = plain_site / "plain-site"
    ours = {f for f in _site_files(plain) if not f.startswith("assets/") or "cireg" in f}
    theirs = {
        f for f in _site_files(reference_site.site) if not f.startswith("assets/") or "cireg" in f
    }
    assert ours == theirs


def test_every_page_reads_the_same_as_the_plugin_builds_it(
    plain_site: Path, reference_site: Build
) -> None:
    plain = plain_site / "plain-site"
    pages = sorted(reference_site.site.rglob("index.html"))
    assert len(pages) > 15
    for page in pages:
        relative = page.relative_to(reference_site.site)
        assert _article(plain / relative) == _article(page), relative


def test_data_files_badges_and_assets_are_the_same_bytes(
    plain_site: Path, reference_site: Build
) -> None:
    plain = plain_site / "plain-site"
    checked = 0
    for path in reference_site.site.rglob("*"):
        relative = path.relative_to(reference_site.site)
        if path.suffix in (".svg", ".json", ".xml", ".js", ".css") and (
            relative.parts[0] in ("badges", "schemas", "assets") or len(relative.parts) == 1
        ):
            if relative.parts[0] == "assets" and "cireg" not in relative.parts:
                continue  # the theme's own assets
            if relative.name in ("sitemap.xml",):
                continue
            assert (plain / relative).read_bytes() == path.read_bytes(), relative
            checked += 1
    assert checked >= 20  # badges, register.json, feed.xml, schema, stylesheet, script


def test_hand_written_pages_get_their_figures(plain_site: Path) -> None:
    index = (plain_site / "generated" / "index.md").read_text()
    assert "cireg:figures" not in index and 'class="cireg-figures' in index
    # the Markdown around the markers is the author's, untouched
    assert index.startswith((plain_site / "site_src" / "index.md").read_text().split("<!--")[0])


def test_generated_initiative_pages_are_plain_markdown_with_html_in_place(plain_site: Path) -> None:
    page = (plain_site / "generated" / "initiatives" / "exam-desk-response.md").read_text()
    assert page.startswith("---\ntitle: ")
    assert "data-cireg-block" not in page
    assert "<svg" in page  # the KPI charts are inline SVG


def test_the_output_folder_is_stamped_and_replaced_on_the_next_run(plain_site: Path) -> None:
    out = plain_site / "generated"
    assert (out / ".cireg-generated").is_file()
    (out / "stale.md").write_text("# left from an earlier run\n")
    done = generate(plain_site)
    assert done.returncode == 0, done.stderr
    assert not (out / "stale.md").exists()
    assert "Wrote " in done.stdout


def test_a_folder_it_did_not_make_is_never_replaced(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    mine = project / "mine"
    mine.mkdir()
    (mine / "notes.md").write_text("mine\n")
    done = generate(project, "mine")
    assert done.returncode == 2
    assert "not made by `cireg generate`" in done.stderr
    assert (mine / "notes.md").read_text() == "mine\n"
    for overlapping in ("site_src", "site_src/out"):
        done = generate(project, overlapping)
        assert done.returncode == 2 and "overlaps the docs folder" in done.stderr
    assert sorted(p.name for p in (project / "site_src").iterdir()) == sorted(
        p.name for p in (copy_project(tmp_path / "again") / "site_src").iterdir()
    )


def test_an_output_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.md").write_text("keep\n")
    (project / "out").symlink_to(elsewhere, target_is_directory=True)
    done = generate(project, "out")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is a symbolic link" in done.stderr and "internal error" not in done.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["keep.md"]
    assert not (project / "mkdocs.plain.yml").exists()


@pytest.mark.parametrize("target", ["mkdocs.yml", "./mkdocs.yml", "hand-written.yml"])
def test_the_plain_configuration_never_replaces_one_written_by_hand(
    tmp_path: Path, target: str
) -> None:
    """Not the site's own mkdocs.yml, nor any file an earlier run did not write; checked
    before anything is written."""
    project = copy_project(tmp_path / "project")
    (project / "hand-written.yml").write_text("site_name: mine\n")
    before = {name: (project / name).read_bytes() for name in ("mkdocs.yml", "hand-written.yml")}
    done = run_cireg(
        "generate", "out", "--mkdocs-yml", target, cwd=project, env={"NO_MKDOCS_2_WARNING": "1"}
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "name a new file" in done.stderr
    assert {name: (project / name).read_bytes() for name in before} == before
    assert not (project / "out").exists()


def test_a_plain_configuration_from_an_earlier_run_is_replaced(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert generate(project).returncode == 0
    again = generate(project)
    assert again.returncode == 0, again.stderr


def test_a_register_with_errors_generates_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    broken = project / "initiatives" / "broken-thing.yaml"
    broken.write_text("title: [unclosed\n")
    done = generate(project)
    assert done.returncode == 1
    assert "initiatives/broken-thing.yaml:" in done.stderr and "[yaml-syntax]" in done.stderr
    assert "nothing was generated" in done.stderr
    assert not (project / "generated").exists()
    assert not (project / "mkdocs.plain.yml").exists()


def _without_the_plugin(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text()
    config.write_text(re.sub(r"  - cireg:\n(      .*\n)+", "", text))
    assert "- cireg" not in config.read_text()


def test_a_site_that_lists_no_cireg_plugin_generates_with_the_defaults(
    tmp_path: Path, reference_site: Build
) -> None:
    """A mkdocs.yml for MkDocs 2 or Zensical runs no plugins: the options are the defaults
    (the reference's own are the defaults but `today`, given here instead)."""
    project = copy_project(tmp_path / "project")
    _without_the_plugin(project)
    done = generate(project, "generated", "--today", "2026-11-21")
    assert done.returncode == 0, done.stdout + done.stderr
    plain = project / "plain-site"
    built = plain_build(project / "mkdocs.plain.yml", plain)
    assert built.returncode == 0, built.stdout + built.stderr
    theirs = reference_site.site
    assert _site_files(plain) >= {f for f in _site_files(theirs) if not f.startswith("assets/")}
    for page in sorted(theirs.rglob("index.html")):
        relative = page.relative_to(theirs)
        assert _article(plain / relative) == _article(page), relative
    assert (plain / "register.json").read_bytes() == (theirs / "register.json").read_bytes()


def test_with_no_mkdocs_yml_initiatives_alone_give_the_register_pages(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(REPO / "initiatives", project / "register")
    done = run_cireg(
        "generate",
        "out",
        "--initiatives",
        "register",
        "--today",
        "2026-11-21",
        "--mkdocs-yml",
        "plain.yml",
        cwd=project,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ids = sorted(p.stem for p in (project / "register").glob("*.yaml"))
    written = {str(p.relative_to(project / "out")) for p in (project / "out").rglob("*.md")}
    # No hand-written page: the register's pages alone.
    assert written == {"backlog.md", "principles.md", "format-reference.md"} | {
        f"initiatives/{i}.md" for i in ids
    }
    config = yaml.safe_load((project / "plain.yml").read_text())
    assert config["site_name"] == "Improvement register"
    assert config["docs_dir"] == "out"
    built = plain_build(project / "plain.yml", project / "site")
    assert built.returncode == 0, built.stdout + built.stderr
    site = project / "site"
    for page in ("backlog", "principles", "format-reference", *(f"initiatives/{i}" for i in ids)):
        assert (site / page / "index.html").is_file(), page
    for data in ("register.json", "feed.xml", "schemas/initiative.schema.json"):
        assert (site / data).is_file(), data
    assert '<title type="text">Improvement register</title>' in (site / "feed.xml").read_text()
    backlog = BeautifulSoup((site / "backlog" / "index.html").read_text(), "html.parser")
    links = [a["href"] for a in backlog.select("td a")]
    assert len(links) >= len(ids)
    for link in links:
        assert (site / "backlog" / link / "index.html").is_file(), link


def test_with_neither_mkdocs_yml_nor_initiatives_it_says_what_to_give(tmp_path: Path) -> None:
    done = run_cireg("generate", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no mkdocs.yml here" in done.stderr and "--initiatives DIR" in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_output_folder_may_not_overlap_the_register(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    done = generate(project, "initiatives/out")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "overlaps the register folder" in done.stderr
    assert not (project / "initiatives" / "out").exists()


def test_the_mkdocs_logger_is_as_it_was_after_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """generate quiets MkDocs' configuration messages for its own run only, whether it
    ends well or not."""
    from cireg.generate import GenerateError
    from cireg.generate import generate as generate_site

    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    before = (list(logger.handlers), logger.level, logger.propagate)
    result = generate_site("mkdocs.yml", "generated", today="2026-11-21")
    assert result.written and not any(f.is_error for f in result.findings)
    assert (list(logger.handlers), logger.level, logger.propagate) == before
    (project / "mkdocs.yml").write_text("site_name: [unclosed\n")
    with pytest.raises(GenerateError, match="cannot read"):
        generate_site("mkdocs.yml", "again")
    assert (list(logger.handlers), logger.level, logger.propagate) == before


def test_links_follow_use_directory_urls_false(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "use_directory_urls: false\n")
    done = generate(project)
    assert done.returncode == 0, done.stderr
    plain = yaml.safe_load((project / "mkdocs.plain.yml").read_text())
    assert plain["use_directory_urls"] is False
    built = plain_build(project / "mkdocs.plain.yml", project / "plain-site")
    assert built.returncode == 0, built.stderr
    backlog = project / "plain-site" / "backlog.html"
    links = [a["href"] for a in BeautifulSoup(backlog.read_text(), "html.parser").select("td a")]
    assert links and all(link.endswith(".html") for link in links)
    for link in links:
        assert (backlog.parent / link).is_file(), link


def test_tags_of_the_configuration_survive(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "extra:\n  analytics_note: !ENV [CIREG_NOTE, none]\n")
    done = generate(project)
    assert done.returncode == 0, done.stderr
    plain = (project / "mkdocs.plain.yml").read_text()
    assert "!ENV" in plain and "CIREG_NOTE" in plain
    built = plain_build(project / "mkdocs.plain.yml", project / "plain-site")
    assert built.returncode == 0, built.stderr


def test_an_unknown_marker_is_reported_and_left_alone(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "site_src" / "model.md"
    page.write_text(page.read_text() + "\n<!-- cireg:nonsense -->\n")
    done = generate(project)
    assert done.returncode == 0
    assert "model.md: unknown marker `cireg:nonsense`" in done.stderr
    assert "<!-- cireg:nonsense -->" in (project / "generated" / "model.md").read_text()


def test_initiatives_names_the_register_folder_beside_a_mkdocs_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cireg.generate import load_site

    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    options, config = load_site(None)
    assert config is not None and options.initiatives_dir == str(project / "initiatives")
    assert options.today is not None and options.today.isoformat() == "2026-11-21"
    options, _config = load_site(None, "elsewhere")
    assert options.initiatives_dir == str(project / "elsewhere")
    assert options.today is not None  # the site's other options still apply
