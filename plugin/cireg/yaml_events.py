"""From libyaml's event stream to plain data and its positions, in one pass.

Driving the events directly, instead of PyYAML's composer and constructor, is what makes the
loader safe and fast: an alias is refused the moment it appears, so an alias bomb costs
nothing; nesting is counted as events arrive, so a 100,000-deep file never reaches a
recursive composer; every key and value keeps its line and column; and one pass over the
events is faster than composing nodes and constructing them."""

from __future__ import annotations

from sys import intern
from typing import Any

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

from cireg.findings import Position
from cireg.load_problems import (
    Alias,
    Anchor,
    BadTaggedValue,
    ComplexKey,
    DuplicateKey,
    LoadProblem,
    SecondDocument,
    TooDeep,
    UnsupportedTag,
)
from cireg.positions import Key, KeyPath, Positions
from cireg.yaml_scalars import CORE_SCALAR_TAGS, TAG_PREFIX, resolve_plain, resolve_tagged

MAX_DEPTH = 32
# Numbers must survive a round trip through JSON and JavaScript exactly.
MAX_SAFE_NUMBER = 2**53

# A NaN, an infinity or a number beyond ±2^53 as read: 0-based line and column, and its text.
UnsafeNumber = tuple[int, int, str]

_COLLECTION_TAGS = frozenset((None, "!", TAG_PREFIX + "map", TAG_PREFIX + "seq"))
# Keys this long are not interned: the same few dozen short keys recur in every file.
_INTERNED_KEY_LENGTH = 40


class Abort(Exception):
    """Loading cannot go on; the problem that says why has been recorded."""


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Open:
    """A mapping or list being read: its value so far and where its entries stand."""

    __slots__ = ("key", "key_mark", "keys", "path", "spans", "value")

    def __init__(self, value: Any, path: KeyPath | None, keys: dict[str, int] | None) -> None:
        self.value = value
        # Its key path; None inside the value of a repeated key, which the data leaves out.
        self.path = path
        self.keys = keys  # a mapping's keys in order, numbered from 0; None for a list
        # For each entry: its key's line and column, then its value's (see Positions).
        self.spans: list[int] = []
        self.key: str | None = None  # a mapping's key whose value comes next
        self.key_mark: Any = None  # where that key starts


