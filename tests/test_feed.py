"""The Atom feed of the register's events (`feed.xml`): RFC 4287 shape, order, safety."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from cireg.check import check_register
from cireg.model import Register
from cireg.render.feed import render_feed, xml_text
from cireg.render.layout import SiteLayout
from conftest import REPO, TODAY

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
UUID_URN = re.compile(
    r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
SITE = "https://register.example.org/it/"

# An initiative in progress with a KPI, a log and dates around TODAY (2026-11-15).
WORKING = """\
title: {title}
status: in-progress
owner: Service Desk Lead
raised_on: 2026-01-10
review_by: 2027-01-15
priority: high
kpis:
  - id: waits
    name: Average wait
    unit: min
    direction: decrease
    measurements:
      - {{on: 2026-02-01, value: 12}}
      - {{on: 2026-11-15, value: 7.5}}
      - {{on: 2026-11-16, value: 6}}
      - {{on: 2026-02-30, value: 5}}
vision:
  statement: Nobody waits long for the desk.
current_state:
  assessed_on: 2026-02-01
  summary: Waits are long.
target_state:
  objectives:
    - id: shorter-waits
      statement: Halve the average wait at the desk
      kpi: waits
      target: 6
      deadline: 2027-03-31
      relevance: Waiting is what students complain about most.
plan:
  approach: A queue screen and a second desk.
  actions:
    - {{id: screen, what: Install the screen, owner: Desk Lead, due: 2026-12-01}}
execution:
  started_on: 2026-03-01
  log:
    - {{on: 2026-04-01, note: {note}}}
    - {{on: 2026-04-01, note: Second desk opened.}}
    - {{on: 2026-12-24, note: Planned for later.}}
