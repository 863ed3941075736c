"""An Atom feed (RFC 4287) of what happened in the register: `feed.xml`.

Every dated fact of an initiative is an event: raised, current state assessed, work started,
each work-log entry, each KPI measurement, verified. The newest events become the entries.

The output is a pure function of the register, `today` and the options: no wall clock, no
random ids (entry ids are name-based UUIDs), so a rebuild of an unchanged register yields the
same bytes and feed readers see nothing new. All author text goes out as escaped XML text,
never as markup, and characters XML 1.0 forbids are replaced, so no input breaks the feed."""

from __future__ import annotations

import datetime as dt
import heapq
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from cireg import __version__
from cireg.model import Initiative, Register
from cireg.render.formatting import format_quantity
from cireg.render.layout import SiteLayout
from cireg.render.memo import remembered
from cireg.render.text import xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
DEFAULT_LIMIT = 50
_TITLE_NOTE_CHARS = 80

# Event kinds, in the order they are listed when one initiative has several on one day:
# newest first, so the step that comes later in the seven-step model comes first.
KIND_ORDER = ("verified", "measured", "logged", "started", "assessed", "raised")

_SPACES = re.compile("[ \t\r\n]+")
_LINE_END = re.compile("[\r\n]")


@dataclass(frozen=True)
class FeedEvent:
    """One dated fact of one initiative."""

    on: dt.date
    initiative: Initiative
    position: int  # backlog position (0-based): ties on a date follow the backlog
    kind: str  # one of KIND_ORDER
    key: str  # kind plus what tells same-kind events apart (the KPI), for the entry id
    sequence: int  # file order among this initiative's events of this kind
    occurrence: int  # how many earlier events share (initiative, key, date): keeps ids unique
    title: str
    summary: str


def feed_events(
    register: Register,
    today: dt.date,
    limit: int | None = None,
) -> list[FeedEvent]:
    """Every event of the register up to `today` (or the newest `limit`), newest first."""
    ranked: list[tuple[int, int, int, int, int, tuple[Any, ...]]] = []
    for position, initiative in enumerate(register.initiatives):
        events = remembered("feed", initiative, today, partial(_events_of, initiative, today))
        # Later in the file counts as newer on the same day (a log is written in order).
        ranked.extend((e[0], position, e[1], e[2], i, e[3]) for i, e in enumerate(events))
    chosen = sorted(ranked) if limit is None else heapq.nsmallest(limit, ranked)
    return [
        FeedEvent(fields[0], register.initiatives[position], position, *fields[1:])
        for _day, position, _kind, _sequence, _index, fields in chosen
    ]


# (sort keys: -day, kind rank, -sequence; the FeedEvent fields other than initiative and position)
_Event = tuple[int, int, int, tuple[Any, ...]]


def _events_of(initiative: Initiative, today: dt.date) -> list[_Event]:
    events: list[_Event] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for on, kind, key, sequence, title, summary in _facts(initiative):
        if on is None or on > today:  # undated, or not an event yet
            continue
        occurrence = seen.get((key, on), 0)
        seen[(key, on)] = occurrence + 1
        # A title is one line in a feed reader; a summary keeps the author's lines.
        title = _SPACES.sub(" ", title).strip()
        fields = (on, kind, key, sequence, occurrence, title, summary.strip())
        events.append((-on.toordinal(), KIND_ORDER.index(kind), -sequence, fields))
    return events


_Fact = tuple[dt.date | None, str, str, int, str, str]


def _milestones(initiative: Initiative) -> Iterator[tuple[dt.date | None, str, str, str]]:
    """(date, kind, what happened, the step's own words) of the raising, the assessment and
    the start of the work."""
    raised = f"Raised on {_day(initiative.raised_on)}" + (
        f" by {initiative.raised_by}." if initiative.raised_by else "."
    )
    vision, current, plan = initiative.vision, initiative.current_state, initiative.plan
    yield initiative.raised_on, "raised", "raised", (vision and vision.statement) or raised
    assessed = f"The current state was assessed on {_day(initiative.assessed_on)}."
    summary = current.summary if current else None
    yield initiative.assessed_on, "assessed", "current state assessed", summary or assessed
    started = f"Work started on {_day(initiative.started_on)}."
    approach = plan.approach if plan else None
    yield initiative.started_on, "started", "work started", approach or started


