"""The benchmark suite works: its registers are valid and realistic, and its one command runs
every measurement and writes a page with the table it printed. No time is asserted here."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from cireg.check import check_register
from cireg.model import STATUSES
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import TODAY as BENCHMARK_TODAY
from generate import generate


def test_generated_registers_are_deterministic_valid_and_realistic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 30)
    second = generate(tmp_path / "b", 30)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]

    register = check_register(str(tmp_path / "a"), dt.date.fromisoformat(BENCHMARK_TODAY))
    assert register.findings == []
    assert {i.status for i in register.initiatives} == set(STATUSES)
    assert any(i.next_iteration for i in register.initiatives)

    sizes = [p.stat().st_size for p in first]
    assert 3000 < sum(sizes) / len(sizes) < 4500
    for path in first:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [len(k["measurements"]) for k in data["kpis"]] == [6, 6, 6], path.name
        assert len(data["target_state"]["objectives"]) == 3, path.name
        assert len(data["plan"]["actions"]) == 4, path.name


def test_the_suite_runs_every_measurement_and_its_page_holds_what_it_printed(
    tmp_path: Path,
) -> None:
    page = tmp_path / "performance.md"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--page", str(page)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = [line for line in done.stdout.splitlines() if line.startswith("|")]
    measures = [line.split(" | ")[0] for line in printed[2:]]
    for expected in (
        "| Validate 50 initiatives: `cireg validate`",
        "| Validate 50 initiatives: `check-jsonschema`",
        "| Build 20:",
        "| Scaling:",
        "| HTML bytes per initiative page",
        "| Peak memory",
        "| Edit loop",
        "| Backlog page of 40",
    ):
        assert any(m.startswith(expected) for m in measures), (expected, measures)
    if os.environ.get("CIREG_REQUIRE_BROWSER"):
        assert any(m.startswith("| Backlog filter") for m in measures), measures
    assert not re.search(r"\b(nan|inf)\b", done.stdout), done.stdout

    text = page.read_text(encoding="utf-8")
    assert "\n".join(printed) in text  # the very table the command printed
    assert "## Reproduce" in text and "python3 benchmarks/run.py" in text
    assert "Python 3." in text and "cores" in text


def test_the_published_performance_page_holds_a_whole_run() -> None:
    """site_src/performance.md is written by `benchmarks/run.py --page`: every measurement
    is in its table, each with its target and verdict (the figures are that run's)."""
    text = (REPO / "site_src" / "performance.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Measurement | cireg | Floor | Ratio | Target | Met |"
    measures = [row.split(" | ")[0] for row in rows]
    for expected in (
        "| Validate 2,000 initiatives: `cireg validate`",
        "| Validate 2,000 initiatives: `check-jsonschema`",
        "| Build 1,000:",
        "| Scaling: build with the plugin, 2,000 / 500",
        "| HTML bytes per initiative page, 2,000 / 500",
        "| Peak memory building 2,000",
        "| Edit loop, 2,000 initiatives",
        "| Backlog page of 2,000 initiatives",
        "| Backlog filter in headless Chromium, 2,000 rows",
    ):
        assert any(m.startswith(expected) for m in measures), expected
    assert "Measured on 20" in text and "## Reproduce" in text
