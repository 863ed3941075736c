"""No path or message makes a report say more than its findings: in text and GitHub output
each finding is one line and one workflow command, whatever line breaks, control characters,
terminal escapes or lone surrogates it holds; the job summary has one row per finding; the
JSON formats keep the real text and are always UTF-8. Ordinary text is shown as it is."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cireg.findings import Finding, Severity
from cireg.report import (
    JSON_FORMATS,
    RENDERERS,
    Summary,
    one_line,
    render_github,
    render_step_summary,
    render_text,
    well_formed,
)
from conftest import TODAY_TEXT, run_cireg

# What a YAML string or a file name can hold that a line of output must not.
HOSTILE = {
    "carriage return": "\r::error file=x.yaml,line=1::INJECTED",
    "line feed": "\nforged.yaml:9:9: error: all clear",
    "crlf": "\r\n::warning::INJECTED",
    "escape sequence": "\x1b[2J\x1b[31mred\x1b]0;title\x07",
    "next line": "\x85::error::INJECTED",
    "line separator": "\u2028::error::INJECTED",
    "paragraph separator": "\u2029::error::INJECTED",
    "c1 control": "\x9b31m",
    "delete": "\x7f",
    "nul and tab": "\x00\t",
    "bidi override": "\u202etxt.exe",
    "lone surrogate": "\udcff",
    "legacy command": "##[error]INJECTED",
    "encoded line feed": "%0A::error::INJECTED",
}
# Where GitHub's runner ends a line of a step's output (.NET's TextReader.ReadLine).
RUNNER_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# After escaping, nothing but printable text and the report's own line feeds.
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202e\ud800-\udfff]")
TEXT_LINE = re.compile(r"[^\n]+:\d+:\d+: (?:error|warning): [^\n]* \[[a-z-]+\]")


def hostile_findings() -> list[Finding]:
    findings = []
    for number, text in enumerate(HOSTILE.values()):
        findings.append(
            Finding(f"initiatives/x{text}y.yaml", number + 1, 2, Severity.ERROR, "file-name", "ok")
        )
        findings.append(
            Finding("initiatives/a.yaml", number + 1, 3, Severity.WARNING, "schema", f"got {text}")
        )
    return findings


def runner_lines(output: str) -> list[str]:
    return RUNNER_LINE_BREAK.split(output.removesuffix("\n"))


def test_one_line_shows_each_character_as_an_escape() -> None:
    assert one_line("a\rb\nc\td\x1be\x85f\u2028g\udcffh\x00i\x7fj\x9bk\u202el") == (
        "a\\rb\\nc\\td\\x1be\\x85f\\u2028g\\udcffh\\x00i\\x7fj\\x9bk\\u202el"
    )
    assert one_line("see ##[error]x and ###[y") == "see #\\x23[error]x and ##\\x23[y"


@pytest.mark.parametrize(
    "ordinary",
    [
        "`status` must be one of idea, planned; got `a,b: 100%`",
        "Ünïcødé · café — «quotes» … 日本語 and emoji 🙂",
        "a path\\with\\backslashes and a # hash [x] | pipe <b>",
    ],
)
def test_ordinary_text_is_left_as_it_is(ordinary: str) -> None:
    assert one_line(ordinary) == ordinary
    assert well_formed(ordinary) == ordinary


def test_the_text_report_has_one_line_per_finding() -> None:
    findings = hostile_findings()
    output = render_text(findings, Summary.of(findings, 2))
    output.encode("utf-8")
    assert not UNPRINTABLE.search(output)
    lines = runner_lines(output)
    assert len(lines) == len(findings) + 1
    for line in lines[:-1]:
        assert TEXT_LINE.fullmatch(line), line
        assert line.startswith("initiatives/")
    assert lines[-1] == f"{len(findings) // 2} errors, {len(findings) // 2} warnings in 2 files"


def test_github_output_has_one_command_per_finding_and_no_other() -> None:
    findings = hostile_findings()
    output = render_github(findings, Summary.of(findings, 2))
    output.encode("utf-8")
    assert not UNPRINTABLE.search(output)
    lines = runner_lines(output)
    # The runner trims blanks before looking for `::`, and obeys `##[` anywhere.
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert commands == lines[: len(findings)]
    assert all("##[" not in line for line in lines)
    assert len(lines) == 2 * len(findings) + 1  # the commands, then the text report
    for command, finding in zip(commands, findings, strict=True):
        assert command.startswith(f"::{finding.severity.value} file=initiatives/")
        # Property values hold no `:` or `,` that would end them, the data no `%` to decode.
        properties, data = command[2:].split("::", 1)
        assert properties.count(",") == 3
        assert "%0" not in data.replace("%25", "")


def test_a_path_cannot_start_a_workflow_command() -> None:
    findings = [
        Finding("::error::forged.yaml", 1, 1, Severity.ERROR, "file-name", "bad"),
        Finding(" \u3000::warning::forged.yaml", 1, 1, Severity.ERROR, "file-name", "bad"),
    ]
    output = render_github(findings, Summary.of(findings, 2))
    lines = runner_lines(output)
    assert [line for line in lines if line.lstrip().startswith("::")] == lines[:2]
    assert render_text(findings, Summary(2, 0, 2)).startswith("\\x3a:error::forged.yaml:1:1: ")


def test_the_job_summary_has_one_row_per_finding() -> None:
    findings = hostile_findings()
    summary = render_step_summary(findings, Summary.of(findings, 2))
    assert not UNPRINTABLE.search(summary)
    rows = [line for line in runner_lines(summary) if line.startswith("| ")]
    assert len(rows) == len(findings) + 1  # and the header
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6  # five cells, none split


@pytest.mark.parametrize("name", sorted(JSON_FORMATS))
def test_json_formats_keep_the_text_and_are_always_utf8(name: str) -> None:
    findings = hostile_findings()
    output = RENDERERS[name](findings, Summary.of(findings, 2))
    output.encode("utf-8")  # no lone surrogate reaches the encoder
    text = json.dumps(json.loads(output), ensure_ascii=False)
    assert "\\r::error file=x.yaml" in text  # the real characters, JSON-escaped
    assert "\\\\udcff" in text  # the surrogate shown as the text report shows it


def test_every_format_shows_a_lone_surrogate_the_same_way() -> None:
    finding = Finding("initiatives/bad\udcff.yaml", 1, 1, Severity.ERROR, "file-name", "`\udcff`")
    shown = "initiatives/bad\\udcff.yaml"
    summary = Summary(1, 0, 1)
    assert render_text([finding], summary).startswith(f"{shown}:1:1: error: `\\udcff` ")
    assert f"::error file={shown}," in render_github([finding], summary)
    assert f"| {shown} |" in render_step_summary([finding], summary)
    assert json.loads(RENDERERS["json"]([finding], summary))["findings"][0]["path"] == shown
    (issue,) = json.loads(RENDERERS["gitlab"]([finding], summary))
    assert issue["location"]["path"] == shown
    assert issue["description"] == "`\\udcff` [file-name]"


# --- the command line, with file names that try it -------------------------------------------

IDEA = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: 2026-01-01\nvision:\n  statement: Better.\n"
FORGING_NAMES = [
    b"x\nforged.yaml:9:9: error: all clear.yaml",
    b"cr\r::error file=x.yaml,line=1::INJECTED.yaml",
    b"esc\x1b[31mred.yaml",
    b"bad\xff-bytes.yaml",
]


def forging_register(root: Path) -> list[bytes]:
    """A register with the file names the file system takes (Linux takes all of them)."""
    folder = root / "initiatives"
    folder.mkdir()
    made = []
    for name in FORGING_NAMES:
        try:
            with open(os.path.join(os.fsencode(folder), name), "xb") as handle:
                handle.write(IDEA.encode())
        except OSError:
            continue
        made.append(name)
    if not made:
        pytest.skip("this file system takes none of the forging file names")
    return made


def test_file_names_forge_no_line_command_or_escape(tmp_path: Path) -> None:
    made = forging_register(tmp_path)
    summary_file = tmp_path / "summary.md"
    # Each name gives a file-name error and a stale-review warning.
    findings = 2 * len(made)
    env = {"PYTHONIOENCODING": "utf-8", "GITHUB_STEP_SUMMARY": str(summary_file)}
    text = run_cireg("validate", "--today", TODAY_TEXT, "initiatives", cwd=tmp_path, env=env)
    github = run_cireg(
        "validate",
        "--format",
        "github",
        "--today",
        TODAY_TEXT,
        "initiatives",
        cwd=tmp_path,
        env=env,
    )
    for result in (text, github):
        assert result.returncode == 1 and result.stderr == "", result.stderr
        assert not UNPRINTABLE.search(result.stdout)
        assert "##[" not in result.stdout
    lines = runner_lines(text.stdout)
    assert len(lines) == findings + 1
    assert all(line.startswith("initiatives/") for line in lines[:-1])
    assert lines[-1] == f"{len(made)} errors, {len(made)} warnings in {len(made)} files"
    commands = [line for line in runner_lines(github.stdout) if line.lstrip().startswith("::")]
    assert len(commands) == findings
    assert runner_lines(github.stdout)[findings:] == lines
    rows = [line for line in runner_lines(summary_file.read_text()) if line.startswith("| ")]
    assert len(rows) == findings + 1
    for name in sorted(JSON_FORMATS):
        result = run_cireg(
            "validate",
            "--format",
            name,
            "--today",
            TODAY_TEXT,
            "initiatives",
            cwd=tmp_path,
            env=env,
        )
        assert result.returncode == 1 and result.stderr == "", (name, result.stderr)
        json.loads(result.stdout)


def test_a_terminal_that_cannot_show_a_character_gets_an_escape(tmp_path: Path) -> None:
    folder = tmp_path / "initiatives"
    folder.mkdir()
    (folder / "café.yaml").write_text(IDEA, encoding="utf-8")
    ascii_only = {"PYTHONIOENCODING": "ascii"}
    text = run_cireg("validate", "--today", TODAY_TEXT, "initiatives", cwd=tmp_path, env=ascii_only)
    assert text.returncode == 1 and text.stderr == ""
    assert text.stdout.startswith("initiatives/caf\\xe9.yaml:1:1: error: ")
    # JSON is UTF-8 whatever the terminal takes.
    sarif = run_cireg(
        "validate",
        "--format",
        "sarif",
        "--today",
        TODAY_TEXT,
        "initiatives",
        cwd=tmp_path,
        env=ascii_only,
    )
    assert sarif.returncode == 1 and sarif.stderr == ""
    assert "café" in sarif.stdout
