"""`cireg validate` run for real: formats, exit codes, dates, paths."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import cireg.rules.files as files_rules
from cireg.cli import main
from cireg.findings import Finding, Severity
from cireg.report import Summary, escape_data, escape_property, render_github, render_sarif
from cireg.rules import RULES
from conftest import REPO, TODAY_TEXT, run_cireg

IDEA = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: {review}\nvision:\n  statement: Better.\n"


def idea(review: str = "2027-01-01") -> str:
    return IDEA.format(review=review)


def test_the_reference_register_is_clean() -> None:
    result = run_cireg("validate", "--strict", "--today", TODAY_TEXT)
    assert result.returncode == 0, result.stdout + result.stderr
    files = len(list((REPO / "initiatives").glob("*.yaml")))
    assert result.stdout == f"0 errors, 0 warnings in {files} files\n"
    assert result.stderr == ""


def test_text_format_lines_are_sorted_and_summarised(register) -> None:
    folder = register(
        {
            "b-file.yaml": idea().replace("status: idea", "status: finished"),
            "a-file.yaml": idea("2026-01-01"),
        }
    )
    result = run_cireg("validate", "--today", TODAY_TEXT, str(folder), cwd=folder.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "initiatives/a-file.yaml:5:12: warning: the backlog review was due on 2026-01-01, before "
        "today (2026-11-15); review the initiative and set a new `review_by` [stale-review]",
        "initiatives/b-file.yaml:2:9: error: `status` must be one of idea, planned, in-progress, "
        "verifying, done, on-hold, abandoned; got `finished` [schema]",
        "1 errors, 1 warnings in 2 files",
    ]


def test_warnings_fail_only_with_strict(register) -> None:
    folder = register({"stale-one.yaml": idea("2026-01-01")})
    assert run_cireg("validate", "--today", TODAY_TEXT, str(folder)).returncode == 0
    assert run_cireg("validate", "--strict", "--today", TODAY_TEXT, str(folder)).returncode == 1


def test_today_comes_from_the_option_then_source_date_epoch(register) -> None:
    folder = register({"dated-one.yaml": idea("2026-06-01")})
    june_2 = "1780358400"  # 2026-06-02T00:00:00Z
    may_1 = "1777593600"  # 2026-05-01

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        # Outside any site: no mkdocs.yml's `today` option comes first (test_register_config).
        return run_cireg(*args, cwd=folder.parent, env=env)

    assert "stale-review" in run("validate", str(folder), env={"SOURCE_DATE_EPOCH": june_2}).stdout
    assert (
        "stale-review" not in run("validate", str(folder), env={"SOURCE_DATE_EPOCH": may_1}).stdout
    )
    beats_env = run(
        "validate", "--today", "2026-05-01", str(folder), env={"SOURCE_DATE_EPOCH": june_2}
    )
    assert "stale-review" not in beats_env.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--today", "2026-13-01"], {}, "--today must be a date written YYYY-MM-DD"),
        ([], {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH must be a whole number"),
        (["does-not-exist"], {}, "does-not-exist: no such file or folder"),
        (["--format", "xml"], {}, "invalid choice: 'xml'"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(
    register, args: list[str], env: dict[str, str], message: str
) -> None:
    folder = register({"fine-one.yaml": idea()})
    result = run_cireg(
        "validate",
        *args,
        *([] if args[:1] == ["does-not-exist"] else [str(folder)]),
        env=env,
        cwd=folder.parent,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_unreadable_register_folder_exits_2(
    register, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = register({"fine-one.yaml": idea()})

    def refuse(_path: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Root reads any folder, so the refusal is simulated where the scan asks the system.
    monkeypatch.setattr(files_rules.os, "scandir", refuse)
    assert main(["validate", str(folder)]) == 2
    assert "cannot read the register folder" in capsys.readouterr().err


def test_no_command_shows_help_and_exits_2() -> None:
    result = run_cireg()
    assert result.returncode == 2
    assert "validate" in result.stderr


def test_default_register_is_beside_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "initiatives").mkdir()
    (tmp_path / "initiatives" / "broken-one.yaml").write_text("title: [\n")
    (tmp_path / "docs").mkdir()
    result = run_cireg("validate", "--today", TODAY_TEXT, cwd=tmp_path / "docs")
    assert result.returncode == 1
    assert "yaml-syntax" in result.stdout


def test_single_files_are_reported_alone_but_checked_against_the_folder(register) -> None:
    following = idea().replace("vision:", "previous_iteration: first-one\nvision:")
    first = (
        idea().replace("status: idea", "status: idea") + "momentum:\n  next_iteration: second-one\n"
    )
    folder = register(
        {"first-one.yaml": first, "second-one.yaml": following, "other-one.yaml": "title: [\n"}
    )
    result = run_cireg(
        "validate", "--today", TODAY_TEXT, str(folder / "second-one.yaml"), cwd=folder.parent
    )
    # The link resolves (no unknown-ref) and the broken file beside it is not reported.
    assert result.returncode == 0, result.stdout
    assert result.stdout == "0 errors, 0 warnings in 1 files\n"


def test_json_format(register) -> None:
    folder = register({"bad-one.yaml": "title: x\n"})
    result = run_cireg(
        "validate", "--format", "json", "--today", TODAY_TEXT, str(folder), cwd=folder.parent
    )
    payload = json.loads(result.stdout)
    assert payload["summary"] == {"errors": 4, "warnings": 0, "files": 1}
    first = payload["findings"][0]
    assert set(first) == {"path", "line", "column", "severity", "rule", "message"}
    assert first["path"] == "initiatives/bad-one.yaml"


def test_github_format_escapes_and_writes_the_job_summary(register, tmp_path: Path) -> None:
    folder = register({"bad-one.yaml": "title: x\nstatus: 'a,b: 100%'\n"})
    summary = tmp_path / "summary.md"
    result = run_cireg(
        "validate",
        "--today",
        TODAY_TEXT,
        str(folder),
        cwd=folder.parent,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    lines = result.stdout.splitlines()
    assert (
        "::error file=initiatives/bad-one.yaml,line=2,col=9,title=schema::`status` must be one of idea, planned, in-progress, verifying, done, on-hold, abandoned; got `a,b: 100%25`"
        in lines
    )
    assert lines[-1] == "4 errors, 0 warnings in 1 files"
    text = summary.read_text()
    assert "| initiatives/bad-one.yaml | 2:9 | error | `schema` |" in text


def test_workflow_command_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    finding = Finding(
        "dir,x/a:b.yaml", 3, 4, Severity.WARNING, "stale-review", "line one\nline two, 5%"
    )
    # The line break is shown, not sent: GitHub would make it a line of the annotation.
    assert render_github([finding], Summary(0, 1, 1)).splitlines()[0] == (
        "::warning file=dir%2Cx/a%3Ab.yaml,line=3,col=4,title=stale-review::line one\\nline two, 5%25"
    )


def test_sarif_structure(register) -> None:
    folder = register(
        {"bad-one.yaml": idea("2026-01-01").replace("title: A small idea", "title: x")}
    )
    result = run_cireg(
        "validate", "--format", "sarif", "--today", TODAY_TEXT, str(folder), cwd=folder.parent
    )
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cireg"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == list(RULES)
    assert len(set(rule_ids)) == len(rule_ids)
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("schema", "error"),
        ("stale-review", "warning"),
    ]
    for item in results:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "initiatives/bad-one.yaml"
        assert set(location["region"]) == {"startLine", "startColumn"}
        assert item["message"]["text"]


def test_sarif_without_findings_is_still_a_complete_log() -> None:
    log = json.loads(render_sarif([], Summary(0, 0, 0)))
    assert log["runs"][0]["results"] == []


def test_every_finding_of_every_file_in_one_run(register) -> None:
    folder = register({f"bad-{n}.yaml": "title: x\nstatus: idea\n" for n in range(5)})
    result = run_cireg("validate", "--today", TODAY_TEXT, str(folder))
    assert result.stdout.splitlines()[-1] == "25 errors, 0 warnings in 5 files"


def test_python_dash_m_and_the_console_script_agree() -> None:
    assert run_cireg("--version").stdout.startswith("cireg ")
    console = shutil.which("cireg")
    if console is None:
        pytest.skip("the console script is not on PATH")
    import subprocess

    result = subprocess.run(
        [console, "validate", "--today", TODAY_TEXT],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