def _facts(initiative: Initiative) -> Iterator[_Fact]:
    """(date, kind, key, sequence, title, summary) of each dated fact of the initiative."""
    name = initiative.title or initiative.id
    for on, kind, what, summary in _milestones(initiative):
        yield (on, kind, kind, 0, f"{name}: {what}", summary)

    for sequence, entry in enumerate(initiative.log):
        headline = _headline(entry.note) if entry.note else "work logged"
        yield (
            entry.on,
            "logged",
            "logged",
            sequence,
            f"{name}: {headline}",
            entry.note or f"Work logged on {_day(entry.on)}.",
        )

    sequence = 0
    for kpi in initiative.kpis:
        label = kpi.name or kpi.id or "a KPI"
        for measurement in kpi.measurements:
            if measurement.value is None:  # nothing to report (a schema error already)
                continue
            quantity = format_quantity(measurement.value, kpi.unit)
            yield (
                measurement.on,
                "measured",
                # The KPI's id keeps a measurement's entry id when other KPIs are added.
                json.dumps(["measured", kpi.id]),
                sequence,
                f"{name}: {label} measured {quantity}",
                measurement.note or f"{label}: {quantity} on {_day(measurement.on)}.",
            )
            sequence += 1

    outcome = initiative.declared_outcome
    verdict = f"verified, outcome {outcome.replace('-', ' ')}" if outcome else "verified"
    verification = initiative.verification.summary if initiative.verification else None
    yield (
        initiative.verified_on,
        "verified",
        "verified",
        0,
        f"{name}: {verdict}",
        verification or f"Results verified on {_day(initiative.verified_on)}.",
    )


def _day(on: dt.date | None) -> str:
    return on.isoformat() if on is not None else "an unknown date"


def _headline(note: str) -> str:
    """The first line of a note, cut at a word boundary to fit a feed reader's list."""
    # Only CR and LF end a line: `splitlines` would also cut at \v, \f and \x1c-\x1e.
    first = _LINE_END.split(note.strip(), maxsplit=1)[0].strip()
    if len(first) <= _TITLE_NOTE_CHARS:
        return first
    cut = first[: _TITLE_NOTE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return (cut or first[: _TITLE_NOTE_CHARS - 1]) + "…"


def entry_id(base: str, event: FeedEvent) -> str:
    """A name-based UUID: the same event of the same site keeps its id across builds."""
    # ASCII JSON: unambiguous, and a lone surrogate (a file name that is not UTF-8) encodes.
    name = json.dumps(
        [base, event.initiative.id, event.key, event.on.isoformat(), event.occurrence]
    )
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def rfc3339(on: dt.date) -> str:
    """Atom's date-time for a calendar date: its start, in UTC."""
    return f"{on.isoformat()}T00:00:00Z"


def render_feed(
    register: Register,
    today: dt.date,
    layout: SiteLayout,
    *,
    site_name: str,
    site_url: str | None,
    limit: int = DEFAULT_LIMIT,
    feed_file: str = FEED_FILE,
) -> str:
    """The Atom feed of the register's newest `limit` events, as XML text.

    With `site_url`, links are absolute; without it they are relative to `feed_file`, which
    Atom resolves against the feed's own address."""
    if limit < 0:
        raise ValueError(f"limit must be 0 or more; got {limit}")
    events = feed_events(register, today, limit)
    base = site_url or site_name  # what makes ids differ between registers

    def link(to_src: str) -> str:
        # The layout's links and URLs are percent-encoded as MkDocs encodes them.
        if site_url is None:
            return layout.href(feed_file, to_src)
        root = site_url if site_url.endswith("/") else site_url + "/"
        return urljoin(root, layout.url_of(to_src))

    lines = _feed_head(events[0].on if events else today, site_name, base, link, layout, feed_file)
    for event in events:
        initiative = event.initiative
        lines += [
            "  <entry>",
            _element("id", entry_id(base, event), indent=4),
            _element("title", event.title, indent=4, type="text"),
            _element("updated", rfc3339(event.on), indent=4),
            _element(
                "link",
                None,
                indent=4,
                rel="alternate",
                type="text/html",
                href=link(layout.initiative_page(initiative.id)),
            ),
            _element("summary", event.summary, indent=4, type="text"),
        ]
        if initiative.status is not None:
            lines.append(_element("category", None, indent=4, term=initiative.status))
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _feed_head(
    updated: dt.date,
    site_name: str,
    base: str,
    link: Callable[[str], str],
    layout: SiteLayout,
    feed_file: str,
) -> list[str]:
    """The feed's own elements, before its entries."""
    feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, json.dumps([base, 'feed']))}"
    return [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns={quoteattr(ATOM_NS)}>",
        _element("id", feed_id),
        _element("title", site_name, type="text"),
        _element("subtitle", "Recent events of the continual improvement register", type="text"),
        _element("updated", rfc3339(updated)),
        "  <author>",
        _element("name", site_name, indent=4),
        "  </author>",
        _element("generator", "cireg", version=__version__),
        _element("link", None, rel="self", type="application/atom+xml", href=link(feed_file)),
        _element("link", None, rel="alternate", type="text/html", href=link(layout.backlog_page)),
    ]


def _element(name: str, text: str | None, *, indent: int = 2, **attributes: str) -> str:
    """One element on one line; text and attribute values are escaped XML, never markup.

    A carriage return is written as a reference, else the parser would read it as a newline."""
    attrs = "".join(f" {key}={quoteattr(xml_text(value))}" for key, value in attributes.items())
    pad = " " * indent
    if text is None:
        return f"{pad}<{name}{attrs}/>"
    body = escape(xml_text(text), {"\r": "&#13;"})
    return f"{pad}<{name}{attrs}>{body}</{name}>"
