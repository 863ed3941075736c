"""The edit loop of `mkdocs serve`, measured: the cireg plugin's own work on a cold build,
then on each rebuild after one initiative file changed.

    python benchmarks/edit_loop.py MKDOCS_YML REGISTER_FOLDER EDITS

It does what `mkdocs serve` does, without the web server: the configuration is loaded
again for every build, `on_startup` runs once (so MkDocs keeps the plugin, and with it
what the plugin kept), and every build is a full `build()`. Between builds one file gets a
new title. The plugin's work is the processor time spent inside its event handlers; each
rebuild must show the new title on the edited initiative's page. Prints one JSON object.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from cireg.mkdocs_plugin import CiregPlugin

HANDLERS = ("on_config", "on_files", "on_page_markdown", "on_page_content", "on_post_page")
_TITLE = re.compile(r"^title: (.*)$", re.M)


def time_handlers(spent: list[float]) -> None:
    """Wrap the plugin's handlers so that their processor time adds up in spent[0]."""

    def timed(handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return handler(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started

        return run

    for name in HANDLERS:
        setattr(CiregPlugin, name, timed(getattr(CiregPlugin, name)))


def main() -> None:
    config_file, register, edits = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    spent = [0.0]
    time_handlers(spent)
    site_dir = tempfile.mkdtemp(prefix="cireg-edit-loop-")

    def one_build() -> dict[str, float]:
        spent[0] = 0.0
        started = time.process_time()
        config = load_config(config_file=config_file, site_dir=site_dir)
        if not builds:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/", dirty=False)
        return {"plugin": spent[0], "build": time.process_time() - started}

    builds: list[dict[str, float]] = []
    builds.append(one_build())
    files = sorted(register.glob("*.yaml"))
    originals: dict[Path, str] = {}
    for edit in range(edits):
        path = files[(edit * 97) % len(files)]  # a spread of initiatives, every status
        text = originals.setdefault(path, path.read_text(encoding="utf-8"))
        title = f"Edited title number {edit}"
        path.write_text(_TITLE.sub(f"title: {title}", text, count=1), encoding="utf-8")
        builds.append(one_build())
        page = Path(site_dir, "initiatives", path.stem, "index.html").read_text(encoding="utf-8")
        if title not in page:
            sys.exit(f"the rebuild did not show the edit of {path.name}")
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    json.dump({"cold": builds[0], "rebuilds": builds[1:]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
