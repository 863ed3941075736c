"""Exports for other programs: register.json against its JSON Schema, and the CSV export."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cireg.check import check_register
from cireg.findings import Severity
from cireg.model import PRIORITY_RANK, STATUSES, ObjectiveState, Register
from cireg.principles import STEPS
from cireg.render.badges import STATES
from cireg.render.export_csv import COLUMNS, render_register_csv
from cireg.render.page_context import OUTCOME_WORDS
from cireg.render.register_json import register_record, render_register_json
from cireg.rules.files import DisplayPath
from conftest import REPO, TODAY

SCHEMA_PATH = REPO / "schemas" / "register.schema.json"

Fill = Callable[[dict[str, str | bytes]], Path]


def check(folder: Path, today: dt.date = TODAY) -> Register:
    """A register with paths shown relative to its folder, whatever the working folder."""
    return check_register(str(folder), today, DisplayPath(str(folder)))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)  # no format checker: formats are annotations here


@pytest.fixture(scope="module")
def reference() -> Register:
    return check_register(str(REPO / "initiatives"), TODAY, DisplayPath(str(REPO)))


def problems(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


# --- register.json and its schema --------------------------------------------------------------


def test_the_schema_is_named_like_the_initiative_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:cireg:schema:register:1"
    assert schema["properties"]["version"] == {
        "const": 1,
        "description": schema["properties"]["version"]["description"],
    }


def test_the_reference_register_validates(
    reference: Register, validator: Draft202012Validator
) -> None:
    record = register_record(reference, TODAY)
    assert problems(validator, record) == []
    assert problems(validator, json.loads(render_register_json(reference, TODAY))) == []


# Files with a finding of nearly every kind, values of the wrong type, and an id that breaks
# the id rule: the model reads them anyway, so register.json has to carry them too.
MESSY = """\
title: Messy but readable initiative
status: planned
owner: 42
raised_on: 2026-13-01
review_by: 2026-01-01
priority: urgent
value: high
effort: xs
risk: []
services: [Service desk, '', 7]
value_chain: [deliver-and-support, teleport]
tags: [ok]
previous_iteration: nowhere-to-be-found
kpis:
  - id: k
    name: K
    unit: '%'
    direction: sideways
    measurements:
      - {on: 2026-02-01, value: 30}
      - {on: 2026-01-01, value: .inf, note: out of order}
      - {on: not-a-date, value: 10}
  - id: k2
    name: K2
    unit: tickets
    direction: decrease
    measurements:
      - {on: 2026-01-10, value: 100}
      - {on: 2026-03-10, value: 80}
current_state: {assessed_on: 2026-01-15, summary: Some}
target_state:
  objectives:
    - {id: o1, statement: Too short, kpi: k, target: 150, deadline: 2025-01-01}
    - {id: o2, statement: Cut the tickets by a lot, kpi: k2, target: 50, deadline: 2026-06-30, relevance: It matters.}
    - {id: o3, statement: '', kpi: missing-kpi, target: yes}
