"""The authoring loop survives a real `mkdocs serve`.

An author keeps `mkdocs serve` running while editing initiatives. Saving a file as broken YAML
(or with a schema error) must neither stop the server nor fail the rebuild: the page shows the
finding in a visible box. Fixing the file recovers on the next rebuild. New and deleted
initiative files appear and disappear. The other serve tests play the build in-process; these
start the real command on 127.0.0.1, let its file watcher trigger the rebuilds, and read the
pages over HTTP. Every wait has a deadline, and a failure shows the tail of the server's log.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from hostile_corpus import IDEA, SLOW_CASES, write_entries
from markup_scan import shown_text, visible
from sitebuild import copy_project

HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # first build and bind
REBUILD_TIMEOUT = 30.0  # one save until its page is rebuilt (a build takes about a second)
POLL_EVERY = 0.2
# The test talks to its own server only: no proxy from the environment may come in between.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# What a check returns: None once satisfied, else what it saw instead (for the failure message).
Check = Callable[[], str | None]


@dataclass
class Server:
    """A running `mkdocs serve` on a copy of the reference project."""

    project: Path
    process: subprocess.Popen[bytes]
    log: Path
    base: str

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log, without the request lines that polling for a page adds."""
        kept = [line for line in self.log_text().splitlines() if '"GET /' not in line]
        return "\n".join(kept[-lines:])

    def get(self, path: str) -> tuple[int, BeautifulSoup | None]:
        """Status and parsed page of `path` under the server; status 0 when nothing answers."""
        try:
            with OPENER.open(self.base + path, timeout=5) as response:
                body = response.read().decode("utf-8", errors="replace")
                return response.status, BeautifulSoup(body, "html.parser")
        except urllib.error.HTTPError as error:
            return error.code, None
        except (OSError, http.client.HTTPException):  # refused, cut or slow while it rebuilds
            return 0, None

    def poll_until(self, check: Check, timeout: float) -> str | None:
        """Run `check` until it is satisfied (None) or the deadline; the last thing it saw."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                return f"the server exited with status {self.process.returncode}"
            seen = check()
            if seen is None or time.monotonic() > deadline:
                return seen
            time.sleep(POLL_EVERY)

    def wait_for(self, what: str, check: Check, timeout: float = REBUILD_TIMEOUT) -> None:
        seen = self.poll_until(check, timeout)
        if seen is not None:
            pytest.fail(f"{what}: not within {timeout:.0f} s; saw: {seen}\n{self.report()}")

    def assert_healthy(self) -> None:
        """Still running, and no rebuild has crashed."""
        assert self.process.poll() is None, f"the server stopped\n{self.report()}"
        log = self.log_text()
        assert "Traceback" not in log, self.report()
        assert "An error happened during the rebuild" not in log, self.report()

    def report(self) -> str:
        return f"--- tail of the `mkdocs serve` log ({self.log}) ---\n{self.log_tail()}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(project: Path, log: Path) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    # Live reload stays on: `--no-livereload` would also switch the file watcher off.
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml")]
    command += ["-a", f"{HOST}:{port}"]
    with log.open("wb") as out:  # a file, not a pipe that could fill up and block the server
        process = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    return Server(project, process, log, f"http://{HOST}:{port}/")


def stop_server(server: Server) -> None:
    """Ctrl+C, as an author stops it (MkDocs then removes its temporary site folder); killed if
    it does not stop in time."""
    process = server.process
    try:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def initiative_files(project: Path) -> list[Path]:
    return sorted((project / "initiatives").glob("*.yaml"))


def page_path(initiative_id: str) -> str:
    return f"initiatives/{initiative_id}/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve-live")
    project = copy_project(root / "project")
    first_page = page_path(initiative_files(project)[0].stem)

    def answers() -> str | None:
        status, _ = running.get(first_page)
        return None if status == 200 else f"HTTP {status} for /{first_page}"

    for attempt in range(3):  # the free port may be taken again before the server binds it
        running = start_server(project, root / f"serve-{attempt}.log")
        seen = running.poll_until(answers, START_TIMEOUT)
        if seen is None:
            break
        stop_server(running)
        if "Address already in use" not in running.log_text():
            pytest.fail(f"`mkdocs serve` did not start: {seen}\n{running.report()}")
    else:
        pytest.fail(f"`mkdocs serve` found no free port\n{running.report()}")
    try:
        yield running
    finally:
        stop_server(running)


# --- reading pages --------------------------------------------------------------------------------


def finding_items(soup: BeautifulSoup) -> list[str] | None:
    """The findings listed in the page's visible findings box; None when there is no box."""
    box = soup.select_one(".cireg-findings")
    if not isinstance(box, Tag) or not visible(box):
        return None
    return [shown_text(li) for li in box.find_all("li")]


