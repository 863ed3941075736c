"""Where every part of one YAML file stands, found by key path: ``("kpis", 0, "unit")``.

The index knows the file's shape as written, not its data: a copy of the data, or the data
dropped altogether, loses nothing. It is compact because a register keeps one for each of
its thousands of files: every mapping or list is one table of its entries, and every entry
is four numbers in one typed array for the whole file."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence

from cireg.findings import START, Position

Key = str | int
KeyPath = tuple[Key, ...]
# A 0-based line and column, as libyaml counts them (columns count characters).
Start = tuple[int, int]

# An entry is its key's line and column, then its value's (a list item's key is its value):
# four unsigned numbers. A file is at most 256 KiB, so none of them needs more than 32 bits.
_TYPECODE = "I" if array("I").itemsize >= 4 else "L"
_FIELDS = 4
_KEY, _VALUE = 0, 2  # where in an entry its key's line and column are, and its value's

# Mappings of the same keys in the same order share one table of their keys: a register's
# measurements, KPIs and objectives are thousands of mappings of a few shapes. Small shapes
# only, and not too many, so that odd files cannot make the shared tables grow for ever.
_SHARED_KEYS: dict[tuple[str, ...], Mapping[str, int]] = {}
_SHARED_MAX_KEYS = 64
_SHARED_MAX_SHAPES = 4096


def _shared(keys: Mapping[str, int]) -> Mapping[str, int]:
    """The table of these keys in this order that mappings share; `keys` itself when there is
    none, kept as the shared one while there is room."""
    if len(keys) > _SHARED_MAX_KEYS:
        return keys
    shape = tuple(keys)
    shared = _SHARED_KEYS.get(shape)
    if shared is not None:
        return shared
    if len(_SHARED_KEYS) < _SHARED_MAX_SHAPES:
        _SHARED_KEYS[shape] = keys
    return keys


class Positions:
    """Where each key and value of one file stands, by key path."""

    __slots__ = ("_entries", "_firsts", "_keys", "_root", "_tables")

    def __init__(self, root: Start = (0, 0)) -> None:
        self._root = root  # where the document's value starts
        self._entries: array[int] = array(_TYPECODE)
        # Each mapping or list is a table, numbered in the order they end: the entries of
        # table t are entries firsts[t] to firsts[t + 1] - 1, and keys[t] numbers a mapping's
        # keys among them (None for a list).
        self._firsts: array[int] = array(_TYPECODE, (0,))
        self._keys: list[Mapping[str, int] | None] = []
        self._tables: dict[KeyPath, int] = {}

    def add(self, path: KeyPath, spans: Sequence[int], keys: Mapping[str, int] | None) -> None:
        """Record the mapping or list at `path`: for each entry in the file's order, its
        key's line and column, then its value's (0-based; a list item's key is its value);
        and for a mapping, its keys in that order numbered from 0 (None for a list)."""
        self._tables[path] = len(self._keys)
        self._keys.append(None if keys is None else _shared(keys))
        self._entries.extend(spans)
        self._firsts.append(len(self._entries) // _FIELDS)

    def _entry(self, table: int, key: Key) -> int | None:
        """The number of the entry of `table` at `key`, or None if it has none."""
        first = self._firsts[table]
        keys = self._keys[table]
        if keys is None:
            if isinstance(key, int) and 0 <= key < self._firsts[table + 1] - first:
                return first + key
            return None
        index = keys.get(key) if isinstance(key, str) else None
        return None if index is None else first + index

    def _entries_of(self, table: int) -> Iterator[tuple[Key, int]]:
        """(key, entry number) of each entry of `table`, in the file's order."""
        first = self._firsts[table]
        keys = self._keys[table]
        if keys is None:
            return ((index, first + index) for index in range(self._firsts[table + 1] - first))
        return ((key, first + index) for key, index in keys.items())

    def _deepest(self, path: KeyPath) -> int | None:
        """The number of the deepest entry along `path` that exists, or None."""
        deepest = None
        for depth, key in enumerate(path):
            table = self._tables.get(path[:depth])
            entry = None if table is None else self._entry(table, key)
            if entry is None:
                break
            deepest = entry
        return deepest

    def _position(self, entry: int | None, field: int) -> Position:
        """Where the key (field 0) or the value (field 2) of an entry stands; the document's
        value for no entry."""
        if entry is None:
            return Position(self._root[0] + 1, self._root[1] + 1)
        offset = entry * _FIELDS + field
        return Position(self._entries[offset] + 1, self._entries[offset + 1] + 1)

    def value_position(self, path: KeyPath) -> Position:
        """Where the value at `path` stands, or the deepest part of the path that exists."""
        return self._position(self._deepest(path), _VALUE)

    def key_position(self, path: KeyPath) -> Position:
        """Where the key of `path` stands (a list item's own start for an index); the
        deepest part of the path that exists when it does not."""
        if not path:
            return START
        return self._position(self._deepest(path), _KEY)

    def missing_key_position(self, mapping_path: KeyPath) -> Position:
        """Where to point for a key missing from the mapping at `mapping_path`.

        The spec says: the key of the mapping that should hold it, and line 1, column 1 for a
        missing top-level key or step."""
        return self.key_position(mapping_path) if mapping_path else START

    def written(self, path: KeyPath) -> bool:
        """The file holds this key path (with any value, even an empty one). The document
        itself, the empty path, is always written."""
        if not path:
            return True
        table = self._tables.get(path[:-1])
        return table is not None and self._entry(table, path[-1]) is not None

    def paths_at(self, starts: Iterable[Start]) -> dict[Start, KeyPath]:
        """The paths of the values that start at the given 0-based lines and columns, all found
        in one walk of the file: a walk for each would cost the square of its size."""
        wanted = set(starts)
        found: dict[Start, KeyPath] = {}
        if self._root in wanted:
            found[self._root] = ()
        entries = self._entries
        pending: list[KeyPath] = [()]
        while pending and len(found) < len(wanted):
            path = pending.pop()
            table = self._tables.get(path)
            if table is None:  # a scalar
                continue
            for key, entry in self._entries_of(table):
                offset = entry * _FIELDS + _VALUE
                start = (entries[offset], entries[offset + 1])
                if start in wanted:
                    found.setdefault(start, (*path, key))
                pending.append((*path, key))
        return found
