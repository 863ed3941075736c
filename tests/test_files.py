"""file-name: what may stand in a register folder. Links and sub-folders are built here,
since a fixture folder in git cannot hold them reliably."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cireg.check import check_register
from cireg.rules.files import DisplayPath
from conftest import TODAY

GOOD = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: 2027-01-01\nvision:\n  statement: Better.\n"


def findings(folder: Path) -> list[tuple[str, str, int, int]]:
    register = check_register(str(folder), TODAY, DisplayPath(str(folder)))
    return [(f.path, f.rule, f.line, f.column) for f in register.findings]


def test_a_clean_folder(register) -> None:
    assert findings(register({"good-one.yaml": GOOD, "README.md": "# notes", ".gitkeep": ""})) == []


@pytest.mark.parametrize(
    "name", ["good-one.yml", "good-one.YAML", "good-one.yaml.bak", "good-one.Yml"]
)
def test_yaml_looking_files_with_another_suffix_are_reported(register, name: str) -> None:
    assert findings(register({name: GOOD})) == [(name, "file-name", 1, 1)]


@pytest.mark.parametrize(
    "stem",
    [
        "ab",
        "x" * 65,
        "Upper-case",
        "under_score",
        "double--hyphen",
        "-leading",
        "trailing-",
        "sp ace",
        "dot.ted",
        "é-accent",
    ],
)
def test_bad_ids_are_reported_and_the_file_is_still_checked(register, stem: str) -> None:
    folder = register({f"{stem}.yaml": GOOD.replace("status: idea", "status: nope")})
    result = findings(folder)
    assert (f"{stem}.yaml", "file-name", 1, 1) in result
    assert (f"{stem}.yaml", "schema", 2, 9) in result


def test_ids_that_differ_only_in_case_collide(register) -> None:
    folder = register({"Shared-id.yaml": GOOD, "shared-id.yaml": GOOD})
    names = {entry.name for entry in folder.iterdir()}
    if len(names) < 2:
        pytest.skip("case-insensitive file system")
    result = findings(folder)
    assert result.count(("shared-id.yaml", "file-name", 1, 1)) == 1
    assert result.count(("Shared-id.yaml", "file-name", 1, 1)) == 1  # its upper-case id


def test_a_symbolic_link_is_reported_and_never_followed(register, tmp_path: Path) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text("title: [this must never be read\n")
    folder = register({"good-one.yaml": GOOD})
    (folder / "linked.yaml").symlink_to(secret)
    (folder / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    (folder / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    assert findings(folder) == [
        ("dangling.yaml", "file-name", 1, 1),
        ("linked-dir", "file-name", 1, 1),
        ("linked.yaml", "file-name", 1, 1),
    ]


def test_a_sub_folder_is_reported_and_not_entered(register) -> None:
    folder = register({"good-one.yaml": GOOD})
    (folder / "archive").mkdir()
    (folder / "archive" / "old-one.yaml").write_text("title: [\n")
    assert findings(folder) == [("archive", "file-name", 1, 1)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_reported_without_being_opened(register) -> None:
    folder = register({"good-one.yaml": GOOD})
    os.mkfifo(folder / "pipe.yaml")  # opening it for reading would block forever
    assert findings(folder) == [("pipe.yaml", "file-name", 1, 1)]
