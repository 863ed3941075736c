"""Build time of a register's site with the cireg plugin, against a plain MkDocs build of the
same number of hand-written Markdown pages, both with the Material theme, in the same run.

    python benchmarks/build_vs_plain.py [N ...] [--rounds R]

For each N (default: the reference register, then 1,000 generated initiatives) it prints the
median wall time of `mkdocs build` over R alternating rounds for both sites, their ratio, and
the size of the output. The plain pages are what a person might write for an initiative by
hand (a title, a few paragraphs, a table of objectives and a list of actions), made from the
same initiative files so that both sites carry the same amount of text."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import REFERENCE, generate

THEME = """theme:
  name: material
  font: false
"""


def register_project(root: Path, initiatives: Path) -> Path:
    project = root / "with-plugin"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Register\n\n<!-- cireg:figures -->\n")
    (project / "mkdocs.yml").write_text(
        f"site_name: Register\ndocs_dir: docs\n{THEME}"
        "plugins:\n  - search\n  - cireg:\n"
        f"      initiatives_dir: {initiatives}\n      today: 2026-11-21\n"
        "nav:\n  - Home: index.md\n  - Backlog: backlog.md\n  - Principles: principles.md\n"
    )
    return project


def _hand_written(data: dict[str, object], stem: str) -> str:
    """A page an author might write for the initiative without cireg."""
    vision = data.get("vision") or {}
    lines = [f"# {data.get('title', stem)}", ""]
    lines += [f"**Status:** {data.get('status')} · **Owner:** {data.get('owner')}", ""]
    if isinstance(vision, dict):
        lines += ["## Vision", "", str(vision.get("statement", "")), ""]
    target = data.get("target_state") or {}
    objectives = target.get("objectives", []) if isinstance(target, dict) else []
    if objectives:
        lines += [
            "## Objectives",
            "",
            "| Objective | KPI | Target | Deadline |",
            "|---|---|---|---|",
        ]
        for o in objectives:
            lines.append(
                f"| {o.get('statement')} | {o.get('kpi')} | {o.get('target')} | "
                f"{o.get('deadline')} |"
            )
        lines.append("")
    plan = data.get("plan") or {}
    if isinstance(plan, dict):
        lines += ["## Plan", "", str(plan.get("approach", "")), ""]
        lines += [
            f"- {a.get('what')} ({a.get('owner')}, {a.get('due')})" for a in plan.get("actions", [])
        ]
        lines.append("")
    for key in ("current_state", "verification"):
        step = data.get(key)
        if isinstance(step, dict) and step.get("summary"):
            lines += [f"## {key.replace('_', ' ').capitalize()}", "", str(step["summary"]), ""]
    momentum = data.get("momentum")
    if isinstance(momentum, dict) and momentum.get("lessons_learned"):
        lines += ["## Lessons learned", "", str(momentum["lessons_learned"]), ""]
    return "\n".join(lines)


def plain_project(root: Path, initiatives: Path) -> Path:
    project = root / "plain"
    pages = project / "docs" / "initiatives"
    pages.mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Register\n")
    for path in sorted(initiatives.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        (pages / f"{path.stem}.md").write_text(_hand_written(data, path.stem), encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"site_name: Register\ndocs_dir: docs\n{THEME}plugins:\n  - search\n"
        "not_in_nav: |\n  /initiatives/\nnav:\n  - Home: index.md\n"
    )
    return project


def build_seconds(project: Path) -> float:
    out = project / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(out),
        ],
        check=True,
        env=env,
        cwd=project,
    )
    return time.perf_counter() - started


def site_bytes(project: Path) -> int:
    return sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file())


def measure(label: str, initiatives: Path, rounds: int, root: Path) -> None:
    with_plugin = register_project(root, initiatives)
    plain = plain_project(root, initiatives)
    times: dict[str, list[float]] = {"plugin": [], "plain": []}
    for _ in range(rounds):  # alternate, so that drift in the machine hits both alike
        times["plugin"].append(build_seconds(with_plugin))
        times["plain"].append(build_seconds(plain))
    plugin, bare = (statistics.median(times[k]) for k in ("plugin", "plain"))
    print(
        f"{label:>28} | plugin {plugin:6.2f} s | plain Markdown {bare:6.2f} s | "
        f"ratio {plugin / bare:4.2f} | output {site_bytes(with_plugin) / 1e6:5.1f} MB vs "
        f"{site_bytes(plain) / 1e6:5.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, help="generated register sizes")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.counts:
            measure("reference register (14)", REFERENCE, args.rounds, root / "reference")
        for count in args.counts or [1000]:
            folder = root / f"n{count}" / "initiatives"
            generate(folder, count)
            measure(f"{count} generated initiatives", folder, args.rounds, root / f"n{count}")
            shutil.rmtree(root / f"n{count}")


if __name__ == "__main__":
    main()