def headings(soup: BeautifulSoup) -> list[str]:
    return [shown_text(h) for h in soup.select("article h1")]


def line_of(text: str, key: str) -> int:
    """1-based line number of the top-level `key:` line of an initiative's YAML."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    raise AssertionError(f"no top-level `{key}:` line")


def title_of(text: str) -> str:
    line = text.splitlines()[line_of(text, "title") - 1]
    return line.split(":", 1)[1].strip()


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[number - 1] = new + "\n"
    return "".join(lines)


def save_in_place(path: Path, text: str) -> None:
    """Save as many editors do: the file truncated and rewritten."""
    path.write_text(text, encoding="utf-8")
    time.sleep(0.3)  # saves apart, as a person makes them (the watcher debounces 0.1 s)


def save_atomically(path: Path, text: str, scratch: Path) -> None:
    """Save as editors with "safe write" do: a new file renamed over the old one. The new file
    is written outside the watched folder, so no half-written file is ever seen."""
    temporary = scratch / f".{path.name}.saving"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    time.sleep(0.3)


def shows_finding(
    server: Server, initiative_id: str, line: int, rule: str, *also_in_text: str
) -> Check:
    """The initiative's page is served, with a visible box listing `[rule]` at `line`."""

    def check() -> str | None:
        status, soup = server.get(page_path(initiative_id))
        if soup is None:
            return f"HTTP {status} for {initiative_id}"
        items = finding_items(soup)
        if items is None:
            return f"no visible findings box on {initiative_id}; headings {headings(soup)}"
        wanted = [
            i
            for i in items
            if i.startswith(f"{line}:") and f"[{rule}]" in i and all(t in i for t in also_in_text)
        ]
        return None if wanted else f"{initiative_id}: findings {items}"

    return check


def shows_clean_page(server: Server, initiative_id: str, title: str) -> Check:
    """The initiative's page is served with its title and without a findings box."""

    def check() -> str | None:
        status, soup = server.get(page_path(initiative_id))
        if soup is None:
            return f"HTTP {status} for {initiative_id}"
        items = finding_items(soup)
        if soup.select_one(".cireg-findings") is not None:
            return f"{initiative_id} still shows findings {items}"
        if headings(soup) != [title]:
            return f"{initiative_id}: headings {headings(soup)}, not [{title!r}]"
        return None

    return check


def backlog_row(server: Server, initiative_id: str, present: bool) -> Check:
    """The backlog page is served, with (or without) a row for the initiative."""

    def check() -> str | None:
        status, soup = server.get("backlog/")
        if soup is None:
            return f"HTTP {status} for the backlog"
        shown = [
            code.get_text() for code in soup.select("table.cireg-backlog td:nth-child(2) code")
        ]
        if (initiative_id in shown) == present:
            return None
        return f"the backlog {'lacks' if present else 'still has'} a row for {initiative_id}"

    return check


def all_of(*checks: Check) -> Check:
    def check() -> str | None:
        for one in checks:
            seen = one()
            if seen is not None:
                return seen
        return None

    return check


def rebuilds_settle(server: Server, quiet: float = 2.0, timeout: float = 20.0) -> None:
    """No rebuild loop: once the saves are done, the watcher goes quiet. (A plugin that wrote
    into a watched folder would rebuild for ever.)"""
    deadline = time.monotonic() + timeout
    count = server.log_text().count("Detected file changes")
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < quiet:
        if time.monotonic() > deadline:
            pytest.fail(f"the server keeps rebuilding with no file changed\n{server.report()}")
        time.sleep(POLL_EVERY)
        now = server.log_text().count("Detected file changes")
        if now != count:
            count, quiet_since = now, time.monotonic()


# --- the tests ------------------------------------------------------------------------------------


