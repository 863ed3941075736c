"""One register configuration for every command: `cireg validate`, `export` and `new` read the
cireg plugin's `initiatives_dir` and `today` from the nearest mkdocs.yml, as the site does;
bad option values are plain messages, never tracebacks, in the CLI and in `mkdocs build`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cireg
from sitebuild import build_site

STALE_IDEA = (
    "title: A small idea for the desk\n"
    "status: idea\n"
    "owner: Service desk lead\n"
    "raised_on: 2026-01-05\n"
    "review_by: 2026-06-01\n"  # stale from 2026-06-02 on
    "vision:\n"
    "  statement: Callers get help sooner.\n"
)


def make_site(root: Path, options: str, folder: str = "register") -> Path:
    """A site whose cireg plugin has `options` (YAML lines under `- cireg:`)."""
    (root / folder).mkdir(parents=True)
    (root / folder / "small-idea.yaml").write_text(STALE_IDEA, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Register\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Register\n"
        "docs_dir: docs\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - cireg:\n" + "".join(f"      {line}\n" for line in options.splitlines()),
        encoding="utf-8",
    )
    return root


def test_validate_reads_the_register_folder_and_today_from_mkdocs_yml(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\ntoday: 2026-05-01")
    done = run_cireg("validate", cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "0 errors, 0 warnings in 1 files\n"
    # From a sub-folder too, as MkDocs finds its configuration.
    assert run_cireg("validate", cwd=site / "docs").stdout == done.stdout


def test_the_today_option_of_the_command_wins_over_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\ntoday: 2026-05-01")
    done = run_cireg("validate", "--today", "2026-07-01", cwd=site)
    assert "[stale-review]" in done.stdout
    assert done.stdout.endswith("0 errors, 1 warnings in 1 files\n")


def test_the_site_option_wins_over_source_date_epoch(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\ntoday: 2026-05-01")
    july = "1782864000"  # 2026-07-01
    done = run_cireg("validate", cwd=site, env={"SOURCE_DATE_EPOCH": july})
    assert done.stdout == "0 errors, 0 warnings in 1 files\n"


def test_export_says_the_same_today_as_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\ntoday: 2026-05-01")
    exported = json.loads(run_cireg("export", cwd=site).stdout)
    assert exported["today"] == "2026-05-01"
    built = build_site(site)
    assert built.ok, built.output
    published = json.loads((built.site / "register.json").read_text(encoding="utf-8"))
    assert published["today"] == exported["today"]
    assert [i["id"] for i in published["initiatives"]] == ["small-idea"]
    assert exported["initiatives"] == published["initiatives"]


def test_the_reference_register_exports_what_its_site_publishes(reference_site) -> None:
    exported = json.loads(run_cireg("export", cwd=REPO).stdout)
    published = json.loads((reference_site.site / "register.json").read_text(encoding="utf-8"))
    assert exported["today"] == published["today"]


def test_new_writes_into_the_configured_register_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register")
    done = run_cireg(
        "new", "second-idea", "--title", "A second idea for the desk", "--owner", "Desk", cwd=site
    )
    assert done.returncode == 0, done.stderr
    assert (site / "register" / "second-idea.yaml").is_file()
    assert not (site / "initiatives").exists()


def test_an_env_tag_in_mkdocs_yml_is_read_as_mkdocs_reads_it(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\ntoday: !ENV [CIREG_TODAY, 2026-05-01]")
    set_by_env = run_cireg("export", cwd=site, env={"CIREG_TODAY": "2026-08-01"})
    assert json.loads(set_by_env.stdout)["today"] == "2026-08-01"
    assert json.loads(run_cireg("export", cwd=site).stdout)["today"] == "2026-05-01"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2026-11-21 10:00:00", "must be a date written YYYY-MM-DD, without a time"),
        ("'21/11/2026'", "must be a date written YYYY-MM-DD"),
        ("9999-12-31", "must be a date from 1900-01-01 to 9000-12-31"),
    ],
)
def test_a_bad_today_option_is_a_message_in_the_cli_and_the_build(
    tmp_path: Path, value: str, said: str
) -> None:
    site = make_site(tmp_path, f"initiatives_dir: register\ntoday: {value}")
    done = run_cireg("validate", cwd=site)
    assert done.returncode == 2
    assert said in done.stderr and "`today`" in done.stderr
    assert "Traceback" not in done.stderr
    built = build_site(site)
    assert not built.ok
    assert said in built.output
    assert "Traceback" not in built.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("new", "late-idea", "--title", "An idea from the far future", "--owner", "Desk"), "9999"),
        (("init", "made", "--today", "0001-01-01"), "0001-01-01"),
    ],
)
def test_a_today_at_the_end_of_the_calendar_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    site = make_site(tmp_path, "initiatives_dir: register")
    extra = ("--today", "9999-12-31") if args[0] == "new" else ()
    done = run_cireg(*args, *extra, cwd=site)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "must be a date from 1900-01-01 to 9000-12-31" in done.stderr
    assert said in done.stderr
    assert "internal error" not in done.stderr
    assert sorted(p.name for p in (site / "register").iterdir()) == ["small-idea.yaml"]
    assert not (site / "made").exists()


def test_an_unreadable_mkdocs_yml_is_a_usage_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register")
    (site / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    done = run_cireg("validate", cwd=site)
    assert done.returncode == 2
    assert done.stderr.startswith(f"cireg: cannot read {site / 'mkdocs.yml'}")


def test_a_deeply_nested_principles_table_is_a_message(tmp_path: Path) -> None:
    """The table is read with cireg's own loader: its limits, its positions, no traceback."""
    site = make_site(tmp_path, "initiatives_dir: register\nprinciples_table: principles.yaml")
    (site / "principles.yaml").write_text("vision: " + "[" * 5000 + "]" * 5000 + "\n")
    built = build_site(site)
    assert not built.ok
    assert "principles_table" in built.output
    assert "principles.yaml:1:" in built.output and "[too-large]" in built.output
    assert "Traceback" not in built.output and "RecursionError" not in built.output


def test_a_principles_table_with_a_python_tag_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path, "initiatives_dir: register\nprinciples_table: principles.yaml")
    (site / "principles.yaml").write_text("vision: !!python/object/apply:os.system [id]\n")
    built = build_site(site)
    assert not built.ok
    assert "principles.yaml:1:9" in built.output and "[yaml-syntax]" in built.output


def test_a_register_folder_that_is_a_link_is_reported_and_not_published(
    tmp_path: Path,
) -> None:
    """Links are never followed, the register folder itself included."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    canary = "CANARY-register-folder-link"
    (outside / "outside-idea.yaml").write_text(
        STALE_IDEA.replace("A small idea for the desk", canary), encoding="utf-8"
    )
    site = make_site(tmp_path / "site", "initiatives_dir: register")
    shutil.rmtree(site / "register")
    (site / "register").symlink_to(outside, target_is_directory=True)
    done = run_cireg("validate", "--today", "2026-05-01", cwd=site)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "register:1:1: error: the register folder `register` is a symbolic link; a register is "
        "a real folder (links are never followed) [file-name]",
        "1 errors, 0 warnings in 1 files",
    ]
    exported = run_cireg("export", "--today", "2026-05-01", cwd=site)
    assert canary not in exported.stdout
    assert json.loads(exported.stdout)["initiatives"] == []
    built = build_site(site, strict=False)
    assert not built.ok
    assert "symbolic link" in built.output
    if built.site.exists():
        for produced in built.site.rglob("*"):
            if produced.is_file():
                assert canary.encode() not in produced.read_bytes(), produced
