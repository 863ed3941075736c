"""Helpers for the browser tests: Debian's Chromium driven by Playwright, a built site served on
127.0.0.1, and a page that records what it asked the network for and what went wrong.

Chromium is never downloaded: the tests use the browser installed on the machine (Debian's
`chromium` package, or the path in CIREG_CHROMIUM). Where none is found the browser tests are
skipped with a message saying so, unless CIREG_REQUIRE_BROWSER=1 (set by `.ci/run`): there a
missing browser fails the run."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import third_party
from third_party import required

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Without these, Chromium phones home at start (updates, sync, field trials) and this
# network refuses it; none of it has anything to do with the page under test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def browser_required() -> bool:
    return required("CIREG_REQUIRE_BROWSER")


def unavailable(reason: str) -> NoReturn:
    """Skip the browser tests with `reason`, or fail them where a browser is required."""
    third_party.unavailable("browser tests", "CIREG_REQUIRE_BROWSER", reason)


def find_chromium() -> str | None:
    explicit = os.environ.get("CIREG_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def artifacts_dir() -> Path:
    """Where screenshots go for people to look at; never committed (see .gitignore)."""
    folder = Path(os.environ.get("CIREG_ARTIFACTS", REPO / "test-artifacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Visit:
    """A browser page plus what it did: requests to other hosts (blocked and recorded),
    console errors and uncaught exceptions."""

    page: Any
    base_url: str
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path.lstrip("/"), wait_until="load")
        return self.page

    def problems(self) -> list[str]:
        return [f"request to another host: {url}" for url in self.foreign_requests] + [
            f"console error: {text}" for text in self.console_errors
        ]


def start_visit(context: Any, base_url: str) -> Visit:
    page = context.new_page()
    visit = Visit(page, base_url)
    local = urlsplit(base_url).netloc

    def is_foreign(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local

    # Every request is recorded (workers' too); those to other hosts are also stopped, so
    # the tests never depend on the network.
    context.on(
        "request",
        lambda request: is_foreign(request.url) and visit.foreign_requests.append(request.url),
    )
    context.route(
        "**/*",
        lambda route: route.abort() if is_foreign(route.request.url) else route.continue_(),
    )
    page.on(
        "console",
        lambda message: message.type == "error" and visit.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    return visit
