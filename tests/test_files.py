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


@pytest.mark.parametrize("name", [".draft.yaml", ".yaml", "..yaml", ".Old-One.YML"])
def test_hidden_yaml_files_are_reported_not_skipped(register, name: str) -> None:
    folder = register({"good-one.yaml": GOOD, name: GOOD, ".gitkeep": "", ".notes": "x"})
    assert findings(folder) == [(name, "file-name", 1, 1)]


@pytest.mark.parametrize("stem", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt0"])
def test_windows_device_names_are_bad_ids(register, stem: str) -> None:
    folder = register({f"{stem}.yaml": GOOD, "console.yaml": GOOD, "com10.yaml": GOOD})
    assert findings(folder) == [(f"{stem}.yaml", "file-name", 1, 1)]
    register_ = check_register(str(folder), TODAY, DisplayPath(str(folder)))
    message = register_.findings[0].message
    assert f"`{stem}`" in message and "Windows" in message


def test_a_file_swapped_for_a_link_after_the_scan_is_not_followed(tmp_path: Path) -> None:
    from cireg.load import load_file

    secret = tmp_path / "outside.yaml"
    secret.write_text(GOOD)
    link = tmp_path / "swapped.yaml"
    link.symlink_to(secret)
    result = load_file(str(link), "swapped.yaml")
    assert result.document is None
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("yaml-syntax", 1, 1)]
    assert "symbolic link" in result.findings[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_file_swapped_for_a_pipe_after_the_scan_is_not_waited_on(tmp_path: Path) -> None:
    from cireg.load import load_file

    pipe = tmp_path / "swapped.yaml"
    os.mkfifo(pipe)  # a blocking open would wait for a writer forever
    result = load_file(str(pipe), "swapped.yaml")
    assert result.document is None
    assert "not a regular file" in result.findings[0].message
