"""The benchmark suite: every measurement of the performance page, in one command.

    python3 benchmarks/run.py [--rounds R] [--page site_src/performance.md] [--quick]

Each measurement runs next to its floor in the same run, the two alternating round after
round, and the table quotes medians and their ratio against the target. Times are the
processor time (user + system) of the measured command, read from the kernel when it
exits: the same as the wall-clock time for these single-threaded programs on an idle
machine, and much steadier when the machine is busy; the wall-clock medians are printed
too. `--page FILE` also writes the performance page of the site with the very table
printed here. `--quick` runs every measurement on tiny registers, once: a check that the
suite works, not a measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import TODAY, generate  # noqa: E402
from measure import ENV, Sample, build, plain_project, plugin_project, run_command  # noqa: E402

SCHEMA = REPO / "schemas" / "initiative.schema.json"
TIMES, DASH = "\N{MULTIPLICATION SIGN}", "\N{EN DASH}"


@dataclass(frozen=True)
class Sizes:
    validate: int
    small: int  # scaling: the build at `large` over the build at `small`
    build: int  # plugin against plain
    large: int  # scaling, memory, edit loop, backlog
    edits: int


FULL = Sizes(validate=2000, small=500, build=1000, large=2000, edits=5)
QUICK = Sizes(validate=50, small=10, build=20, large=40, edits=1)


def alternate(runners: dict[str, Callable[[], Sample]], rounds: int) -> dict[str, list[Sample]]:
    """Every runner once per round, in turn, so that drift of the machine hits all alike."""
    samples: dict[str, list[Sample]] = {name: [] for name in runners}
    for round_number in range(rounds):
        for name, run in runners.items():
            samples[name].append(run())
            print(f"  round {round_number + 1}/{rounds}: {name}", file=sys.stderr)
    return samples


def median(samples: list[Sample], field: str = "cpu") -> float:
    return statistics.median(getattr(s, field) for s in samples)


# --- the rows of the table ------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    ours: str
    floor: str
    ratio: str
    target: str
    met: bool | None  # None: reported, no target


@dataclass
class Report:
    rows: list[Row]
    wall: list[tuple[str, float]]  # wall-clock medians of every timed command
    notes: list[str]


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _count(n: int) -> str:
    return f"{n:,}"


def measure_validation(root: Path, sizes: Sizes, rounds: int, report: Report) -> None:
    folder = root / "validate" / "initiatives"
    files = [str(p) for p in generate(folder, sizes.validate)]
    python = sys.executable
    samples = alternate(
        {
            "floor": lambda: run_command([python, str(HERE / "floor_compose.py"), str(folder)]),
            "cireg validate": lambda: run_command(
                [python, "-m", "cireg", "validate", "--today", TODAY, str(folder)]
            ),
            "check-jsonschema": lambda: run_command(
                [python, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), *files]
            ),
        },
        rounds,
    )
    floor, ours, other = (median(samples[k]) for k in samples)
    n = _count(sizes.validate)
    report.rows.append(
        Row(
            f"Validate {n} initiatives: `cireg validate` / compose with PyYAML's C parser",
            _seconds(ours),
            _seconds(floor),
            f"{ours / floor:.2f}{TIMES}",
            f"≤ 2.0{TIMES}",
            ours / floor <= 2.0,
        )
    )
    report.rows.append(
        Row(
            f"Validate {n} initiatives: `check-jsonschema` with our schema / the same floor",
            _seconds(other),
            _seconds(floor),
            f"{other / floor:.1f}{TIMES}",
            "reported",
            None,
        )
    )
    for name, values in samples.items():
        report.wall.append((f"validate {n}: {name}", median(values, "wall")))


def page_bytes(site: Path) -> float:
    """Mean size of an initiative page of a built site."""
    sizes = [p.stat().st_size for p in (site / "initiatives").glob("*/index.html")]
    return sum(sizes) / len(sizes)


def measure_builds(root: Path, sizes: Sizes, rounds: int, report: Report) -> Path:
    """Plugin and plain builds at three sizes, alternating; returns the large project."""
    projects: dict[int, Path] = {}
    for n in sorted({sizes.small, sizes.build, sizes.large}):
        folder = root / f"n{n}" / "initiatives"
        generate(folder, n)
        projects[n] = plugin_project(root / f"n{n}", folder)
    runners: dict[str, Callable[[], Sample]] = {}
    for n, project in projects.items():
        config = project / "mkdocs.yml"
        runners[f"plugin {n}"] = lambda c=config, p=project: build(c, p / "site")
        if n in (sizes.build, sizes.large):
            plain = plain_project(project)
            runners[f"plain {n}"] = lambda c=plain, p=project: build(c, p / "plain-site")
    samples = alternate(runners, rounds)
    for name, values in samples.items():
        report.wall.append((f"mkdocs build: {name}", median(values, "wall")))

    def cpu(name: str) -> float:
        return median(samples[name])

    n_build, n_small, n_large = sizes.build, sizes.small, sizes.large
    ours, floor = cpu(f"plugin {n_build}"), cpu(f"plain {n_build}")
    report.rows.append(
        Row(
            f"Build {_count(n_build)}: `mkdocs build` with the plugin / without it, of the "
            "pages `cireg generate` wrote",
            _seconds(ours),
            _seconds(floor),
            f"{ours / floor:.2f}{TIMES}",
            f"≤ 1.3{TIMES}",
            ours / floor <= 1.3,
        )
    )
    large, small = cpu(f"plugin {n_large}"), cpu(f"plugin {n_small}")
    limit = 1.1 * n_large / n_small
    report.rows.append(
        Row(
            f"Scaling: build with the plugin, {_count(n_large)} / {_count(n_small)} initiatives",
            _seconds(large),
            _seconds(small),
            f"{large / small:.2f}",
            f"≤ {limit:.1f}",
            large / small <= limit,
        )
    )
    per_page = {n: page_bytes(p / "site") for n, p in projects.items()}
    growth = per_page[n_large] / per_page[n_small]
    report.rows.append(
        Row(
            f"HTML bytes per initiative page, {_count(n_large)} / {_count(n_small)} "
            f"({', '.join(f'{_count(n)}: {per_page[n]:,.0f} B' for n in sorted(per_page))})",
            f"{per_page[n_large]:,.0f} B",
            f"{per_page[n_small]:,.0f} B",
            f"{growth:.3f}",
            "≤ 1.02 (constant)",
            growth <= 1.02,
        )
    )
    ours_mb = median(samples[f"plugin {n_large}"], "peak_mb")
    floor_mb = median(samples[f"plain {n_large}"], "peak_mb")
    report.rows.append(
        Row(
            f"Peak memory building {_count(n_large)}: with the plugin / plain Markdown build",
            f"{ours_mb:.0f} MB",
            f"{floor_mb:.0f} MB",
            f"{ours_mb / floor_mb:.2f}{TIMES}",
            f"≤ 1.5{TIMES}",
            ours_mb / floor_mb <= 1.5,
        )
    )
    return projects[n_large]


def measure_edit_loop(project: Path, sizes: Sizes, report: Report) -> None:
    folder = project.parent / "initiatives"
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "edit_loop.py"),
            str(project / "mkdocs.yml"),
            str(folder),
            str(sizes.edits),
        ],
        cwd=project,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout)
    cold = result["cold"]["plugin"]
    warm = statistics.median(b["plugin"] for b in result["rebuilds"])
    report.rows.append(
        Row(
            f"Edit loop, {_count(sizes.large)} initiatives: the plugin's work on a rebuild after "
            f"one file changed / on the cold build (median of {sizes.edits} edits, one "
            "`mkdocs serve`-like session)",
            _seconds(warm),
            _seconds(cold),
            f"{warm / cold:.1%}",
            "≤ 10 %",
            warm / cold <= 0.10,
        )
    )
    whole = statistics.median(b["build"] for b in result["rebuilds"])
    report.notes.append(
        f"Edit loop: a whole rebuild took {whole:.1f} s of processor time (MkDocs renders every "
        f"page again); the cold build {result['cold']['build']:.1f} s."
    )


def measure_backlog(sizes: Sizes, rounds: int, report: Report) -> None:
    from backlog_in_browser import find_chromium
    from backlog_in_browser import measure_backlog as in_browser

    n = _count(sizes.large)
    chromium = find_chromium()
    if not chromium:
        report.rows.append(Row(f"Backlog of {n}: not measured, no Chromium", "", "", "", "", False))
        return
    root = Path(tempfile.mkdtemp(prefix="cireg-backlog-"))
    try:
        found = in_browser(sizes.large, rounds, chromium, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    size = found["bytes"]
    report.rows.append(
        Row(
            f"Backlog page of {n} initiatives: HTML size ({size / found['rows']:,.0f} B a row)",
            f"{size / 1e6:.2f} MB",
            "",
            "",
            "< 1.5 MB",
            size < 1.5e6,
        )
    )
    worst, floor_worst = found["keystroke_max_ms"], found["floor_max_ms"]
    report.rows.append(
        Row(
            f"Backlog filter in headless Chromium, {n} rows: slowest keystroke / showing and "
            f"hiding the same rows (median keystroke {found['keystroke_median_ms']:.1f} ms, "
            f"floor {found['floor_median_ms']:.1f} ms)",
            f"{worst:.1f} ms",
            f"{floor_worst:.1f} ms",
            f"{worst / floor_worst:.2f}{TIMES}" if floor_worst else "",
            "< 100 ms",
            worst < 100,
        )
    )


# --- output ---------------------------------------------------------------------------------


def table(report: Report) -> str:
    lines = [
        "| Measurement | cireg | Floor | Ratio | Target | Met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in report.rows:
        met = DASH if row.met is None else ("yes" if row.met else "**no**")
        lines.append(
            f"| {row.measure} | {row.ours} | {row.floor} | {row.ratio} | {row.target} | {met} |"
        )
    return "\n".join(lines) + "\n"


def wall_table(report: Report) -> str:
    lines = ["| Command | Wall-clock median |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.2f} s |" for name, seconds in report.wall]
    return "\n".join(lines) + "\n"


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(info.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB of memory"
    except (OSError, ValueError, IndexError):
        pass
    versions = ", ".join(
        f"{name} {_version(name)}"
        for name in ("mkdocs", "mkdocs-material", "PyYAML", "fastjsonschema", "check-jsonschema")
    )
    return [
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}",
        f"Python {platform.python_version()}; {versions}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


PAGE = """# Performance