class DocumentBuilder:
    """Turns one event stream into data and positions, recording problems as it goes."""

    def __init__(self, restore: dict[int, str] | None = None) -> None:
        # stand-in -> the character it hides (see cireg.load), or None
        self.restore = restore
        self.problems: list[LoadProblem] = []
        self.unsafe_numbers: list[UnsafeNumber] = []
        self.positions = Positions()
        self._first_anchor: Anchor | None = None
        self._open: _Open | None = None  # the innermost mapping or list being read
        # the mappings and lists around it, outermost first: as many as the nesting depth
        self._enclosing: list[_Open | None] = []
        self._root: Any = None

    def build(self, parser: Any) -> Any:
        """The data of the one document the parser reads; raises Abort, or the parser's
        yaml.YAMLError."""
        get_event = parser.get_event
        get_event()  # StreamStartEvent
        if isinstance(get_event(), StreamEndEvent):
            return None
        self._read(get_event)
        if self._first_anchor is not None:
            self.problems.append(self._first_anchor)
        get_event()  # DocumentEndEvent
        following = get_event()
        if isinstance(following, DocumentStartEvent):
            raise self._abort(SecondDocument(_position(following.start_mark)))
        return self._root

    def _read(self, get_event: Any) -> None:
        """Read the events of the document's value, up to its end."""
        restore = self.restore
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                if event.anchor is not None:
                    self._anchor(event)
                current = self._open
                if current is not None and current.keys is not None and current.key is None:
                    if event.tag is not None:
                        raise self._tag_refused(event.start_mark, event.tag)
                    key = event.value if restore is None else event.value.translate(restore)
                    current.key = key if len(key) > _INTERNED_KEY_LENGTH else intern(key)
                    current.key_mark = event.start_mark
                    continue
                self._place(self._scalar(event), event.start_mark)
                if current is None:
                    return  # a scalar document
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                self._start(event, cls is MappingStartEvent)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if self._end():
                    return
            elif cls is AliasEvent:
                raise self._abort(Alias(_position(event.start_mark), event.anchor))
            else:  # pragma: no cover - libyaml sends nothing else inside a document
                return

    def _scalar(self, event: Any) -> Any:
        """The value of a scalar; an unsafe number is noted for the schema check."""
        if event.tag is None and self.restore is None:  # most scalars: plain, or quoted
            value = resolve_plain(event.value) if event.implicit[0] else event.value
        else:
            value = self._scalar_value(event)
        is_number = value.__class__ is float or value.__class__ is int
        if is_number and not -MAX_SAFE_NUMBER <= value <= MAX_SAFE_NUMBER:  # and NaN
            mark = event.start_mark
            self.unsafe_numbers.append((mark.line, mark.column, event.value))
        return value

    def _scalar_value(self, event: Any) -> Any:
        tag = event.tag
        text = event.value if self.restore is None else event.value.translate(self.restore)
        if tag is None:
            return resolve_plain(text) if event.implicit[0] else text
        if tag == "!":  # the non-specific tag: a string
            return text
        if tag in CORE_SCALAR_TAGS:
            try:
                return resolve_tagged(text, tag)
            except ValueError:
                raise self._abort(BadTaggedValue(_position(event.start_mark), text, tag)) from None
        raise self._tag_refused(event.start_mark, tag)

    def _start(self, event: Any, is_mapping: bool) -> None:
        """A mapping or list starts: place it in the one around it and read on inside it."""
        if event.anchor is not None:
            self._anchor(event)
        mark = event.start_mark
        current = self._open
        if current is not None and current.keys is not None and current.key is None:
            raise self._abort(ComplexKey(_position(mark)))
        if event.tag not in _COLLECTION_TAGS:
            raise self._tag_refused(mark, event.tag)
        if len(self._enclosing) >= MAX_DEPTH:
            raise self._abort(TooDeep(_position(mark), MAX_DEPTH))
        value: Any = {} if is_mapping else []
        placed = self._place(value, mark)
        if current is None:
            path: KeyPath | None = ()
        elif placed is None or current.path is None:
            path = None
        else:
            path = (*current.path, placed)
        self._enclosing.append(current)
        self._open = _Open(value, path, {} if is_mapping else None)

    def _place(self, value: Any, mark: Any) -> Key | None:
        """Put a value read at `mark` where it belongs; its key or index, or None for the
        document itself and for the value of a repeated key (the first one is kept)."""
        current = self._open
        if current is None:
            self._root = value
            self.positions = Positions((mark.line, mark.column))
            return None
        keys = current.keys
        if keys is None:
            current.value.append(value)
            current.spans += (mark.line, mark.column, mark.line, mark.column)
            return len(current.value) - 1
        key = current.key
        assert key is not None  # in a mapping, a value follows its key
        current.key = None
        if key in keys:
            self._repeated(current, key, keys[key])
            return None
        keys[key] = len(keys)
        current.value[key] = value
        key_mark = current.key_mark
        current.spans += (key_mark.line, key_mark.column, mark.line, mark.column)
        return key

    def _repeated(self, mapping: _Open, key: str, first: int) -> None:
        spans = mapping.spans
        self.problems.append(
            DuplicateKey(
                _position(mapping.key_mark),
                key,
                Position(spans[4 * first] + 1, spans[4 * first + 1] + 1),
            )
        )

    def _end(self) -> bool:
        """A mapping or list ends: record where its entries stand. True at the document's
        own end."""
        closing = self._open
        assert closing is not None  # an end event closes what a start event opened
        if closing.path is not None:
            self.positions.add(closing.path, closing.spans, closing.keys)
        self._open = self._enclosing.pop()
        return self._open is None

    def _anchor(self, event: Any) -> None:
        # An anchor is reported only if no alias follows: the alias is what the spec points at.
        if self._first_anchor is None:
            self._first_anchor = Anchor(_position(event.start_mark), event.anchor)

    def _abort(self, problem: LoadProblem) -> Abort:
        self.problems.append(problem)
        return Abort()

    def _tag_refused(self, mark: Any, tag: str) -> Abort:
        # Keys too: a tag on a key is how `!!python/name:` payloads try to slip through.
        return self._abort(UnsupportedTag(_position(mark), tag))
