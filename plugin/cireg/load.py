"""The safe loader: YAML bytes in, plain data with positions out, or the problems met.

The bytes are checked first (size, encoding); libyaml (PyYAML's C parser) then parses them
and cireg.yaml_events builds the data from its events: YAML 1.2 core scalars, no aliases,
nesting counted, every key and value with its line and column (cireg.positions). What goes
wrong is recorded as facts (cireg.load_problems), which the rules of cireg.rules.loading
turn into findings.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.reader
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader as _Reader
from yaml.scanner import Scanner as _Scanner

from cireg.findings import START, Finding, Position
from cireg.load_problems import (
    ForbiddenCharacter,
    LoadProblem,
    NotRegularFile,
    NotUtf8,
    ParserError,
    TooBig,
    TooDeep,
    Unreadable,
    WideEncoding,
)
from cireg.positions import Key as Key
from cireg.positions import KeyPath, Positions, Start
from cireg.yaml_events import MAX_DEPTH as MAX_DEPTH
from cireg.yaml_events import MAX_SAFE_NUMBER as MAX_SAFE_NUMBER
from cireg.yaml_events import Abort, DocumentBuilder, UnsafeNumber
from cireg.yaml_scalars import resolve_plain as resolve_plain


class _PurePythonParser(_Reader, _Scanner, _PyParser):
    """PyYAML's pure-Python parser: no nesting limit of its own, events one at a time."""

    def __init__(self, stream: bytes) -> None:
        _Reader.__init__(self, stream)
        _Scanner.__init__(self)
        _PyParser.__init__(self)


_Parser: Any
try:  # the C parser is what makes loading fast; fall back so cireg still works without it
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = _PurePythonParser


MAX_BYTES = 256 * 1024


@dataclass
class Document:
    """A loaded initiative file: its data and where every part of it stands."""

    path: str
    data: Any
    positions: Positions = field(default_factory=Positions)
    # Every NaN, infinity or number beyond ±2^53 read, as (line, column, text), 0-based:
    # JSON Schema's types cannot see them, so the schema check reports them itself.
    unsafe_numbers: list[UnsafeNumber] = field(default_factory=list)

    # Until every caller asks `positions`:

    def paths_at(self, starts: Iterable[Start]) -> dict[Start, KeyPath]:
        return self.positions.paths_at(starts)

    def value_position(self, path: KeyPath) -> Position:
        return self.positions.value_position(path)

    def key_position(self, path: KeyPath) -> Position:
        return self.positions.key_position(path)

    def missing_key_position(self, mapping_path: KeyPath) -> Position:
        return self.positions.missing_key_position(mapping_path)


@dataclass(frozen=True)
class LoadResult:
    """One file loaded: its document, unless a problem stopped the loading, and every
    problem met, in the order met."""

    path: str  # as findings show it
    document: Document | None
    problems: list[LoadProblem]

    @property
    def findings(self) -> list[Finding]:
        """The problems as findings of the loader's rules."""
        # Imported here: importing cireg.rules imports every rule, and some of them the model,
        # which imports this module.
        from cireg.rules.loading import load_findings

        return load_findings(self.path, self.problems)


_UTF16_32_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)

# O_NOFOLLOW and O_NONBLOCK are POSIX; Windows has neither (and no FIFOs to block on).
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
)


def _position_in_bytes(data: bytes, offset: int) -> Position:
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Position(line, column)


def load_bytes(path: str, data: bytes) -> LoadResult:
    """Load one initiative file's bytes. Never raises on bad input: it reports problems."""
    if len(data) > MAX_BYTES:
        return LoadResult(path, None, [TooBig(START, len(data), MAX_BYTES)])
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_32_BOMS):
        return LoadResult(path, None, [WideEncoding(START)])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = _position_in_bytes(data, error.start)
        return LoadResult(path, None, [NotUtf8(where, data[error.start])])

    if _LIBYAML_BREAKS.search(data):
        data, restore = _hide_libyaml_breaks(data)
    else:
        restore = None
    result = _parse(path, data, _Parser, restore)
    if isinstance(result, _NestedTooDeepForLibyaml):
        # libyaml 0.2.5 stops at 1,000 levels, and in flow context its scanner reads that far
        # ahead before the builder meets the 33rd level. Everything up to where libyaml gave
        # up holds the 33rd level: parsed again, the builder reports it at its place.
        result = _parse(path, _up_to(data, result.line, result.column), _Parser, restore)
        if isinstance(result, _NestedTooDeepForLibyaml):  # pragma: no cover - cannot recur
            result = LoadResult(path, None, [TooDeep(START, MAX_DEPTH)])
    return result


