"""The schema modeline that `cireg init` and `cireg new` write, as an editor sees it: the Red Hat
YAML language server (npm `yaml-language-server`, pinned in tests/editor/package.json) driven
over LSP on its standard input and output.

The server is given no schema association of its own (no `yaml.schemas`, no schema store), so
whatever it knows of an initiative comes from the file's first line,
`# yaml-language-server: $schema=../schemas/initiative.schema.json`, resolved against the file's
own location. A file whose modeline points nowhere is checked too, so that the diagnostics
below cannot come from anywhere else.

Install the server with `npm ci --prefix tests/editor` (or point CIREG_YAML_LANGUAGE_SERVER at
a `yaml-language-server` script). Without Node.js or the server these tests are skipped with a
message saying so, unless CIREG_REQUIRE_EDITOR=1 (set by `.ci/run`): there they fail."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import pytest

import third_party
from conftest import REPO, TODAY_TEXT, run_cireg
from third_party import required

EDITOR_DIR = REPO / "tests" / "editor"
DEFAULT_SERVER = (
    EDITOR_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
)
INSTALL_HINT = "install it with `npm ci --prefix tests/editor`"
# Every wait on the server is bounded by this; nothing here should take more than a second.
TIMEOUT = 20.0
# The server validates 200 ms after a change and again when its settings arrive: diagnostics
# for a file are final once none have followed for this long.
SETTLE = 0.6

MODELINE = "# yaml-language-server: $schema=../schemas/initiative.schema.json\n"
BROKEN_MODELINE = "# yaml-language-server: $schema=../schemas/no-such.schema.json\n"
STATUSES = ("idea", "planned", "in-progress", "verifying", "done", "on-hold", "abandoned")
INITIATIVE_ID = "quicker-password-resets"

# What the client answers to the server's `workspace/configuration` requests, by section:
# validation, completion and hover on; no schema association and no schema store, so nothing
# is fetched from the network and only the modeline ties a file to a schema.
SETTINGS: dict[str, Any] = {
    "yaml": {
        "validate": True,
        "completion": True,
        "hover": True,
        "schemas": {},
        "schemaStore": {"enable": False},
        "kubernetesCRDStore": {"enable": False},
        "format": {"enable": False},
    },
    "http": {"proxy": "", "proxyStrictSSL": True},
    "[yaml]": {},
    "editor": {},
}

T = TypeVar("T")


# --- finding the server ----------------------------------------------------------------------


def editor_required() -> bool:
    return required("CIREG_REQUIRE_EDITOR")


def unavailable(reason: str) -> NoReturn:
    """Skip the editor tests with `reason`, or fail them where the server is required."""
    third_party.unavailable("editor tests", "CIREG_REQUIRE_EDITOR", reason)


def server_command() -> list[str]:
    """`node <yaml-language-server> --stdio`, or skip (fail under CIREG_REQUIRE_EDITOR)."""
    node = shutil.which("node")
    if node is None:
        unavailable(
            "Node.js is not installed (`node` is not on PATH); install Node.js and npm "
            f"(apt-get install nodejs npm), then {INSTALL_HINT.removeprefix('install it with ')}"
        )
    explicit = os.environ.get("CIREG_YAML_LANGUAGE_SERVER")
    server = Path(explicit) if explicit else DEFAULT_SERVER
    if not server.is_file():
        where = "CIREG_YAML_LANGUAGE_SERVER" if explicit else "tests/editor"
        unavailable(f"yaml-language-server is not at {server} ({where}); {INSTALL_HINT}")
    return [str(node), str(server), "--stdio"]


# --- a small LSP client ----------------------------------------------------------------------


class LspError(Exception):
    pass


@dataclass
class Published:
    """One `textDocument/publishDiagnostics` notification."""

    uri: str
    diagnostics: list[dict[str, Any]]


class LspClient:
    """JSON-RPC with Content-Length framing over a child's stdin and stdout.

    A reader thread parses what the server writes and answers its requests at once (the
    server waits on `workspace/configuration` before it validates); the test's thread sends
    and waits on a condition, never longer than `timeout`. The child is killed on `close`."""

    def __init__(self, command: list[str], cwd: Path, stderr_log: Path) -> None:
        self.stderr_log = stderr_log
        with open(stderr_log, "wb") as stderr:  # the child keeps its own copy
            self.process = subprocess.Popen(
                command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
            )
        self._write_lock = threading.Lock()
        self._changed = threading.Condition()
        self._next_id = 0
        self._responses: dict[int, dict[str, Any]] = {}
        self._closed: str | None = None
        self.published: list[Published] = []
        self.configuration_requests: list[list[dict[str, Any]]] = []
        self.log_messages: list[str] = []
        self.unanswered: list[str] = []  # server requests this client does not know
        self._opened: set[str] = set()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- wire

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        with self._write_lock:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()

    def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        reason = "the server closed its output"
        try:
            while True:
                headers: dict[str, str] = {}
                while True:
                    line = stdout.readline()
                    if not line:
                        raise EOFError
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers["content-length"])
                body = stdout.read(length)
                if len(body) < length:
                    raise EOFError
                self._dispatch(json.loads(body))
        except EOFError:
            pass
        except Exception as error:  # framing, JSON or a broken pipe: tell the waiting test
            reason = f"the conversation with the server broke ({error!r})"
        with self._changed:
            self._closed = reason
            self._changed.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is not None and "id" in message:
            self._answer(message["id"], method, message.get("params"))
            return
        with self._changed:
            if method == "textDocument/publishDiagnostics":
                params = message["params"]
                self.published.append(Published(params["uri"], params["diagnostics"]))
            elif method in ("window/logMessage", "window/showMessage"):
                self.log_messages.append(str(message["params"].get("message")))
            elif method is None:
                self._responses[message["id"]] = message
            self._changed.notify_all()

    def _answer(self, request_id: Any, method: str, params: Any) -> None:
        """Answer a request from the server."""
        if method == "workspace/configuration":
            items = params["items"]
            with self._changed:
                self.configuration_requests.append(items)
                self._changed.notify_all()
            result: Any = [SETTINGS.get(item.get("section", ""), {}) for item in items]
            self._send({"id": request_id, "result": result})
        elif method in ("client/registerCapability", "window/workDoneProgress/create"):
            self._send({"id": request_id, "result": None})
        else:
            self.unanswered.append(method)
            self._send(
                {"id": request_id, "error": {"code": -32601, "message": f"{method} unsupported"}}
            )

    # -- waiting

    def wait_for(self, found: Callable[[], T | None], what: str, timeout: float = TIMEOUT) -> T:
        """The first non-None value of `found()` (called under the lock), within `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = found()
                if value is not None:
                    return value
                if self._closed is not None:
                    raise LspError(f"{self._closed} while waiting for {what}{self.context()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"no {what} within {timeout:.0f} s{self.context()}")
                self._changed.wait(left)

    def context(self) -> str:
        """The server's own words, for a failure message."""
        try:
            stderr = self.stderr_log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            stderr = ""
        logged = "\n".join(self.log_messages[-10:])
        unanswered = ", ".join(self.unanswered) or "none"
        return (
            f"\nrequests from the server this client does not answer: {unanswered}"
            f"\nserver log:\n{logged}\nserver stderr:\n{stderr}"
        )

    # -- requests and notifications

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        with self._changed:
            self._next_id += 1
            request_id = self._next_id
        self._send({"id": request_id, "method": method, "params": params})
        response = self.wait_for(
            lambda: self._responses.pop(request_id, None), f"answer to {method}", timeout
        )
        if "error" in response:
            raise LspError(f"{method} failed: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def open(self, path: Path, text: str) -> str:
        """Open `path` with `text` (not necessarily what is on disk); returns its URI. Each
        test opens its own file, so the diagnostics published for it are its own."""
        uri = path.as_uri()
        assert uri not in self._opened, f"{uri} is open already"
        self._opened.add(uri)
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for `uri`: the last of those that arrive
        until none has followed for SETTLE seconds."""

        def count() -> int:
            return sum(1 for p in self.published if p.uri == uri)

        deadline = time.monotonic() + timeout
        seen = self.wait_for(lambda: count() or None, f"diagnostics for {uri}", timeout)
        with self._changed:
            quiet_until = time.monotonic() + SETTLE
            while True:
                now = time.monotonic()
                if count() > seen:
                    seen, quiet_until = count(), now + SETTLE
                if now >= min(quiet_until, deadline):
                    return [p for p in self.published if p.uri == uri][-1].diagnostics
                if self._closed is not None:
                    raise LspError(f"{self._closed} while reading diagnostics{self.context()}")
                self._changed.wait(min(quiet_until, deadline) - now)

    def close(self) -> None:
        """Shut the server down politely if it listens, then make sure it is gone."""
        try:
            if self._closed is None and self.process.poll() is None:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
                self.process.wait(timeout=5)
        except (LspError, OSError, ValueError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=5)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self._reader.join(timeout=5)


# --- fixtures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    root: Path
    folder: Path  # initiatives/
    new_file: Path  # what `cireg new` wrote

    @property
    def new_text(self) -> str:
        return self.new_file.read_text(encoding="utf-8")

    @property
    def schema(self) -> dict[str, Any]:
        """The register's copy of the schema, which the modeline points at."""
        text = (self.root / "schemas" / "initiative.schema.json").read_text(encoding="utf-8")
        schema: dict[str, Any] = json.loads(text)
        return schema


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    """A register made as a user makes one: `cireg init`, then `cireg new` inside it."""
    root = tmp_path_factory.mktemp("editor") / "register"
    made = run_cireg("init", str(root), "--today", TODAY_TEXT)
    assert made.returncode == 0, made.stderr
    added = run_cireg(
        "new",
        INITIATIVE_ID,
        "--title",
        "Quicker password resets for staff",
        "--owner",
        "Service Desk Manager",
        "--today",
        TODAY_TEXT,
        cwd=root,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    new_file = root / "initiatives" / f"{INITIATIVE_ID}.yaml"
    assert new_file.read_text(encoding="utf-8").startswith(MODELINE)
    assert (root / "schemas" / "initiative.schema.json").is_file()
    return Register(root, root / "initiatives", new_file)


@dataclass
class Server:
    client: LspClient
    info: dict[str, Any]  # serverInfo from initialize

    def open(self, path: Path, text: str) -> str:
        """Write `path` as an editor would have it and open it; returns its URI."""
        path.write_text(text, encoding="utf-8")
        return self.client.open(path, text)

    def diagnostics(self, path: Path, text: str) -> list[dict[str, Any]]:
        return self.client.diagnostics(self.open(path, text))

    def complete(self, path: Path, text: str, position: dict[str, int]) -> list[dict[str, Any]]:
        result = self.client.request(
            "textDocument/completion",
            {"textDocument": {"uri": self.open(path, text)}, "position": position},
        )
        return completion_items(result)


@pytest.fixture(scope="module")
def command() -> list[str]:
    """How to start the server; asked first, so that a missing one skips at once."""
    return server_command()


@pytest.fixture(scope="module")
def server(
    command: list[str], register: Register, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One yaml-language-server for the module, initialised on the register's folder."""
    log = tmp_path_factory.mktemp("editor-log") / "yaml-language-server.stderr"
    client = LspClient(command, register.root, log)
    try:
        try:
            result = client.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "clientInfo": {"name": "cireg-tests"},
                    "locale": "en",
                    "rootUri": register.root.as_uri(),
                    "workspaceFolders": [{"uri": register.root.as_uri(), "name": "register"}],
                    "capabilities": {
                        "workspace": {"configuration": True, "workspaceFolders": True},
                        "textDocument": {
                            "synchronization": {"dynamicRegistration": False},
                            "publishDiagnostics": {"relatedInformation": True},
                            "completion": {
                                "completionItem": {
                                    "snippetSupport": True,
                                    "documentationFormat": ["markdown", "plaintext"],
                                }
                            },
                            "hover": {"contentFormat": ["markdown", "plaintext"]},
                        },
                    },
                },
            )
        except LspError as error:  # the server is there but does not start
            unavailable(f"yaml-language-server ({' '.join(command)}) did not start: {error}")
        client.notify("initialized", {})
        # The server asks for its settings after `initialized`; files opened before the answer
        # would be validated with its defaults (and the schema store's catalogue fetched).
        client.wait_for(
            lambda: (
                any(
                    any(item.get("section") == "yaml" for item in items)
                    for items in client.configuration_requests
                )
                or None
            ),
            "workspace/configuration request",
        )
        yield Server(client, result.get("serverInfo", {}))
    finally:
        client.close()


# --- helpers ---------------------------------------------------------------------------------


def line_of(text: str, prefix: str) -> int:
    """The 0-based number of the one line of `text` that starts with `prefix`."""
    found = [n for n, line in enumerate(text.splitlines()) if line.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r} is on lines {found} of:\n{text}"
    return found[0]


def with_mistakes(text: str) -> str:
    """`text` with an unknown status and a misspelt key beside the title."""
    assert "\nstatus: idea\n" in text
    text = text.replace("\nstatus: idea\n", "\nstatus: someday\n")
    return re.sub(r"(\ntitle: .*\n)", r"\1titel: A misspelt key\n", text, count=1)


def schema_messages(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [d["message"] for d in diagnostics]


def shown(diagnostics: Any) -> str:
    return json.dumps(diagnostics, indent=1)


def on_line(diagnostics: list[dict[str, Any]], line: int) -> list[dict[str, Any]]:
    return [d for d in diagnostics if d["range"]["start"]["line"] == line]


def completion_items(result: Any) -> list[dict[str, Any]]:
    if result is None:
        return []
    return list(result["items"] if isinstance(result, dict) else result)


def documentation_text(item: dict[str, Any]) -> str:
    documentation = item.get("documentation", "")
    if isinstance(documentation, dict):
        documentation = documentation.get("value", "")
    return str(documentation)


def hover_text(result: Any) -> str:
    contents = (result or {}).get("contents", "")
    parts = contents if isinstance(contents, list) else [contents]
    return "\n".join(p.get("value", "") if isinstance(p, dict) else str(p) for p in parts)


_PLACEHOLDER = re.compile(r"\$\{\d+:((?:[^}\\]|\\.)*)\}|\$\{\d+\|([^,|]*)[^}]*\|\}|\$\d+")


def expand_snippet(snippet: str) -> str:
    """The text an editor leaves when each placeholder keeps its default (the first choice)."""

    def default(match: re.Match[str]) -> str:
        return match.group(1) or match.group(2) or ""

    return re.sub(r"\\([$}\\])", r"\1", _PLACEHOLDER.sub(default, snippet))


def snippet_item(items: list[dict[str, Any]], snippet: dict[str, Any]) -> dict[str, Any]:
    """The completion item made from one of the schema's `defaultSnippets`."""
    made = [
        item
        for item in items
        if item["label"] == snippet["label"]
        and documentation_text(item) == snippet["description"]
        and item.get("insertTextFormat") == 2  # a snippet, with placeholders
    ]
    assert len(made) == 1, json.dumps(items, indent=1)
    return made[0]


def accept(item: dict[str, Any], text: str) -> str:
    """`text` (whose last line ends where completion was asked for) after accepting `item`
    with every placeholder at its default. As an editor does, the snippet's further lines
    are indented as deep as the line it goes into."""
    inserted = item.get("textEdit", {}).get("newText") or item.get("insertText") or item["label"]
    last = text.rsplit("\n", 1)[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return text + expand_snippet(inserted).replace("\n", "\n" + indent) + "\n"


def end_of(text: str) -> dict[str, int]:
    """The LSP position at the end of `text`."""
    lines = text.split("\n")
    return {"line": len(lines) - 1, "character": len(lines[-1])}


# --- tests ---------------------------------------------------------------------------------


def test_the_server_is_the_pinned_one(server: Server) -> None:
    if os.environ.get("CIREG_YAML_LANGUAGE_SERVER"):
        pytest.skip("CIREG_YAML_LANGUAGE_SERVER chooses another server")
    package = json.loads((EDITOR_DIR / "package.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["yaml-language-server"]
    assert server.info.get("version") == pinned, (
        f"tests/editor has yaml-language-server {server.info.get('version')}, "
        f"package.json pins {pinned}: run `npm ci --prefix tests/editor`"
    )


def test_a_new_initiative_has_no_diagnostics(server: Server, register: Register) -> None:
    uri = server.client.open(register.new_file, register.new_text)
    diagnostics = server.client.diagnostics(uri)
    assert diagnostics == [], shown(diagnostics)


def test_mistakes_are_reported_on_their_lines_from_the_schema(
    server: Server, register: Register
) -> None:
    text = with_mistakes(register.new_text)
    diagnostics = server.diagnostics(register.folder / "with-mistakes.yaml", text)

    status = on_line(diagnostics, line_of(text, "status: "))
    assert len(status) == 1, shown(diagnostics)
    # The enum's values are in the message: they can only have come from our schema.
    assert all(f'"{value}"' in status[0]["message"] for value in STATUSES), shown(status)
    assert status[0]["range"]["start"]["character"] == len("status: "), shown(status)

    misspelt = on_line(diagnostics, line_of(text, "titel: "))
    assert len(misspelt) == 1, shown(diagnostics)
    assert misspelt[0]["message"] == "Property titel is not allowed.", shown(misspelt)
    assert misspelt[0]["range"]["start"]["character"] == 0, shown(misspelt)
    assert len(diagnostics) == 2, shown(diagnostics)

    # Each names the schema it comes from: the register's copy, which the modeline's
    # relative path leads to.
    schema_uri = (register.root / "schemas" / "initiative.schema.json").as_uri()
    for diagnostic in diagnostics:
        assert str(diagnostic.get("source")).startswith("yaml-schema: "), shown(diagnostic)
        assert schema_uri in diagnostic.get("data", {}).get("schemaUri", []), shown(diagnostic)


def test_without_the_schema_the_same_mistakes_go_unreported(
    server: Server, register: Register
) -> None:
    text = BROKEN_MODELINE + with_mistakes(register.new_text).removeprefix(MODELINE)
    diagnostics = server.diagnostics(register.folder / "broken-modeline.yaml", text)

    messages = "\n".join(d["message"] for d in diagnostics)
    assert "someday" not in messages and "idea" not in messages, shown(diagnostics)
    assert "titel" not in messages, shown(diagnostics)
    # All the server can say is that it could not load the schema.
    assert diagnostics, "the broken modeline went unnoticed"
    for diagnostic in diagnostics:
        assert "Unable to load schema" in diagnostic["message"], shown(diagnostics)
        assert "no-such.schema.json" in diagnostic["message"], shown(diagnostics)


def test_completion_offers_the_schemas_keys_with_their_descriptions(
    server: Server, register: Register
) -> None:
    original = register.new_text
    review = line_of(original, "review_by: ")
    lines = original.splitlines(keepends=True)
    # An empty line at the top level, below the keys `cireg new` wrote.
    text = "".join([*lines[: review + 1], "\n", *lines[review + 1 :]])
    found = server.complete(
        register.folder / "completing-keys.yaml", text, {"line": review + 1, "character": 0}
    )
    items = {item["label"]: item for item in found}
    properties = register.schema["properties"]
    for key in ("priority", "kpis", "raised_by", "current_state"):
        assert key in items, sorted(items)
        assert documentation_text(items[key]) == properties[key]["markdownDescription"], items[key]
    # Keys the file has already are not offered again.
    assert "title" not in items and "vision" not in items, sorted(items)


def test_completion_in_an_empty_file_offers_the_new_initiative_snippet(
    server: Server, register: Register
) -> None:
    snippet = register.schema["defaultSnippets"][0]
    assert snippet["label"] == "New initiative (idea)"
    text = MODELINE
    found = server.complete(register.folder / "empty.yaml", text, end_of(text))
    item = snippet_item(found, snippet)
    assert "${1:What the initiative improves}" in item.get("insertText", ""), item

    # Accepted as it comes (every placeholder at its default), it makes a file the server
    # finds nothing wrong with.
    filled = accept(item, text)
    diagnostics = server.diagnostics(register.folder / "from-the-snippet.yaml", filled)
    assert diagnostics == [], filled + shown(diagnostics)


# Where in a file each definition's items go: a list left open at its first item.
ITEM_PLACES = {
    "kpi": "kpis:\n  - ",
    "measurement": (
        "kpis:\n  - id: first-kpi\n    name: Tickets reopened\n    unit: tickets per week\n"
        "    direction: decrease\n    measurements:\n      - "
    ),
    "objective": "target_state:\n  objectives:\n    - ",
    "action": "plan:\n  approach: One step at a time\n  actions:\n    - ",
    "log_entry": "execution:\n  started_on: 2026-11-01\n  log:\n    - ",
}


@pytest.mark.parametrize("definition", ITEM_PLACES)
def test_completion_in_a_list_offers_its_items_snippet(
    server: Server, register: Register, definition: str
) -> None:
    snippet = register.schema["$defs"][definition]["defaultSnippets"][0]
    text = register.new_text + ITEM_PLACES[definition]
    found = server.complete(register.folder / f"item-{definition}.yaml", text, end_of(text))
    item = snippet_item(found, snippet)

    filled = accept(item, text)
    diagnostics = server.diagnostics(register.folder / f"with-{definition}.yaml", filled)
    assert diagnostics == [], filled + shown(diagnostics)


def test_hover_on_status_shows_its_description(server: Server, register: Register) -> None:
    text = register.new_text
    uri = server.open(register.folder / "hovering.yaml", text)
    result = server.client.request(
        "textDocument/hover",
        {
            "textDocument": {"uri": uri},
            "position": {"line": line_of(text, "status: "), "character": 2},
        },
    )
    shown_text = hover_text(result)
    assert register.schema["properties"]["status"]["markdownDescription"] in shown_text, result
    # ... and says where it comes from: the register's schema file.
    schema_uri = (register.root / "schemas" / "initiative.schema.json").as_uri()
    assert f"({schema_uri})" in shown_text, result
