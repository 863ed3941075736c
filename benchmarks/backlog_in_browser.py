"""The backlog page in headless Chromium: its size, and how long one keystroke in the filter
takes to update the rows, for a generated register of N initiatives.

    python benchmarks/backlog_in_browser.py [N ...] [--rounds R] [--chromium PATH]

For each N (default 2,000) it builds the site with the plugin, serves it on 127.0.0.1, and
types a word into the filter one key at a time, R times over. A keystroke is timed in the
page with performance.now(): from the input event to the end of the layout it causes, plus
the work of the frames that follow it, until a frame has next to nothing to do. Those
frames count because the backlog lays out a row's contents only near the window
(content-visibility in cireg.css): a row that a keystroke brings on screen is laid out in
a frame after it, not at once. So their style, layout, paint and badge images count too;
the wait for a frame does not. (Until the backlog used content-visibility, this script
stopped at the end of the layout: it now times more of the same keystroke, never less.)
The floor is the least any filter must do for the same keystroke, timed the same way: show
and hide the same rows (from a precomputed answer) the way the page's stylesheet does.
Medians are quoted, and the slowest."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from generate import generate
from measure import build, plugin_project

from browser import CHROMIUM_ARGS, find_chromium, serve_folder

WORD = "service desk"
ROWS = "table.cireg-backlog tbody tr"
FILTERED_OUT = "data-filtered-out"  # what cireg.js sets on a row it hides, and cireg.css hides
# After a change, frames are counted until one has next to nothing to do (an idle frame
# costs some 0.5 ms here): at least two, at most eight.
QUIET_FRAME_MS = 1.0

# The work of the next frame: from its start (requestAnimationFrame) until its rendering is
# done (a message posted then runs after it), without the wait for it to start.
FRAME_WORK = """() => new Promise(resolve => requestAnimationFrame(() => {
    const begun = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now() - begun);
    channel.port2.postMessage(null);
}))"""

# Times `change()`: from the start of it to the end of the layout it causes, plus the work
# of the frames after it. Each measurement starts on a page with no frame work left.
TIMED = f"""async (change) => {{
    const frameWork = {FRAME_WORK};
    await frameWork();
    const started = performance.now();
    change();
    document.body.offsetHeight;  // finish the layout the change causes
    let spent = performance.now() - started;
    for (let frame = 1; frame <= 8; frame += 1) {{
        const work = await frameWork();
        spent += work;
        if (frame >= 2 && work < {QUIET_FRAME_MS}) break;
    }}
    return spent;
}}"""

# One keystroke: the text so far goes into the field and the page reacts as to typing.
KEYSTROKE = f"""(text) => ({TIMED})(() => {{
    const field = document.getElementById('cireg-filter-text');
    field.value = text;
    field.dispatchEvent(new Event('input', {{bubbles: true}}));
}})"""

# The floor: only show and hide the rows that the keystroke shows and hides.
FLOOR = f"""(visible) => {{
    const rows = document.querySelectorAll('{ROWS}');
    return ({TIMED})(() => rows.forEach((row, i) => {{
        if (row.hasAttribute('{FILTERED_OUT}') === visible[i]) {{
            row.toggleAttribute('{FILTERED_OUT}', !visible[i]);
        }}
    }}));
}}"""

# Which rows show, whatever way the page hides the others (checkVisibility: no garbage of
# computed styles for the timed steps to collect).
VISIBLE = f"""() => [...document.querySelectorAll('{ROWS}')].map(row => row.checkVisibility())"""


def measure_backlog(count: int, rounds: int, chromium: str, root: Path) -> dict[str, float]:
    """Build a site of `count` generated initiatives in `root` and time `rounds` typings of
    WORD into its backlog's filter: the page's size and rows, and the keystrokes' and the
    floor's median and slowest times in milliseconds."""
    from playwright.sync_api import sync_playwright

    folder = root / "initiatives"
    generate(folder, count)
    project = plugin_project(root, folder)
    build(project / "mkdocs.yml", project / "site")
    backlog = project / "site" / "backlog" / "index.html"
    keystrokes: list[float] = []
    floors: list[float] = []
    with serve_folder(project / "site") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "backlog/")
        page.wait_for_selector("#cireg-filters:not([hidden])")
        rows = len(page.evaluate(VISIBLE))
        for _ in range(rounds):
            for end in [*range(1, len(WORD) + 1), 0]:  # type the word, then clear the field
                before = page.evaluate(VISIBLE)
                keystrokes.append(page.evaluate(KEYSTROKE, WORD[:end]))
                after = page.evaluate(VISIBLE)
                page.evaluate(FLOOR, before)  # back to the state before the keystroke
                floors.append(page.evaluate(FLOOR, after))
        browser.close()
    return {
        "bytes": backlog.stat().st_size,
        "rows": rows,
        "keystroke_median_ms": statistics.median(keystrokes),
        "keystroke_max_ms": max(keystrokes),
        "floor_median_ms": statistics.median(floors),
        "floor_max_ms": max(floors),
    }


def describe(count: int, result: dict[str, float]) -> str:
    size, key, floor = result["bytes"], result["keystroke_median_ms"], result["floor_median_ms"]
    slowest, floor_slowest = result["keystroke_max_ms"], result["floor_max_ms"]
    return (
        f"{count:>6} initiatives | backlog {size / 1e6:5.2f} MB "
        f"({size / result['rows']:5.0f} B a row) | "
        f"keystroke median {key:6.1f} ms, slowest {slowest:6.1f} ms | "
        f"floor median {floor:6.1f} ms, slowest {floor_slowest:6.1f} ms | "
        f"ratio {key / floor:4.2f}, slowest {slowest / floor_slowest:4.2f}"
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
            print(describe(count, measure_backlog(count, args.rounds, args.chromium, root)))
        finally:
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
