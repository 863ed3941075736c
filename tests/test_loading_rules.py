"""The loader's rules: each phrases the load problems that break it, and only those.

The fixtures named after a rule say where it must fire (`# expect:` lines, as in
test_fixtures.py); here each rule function is run alone on the problems of the load."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cireg.findings import START, Position, Severity
from cireg.load import MAX_BYTES, MAX_DEPTH, load_bytes, read_file
from cireg.load_problems import (
    Alias,
    Anchor,
    BadTaggedValue,
    ComplexKey,
    DuplicateKey,
    ForbiddenCharacter,
    LoadProblem,
    NotRegularFile,
    NotUtf8,
    ParserError,
    SecondDocument,
    TooBig,
    TooDeep,
    Unreadable,
    UnsupportedTag,
    WideEncoding,
)
from cireg.rules.loading import alias, duplicate_key, load_findings, too_large, yaml_syntax
from cireg.rules.table import registered, registered_in
from conftest import FIXTURES

EXPECT = re.compile(r"^# expect: (?P<rule>[a-z-]+) (?P<line>\d+):(?P<column>\d+)\s*$", re.M)
RULE_FUNCTIONS = {
    "yaml-syntax": yaml_syntax,
    "duplicate-key": duplicate_key,
    "alias": alias,
    "too-large": too_large,
}


def fixtures(rule: str, kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).glob(f"{rule}-*.yaml"))


def loader_fixtures(kind: str) -> list[tuple[str, Path]]:
    return [(rule, path) for rule in RULE_FUNCTIONS for path in fixtures(rule, kind)]


def problems_of(path: Path) -> list[LoadProblem]:
    return load_bytes(path.name, path.read_bytes()).problems


@pytest.mark.parametrize(
    ("rule", "fixture"),
    loader_fixtures("invalid"),
    ids=lambda value: value.stem if isinstance(value, Path) else None,
)
def test_the_rule_fires_where_its_fixture_expects(rule: str, fixture: Path) -> None:
    text = fixture.read_text(encoding="utf-8", errors="replace")
    expected = {(int(m["line"]), int(m["column"])) for m in EXPECT.finditer(text)}
    assert expected
    spots = list(RULE_FUNCTIONS[rule](fixture.name, problems_of(fixture)))
    assert {(spot.where.line, spot.where.column) for spot in spots} == expected
    assert {spot.path for spot in spots} == {fixture.name}


@pytest.mark.parametrize(
    ("rule", "fixture"),
    loader_fixtures("valid"),
    ids=lambda value: value.stem if isinstance(value, Path) else None,
)
def test_the_rule_is_silent_on_its_valid_fixture(rule: str, fixture: Path) -> None:
    assert list(RULE_FUNCTIONS[rule](fixture.name, problems_of(fixture))) == []


def test_every_loader_rule_has_fixtures_or_cases_here() -> None:
    for rule in ("yaml-syntax", "duplicate-key", "alias"):
        assert fixtures(rule, "invalid") and fixtures(rule, "valid"), rule
    assert fixtures("too-large", "valid")  # too large a fixture: the cases below build them


def message(problem: LoadProblem) -> str:
    (finding,) = load_findings("x.yaml", [problem])
    assert finding.rule == problem.rule
    assert (finding.path, finding.line, finding.column) == ("x.yaml", 2, 3)
    return finding.message


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            Unreadable(Position(2, 3), "Permission denied"),
            "the file cannot be read: Permission denied",
        ),
        (
            Unreadable(Position(2, 3), "Too many levels of symbolic links", is_link=True),
            "the file cannot be read: it is a symbolic link",
        ),
        (NotRegularFile(Position(2, 3)), "the file cannot be read: it is not a regular file"),
        (WideEncoding(Position(2, 3)), "the file is UTF-16 or UTF-32; save it as UTF-8"),
        (
            NotUtf8(Position(2, 3), 0xFF),
            "the file is not UTF-8: byte 0xff cannot start or continue a UTF-8 character; save "
            "the file as UTF-8",
        ),
        (
            ForbiddenCharacter(Position(2, 3), 7),
            "invalid YAML: the character U+0007 is not allowed in a YAML file (control "
            "characters other than tab and line breaks)",
        ),
        (
            ParserError(Position(2, 3), "found character '\\t' that cannot start any token", None),
            "invalid YAML: a tab character where YAML expects spaces: indent with spaces only",
        ),
        (
            ParserError(Position(2, 3), "mapping values are not allowed here", None),
            "invalid YAML: a `: ` here cannot start a key; put text that contains `: ` in quotes",
        ),
        (
            ParserError(Position(2, 3), "expected ',' or ']', but got '<stream end>'", None),
            "invalid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        (
            ParserError(Position(2, 3), "did not find expected key", "while parsing a mapping"),
            "invalid YAML: did not find expected key (while parsing a mapping)",
        ),
        (
            BadTaggedValue(Position(2, 3), "abc", "tag:yaml.org,2002:int"),
            "`abc` is not a valid int for its tag `!!int`",
        ),
        (
            BadTaggedValue(Position(2, 3), "x" * 80, "tag:yaml.org,2002:bool"),
            f"`{'x' * 59}…` is not a valid bool for its tag `!!bool`",
        ),
        (
            UnsupportedTag(Position(2, 3), "tag:yaml.org,2002:python/object:os.system"),
            "the tag `!!python/object:os.system` is not supported; remove it (initiative files "
            "use plain YAML)",
        ),
        (
            UnsupportedTag(Position(2, 3), "!local"),
            "the tag `!local` is not supported; remove it (initiative files use plain YAML)",
        ),
        (ComplexKey(Position(2, 3)), "a key must be a plain word, not a list or mapping"),
        (
            SecondDocument(Position(2, 3)),
            "a second YAML document starts here; an initiative file holds exactly one",
        ),
        (
            DuplicateKey(Position(2, 3), "title", first=START),
            "the key `title` appears twice in this mapping; the first one is used",
        ),
        (
            Alias(Position(2, 3), "shared"),
            "anchors and aliases are not allowed; replace the alias `*shared` with the value "
            "itself",
        ),
        (
            Anchor(Position(2, 3), "shared"),
            "anchors and aliases are not allowed; remove the anchor `&shared`",
        ),
        (
            TooBig(Position(2, 3), 10_485_768, MAX_BYTES),
            "the file is 10,485,768 bytes; an initiative file may be at most 262,144 bytes "
            "(256 KiB)",
        ),
        (
            TooDeep(Position(2, 3), MAX_DEPTH),
            "nesting is deeper than 32 levels; an initiative never needs that many",
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, LoadProblem) else None,
)
def test_each_problem_is_phrased_by_its_rule(problem: LoadProblem, expected: str) -> None:
    assert message(problem) == expected
    others = [check for name, check in RULE_FUNCTIONS.items() if name != problem.rule]
    for other in others:
        assert list(other("x.yaml", [problem])) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("title: x\n".encode("utf-16"), WideEncoding(START)),
        (b"title: \xff\n", NotUtf8(Position(1, 8), 0xFF)),
        (b"title: x\x07\n", ForbiddenCharacter(Position(1, 9), 7)),
        (b"a: !!int abc\n", BadTaggedValue(Position(1, 4), "abc", "tag:yaml.org,2002:int")),
        (b"a: !!python/name:os.system x\n", None),
        (b"? [a]\n: b\n", ComplexKey(Position(1, 3))),
        (b"a: 1\n---\nb: 2\n", SecondDocument(Position(2, 1))),
        (b"a: 1\na: 2\n", DuplicateKey(Position(2, 1), "a", first=Position(1, 1))),
        (b"a: &x 1\nb: *x\n", Alias(Position(2, 4), "x")),
        (b"a: &x 1\n", Anchor(Position(1, 4), "x")),
        (b"a: " + b"[" * 40 + b"]" * 40 + b"\n", TooDeep(Position(1, 35), MAX_DEPTH)),
        (b"#" * (MAX_BYTES + 1), TooBig(START, MAX_BYTES + 1, MAX_BYTES)),
    ],
)
def test_the_loader_records_the_facts_of_a_problem(
    data: bytes, problem: LoadProblem | None
) -> None:
    (found,) = load_bytes("x.yaml", data).problems
    if problem is None:  # the tag's text is the parser's; check the kind and the place
        assert isinstance(found, UnsupportedTag) and found.where == Position(1, 4)
        assert found.tag == "tag:yaml.org,2002:python/name:os.system"
    else:
        assert found == problem


def test_a_parser_error_keeps_the_parsers_own_words() -> None:
    (found,) = load_bytes("x.yaml", b"a:\n  b: 1\n c: 2\n").problems
    assert isinstance(found, ParserError)
    assert found.rule == "yaml-syntax"
    assert found.problem and found.where.line == 3


def test_reading_what_is_no_regular_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    folder = tmp_path / "a.yaml"
    folder.mkdir()
    result = read_file(str(folder), "a.yaml")
    assert not isinstance(result, bytes)
    (problem,) = result.problems
    assert isinstance(problem, Unreadable) and not problem.is_link
    assert result.findings[0].rule == "yaml-syntax"
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes and O_NOFOLLOW are POSIX")
    os.mkfifo(tmp_path / "pipe.yaml")
    piped = read_file(str(tmp_path / "pipe.yaml"), "pipe.yaml")
    assert not isinstance(piped, bytes)
    assert piped.problems == [NotRegularFile(START)]
    assert [(f.rule, f.message) for f in piped.findings] == [
        ("yaml-syntax", "the file cannot be read: it is not a regular file")
    ]
    (tmp_path / "target.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "target.yaml")
    linked = read_file(str(tmp_path / "link.yaml"), "link.yaml")
    assert not isinstance(linked, bytes)
    (problem,) = linked.problems
    assert isinstance(problem, Unreadable) and problem.is_link
    assert linked.findings[0].message == "the file cannot be read: it is a symbolic link"


def test_the_loader_rules_are_registered_first_in_the_specs_order() -> None:
    rules = registered_in("cireg.rules.loading")
    assert [entry.name for entry in rules] == ["yaml-syntax", "duplicate-key", "alias", "too-large"]
    assert {entry.severity for entry in rules} == {Severity.ERROR}
    assert [entry.summary for entry in rules] == [
        "The file is valid UTF-8 YAML holding one document.",
        "No mapping repeats a key.",
        "The file uses no YAML anchors or aliases.",
        "The file is at most 256 KiB and nested at most 32 deep.",
    ]
    assert [entry.check for entry in rules] == list(RULE_FUNCTIONS.values())


def test_the_folder_scan_and_the_schema_check_have_rule_functions_too() -> None:
    import cireg.schema
    from cireg.rules import files

    assert registered("file-name").check is files.file_name
    assert registered("file-name").summary == (
        "Register entries are <id>.yaml files with valid, distinct ids; no links, sub-folders "
        "or hidden YAML files; no Windows device names as ids."
    )
    assert registered("schema").check is cireg.schema.schema
    assert registered("schema").summary == "The initiative matches the JSON Schema of the format."
    assert registered("file-name").severity is registered("schema").severity is Severity.ERROR