Registers grow to thousands of initiatives, closed ones included, and every pull request is
validated and every edit rebuilt. This page is written by the benchmark suite,
`python3 benchmarks/run.py --page site_src/performance.md`: the table below is the one that
run printed. Every figure is a ratio to a floor measured in the same run, not a time to
compare across machines.

Measured on {date}, {rounds} rounds, on:

{machine}

## Results

{table}
{notes}
## How it is measured

- **Registers**: `benchmarks/generate.py` writes N valid initiatives, the same bytes for the
  same N: about 3.7 KB each, three KPIs of six measurements, three objectives, four actions,
  every status in turn, iteration links between done initiatives and later ideas. Checked,
  they give no finding.
- **Times** are the processor time (user + system) of each command, from the kernel when it
  exits; commands and their floors alternate, round after round, and medians are quoted.
- **Validation floor**: a script that composes every file with PyYAML's C parser and does
  nothing else. `check-jsonschema` gets the same files and our schema.
- **Build floor**: `cireg generate` writes the same pages as Markdown, and `mkdocs build`
  publishes them without the plugin, same theme, same search plugin.
- **Memory**: the peak resident memory of the build process.
- **Edit loop**: `benchmarks/edit_loop.py` loads the configuration and builds as
  `mkdocs serve` does (the plugin kept between builds), changes one initiative's title
  between builds, checks the new title is on its page, and adds up the processor time spent
  in the plugin's event handlers.
