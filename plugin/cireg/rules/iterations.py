"""iteration-link: links between iterations that are not mutual, or that form a cycle."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cireg.findings import Position, Severity, listing
from cireg.model import Initiative
from cireg.rules.table import Scope, Spot, rule


def _next_link(initiative: Initiative) -> Position:
    return initiative.place.at("momentum", "next_iteration")


def _previous_link(initiative: Initiative) -> Position:
    return initiative.place.at("previous_iteration")


@rule(
    "iteration-link",
    Severity.WARNING,
    "Iteration links are mutual and form no cycle.",
    Scope.REGISTER,
)
def iteration_link(initiatives: Sequence[Initiative]) -> Iterator[Spot]:
    by_id = {initiative.id: initiative for initiative in initiatives}
    edges: dict[str, set[str]] = {initiative.id: set() for initiative in initiatives}
    for initiative in initiatives:
        if initiative.next_iteration in by_id:
            edges[initiative.id].add(initiative.next_iteration)
        if initiative.previous_iteration in by_id:
            edges[initiative.previous_iteration].add(initiative.id)
        yield from _one_sided_links(initiative, by_id)
    for cycle in _cycles(edges):
        yield from _cycle_spots(cycle, by_id)


def _one_sided_links(initiative: Initiative, by_id: dict[str, Initiative]) -> Iterator[Spot]:
    """A link to another initiative of the register that does not link back."""
    links = (
        # (this side's key, the id it names, the key that should name this one back)
        ("momentum.next_iteration", initiative.next_iteration, "previous_iteration"),
        ("previous_iteration", initiative.previous_iteration, "momentum.next_iteration"),
    )
    for key, named, back_key in links:
        other = by_id.get(named) if named is not None else None
        if other is None:
            continue
        back = (
            other.previous_iteration if back_key == "previous_iteration" else other.next_iteration
        )
        if back != initiative.id:
            place = _next_link if key == "momentum.next_iteration" else _previous_link
            yield Spot(
                initiative.display_path,
                place(initiative),
                f"`{key}` names `{named}`, but `{named}` does not name `{initiative.id}` "
                f"as its `{back_key}`",
            )


def _cycle_spots(cycle: set[str], by_id: dict[str, Initiative]) -> Iterator[Spot]:
    members = sorted(cycle)
    # Once for each member, which names its length and first members only: a cycle of
    # 3,000 files listed in full on each of them printed 108 MB.
    size = f"{len(members):,} initiatives" if len(members) > 1 else "one initiative"
    message = (
        f"the iteration links form a cycle of {size} ({listing(members, ' → ')}); "
        "iterations must lead from older to newer"
    )
    for member in members:
        initiative = by_id[member]
        follows = initiative.next_iteration in cycle
        where = _next_link(initiative) if follows else _previous_link(initiative)
        yield Spot(initiative.display_path, where, message)


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components that hold a cycle (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)

    def close(node: str) -> None:
        component = set()
        while True:
            member = stack.pop()
            on_stack.discard(member)
            component.add(member)
            if member == node:
                break
        if len(component) > 1 or node in edges[node]:
            found.append(component)

    for start in sorted(edges):
        if start in index:
            continue
        visit(start)
        work = [(start, iter(sorted(edges[start])))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    visit(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                close(node)
    return found
