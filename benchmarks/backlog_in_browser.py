"""The backlog page in headless Chromium: its size, and how long one keystroke in the filter
takes to update the rows, for a generated register of N initiatives.

    python benchmarks/backlog_in_browser.py [N ...] [--rounds R] [--chromium PATH]

For each N (default 2,000) it builds the site with the plugin, serves it on 127.0.0.1, and
types a word into the filter one key at a time, R times over. A keystroke is timed in the
page with performance.now(): from the input event to the end of the layout it causes. The
floor is the least any filter must do for the same keystroke: set `hidden` on the same rows
(from a precomputed answer) and lay the page out. Medians are quoted."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from build_vs_plain import build_seconds, register_project
from generate import generate

from browser import CHROMIUM_ARGS, find_chromium, serve_folder

WORD = "service desk"

# One keystroke: the text so far goes into the field and the page reacts as to typing.
KEYSTROKE = """(text) => {
    const field = document.getElementById('cireg-filter-text');
    const started = performance.now();
    field.value = text;
    field.dispatchEvent(new Event('input', {bubbles: true}));
    document.body.offsetHeight;  // finish the layout the change causes
    return performance.now() - started;
}"""

# The floor: only show and hide the rows that the keystroke shows and hides.
FLOOR = """(visible) => {
    const rows = document.querySelectorAll('table.cireg-backlog tbody tr');
    const started = performance.now();
    rows.forEach((row, i) => { if (row.hidden === visible[i]) row.hidden = !visible[i]; });
    document.body.offsetHeight;
    return performance.now() - started;
}"""

VISIBLE = """() => [...document.querySelectorAll('table.cireg-backlog tbody tr')]
    .map(row => !row.hidden)"""


def measure(count: int, rounds: int, chromium: str, root: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = root / "initiatives"
    generate(folder, count)
    project = register_project(root, folder)
    build_seconds(project)
    backlog = project / "site" / "backlog" / "index.html"
    keystrokes: list[float] = []
    floors: list[float] = []
    with serve_folder(project / "site") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "backlog/")
        page.wait_for_selector("#cireg-filters:not([hidden])")
        for _ in range(rounds):
            for end in [*range(1, len(WORD) + 1), 0]:  # type the word, then clear the field
                before = page.evaluate(VISIBLE)
                keystrokes.append(page.evaluate(KEYSTROKE, WORD[:end]))
                after = page.evaluate(VISIBLE)
                page.evaluate(FLOOR, before)  # back to the state before the keystroke
                floors.append(page.evaluate(FLOOR, after))
        browser.close()
    size = backlog.stat().st_size
    key, floor = statistics.median(keystrokes), statistics.median(floors)
    print(
        f"{count:>6} initiatives | backlog {size / 1e6:5.2f} MB ({size / count:5.0f} B a row) | "
        f"keystroke median {key:6.1f} ms, slowest {max(keystrokes):6.1f} ms | "
        f"floor median {floor:6.1f} ms, slowest {max(floors):6.1f} ms | "
        f"ratio {key / floor:4.2f}, slowest {max(keystrokes) / max(floors):4.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, help="generated register sizes")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chromium", default=find_chromium())
    args = parser.parse_args()
    if not args.chromium:
        sys.exit("no Chromium found: apt-get install chromium, or pass --chromium PATH")
    for count in args.counts or [2000]:
        root = Path(tempfile.mkdtemp(prefix=f"cireg-backlog-{count}-"))
        try:
            measure(count, args.rounds, args.chromium, root)
        finally:
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