class _NestedTooDeepForLibyaml:
    """libyaml refused the nesting at this 0-based line and column."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


def _up_to(data: bytes, line: int, column: int) -> bytes:
    """The bytes before a 0-based line and column (columns count characters)."""
    lines = data.decode("utf-8").split("\n")
    return "\n".join([*lines[:line], lines[line][:column]]).encode("utf-8")


# libyaml reads YAML 1.1, where NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR break lines;
# in YAML 1.2, in editors, git and GitHub they are ordinary characters. Hidden behind
# private-use stand-ins while parsing, they stay in values and count no lines.
_LIBYAML_BREAKS = re.compile("[\u0085\u2028\u2029]".encode())


def _hide_libyaml_breaks(data: bytes) -> tuple[bytes, dict[int, str]]:
    text = data.decode("utf-8")
    stand_ins = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
    hidden: dict[int, str] = {}
    restore: dict[int, str] = {}
    for character in "\u0085\u2028\u2029":
        if character in text:
            stand_in = next(stand_ins)
            hidden[ord(character)] = stand_in
            restore[ord(stand_in)] = character
    return text.translate(hidden).encode("utf-8"), restore


def _parse(
    path: str, data: bytes, parser_class: Any, restore: dict[int, str] | None
) -> LoadResult | _NestedTooDeepForLibyaml:
    builder = DocumentBuilder(restore)
    problems = builder.problems
    parser = parser_class(data)
    try:
        root = builder.build(parser)
    except Abort:
        return LoadResult(path, None, problems)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow at all
        where = _position_in_bytes(data, error.position)
        return LoadResult(path, None, [*problems, ForbiddenCharacter(where, error.character)])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if mark is not None and "maximum nesting depth" in str(getattr(error, "problem", "")):
            return _NestedTooDeepForLibyaml(mark.line, mark.column)
        where = Position(mark.line + 1, mark.column + 1) if mark is not None else START
        problem = getattr(error, "problem", None) or str(error)
        context = getattr(error, "context", None)
        return LoadResult(path, None, [*problems, ParserError(where, problem, context)])
    finally:
        parser.dispose()
    document = Document(path, root, builder.positions, builder.unsafe_numbers)
    return LoadResult(path, document, problems)


def load_file(path: str, display_path: str | None = None) -> LoadResult:
    """Read and load one file; reads at most one byte past the size cap."""
    shown = display_path or path
    data = read_file(path, shown)
    return data if isinstance(data, LoadResult) else load_bytes(shown, data)


def read_file(path: str, shown: str) -> bytes | LoadResult:
    """The bytes of one initiative file, or a LoadResult with the problem that it cannot be
    read (not a regular file, a link, too large)."""
    try:
        # The folder scan refused links and special files; opening without following links,
        # without blocking, then checking what was opened closes the gap in which the entry
        # could have been swapped for a link out of the register or a named pipe.
        descriptor = os.open(path, _OPEN_FLAGS)
        with open(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return LoadResult(shown, None, [NotRegularFile(START)])
            # Ask for the size the file has, not the cap: a 256 KiB buffer per file costs a
            # fresh mapping and its page faults. A file that grew meanwhile reads on.
            data = handle.read(min(status.st_size, MAX_BYTES) + 1)
            if len(data) > status.st_size:
                data += handle.read(MAX_BYTES + 1 - len(data))
            size = handle.seek(0, 2) if len(data) > MAX_BYTES else len(data)
    except OSError as error:
        problem = Unreadable(START, error.strerror, is_link=error.errno == errno.ELOOP)
        return LoadResult(shown, None, [problem])
    if size > MAX_BYTES:
        return LoadResult(shown, None, [TooBig(START, size, MAX_BYTES)])
    return data
