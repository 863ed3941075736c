"""The core pipeline: a register folder in, the model and every finding out.

File by file: load → schema → model (built, then its facts computed in one pass) → the
initiative rules; then the register rules, which need every initiative. Nothing here prints
or exits: adapters decide what to do with the result."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from cireg.findings import Finding, sort_findings
from cireg.load import LoadResult, load_bytes, read_file
from cireg.model import Initiative, Register, build_initiative
from cireg.rules.catalogue import rules_for
from cireg.rules.files import Candidate, DisplayPath, scan_folder
from cireg.rules.table import Scope
from cireg.schema import check_schema

# What check_file found for one file, kept between checks of the same register while
# `mkdocs serve` rebuilds: path -> ((bytes, display, id, today), initiative, findings).
CheckCache = dict[str, tuple[tuple[bytes, str, str, dt.date], "Initiative | None", list[Finding]]]


def check_file(
    candidate: Candidate, today: dt.date, cache: CheckCache | None = None
) -> tuple[Initiative | None, list[Finding]]:
    """Everything one file says about itself. With a cache, a file whose bytes, name and
    `today` are those of the last check is not loaded again: the same result comes back."""
    data = read_file(candidate.path, candidate.display)
    if isinstance(data, LoadResult):
        return None, list(data.findings)
    key = (data, candidate.display, candidate.id, today)
    if cache is not None:
        kept = cache.get(candidate.path)
        if kept is not None and kept[0] == key:
            return kept[1], list(kept[2])
    initiative, findings = _check_bytes(candidate, data, today)
    if cache is not None:
        cache[candidate.path] = (key, initiative, findings)
    return initiative, list(findings)


def _check_bytes(
    candidate: Candidate, data: bytes, today: dt.date
) -> tuple[Initiative | None, list[Finding]]:
    result = load_bytes(candidate.display, data)
    findings = list(result.findings)
    document = result.document
    if document is None:
        return None, findings
    findings.extend(check_schema(document))
    initiative = build_initiative(candidate.id, candidate.path, document)
    if initiative is None:
        return None, findings
    for rule in rules_for(Scope.INITIATIVE):
        findings.extend(rule.run(initiative, today))
    return initiative, findings


def check_register(
    folder: str,
    today: dt.date,
    display: DisplayPath | None = None,
    cache: CheckCache | None = None,
) -> Register:
    """Load and check every file of a register folder. Raises RegisterFolderError only when
    the folder itself cannot be read. A cache kept between calls (see check_file) makes a
    check after one file changed cost little more than reading the files."""
    display = display or DisplayPath()
    candidates, findings, seen = scan_folder(folder, display)
    initiatives: list[Initiative] = []
    unreadable: list[Candidate] = []
    with _few_collections():
        for candidate in candidates:
            initiative, file_findings = check_file(candidate, today, cache)
            findings.extend(file_findings)
            if initiative is None:
                unreadable.append(candidate)
            else:
                initiatives.append(initiative)
    if cache is not None:  # forget files that are gone
        for path in cache.keys() - {candidate.path for candidate in candidates}:
            del cache[path]
    for rule in rules_for(Scope.REGISTER):
        findings.extend(rule.run(initiatives))
    findings = sort_findings(findings)
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for initiative in initiatives:
        initiative.findings = by_path.get(initiative.display_path, [])
    initiatives.sort(key=lambda initiative: initiative.backlog_key)
    return Register(folder, initiatives, findings, seen, unreadable)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Loading keeps every file's objects, none of them garbage: the cycle collector would
    walk the growing heap again and again (a fifth of `cireg validate`'s time on 2,000
    files) and find nothing. Collect less often while checking; the thresholds come back
    after, and memory measured the same either way."""
    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], 50_000), *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
