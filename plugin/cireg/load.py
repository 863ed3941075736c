"""The safe loader: YAML bytes in, plain data with positions out, or findings.

It drives libyaml's event stream (PyYAML's C parser) itself instead of PyYAML's composer
and constructor, for four reasons:

* safety: an alias is rejected the moment it appears, so an alias bomb costs nothing, and
  nesting is counted as events arrive, so a 100,000-deep file never reaches a recursive
  composer (PyYAML's C composer overflows the C stack on such input);
* YAML 1.2 core scalars: only ``true``/``false`` are booleans, dates stay strings;
* positions: every key and value keeps its line and column for findings;
* speed: one pass over the events is faster than composing nodes and constructing them.
"""

from __future__ import annotations

import codecs
import errno
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from sys import intern
from typing import Any

import yaml
import yaml.reader
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader as _Reader
from yaml.scanner import Scanner as _Scanner

from cireg.findings import START, Finding, Position, make_finding


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
MAX_DEPTH = 32

# Numbers must survive a round trip through JSON and JavaScript exactly.
MAX_SAFE_NUMBER = 2**53

Key = str | int
# A mapping entry: (key line, key column, value line, value column), 0-based as libyaml gives.
EntrySpan = tuple[int, int, int, int]
# A packed span holds 0-based lines and columns of 20 bits each: a file is at most 256 KiB,
# so no line or column reaches 2^20.
_SPAN_BITS = 20
_SPAN_MASK = (1 << _SPAN_BITS) - 1
# A sequence item: (value line, value column), 0-based.
ItemSpan = tuple[int, int]


@dataclass
class Document:
    """A loaded initiative file: its data and where every part of it stands."""

    path: str
    data: Any
    root_span: ItemSpan = (0, 0)
    # id(dict or list) -> where its entries or items stand; the containers stay alive in
    # `data`, so their ids are stable for the life of the document. Each span is packed
    # into one int (see _span_of): a register keeps thousands of documents, and four-tuples
    # of line numbers cost four times the memory.
    spans: dict[int, Any] = field(default_factory=dict)
    # Every NaN, infinity or number beyond ±2^53 read, as (line, column, text), 0-based:
    # JSON Schema's types cannot see them, so the schema check reports them itself.
    unsafe_numbers: list[tuple[int, int, str]] = field(default_factory=list)

    def paths_at(self, starts: Iterable[ItemSpan]) -> dict[ItemSpan, tuple[Key, ...]]:
        """The paths of the values that start at the given 0-based lines and columns, all found
        in one walk of the document: a walk for each would cost the square of its size."""
        wanted = set(starts)
        found: dict[ItemSpan, tuple[Key, ...]] = {}
        if self.root_span in wanted:
            found[self.root_span] = ()
        pending: list[tuple[tuple[Key, ...], Any]] = [((), self.data)]
        while pending and len(found) < len(wanted):
            path, node = pending.pop()
            if not isinstance(node, (dict, list)):
                continue
            keys = node.keys() if isinstance(node, dict) else range(len(node))
            for key in keys:
                _kl, _kc, value_line, value_column = self._span_of(node, key)
                if (value_line, value_column) in wanted:
                    found.setdefault((value_line, value_column), (*path, key))
                pending.append(((*path, key), node[key]))
        return found

    def _walk(self, path: tuple[Key, ...]) -> Iterator[tuple[Any, Key, Any]]:
        """Yield (container, key, child) along `path` for as long as the path exists."""
        node = self.data
        for key in path:
            in_mapping = isinstance(node, dict) and isinstance(key, str) and key in node
            in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
            if not (in_mapping or in_list):
                return
            child = node[key]
            yield node, key, child
            node = child

    def _span_of(self, container: Any, key: Key) -> EntrySpan:
        span = self.spans[id(container)][key]
        if isinstance(container, list):
            line, column = span >> _SPAN_BITS, span & _SPAN_MASK
            return (line, column, line, column)
        return (
            span >> 3 * _SPAN_BITS,
            span >> 2 * _SPAN_BITS & _SPAN_MASK,
            span >> _SPAN_BITS & _SPAN_MASK,
            span & _SPAN_MASK,
        )

    def value_position(self, path: tuple[Key, ...]) -> Position:
        """Where the value at `path` stands, or the deepest part of the path that exists."""
        line, column = self.root_span
        for container, key, _child in self._walk(path):
            _kl, _kc, line, column = self._span_of(container, key)
        return Position(line + 1, column + 1)

    def key_position(self, path: tuple[Key, ...]) -> Position:
        """Where the key of `path` stands (a list item's own start for an index)."""
        if not path:
            return START
        line, column = self.root_span
        for container, key, _child in self._walk(path):
            line, column, _vl, _vc = self._span_of(container, key)
        return Position(line + 1, column + 1)

    def missing_key_position(self, mapping_path: tuple[Key, ...]) -> Position:
        """Where to point for a key missing from the mapping at `mapping_path`.

        The spec says: the key of the mapping that should hold it, and line 1, column 1 for a
        missing top-level key or step."""
        return self.key_position(mapping_path) if mapping_path else START