"""


def working(title: str = "Shorter waits at the desk", note: str = "Screen ordered.") -> str:
    return WORKING.format(title=title, note=note)


def render(register: Register, today: dt.date = TODAY, **options: object) -> str:
    options.setdefault("site_name", "University IT")
    options.setdefault("site_url", SITE)
    return render_feed(register, today, SiteLayout(), **options)  # type: ignore[arg-type]


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{A}entry")


def one(element: ET.Element, tag: str) -> ET.Element:
    found = element.findall(f"{A}{tag}")
    assert len(found) == 1, f"{tag}: {len(found)} elements"
    return found[0]


def link(element: ET.Element, rel: str) -> str:
    (found,) = [e for e in element.findall(f"{A}link") if e.get("rel") == rel]
    return found.attrib["href"]


@pytest.fixture(scope="module")
def reference() -> Register:
    return check_register(str(REPO / "initiatives"), TODAY)


@pytest.fixture
def small(register) -> Register:
    return check_register(str(register({"shorter-waits.yaml": working()})), TODAY)


# --- RFC 4287 shape --------------------------------------------------------------------------


def test_the_feed_has_what_rfc_4287_requires(reference: Register) -> None:
    text = render(reference)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    feed = parse(text)
    assert feed.tag == f"{A}feed"
    assert UUID_URN.fullmatch(one(feed, "id").text or "")
    assert one(feed, "title").text == "University IT"
    assert one(feed, "title").get("type") == "text"
    assert RFC3339.fullmatch(one(feed, "updated").text or "")
    assert one(one(feed, "author"), "name").text == "University IT"
    generator = one(feed, "generator")
    assert generator.text == "cireg" and generator.get("version")
    assert link(feed, "self") == SITE + "feed.xml"
    assert link(feed, "alternate") == SITE + "backlog/"
    found = entries(feed)
    assert found
    for entry in found:
        assert UUID_URN.fullmatch(one(entry, "id").text or "")
        assert (one(entry, "title").text or "").strip()
        assert one(entry, "title").get("type") == "text"
        assert RFC3339.fullmatch(one(entry, "updated").text or "")
        assert link(entry, "alternate").startswith(SITE + "initiatives/")
        assert one(entry, "summary").get("type") == "text"
        assert (one(entry, "summary").text or "").strip()
        assert one(entry, "category").get("term") in {i.status for i in reference.initiatives}


def test_ids_are_unique(reference: Register) -> None:
    feed = parse(render(reference, limit=10_000))
    ids = [one(entry, "id").text for entry in entries(feed)]
    assert len(ids) > 50
    assert len(set(ids)) == len(ids)
    assert one(feed, "id").text not in ids


def test_entries_are_newest_first_and_the_feed_is_as_new_as_its_newest(
    reference: Register,
) -> None:
    feed = parse(render(reference, limit=10_000))
    dates = [one(entry, "updated").text or "" for entry in entries(feed)]
    assert dates == sorted(dates, reverse=True)
    assert one(feed, "updated").text == dates[0]
    assert all(date <= f"{TODAY.isoformat()}T00:00:00Z" for date in dates)


def test_at_most_limit_entries_the_newest_ones(reference: Register) -> None:
    everything = entries(parse(render(reference, limit=10_000)))
    assert len(entries(parse(render(reference)))) == 50 < len(everything)
    three = entries(parse(render(reference, limit=3)))
    assert [one(e, "id").text for e in three] == [one(e, "id").text for e in everything[:3]]
    assert entries(parse(render(reference, limit=0))) == []
    with pytest.raises(ValueError, match="limit"):
        render(reference, limit=-1)


def test_the_same_register_gives_the_same_bytes(reference: Register) -> None:
    again = check_register(str(REPO / "initiatives"), TODAY)
    assert render(reference) == render(reference) == render(again)


# --- which events ----------------------------------------------------------------------------


def test_every_kind_of_event_with_its_words(small: Register) -> None:
    feed = parse(render(small))
    titles = [one(entry, "title").text for entry in entries(feed)]
    name = "Shorter waits at the desk"
    assert titles == [
        f"{name}: Average wait measured 7.5 min",
        f"{name}: Second desk opened.",
        f"{name}: Screen ordered.",
        f"{name}: work started",
        f"{name}: Average wait measured 12 min",
        f"{name}: current state assessed",
        f"{name}: raised",
    ]
    summaries = [one(entry, "summary").text for entry in entries(feed)]
    assert summaries[0] == "Average wait: 7.5 min on 2026-11-15."
    assert summaries[3] == "A queue screen and a second desk."
    assert summaries[-1] == "Nobody waits long for the desk."
    assert {one(entry, "category").get("term") for entry in entries(feed)} == {"in-progress"}


def test_verification_carries_its_outcome(register) -> None:
    text = working().replace("status: in-progress", "status: verifying")
    text += "verification:\n  assessed_on: 2026-11-10\n  outcome: partially-met\n"
    feed = parse(render(check_register(str(register({"shorter-waits.yaml": text})), TODAY)))
    titles = [one(entry, "title").text for entry in entries(feed)]
    assert "Shorter waits at the desk: verified, outcome partially met" in titles
    assert one(entries(feed)[1], "summary").text == "Results verified on 2026-11-10."


def test_future_and_undated_events_are_not_events_yet(small: Register) -> None:
    text = render(small)
    # 2026-11-16 and 2026-12-24 are after TODAY; 2026-02-30 is no date at all.
    assert "2026-11-16" not in text and "Planned for later" not in text
    assert "measured 5 min" not in text and "measured 6 min" not in text
    later = render(small, today=dt.date(2026, 12, 31))
    assert "measured 6 min" in later and "Planned for later" in later
    assert "measured 5 min" not in later
    assert one(parse(later), "updated").text == "2026-12-24T00:00:00Z"


def test_entry_ids_survive_unrelated_edits_but_differ_between_sites(register) -> None:
    before = parse(render(check_register(str(register({"shorter-waits.yaml": working()})), TODAY)))
    edited = working().replace(
        "      - {on: 2026-02-01, value: 12}",
        "      - {on: 2026-01-15, value: 13}\n      - {on: 2026-02-01, value: 12}",
    )
    after_register = check_register(str(register({"shorter-waits.yaml": edited})), TODAY)
    after = parse(render(after_register))
    old_ids = {one(e, "id").text for e in entries(before)}
    new_ids = {one(e, "id").text for e in entries(after)}
    assert len(new_ids) == len(old_ids) + 1 and old_ids < new_ids
    elsewhere = parse(render(after_register, site_url="https://other.example.org/"))
    assert not new_ids & {one(e, "id").text for e in entries(elsewhere)}


# --- links -----------------------------------------------------------------------------------


def test_links_are_absolute_with_a_site_url(small: Register) -> None:
    for site_url in (SITE, SITE.rstrip("/")):
        feed = parse(render(small, site_url=site_url))
        assert link(feed, "self") == SITE + "feed.xml"
        for entry in entries(feed):
            assert link(entry, "alternate") == SITE + "initiatives/shorter-waits/"


def test_links_are_relative_to_the_feed_without_a_site_url(small: Register) -> None:
    feed = parse(render(small, site_url=None))
    assert link(feed, "self") == "feed.xml"
    assert link(feed, "alternate") == "backlog/"
    assert {link(entry, "alternate") for entry in entries(feed)} == {"initiatives/shorter-waits/"}
    flat = parse(
        render_feed(
            small,
            TODAY,
            SiteLayout(use_directory_urls=False),
            site_name="University IT",
            site_url=None,
        )
    )
    assert link(flat, "alternate") == "backlog.html"
    assert {link(e, "alternate") for e in entries(flat)} == {"initiatives/shorter-waits.html"}


def test_a_file_name_that_urls_cannot_hold_is_percent_encoded(register) -> None:
    folder = register({"a b&c.yaml": working()})
    feed = parse(render(check_register(str(folder), TODAY)))
    assert {link(e, "alternate") for e in entries(feed)} == {SITE + "initiatives/a%20b%26c/"}


# --- hostile text ----------------------------------------------------------------------------

PAYLOAD = "<script>alert(1)</script> ]]> & &amp; \x01\x0b\x1b\x7f \ufffe\uffff"
PAYLOAD_AS_TEXT = "<script>alert(1)</script> ]]> & &amp; \ufffd\ufffd\ufffd\ufffd \ufffd\ufffd"


def _yaml_double_quoted(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\n": "\\n"}
    return (
        '"'
        + "".join(escapes.get(c, c if c.isprintable() else f"\\u{ord(c):04x}") for c in text)
        + '"'
    )


def test_hostile_text_comes_back_as_text(register) -> None:
    note = f"Line one {PAYLOAD}\r\nline two"
    folder = register(
        {
            "hostile-one.yaml": working(
                title=_yaml_double_quoted(f"Title {PAYLOAD}"), note=_yaml_double_quoted(note)
            )
        }
    )
    hostile = check_register(str(folder), TODAY)
    (initiative,) = hostile.initiatives
    assert initiative.title == f"Title {PAYLOAD}"  # YAML let every character through
    # YAML has no way to write a lone surrogate, but a Python caller can hand one over.
    initiative.title += " \ud800end"
    text = render(hostile, site_name="Site <b>&</b> \x00")
    text.encode("utf-8")  # no lone surrogate left
    feed = parse(text)
    assert "<script" not in text
    assert all(element.tag.startswith(A) for element in feed.iter())
    assert not [element for element in feed.iter() if "script" in element.tag]
    title = f"Title {PAYLOAD_AS_TEXT} \ufffdend"
    assert one(feed, "title").text == "Site <b>&</b> \ufffd"
    assert one(one(feed, "author"), "name").text == "Site <b>&</b> \ufffd"
    logged = [e for e in entries(feed) if one(e, "summary").text == xml_text(note)]
    assert len(logged) == 1  # the carriage return survives too: it is written as &#13;
    assert one(logged[0], "summary").text == f"Line one {PAYLOAD_AS_TEXT}\r\nline two"
    assert one(logged[0], "title").text == f"{title}: Line one {PAYLOAD_AS_TEXT}"
    for entry in entries(feed):
        assert (one(entry, "title").text or "").startswith(f"{title}: ")


def test_a_long_note_is_cut_at_a_word_for_the_title(register) -> None:
    note = "word " * 40
    folder = register({"long-note.yaml": working(note=note.strip())})
    feed = parse(render(check_register(str(folder), TODAY)))
    titles = [one(e, "title").text or "" for e in entries(feed)]
    (cut,) = [t for t in titles if t.endswith("…")]
    assert cut == "Shorter waits at the desk: " + " ".join(["word"] * 15) + "…"


# --- an empty register -----------------------------------------------------------------------


def test_an_empty_register_gives_a_valid_feed_without_entries(register) -> None:
    empty = check_register(str(register({})), TODAY)
    text = render(empty)
    feed = parse(text)
    assert entries(feed) == []
    assert one(feed, "updated").text == "2026-11-15T00:00:00Z"
    assert UUID_URN.fullmatch(one(feed, "id").text or "")
    assert one(one(feed, "author"), "name").text == "University IT"
    assert render(empty) == text
