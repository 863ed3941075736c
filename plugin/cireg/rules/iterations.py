"""Links between iterations, across the register: unknown-ref for `previous_iteration` and
`momentum.next_iteration`, and iteration-link (links not mutual, or forming a cycle)."""

from __future__ import annotations

from cireg.findings import Finding, Severity, listing
from cireg.model import Initiative, Path

_NEXT: Path = ("momentum", "next_iteration")
_PREVIOUS: Path = ("previous_iteration",)


def iteration_findings(initiatives: list[Initiative]) -> list[Finding]:
    by_id = {initiative.id: initiative for initiative in initiatives}
    findings: list[Finding] = []
    edges: dict[str, set[str]] = {initiative.id: set() for initiative in initiatives}
    for initiative in initiatives:
        previous, following = initiative.previous_iteration, initiative.next_iteration
        for link, target, key in (
            (_PREVIOUS, previous, "previous_iteration"),
            (_NEXT, following, "next_iteration"),
        ):
            if target is not None and target not in by_id:
                findings.append(
                    initiative.finding(
                        link,
                        "unknown-ref",
                        f"`{key}` names `{target}`, but the register has no initiative "
                        f"`{target}` (no file {target}.yaml)",
                    )
                )
        if following in by_id:
            edges[initiative.id].add(following)
            if by_id[following].previous_iteration != initiative.id:
                findings.append(
                    initiative.finding(
                        _NEXT,
                        "iteration-link",
                        f"`momentum.next_iteration` names `{following}`, but `{following}` does "
                        f"not name `{initiative.id}` as its `previous_iteration`",
                        Severity.WARNING,
                    )
                )
        if previous in by_id:
            edges[previous].add(initiative.id)
            if by_id[previous].next_iteration != initiative.id:
                findings.append(
                    initiative.finding(
                        _PREVIOUS,
                        "iteration-link",
                        f"`previous_iteration` names `{previous}`, but `{previous}` does not "
                        f"name `{initiative.id}` as its `momentum.next_iteration`",
                        Severity.WARNING,
                    )
                )
    for cycle in _cycles(edges):
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
            link = _NEXT if initiative.next_iteration in cycle else _PREVIOUS
            findings.append(initiative.finding(link, "iteration-link", message, Severity.WARNING))
    return findings


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components that hold a cycle (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(component)
    return found