@dataclass
class LoadResult:
    document: Document | None
    findings: list[Finding]


class _Abort(Exception):
    """Loading cannot go on; the finding that says why has been recorded."""


_UTF16_32_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema)
_NULLS = frozenset(("~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = frozenset((".nan", ".NaN", ".NAN"))
_MAYBE_NOT_STRING = frozenset("~nNtTfF-+.0123456789")
# Past this many digits an integer is far outside the safe range; Python refuses to parse
# integers of more than 4,300 digits, so never try.
_MAX_INTEGER_DIGITS = 40

# O_NOFOLLOW and O_NONBLOCK are POSIX; Windows has neither (and no FIFOs to block on).
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
)

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT_TAG, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_COLLECTION_TAGS = frozenset((None, "!", _TAG + "map", _TAG + "seq"))


def _decimal(text: str) -> int | float:
    digits = text.lstrip("+-")
    if len(digits) > _MAX_INTEGER_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if not text:
        return None
    if text[0] not in _MAYBE_NOT_STRING:
        return text
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if _DECIMAL.fullmatch(text):
        return _decimal(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8) if len(text) <= _MAX_INTEGER_DIGITS else math.inf
    if _HEX.fullmatch(text):
        return int(text[2:], 16) if len(text) <= _MAX_INTEGER_DIGITS else math.inf
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if text in _NAN:
        return math.nan
    return text


def _resolve_tagged(text: str, tag: str) -> Any:
    """The value of a scalar with an explicit core tag such as ``!!str``; raises ValueError."""
    if tag == _STR:
        return text
    value = resolve_plain(text)
    wanted = {_INT: (int,), _FLOAT_TAG: (int, float), _BOOL: (bool,), _NULL: (type(None),)}[tag]
    if isinstance(value, bool) and bool not in wanted:
        raise ValueError(text)
    if not isinstance(value, wanted):
        raise ValueError(text)
    return float(value) if tag == _FLOAT_TAG else value  # type: ignore[arg-type]


def _position_in_bytes(data: bytes, offset: int) -> Position:
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Position(line, column)


_SYNTAX_HINTS = (
    ("tab character", "a tab character where YAML expects spaces: indent with spaces only"),
    ("'\\t'", "a tab character where YAML expects spaces: indent with spaces only"),
    (
        "mapping values are not allowed",
        "a `: ` here cannot start a key; put text that contains `: ` in quotes",
    ),
)


def _syntax_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            return f"invalid YAML: {hint}"
    text = f"invalid YAML: {problem}"
    return f"{text} ({context})" if context else text


def load_bytes(path: str, data: bytes) -> LoadResult:
    """Load one initiative file's bytes. Never raises on bad input: problems are findings."""
    findings: list[Finding] = []

    def fail(where: Position, rule: str, message: str) -> LoadResult:
        findings.append(make_finding(path, where, rule, message))
        return LoadResult(None, findings)

    if len(data) > MAX_BYTES:
        return LoadResult(None, [_too_large(path, len(data))])
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_32_BOMS):
        return fail(START, "yaml-syntax", "the file is UTF-16 or UTF-32; save it as UTF-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return fail(
            _position_in_bytes(data, error.start),
            "yaml-syntax",
            f"the file is not UTF-8: byte 0x{data[error.start]:02x} cannot start or continue a "
            "UTF-8 character; save the file as UTF-8",
        )

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
            result = LoadResult(None, [_too_deep(path, START)])
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
    findings: list[Finding] = []

    def fail(where: Position, rule: str, message: str) -> LoadResult:
        findings.append(make_finding(path, where, rule, message))
        return LoadResult(None, findings)

    builder = _Builder(path, findings, restore)
    parser = parser_class(data)
    try:
        document = builder.build(parser)
    except _Abort:
        return LoadResult(None, findings)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow at all
        return fail(
            _position_in_bytes(data, error.position),
            "yaml-syntax",
            f"invalid YAML: the character U+{error.character:04X} is not allowed in a YAML file "
            "(control characters other than tab and line breaks)",
        )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if mark is not None and "maximum nesting depth" in str(getattr(error, "problem", "")):
            return _NestedTooDeepForLibyaml(mark.line, mark.column)
        where = Position(mark.line + 1, mark.column + 1) if mark is not None else START
        return fail(where, "yaml-syntax", _syntax_message(error))
    finally:
        parser.dispose()
    return LoadResult(document, findings)