- **Browser**: the backlog page is opened in Debian's Chromium, headless; a word is typed into
  the filter one key at a time, and each keystroke is timed in the page with
  `performance.now()` until the layout it causes is done, plus the work of the frames after
  it (rows far from the window are laid out only when they come near it). The floor shows
  and hides the same rows, timed the same way, and does nothing else. Each round types a
  twelve-character word and clears it: 13 keystrokes a round.

Wall-clock medians of the same runs:

{wall}
## Reproduce

On a machine set up as the README says (`python3 -m pip install -e '.[test]'`, and
`apt-get install chromium` for the browser row):

```sh
python3 benchmarks/run.py                      # prints the table; about twelve minutes
python3 benchmarks/run.py --page site_src/performance.md   # and writes this page
python3 benchmarks/run.py --quick              # tiny registers, once: checks the suite runs
```
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--page", type=Path, help="also write the performance page here")
    parser.add_argument("--quick", action="store_true", help="tiny registers, one round")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    rounds = 1 if args.quick else args.rounds
    report = Report([], [], [])
    root = Path(tempfile.mkdtemp(prefix="cireg-bench-"))
    try:
        measure_validation(root, sizes, rounds, report)
        large = measure_builds(root, sizes, rounds, report)
        measure_edit_loop(large, sizes, report)
        measure_backlog(sizes, rounds, report)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    text = table(report)
    print(text, end="")
    for note in report.notes:
        print(note)
    if args.page:
        page = PAGE.format(
            date=dt.date.today().isoformat(),
            rounds=rounds,
            machine="\n".join(f"- {line}" for line in machine()),
            table=text,
            notes="".join(f"\n{note}\n" for note in report.notes),
            wall=wall_table(report),
        )
        args.page.write_text(page, encoding="utf-8")
    missed = any(row.met is False for row in report.rows)
    sys.exit(1 if missed and not args.quick else 0)  # tiny registers measure nothing


if __name__ == "__main__":
    main()
