"""What the renderers made from one initiative, kept as long as that initiative lives.

While `mkdocs serve` rebuilds after an edit, the check cache (cireg.check) hands back the
very same Initiative object for every file whose bytes did not change, and a changed file
gives a new object. So a result is kept beside the initiative object it came from (weakly:
it goes when the initiative goes), under its kind and the other inputs it was made from.
The initiative's findings are always among those inputs: they are the one fact set after
the model is built (another file's edit may change them). Everything else a result depends
on (today, the site's layout and options) the caller names in `inputs`.

Measured at 2,000 initiatives, this is what keeps the edit loop within its target: made
afresh on every rebuild, the pages alone would cost more than the target, register.json
0.33 s and the feed 0.51 s of processor time; the badges (0.04 s) are not kept."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from cireg.model import Initiative

T = TypeVar("T")

_KEPT: WeakKeyDictionary[Initiative, dict[str, tuple[Hashable, Any]]] = WeakKeyDictionary()


class _Counts:
    hits = 0
    misses = 0


COUNTS = _Counts()  # for tests and benchmarks: whether results were reused


def remembered(kind: str, initiative: Initiative, inputs: Hashable, make: Callable[[], T]) -> T:
    """The `kind` result for this initiative object made from these inputs: the kept one,
    or `make()`, kept in its place (one result per kind and initiative)."""
    key = (tuple(initiative.findings), inputs)
    kept = _KEPT.setdefault(initiative, {})
    entry = kept.get(kind)
    if entry is not None and entry[0] == key:
        COUNTS.hits += 1
        return entry[1]  # type: ignore[no-any-return]
    COUNTS.misses += 1
    value = make()
    kept[kind] = (key, value)
    return value
