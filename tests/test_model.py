"""The computed facts the site shows: baseline, latest, met / met late / not met, gap closed,
computed outcome, step completeness and backlog order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cireg.check import check_file, check_register
from cireg.model import Completeness, Initiative, ObjectiveState
from cireg.rules.files import Candidate
from conftest import REPO, TODAY

KPI_AND_STEPS = """\
title: Faster first response
status: verifying
owner: Desk Lead
raised_on: 2026-01-01
review_by: 2027-01-01
priority: high
kpis:
  - id: response
    name: Time to first response
    unit: h
    direction: decrease
    measurements:
      - {on: 2026-01-10, value: 10}
      - {on: 2026-02-01, value: 8}
      - {on: 2026-05-01, value: 5}
      - {on: 2026-08-01, value: 2}
  - id: csat
    name: Satisfaction
    unit: "%"
    direction: increase
    measurements:
      - {on: 2026-02-01, value: 70}
      - {on: 2026-09-01, value: 82}
vision:
  statement: Help arrives fast.
  stakeholders: [Students]
current_state:
  assessed_on: 2026-02-15
target_state:
  objectives:
    - {id: fast, statement: Answer within five hours, kpi: response, target: 5, deadline: 2026-06-30, relevance: Speed matters.}
    - {id: faster, statement: Answer within two hours, kpi: response, target: 2, deadline: 2026-06-30, relevance: Speed matters.}
    - {id: happy, statement: Reach ninety percent satisfaction, kpi: csat, target: 90, deadline: 2026-12-31, relevance: It shows.}
plan:
  approach: A squad.
  actions:
    - {id: a1, what: Train, owner: Lead, due: 2026-03-01, status: done}
execution:
  started_on: 2026-03-01
verification:
  assessed_on: 2026-09-02
  outcome: partially-met
"""


def model_of(tmp_path: Path, text: str, name: str = "sample") -> Initiative:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    initiative, _findings = check_file(Candidate(name, str(path), path.name), TODAY)
    assert initiative is not None
    return initiative


def test_baseline_is_the_latest_measurement_on_or_before_the_assessment(tmp_path: Path) -> None:
    initiative = model_of(tmp_path, KPI_AND_STEPS)
    response, csat = initiative.kpis
    assert response.baseline is not None and response.baseline.value == 8
    assert response.latest is not None and response.latest.value == 2
    assert csat.baseline is not None and csat.baseline.on == dt.date(2026, 2, 1)


def test_objective_states_and_gap_closed(tmp_path: Path) -> None:
    fast, faster, happy = model_of(tmp_path, KPI_AND_STEPS).objectives
    assert fast.state is ObjectiveState.MET  # 5 on 2026-05-01, before the deadline
    assert faster.state is ObjectiveState.MET_LATE
    assert happy.state is ObjectiveState.NOT_MET
    assert faster.gap_closed == pytest.approx(1.0)  # (2 - 8) / (2 - 8)
    assert happy.gap_closed == pytest.approx((82 - 70) / (90 - 70))


def test_computed_outcome(tmp_path: Path) -> None:
    initiative = model_of(tmp_path, KPI_AND_STEPS)
    assert initiative.computed_outcome == "partially-met"
    none_met = KPI_AND_STEPS.replace("target: 5,", "target: 1,").replace("target: 2,", "target: 1,")
    assert model_of(tmp_path, none_met).computed_outcome == "not-met"


def test_step_completeness_and_what_is_due(tmp_path: Path) -> None:
    steps = model_of(tmp_path, KPI_AND_STEPS).completeness
    assert {key: report.state for key, report in steps.items()} == {
        "vision": Completeness.COMPLETE,
        "current_state": Completeness.COMPLETE,
        "target_state": Completeness.COMPLETE,
        "plan": Completeness.COMPLETE,
        "execution": Completeness.COMPLETE,
        "verification": Completeness.COMPLETE,
        "momentum": Completeness.MISSING,
    }
    assert [key for key, report in steps.items() if report.due] == [
        "vision",
        "current_state",
        "target_state",
        "plan",
        "execution",
        "verification",
    ]
    assert [key for key, report in steps.items() if report.required_complete] == ["target_state"]


@pytest.mark.parametrize(
    ("change", "step", "gap"),
    [
        (("  stakeholders: [Students]\n", ""), "vision", "neither `supports` nor `stakeholders`"),
        (
            ("  assessed_on: 2026-02-15\n", "  summary: later\n"),
            "current_state",
            "no `assessed_on`",
        ),
        (("  approach: A squad.\n", ""), "plan", "no `approach`"),
        (("status: done}", "status: doing}"), "execution", "not done or dropped: `a1`"),
        (("  outcome: partially-met\n", ""), "verification", "no `outcome`"),
    ],
)
def test_partial_steps_say_what_is_missing(
    tmp_path: Path, change: tuple[str, str], step: str, gap: str
) -> None:
    assert change[0] in KPI_AND_STEPS
    report = model_of(tmp_path, KPI_AND_STEPS.replace(*change)).completeness[step]
    assert report.state is Completeness.PARTIAL
    assert any(gap in text for text in report.gaps), report.gaps


def test_backlog_order(tmp_path: Path) -> None:
    def idea(name: str, extra: str) -> None:
        (tmp_path / f"{name}.yaml").write_text(
            f"title: Initiative {name}\nstatus: idea\nowner: O\nraised_on: {extra}\n"
            "review_by: 2027-01-01\nvision:\n  statement: S.\n",
            encoding="utf-8",
        )

    idea("zzz-critical", "2026-05-01\npriority: critical")
    idea("low-priority", "2026-01-01\npriority: low")
    idea("no-priority", "2025-01-01")
    idea("high-cheap", "2026-03-01\npriority: high\nvalue: high\neffort: xs")
    idea("high-dear", "2026-01-01\npriority: high\nvalue: high\neffort: xl")
    idea("high-default", "2026-02-01\npriority: high")  # medium / m: 2 / 3
    idea("high-default-older", "2026-01-15\npriority: high")
    idea("aaa-high-default-same-day", "2026-01-15\npriority: high")
    register = check_register(str(tmp_path), TODAY)
    assert [i.id for i in register.initiatives] == [
        "zzz-critical",
        "high-cheap",
        "aaa-high-default-same-day",
        "high-default-older",
        "high-default",
        "high-dear",
        "low-priority",
        "no-priority",
    ]


def test_the_reference_register_models_every_file() -> None:
    register = check_register(str(REPO / "initiatives"), TODAY)
    files = list((REPO / "initiatives").glob("*.yaml"))
    assert len(register.initiatives) == len(files)
    assert register.unreadable == []