plan: {approach: Try things}
verification: {assessed_on: 2026-07-01, outcome: met}
momentum: {lessons_learned: Some, next_iteration: also-missing, principles: [focus-on-value, not-a-principle]}
bogus_key: 1
"""


@pytest.fixture
def messy_register(register: Fill) -> Register:
    folder = register(
        {
            "messy-one.yaml": MESSY,
            "Bad_Id.yaml": "title: Odd file name here\nstatus: nonsense\nowner: O\nraised_on: 2026-01-01\n",
            "notes.yml": "title: not read\n",
            "broken-yaml.yaml": "title: [unclosed\n",
        }
    )
    return check(folder)


def test_a_register_with_findings_validates(
    messy_register: Register, validator: Draft202012Validator
) -> None:
    record = register_record(messy_register, TODAY)
    severities = {f["severity"] for i in record["initiatives"] for f in i["findings"]}
    assert severities == {"error", "warning"}
    assert {i["id"] for i in record["initiatives"]} == {"messy-one", "Bad_Id"}
    messy = next(i for i in record["initiatives"] if i["id"] == "messy-one")
    assert messy["overdue"] and messy["stale"] and messy["owner"] is None
    assert [m["on"] for m in messy["kpis"][0]["measurements"]] == ["2026-02-01", "2026-01-01", None]
    assert problems(validator, record) == []
    assert problems(validator, json.loads(render_register_json(messy_register, TODAY))) == []


def test_a_register_with_unreadable_files_validates(
    register: Fill, validator: Draft202012Validator
) -> None:
    folder = register(
        {
            "broken-yaml.yaml": "title: [unclosed\n",
            "a-list.yaml": "- not\n- a mapping\n",
            "two-docs.yaml": "title: a\n---\ntitle: b\n",
            "not-utf8.yaml": b"title: caf\xe9\n",
            "with-alias.yaml": "a: &x 1\nb: *x\n",
        }
    )
    record = register_record(check(folder), TODAY)
    assert record["initiatives"] == []
    assert {u["path"] for u in record["unreadable"]} >= {"broken-yaml.yaml", "a-list.yaml"}
    assert problems(validator, record) == []


def test_an_empty_register_validates(register: Fill, validator: Draft202012Validator) -> None:
    assert problems(validator, register_record(check(register({})), TODAY)) == []


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target: Any = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        target: Any = record
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(("extra",), True),
        _set(("version",), 2),
        _set(("version",), "1"),
        _drop(("generator",)),
        _set(("summary", "extra"), 0),
        _set(("summary", "errors"), -1),
        _set(("today",), "15/11/2026"),
        _set(("initiatives", 0, "extra"), None),
        _drop(("initiatives", 0, "source")),
        _set(("initiatives", 0, "source"), []),
        _set(("initiatives", 0, "status"), "finished"),
        _set(("initiatives", 0, "priority"), "urgent"),
        _set(("initiatives", 0, "review_by"), "2026-12"),
        _set(("initiatives", 0, "stale"), "false"),
        _set(("initiatives", 0, "backlog_position"), 0),
        _set(("initiatives", 0, "tags"), "backup"),
        _set(("initiatives", 0, "computed_outcome"), "partially met"),
        _set(("initiatives", 0, "steps", "vision", "badge"), "not due"),
        _set(("initiatives", 0, "steps", "vision", "state"), "not-due"),
        _set(("initiatives", 0, "steps", "vision", "number"), 2),
        _set(("initiatives", 0, "steps", "vision", "extra"), 1),
        _drop(("initiatives", 0, "steps", "momentum")),
        _set(("initiatives", 0, "steps", "extra_step"), {}),
        _set(("initiatives", 0, "kpis", 0, "direction"), "up"),
        _set(("initiatives", 0, "kpis", 0, "baseline", "value"), None),
        _set(("initiatives", 0, "kpis", 0, "measurements", 0, "extra"), 1),
        _set(("initiatives", 0, "objectives", 0, "state"), "met-late"),
        _set(("initiatives", 0, "objectives", 0, "smart_failures"), ["smart-ish"]),
        _set(("initiatives", 0, "findings"), [{"line": 1, "column": 1, "severity": "info"}]),
        _set(("unreadable",), [{"path": "x.yaml", "line": 0, "column": 1, "rule": "r"}]),
    ],
)
def test_the_schema_is_strict(
    reference: Register, validator: Draft202012Validator, change: Callable[[dict[str, Any]], None]
) -> None:
    record = copy.deepcopy(register_record(reference, TODAY))
    change(record)
    assert problems(validator, record) != []


def test_the_schema_enums_follow_the_code(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    initiative = defs["initiative"]["properties"]
    assert initiative["status"]["enum"] == [*STATUSES, None]
    assert initiative["priority"]["enum"] == [*PRIORITY_RANK, None]
    assert defs["outcome_or_null"]["enum"] == [*OUTCOME_WORDS, None]
    assert defs["step"]["properties"]["badge"]["enum"] == list(STATES)
    assert defs["objective"]["properties"]["state"]["enum"] == [s.value for s in ObjectiveState] + [
        None
    ]
    assert defs["finding"]["properties"]["severity"]["enum"] == [s.value for s in Severity]
    steps = initiative["steps"]
    assert list(steps["properties"]) == steps["required"] == [step.key for step in STEPS]
    for step in STEPS:
        fixed = steps["properties"][step.key]["allOf"][1]["properties"]
        assert (fixed["number"]["const"], fixed["question"]["const"]) == (
            step.number,
            step.question,
        )


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _subschemas(value)


def test_every_property_is_described(schema: dict[str, Any]) -> None:
    undescribed = [
        name
        for node in _subschemas(schema)
        for name, sub in node.get("properties", {}).items()
        if not sub.get("description")
    ]
    assert undescribed == []
    for node in _subschemas(schema):
        # Closed objects list every key as required: register_record always writes them all.
        if node.get("additionalProperties") is False:
            assert sorted(node["required"]) == sorted(node["properties"])


# --- CSV ---------------------------------------------------------------------------------------


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def records_of(text: str) -> list[dict[str, str]]:
    header, *rows = rows_of(text)
    assert header == list(COLUMNS)
    assert all(len(row) == len(COLUMNS) for row in rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_header_is_the_column_list(reference: Register) -> None:
    text = render_register_csv(reference, TODAY)
    assert text.split("\r\n", 1)[0] == ",".join(COLUMNS)
    assert rows_of(text)[0] == list(COLUMNS)
    assert COLUMNS[10:17] == tuple(step.key for step in STEPS)
    assert len(set(COLUMNS)) == len(COLUMNS)


def test_one_csv_row_per_initiative_in_backlog_order(reference: Register) -> None:
    records = records_of(render_register_csv(reference, TODAY))
    assert [r["id"] for r in records] == [i.id for i in reference.initiatives]
    assert [r["backlog_position"] for r in records] == [
        str(n) for n in range(1, len(reference.initiatives) + 1)
    ]


def test_csv_values_of_a_known_initiative(reference: Register) -> None:
    records = {r["id"]: r for r in records_of(render_register_csv(reference, TODAY))}
    assert records["exam-desk-response"] == {
        "backlog_position": "2",
        "id": "exam-desk-response",
        "title": "Faster service desk response during exam periods",
        "status": "done",
        "owner": "Service Desk Manager",
        "priority": "high",
        "value": "high",
        "effort": "m",
        "risk": "medium",
        "value_effort_score": "1.0",
        **{step.key: "complete" for step in STEPS},
        "review_by": "",  # done: no review date
        "outcome": "partially-met",
        "stale": "false",
        "overdue": "false",
        "services": "Service desk; Campus Wi-Fi",
        "tags": "students; exams",
        "errors": "0",
        "warnings": "0",
        "path": "initiatives/exam-desk-response.yaml",
    }
    wifi = records["library-wifi-capacity"]
    assert (wifi["priority"], wifi["outcome"], wifi["review_by"]) == ("", "", "2027-01-20")
    assert [wifi[step.key] for step in STEPS] == ["partial"] + ["not-due"] * 6


@pytest.mark.parametrize("today", [TODAY, dt.date(2030, 1, 1)])
def test_the_csv_agrees_with_register_json(reference: Register, today: dt.date) -> None:
    data = json.loads(render_register_json(reference, today))
    records = records_of(render_register_csv(reference, today))
    plain = ["backlog_position", "id", "title", "status", "owner", "priority", "value"]
    plain += ["effort", "risk", "value_effort_score", "review_by", "stale", "overdue", "path"]

    def as_cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    for record, entry in zip(records, data["initiatives"], strict=True):
        assert {c: record[c] for c in plain} == {c: as_cell(entry[c]) for c in plain}
        assert [record[s.key] for s in STEPS] == [entry["steps"][s.key]["badge"] for s in STEPS]
        assert record["services"] == "; ".join(entry["services"])
        errors = sum(1 for f in entry["findings"] if f["severity"] == "error")
        assert (record["errors"], record["warnings"]) == (
            str(errors),
            str(len(entry["findings"]) - errors),
        )
    if today.year == 2030:  # the date moves the stale column
        assert any(r["stale"] == "true" for r in records)


def test_csv_counts_findings_and_leaves_unreadable_files_out(messy_register: Register) -> None:
    records = {r["id"]: r for r in records_of(render_register_csv(messy_register, TODAY))}
    assert set(records) == {"messy-one", "Bad_Id"}
    messy = records["messy-one"]
    assert int(messy["errors"]) > 0 and int(messy["warnings"]) > 0
    assert (messy["owner"], messy["priority"], messy["stale"], messy["overdue"]) == (
        "",
        "",
        "true",
        "true",
    )
    assert messy["services"] == "Service desk"  # the blank and the number are not services
    assert records["Bad_Id"]["status"] == ""
    assert [u.display for u in messy_register.unreadable] == ["broken-yaml.yaml"]


def _idea(title: str, *, owner: str = "Someone", more: str = "") -> str:
    return (
        f"title: {json.dumps(title, ensure_ascii=False)}\nstatus: idea\n"
        f"owner: {json.dumps(owner, ensure_ascii=False)}\n"
        f"raised_on: 2026-01-01\nreview_by: 2027-01-01\nvision: {{statement: A statement}}\n{more}"
    )


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(register: Fill) -> None:
    folder = register(
        {
            "hyperlink.yaml": _idea(
                '=HYPERLINK("http://x")', owner="+1", more="tags: ['@cmd', other]\n"
            ),
            "minus-title.yaml": _idea("-2+3 formula", more="services: ['=1+1', fine]\n"),
            "tab-title.yaml": _idea("\tTabbed title"),
            "cr-title.yaml": _idea("\rCarriage title", owner="@someone"),
            # A file name is author text too.
            "=cmd.yaml": _idea("Formula in the file name"),
        }
    )
    text = render_register_csv(check(folder), TODAY)
    records = {r["id"].lstrip("'"): r for r in records_of(text)}
    hyperlink = records["hyperlink"]
    assert hyperlink["title"] == '\'=HYPERLINK("http://x")'
    assert hyperlink["owner"] == "'+1"
    assert hyperlink["tags"] == "'@cmd; other"
    assert records["minus-title"]["title"] == "'-2+3 formula"
    assert records["minus-title"]["services"] == "'=1+1; fine"
    assert records["tab-title"]["title"] == "'\tTabbed title"
    assert records["cr-title"]["title"] == "'\rCarriage title"
    assert records["cr-title"]["owner"] == "'@someone"
    assert records["=cmd"]["id"] == "'=cmd"
    assert records["=cmd"]["path"] == "'=cmd.yaml"
    for record in records.values():
        dangerous = [v for v in record.values() if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert dangerous == []
        # Numbers stay numbers.
        assert record["backlog_position"].isdigit() and record["errors"].isdigit()
        assert not record["value_effort_score"].startswith("'")
        assert not record["review_by"].startswith("'")


def test_unicode_quotes_and_line_breaks_survive_a_round_trip(register: Fill) -> None:
    title = 'Café ☕ «mieux», "quoted", 改善 😀'
    owner = "Line one\nline two\r\nline three"
    folder = register(
        {
            "unicode-cells.yaml": _idea(
                title, owner=owner, more='tags: ["a,b", "semi; colon", "naïve"]\n'
            )
        }
    )
    text = render_register_csv(check(folder), TODAY)
    assert not text.startswith("\ufeff")
    assert text.encode("utf-8").decode("utf-8") == text
    (record,) = records_of(text)
    assert record["title"] == title
    assert record["owner"] == owner
    assert record["tags"] == "a,b; semi; colon; naïve"
    # Writing the parsed rows back gives the same text: nothing was lost or reordered.
    again = io.StringIO(newline="")
    csv.writer(again).writerows(rows_of(text))
    assert again.getvalue() == text


def test_the_csv_ends_lines_with_crlf(reference: Register) -> None:
    text = render_register_csv(reference, TODAY)
    assert text.endswith("\r\n")
    assert text.count("\r\n") == len(reference.initiatives) + 1
    assert "\n" not in text.replace("\r\n", "")


def test_the_csv_is_deterministic(reference: Register) -> None:
    first = render_register_csv(reference, TODAY)
    again = check_register(str(REPO / "initiatives"), TODAY, DisplayPath(str(REPO)))
    assert render_register_csv(reference, TODAY) == first
    assert render_register_csv(again, TODAY) == first
