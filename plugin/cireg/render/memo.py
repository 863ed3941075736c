"""What the renderers made from one initiative, kept between builds of one site.

While `mkdocs serve` rebuilds after an edit, the check cache (cireg.check) hands back the
very same Initiative object for every file whose bytes did not change. A renderer that asks
the memo for a result of such an initiative, with the same other inputs (its findings, which
another file's edit may change; whether the initiatives it links to exist), gets the result
of the last build instead of making it again. Anything that concerns the whole site (today,
the layout, templates, options) is the memo's site key: when it changes, everything goes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from cireg.model import Initiative

T = TypeVar("T")


class RenderMemo:
    def __init__(self) -> None:
        self.site_key: Hashable = None
        self._entries: dict[tuple[str, str], tuple[Initiative, Hashable, Any]] = {}
        self.hits = self.misses = 0

    def begin(self, site_key: Hashable, ids: Iterable[str]) -> None:
        """Start a build: keep only what this site and its initiatives can still use."""
        if site_key != self.site_key:
            self._entries.clear()
            self.site_key = site_key
        present = set(ids)
        for key in [key for key in self._entries if key[1] not in present]:
            del self._entries[key]
        self.hits = self.misses = 0

    def get(self, kind: str, initiative: Initiative, inputs: Hashable, make: Callable[[], T]) -> T:
        """The `kind` result for the initiative: the kept one when the initiative is the same
        object and `inputs` are equal, else `make()`, which is kept for next time."""
        key = (kind, initiative.id)
        kept = self._entries.get(key)
        if kept is not None and kept[0] is initiative and kept[1] == inputs:
            self.hits += 1
            return kept[2]  # type: ignore[no-any-return]
        self.misses += 1
        value = make()
        self._entries[key] = (initiative, inputs, value)
        return value


def recall(
    memo: RenderMemo | None,
    kind: str,
    initiative: Initiative,
    inputs: Hashable,
    make: Callable[[], T],
) -> T:
    """`memo.get(...)`, or simply `make()` where nothing is kept (a one-off build)."""
    return make() if memo is None else memo.get(kind, initiative, inputs, make)