def load_file(path: str, display_path: str | None = None) -> LoadResult:
    """Read and load one file; reads at most one byte past the size cap."""
    shown = display_path or path
    data = read_file(path, shown)
    return data if isinstance(data, LoadResult) else load_bytes(shown, data)


def read_file(path: str, shown: str) -> bytes | LoadResult:
    """The bytes of one initiative file, or a LoadResult with the finding that it cannot be
    read (not a regular file, a link, too large)."""
    try:
        # The folder scan refused links and special files; opening without following links,
        # without blocking, then checking what was opened closes the gap in which the entry
        # could have been swapped for a link out of the register or a named pipe.
        descriptor = os.open(path, _OPEN_FLAGS)
        with open(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                message = "the file cannot be read: it is not a regular file"
                return LoadResult(None, [make_finding(shown, START, "yaml-syntax", message)])
            # Ask for the size the file has, not the cap: a 256 KiB buffer per file costs a
            # fresh mapping and its page faults. A file that grew meanwhile reads on.
            data = handle.read(min(status.st_size, MAX_BYTES) + 1)
            if len(data) > status.st_size:
                data += handle.read(MAX_BYTES + 1 - len(data))
            size = handle.seek(0, 2) if len(data) > MAX_BYTES else len(data)
    except OSError as error:
        reason = "it is a symbolic link" if error.errno == errno.ELOOP else error.strerror
        message = f"the file cannot be read: {reason}"
        return LoadResult(None, [make_finding(shown, START, "yaml-syntax", message)])
    if size > MAX_BYTES:
        return LoadResult(None, [_too_large(shown, size)])
    return data


def _too_deep(path: str, where: Position) -> Finding:
    return make_finding(
        path,
        where,
        "too-large",
        f"nesting is deeper than {MAX_DEPTH} levels; an initiative never needs that many",
    )


def _too_large(path: str, size: int) -> Finding:
    return make_finding(
        path,
        START,
        "too-large",
        f"the file is {size:,} bytes; an initiative file may be at most {MAX_BYTES:,} bytes "
        "(256 KiB)",
    )


class _Builder:
    """Turns one event stream into a Document, recording findings as it goes."""

    def __init__(
        self, path: str, findings: list[Finding], restore: dict[int, str] | None = None
    ) -> None:
        self.path = path
        self.findings = findings
        # stand-in -> the character it hides (see _hide_libyaml_breaks), or None
        self.restore = restore
        self.first_anchor: tuple[Any, str] | None = None
        self.unsafe_numbers: list[tuple[int, int, str]] = []

    def _finding(self, mark: Any, rule: str, message: str) -> None:
        self.findings.append(
            make_finding(self.path, Position(mark.line + 1, mark.column + 1), rule, message)
        )

    def _abort(self, mark: Any, rule: str, message: str) -> _Abort:
        self._finding(mark, rule, message)
        return _Abort()

    def _scalar_value(self, event: ScalarEvent) -> Any:
        tag = event.tag
        text = event.value if self.restore is None else event.value.translate(self.restore)
        if tag is None:
            return resolve_plain(text) if event.implicit[0] else text
        if tag == "!":  # the non-specific tag: a string
            return text
        if tag in (_STR, _INT, _FLOAT_TAG, _BOOL, _NULL):
            try:
                return _resolve_tagged(text, tag)
            except ValueError:
                raise self._abort(
                    event.start_mark,
                    "yaml-syntax",
                    f"`{_short(text)}` is not a valid {tag[len(_TAG) :]} for its tag "
                    f"`{_shown_tag(tag)}`",
                ) from None
        raise self._tag_refused(event.start_mark, tag)

    def _tag_refused(self, mark: Any, tag: str) -> _Abort:
        # Keys too: a tag on a key is how `!!python/name:` payloads try to slip through.
        return self._abort(
            mark,
            "yaml-syntax",
            f"the tag `{_shown_tag(tag)}` is not supported; remove it (initiative files use "
            "plain YAML)",
        )

    def _check_anchor(self, event: Any) -> None:
        # An anchor is reported only if no alias follows: the alias is what the spec points at.
        if self.first_anchor is None:
            self.first_anchor = (event.start_mark, event.anchor)

    def build(self, parser: Any) -> Document | None:
        get_event = parser.get_event
        restore = self.restore
        get_event()  # StreamStartEvent
        first = get_event()
        if isinstance(first, StreamEndEvent):
            return Document(self.path, None)
        spans: dict[int, Any] = {}
        stack: list[tuple[Any, Any]] = []  # (container, its spans) of the enclosing levels
        container: Any = None
        container_spans: Any = None
        is_mapping = False
        key: str | None = None
        key_line = key_column = 0
        root: Any = None
        root_span: ItemSpan = (0, 0)
        depth = 0
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                if event.anchor is not None:
                    self._check_anchor(event)
                mark = event.start_mark
                if is_mapping and key is None:
                    if event.tag is not None:
                        raise self._tag_refused(mark, event.tag)
                    key = event.value if restore is None else event.value.translate(restore)
                    # The same few dozen keys recur in every file of a register: one string
                    # each, not one per occurrence.
                    key = key if len(key) > 40 else intern(key)
                    key_line, key_column = mark.line, mark.column
                    continue
                value = self._scalar_value(event)
                is_number = value.__class__ is float or value.__class__ is int
                if is_number and not -MAX_SAFE_NUMBER <= value <= MAX_SAFE_NUMBER:  # and NaN
                    self.unsafe_numbers.append((mark.line, mark.column, event.value))
                is_collection = False
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None:
                    self._check_anchor(event)
                mark = event.start_mark
                if is_mapping and key is None:
                    raise self._abort(
                        mark, "yaml-syntax", "a key must be a plain word, not a list or mapping"
                    )
                if event.tag not in _COLLECTION_TAGS:
                    raise self._tag_refused(mark, event.tag)
                depth += 1
                if depth > MAX_DEPTH:
                    position = Position(mark.line + 1, mark.column + 1)
                    self.findings.append(_too_deep(self.path, position))
                    raise _Abort()
                value = {} if cls is MappingStartEvent else []
                is_collection = True
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                depth -= 1
                container, container_spans = stack.pop()
                is_mapping = container.__class__ is dict
                if container is None:
                    break
                continue
            elif cls is AliasEvent:
                raise self._abort(
                    event.start_mark,
                    "alias",
                    f"anchors and aliases are not allowed; replace the alias `*{event.anchor}` "
                    "with the value itself",
                )
            else:  # pragma: no cover - libyaml sends nothing else inside a document
                break

            if container is None:
                root = value
                root_span = (mark.line, mark.column)
            elif is_mapping:
                if key in container:
                    self.findings.append(
                        make_finding(
                            self.path,
                            Position(key_line + 1, key_column + 1),
                            "duplicate-key",
                            f"the key `{_short(key or '')}` appears twice in this mapping; "
                            "the first one is used",
                        )
                    )
                else:
                    container[key] = value
                    container_spans[key] = (
                        key_line << 60 | key_column << 40 | mark.line << 20 | mark.column
                    )
                key = None
            else:
                container.append(value)
                container_spans.append(mark.line << 20 | mark.column)

            if is_collection:
                stack.append((container, container_spans))
                container = value
                container_spans = {} if cls is MappingStartEvent else []
                spans[id(value)] = container_spans
                is_mapping = cls is MappingStartEvent
            elif container is None:
                break  # a scalar document

        if self.first_anchor is not None:
            mark, anchor = self.first_anchor
            self._finding(
                mark,
                "alias",
                f"anchors and aliases are not allowed; remove the anchor `&{anchor}`",
            )
        get_event()  # DocumentEndEvent
        following = get_event()
        if isinstance(following, DocumentStartEvent):
            raise self._abort(
                following.start_mark,
                "yaml-syntax",
                "a second YAML document starts here; an initiative file holds exactly one",
            )
        return Document(self.path, root, root_span, spans, self.unsafe_numbers)


def _shown_tag(tag: str) -> str:
    """A tag as it is written in the file: `!!int`, not `tag:yaml.org,2002:int`."""
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else _short(tag)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
