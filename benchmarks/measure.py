"""Running what the benchmarks measure: a command with its own processor time and peak
memory, and the two sites every build measurement compares."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generate import TODAY

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
ENV.pop("SOURCE_DATE_EPOCH", None)


@dataclass(frozen=True)
class Sample:
    cpu: float  # seconds of processor time, user + system
    wall: float
    peak_mb: float  # peak resident memory


def run_command(argv: list[str], cwd: Path | None = None) -> Sample:
    """Run a command to its end; its own processor time and peak memory come from wait4."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=sink, stderr=errors)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            sys.exit(f"benchmark command failed ({process.returncode}): {' '.join(argv)}\n{tail}")
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def plugin_project(root: Path, initiatives: Path) -> Path:
    """A site of the register with the cireg plugin and the Material theme."""
    project = root / "with-plugin"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Register\n\n<!-- cireg:figures -->\n")
    (project / "mkdocs.yml").write_text(
        "site_name: Register\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - cireg:\n"
        f"      initiatives_dir: {initiatives}\n      today: {TODAY}\n"
        "nav:\n  - Home: index.md\n  - Backlog: backlog.md\n  - Principles: principles.md\n"
    )
    return project


def plain_project(with_plugin: Path) -> Path:
    """The same pages written out by `cireg generate`, and a configuration without the
    plugin: the floor of a build."""
    subprocess.run(
        [sys.executable, "-m", "cireg", "generate", "generated", "--mkdocs-yml", "plain.yml"],
        cwd=with_plugin,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return with_plugin / "plain.yml"


def build(config: Path, site: Path) -> Sample:
    argv = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    return run_command(argv, cwd=config.parent)