def test_broken_saves_are_shown_and_fixes_recover(server: Server) -> None:
    first, second = initiative_files(server.project)[:2]
    first_text = first.read_text(encoding="utf-8")
    second_text = second.read_text(encoding="utf-8")
    first_title, second_title = title_of(first_text), title_of(second_text)

    # 1. The reference initiatives are clean: title, no findings box.
    server.wait_for("the clean first page", shows_clean_page(server, first.stem, first_title))
    server.wait_for("the clean second page", shows_clean_page(server, second.stem, second_title))
    server.assert_healthy()

    owner_line = line_of(first_text, "owner")
    status_line = line_of(second_text, "status")
    try:
        # 2. Broken YAML: the server keeps going; the page and its backlog row stay, and the
        # page shows the syntax error at its line.
        save_in_place(first, replace_line(first_text, owner_line, "owner: Desk lead: main"))
        server.wait_for(
            "the syntax error on the page",
            shows_finding(server, first.stem, owner_line, "yaml-syntax"),
        )
        server.wait_for("the backlog row", backlog_row(server, first.stem, present=True))
        server.assert_healthy()

        # 3. A schema error in a second file while the first is still broken: both shown.
        save_in_place(second, replace_line(second_text, status_line, "status: finished"))
        server.wait_for(
            "both findings on their pages",
            all_of(
                shows_finding(server, second.stem, status_line, "schema", "finished"),
                shows_finding(server, first.stem, owner_line, "yaml-syntax"),
            ),
        )
        server.wait_for(
            "both backlog rows",
            all_of(
                backlog_row(server, first.stem, present=True),
                backlog_row(server, second.stem, present=True),
            ),
        )
        server.assert_healthy()
    finally:
        # 4. Fixed (one safe-write save, one in-place): both pages recover.
        save_atomically(first, first_text, server.project)
        save_in_place(second, second_text)
    server.wait_for(
        "both pages recovered",
        all_of(
            shows_clean_page(server, first.stem, first_title),
            shows_clean_page(server, second.stem, second_title),
        ),
    )
    server.assert_healthy()
    rebuilds_settle(server)
    server.assert_healthy()


def test_new_and_deleted_files_come_and_go(server: Server) -> None:
    source = initiative_files(server.project)[0]
    text = source.read_text(encoding="utf-8")
    new_id = "zz-added-while-serving"
    new_title = "Added while the server runs"
    added = source.with_name(f"{new_id}.yaml")
    new_text = replace_line(text, line_of(text, "title"), f"title: {new_title}")
    try:
        save_in_place(added, new_text)
        server.wait_for(
            "the new initiative's page",
            all_of(
                shows_clean_page(server, new_id, new_title),
                backlog_row(server, new_id, present=True),
            ),
        )
        server.assert_healthy()
    finally:
        added.unlink(missing_ok=True)

    def gone() -> str | None:
        # The backlog is read first: once it lacks the row, this rebuild has no page for the
        # file either, so a 404 is not just the site folder being cleaned mid-rebuild.
        seen = backlog_row(server, new_id, present=False)()
        if seen is not None:
            return seen
        status, _ = server.get(page_path(new_id))
        return None if status == 404 else f"HTTP {status} for the deleted {new_id}"

    server.wait_for("the deleted initiative gone", gone)
    server.assert_healthy()


def test_files_that_were_slow_to_check_or_render_never_hold_the_server(server: Server) -> None:
    """The hostile files whose checking or rendering once took seconds to hours each
    (hostile_corpus.SLOW_CASES), saved at once: their rebuild ends within the usual deadline,
    and so does the one that brings their fix. (A stalled rebuild never showed even the fix.)"""
    folder = server.project / "initiatives"
    names = [name for case in SLOW_CASES for name in case.files]
    ids = [name[: -len(".yaml")] for name in names]
    fixed_title = "Fixed while the server runs"

    def backlog_rows(present: bool) -> Check:
        def check() -> str | None:
            status, soup = server.get("backlog/")
            if soup is None:
                return f"HTTP {status} for the backlog"
            rows = soup.select("table.cireg-backlog td:nth-child(2) code")
            shown = {row.get_text() for row in rows}
            wrong = [i for i in ids if (i in shown) != present]
            if not wrong:
                return None
            return f"{len(wrong)} rows {'missing' if present else 'left'}, such as {wrong[:3]}"

        return check

    try:
        # Written beside the register, then moved in at once: one rebuild sees them all.
        scratch = server.project / "slow-files"
        scratch.mkdir()
        for case in SLOW_CASES:
            write_entries(scratch, case.files)
        for name in names:
            os.replace(scratch / name, folder / name)
        server.wait_for("the slow files in the backlog", backlog_rows(present=True))
        server.assert_healthy()
        for name in names:
            (folder / name).write_text(
                IDEA.replace("A small idea for the desk", fixed_title), encoding="utf-8"
            )
        server.wait_for(
            "their fixes on their pages",
            all_of(
                *(shows_clean_page(server, initiative_id, fixed_title) for initiative_id in ids)
            ),
        )
        server.assert_healthy()
    finally:
        for name in names:
            (folder / name).unlink(missing_ok=True)
    server.wait_for("the slow files gone", backlog_rows(present=False))
    server.assert_healthy()
