"""How long `cireg validate` takes next to composing the same files with PyYAML's C parser.

    python benchmarks/validate_vs_floor.py [N] [ROUNDS]

Runs alternate (floor, cireg, floor, cireg, …) and the medians are quoted, with the ratio.
The floor reads every file and composes it with yaml.CSafeLoader: the least any YAML-based
validator must do. cireg is measured in-process (what it does per file) and as a command
(what a CI job waits for, interpreter start-up included)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from cireg.cli import collect_findings
from cireg.dates import parse_date

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import REFERENCE, generate

TODAY = parse_date("2026-11-15")


def floor(folder: Path) -> None:
    for path in sorted(folder.glob("*.yaml")):
        yaml.compose(path.read_bytes(), Loader=yaml.CSafeLoader)


def in_process(folder: Path) -> None:
    findings, _files = collect_findings([str(folder)], TODAY)  # type: ignore[arg-type]
    assert not findings, findings[:3]


def command(folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cireg", "validate", "--today", "2026-11-15", str(folder)],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def measure(folder: Path, rounds: int) -> dict[str, float]:
    timings: dict[str, list[float]] = {"floor": [], "cireg (in-process)": [], "cireg (command)": []}
    runners = {"floor": floor, "cireg (in-process)": in_process, "cireg (command)": command}
    for _ in range(rounds):
        for name, run in runners.items():
            started = time.perf_counter()
            run(folder)
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    in_process(REFERENCE)  # warm imports and compiled schema
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "initiatives"
        generate(generated, count)
        for label, folder in (("reference register", REFERENCE), (f"{count} generated", generated)):
            files = len(list(folder.glob("*.yaml")))
            medians = measure(folder, rounds)
            base = medians["floor"]
            print(f"{label} ({files} files), median of {rounds}:")
            for name, seconds in medians.items():
                print(f"  {name:<20} {seconds * 1000:9.1f} ms  {seconds / base:6.2f}x floor")


if __name__ == "__main__":
    main()
