"""End-to-end tests of the built reference site: the HTML, SVG and JSON that readers get.

Everything here reads the one session build (`reference_site`) and compares it with facts
computed independently, in this file, from the repository's `initiatives/*.yaml` and from the
format specification and the ITIL reference (transcribed below: CI only has the repository)."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from sitebuild import Build

REPO = Path(__file__).resolve().parents[1]
INITIATIVES = REPO / "initiatives"

# --- the specification, transcribed ----------------------------------------------------------

# The seven steps in model order: (YAML key, number, question).
STEPS: tuple[tuple[str, int, str], ...] = (
    ("vision", 1, "What is the vision?"),
    ("current_state", 2, "Where are we now?"),
    ("target_state", 3, "Where do we want to be?"),
    ("plan", 4, "How do we get there?"),
    ("execution", 5, "Take action"),
    ("verification", 6, "Did we get there?"),
    ("momentum", 7, "How do we keep the momentum going?"),
)
STEP_KEYS = tuple(key for key, _, _ in STEPS)

# The seven guiding principles, as the ITIL reference lists them; the site shows each name
# with a capital, and the format writes it as a slug.
PRINCIPLES_LISTED = (
    "focus on value · start where you are · progress iteratively with feedback · collaborate and "
    "promote visibility · think and work holistically · keep it simple and practical · optimize "
    "and automate"
)
PRINCIPLE_NAMES: dict[str, str] = {
    name.replace(" ", "-"): name.capitalize() for name in PRINCIPLES_LISTED.split(" · ")
}

# ITIL 4's table of the principles especially relevant at each step, as the reference gives
# it: a row per step's question, a column per principle in the order listed above.
ESPECIALLY_RELEVANT = """
| What is the vision? | ✓ | | | ✓ | ✓ | | |
| Where are we now? | | ✓ | | ✓ | | | |
| Where do we want to be? | | | ✓ | | ✓ | ✓ | ✓ |
| How do we get there? | | | ✓ | ✓ | ✓ | ✓ | |
| Take action | ✓ | | ✓ | ✓ | | | |
| Did we get there? | ✓ | | | ✓ | ✓ | | |
| How do we keep the momentum going? | ✓ | | | ✓ | ✓ | | ✓ |
"""


def _especially_relevant() -> dict[str, frozenset[str]]:
    rows = [line.strip("|").split("|") for line in ESPECIALLY_RELEVANT.strip().splitlines()]
    assert [row[0].strip() for row in rows] == [question for _, _, question in STEPS]
    return {
        key: frozenset(
            slug for slug, cell in zip(PRINCIPLE_NAMES, row[1:], strict=True) if cell.strip() == "✓"
        )
        for (key, _, _), row in zip(STEPS, rows, strict=True)
    }


CANONICAL = _especially_relevant()

PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
VALUE_POINTS = {"high": 3, "medium": 2, "low": 1}
EFFORT_POINTS = {"xs": 1, "s": 2, "m": 3, "l": 5, "xl": 8}

# Steps that each status requires at least partially; a missing step outside these is "not due".
REQUIRED_STEPS: dict[str, frozenset[int]] = {
    "idea": frozenset({1}),
    "planned": frozenset({1, 2, 3, 4}),
    "in-progress": frozenset({1, 2, 3, 4, 5}),
    "verifying": frozenset({1, 2, 3, 4, 5, 6}),
    "done": frozenset({1, 2, 3, 4, 5, 6, 7}),
    "on-hold": frozenset({1, 2, 3}),
    "abandoned": frozenset({1, 7}),
}

# The format's `status` values: the spec's table of keys, its cell for `status`.
STATUS_CELL = "`idea` `planned` `in-progress` `verifying` `done` `on-hold` `abandoned`"
STATUSES = tuple(re.findall(r"`([^`]+)`", STATUS_CELL))
STATE_WORDS = ("complete", "partial", "missing", "not due")

# Badges read by hand from the YAML files, as a check on the derivation below.
KNOWN_BADGES: dict[str, tuple[str, ...]] = {
    # done: every step complete.
    "exam-desk-response": ("complete",) * 7,
    # idea with a vision statement only (no supports, no stakeholders): nothing else is due.
    "library-wifi-capacity": ("partial",) + ("not due",) * 6,
    # idea with a full vision and a current state with baselines; steps 3-7 not written.
    "knowledge-article-reuse": ("complete", "complete") + ("not due",) * 5,
    # on-hold: steps 1-3 complete, a plan without actions, nothing after it.
    "problem-review-recurring-incidents": ("complete",) * 3 + ("partial",) + ("not due",) * 3,
    # abandoned, but every step was written in full.
    "software-licence-reclaim": ("complete",) * 7,
}


# --- the register, read independently ---------------------------------------------------------


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans: only true/false. (YAML 1.1 would read the
    measurement key `on` as the boolean True.) Dates still load as `datetime.date`."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@cache
def register() -> dict[str, dict[str, Any]]:
    """Every initiative of the repository by id (dates as `datetime.date`)."""
    docs = {}
    for path in sorted(INITIATIVES.glob("*.yaml")):
        docs[path.stem] = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    return docs


INITIATIVE_IDS = tuple(sorted(p.stem for p in INITIATIVES.glob("*.yaml")))
# The site's pages that cireg generates or fills in (the home page holds the live figures).
GENERATED_PAGES = (
    "index.html",
    "backlog/index.html",
    "principles/index.html",
    *(f"initiatives/{initiative_id}/index.html" for initiative_id in INITIATIVE_IDS),
)


def backlog_key(initiative_id: str) -> tuple[int, Fraction, dt.date, str]:
    doc = register()[initiative_id]
    rank = PRIORITY_RANK.get(doc.get("priority") or "", len(PRIORITY_RANK))
    score = Fraction(
        VALUE_POINTS[doc.get("value") or "medium"], EFFORT_POINTS[doc.get("effort") or "m"]
    )
    return rank, -score, as_date(doc["raised_on"]), initiative_id


def expected_backlog() -> list[str]:
    return sorted(register(), key=backlog_key)


def as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def kpis_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kpi["id"]: kpi for kpi in doc.get("kpis") or []}


def objectives_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list((doc.get("target_state") or {}).get("objectives") or [])


def baseline(kpi: dict[str, Any], assessed_on: object) -> float | None:
    """The latest measurement dated on or before the current state's assessment."""
    if assessed_on is None:
        return None
    dated = [m for m in kpi.get("measurements") or [] if as_date(m["on"]) <= as_date(assessed_on)]
    return max(dated, key=lambda m: as_date(m["on"]))["value"] if dated else None


def latest(kpi: dict[str, Any]) -> float:
    return kpi["measurements"][-1]["value"]


def objective_state(objective: dict[str, Any], kpi: dict[str, Any]) -> str:
    """The spec's rule: "met" when a measurement dated by the deadline reaches the target in
    the KPI's direction, "met late" when only a later one does, else "not met"."""

    def reaches(value: float) -> bool:
        if kpi["direction"] == "increase":
            return value >= objective["target"]
        return value <= objective["target"]

    deadline = as_date(objective["deadline"])
    reached = [as_date(m["on"]) for m in kpi["measurements"] if reaches(m["value"])]
    if any(on <= deadline for on in reached):
        return "met"
    return "met late" if reached else "not met"


def is_smart(objective: dict[str, Any], doc: dict[str, Any]) -> bool:
    assessed_on = (doc.get("current_state") or {}).get("assessed_on")
    kpi = kpis_of(doc).get(objective.get("kpi") or "")
    target = objective.get("target")
    if kpi is None or len(str(objective.get("statement") or "").split()) < 4:
        return False
    if isinstance(target, bool) or not isinstance(target, int | float) or not kpi.get("unit"):
        return False
    base = baseline(kpi, assessed_on)
    if base is None or not (target < base if kpi["direction"] == "decrease" else target > base):
        return False
    if kpi["unit"] == "%" and not 0 <= target <= 100:
        return False
    deadline = objective.get("deadline")
    if not str(objective.get("relevance") or "").strip() or deadline is None:
        return False
    after_assessment = assessed_on is None or as_date(deadline) > as_date(assessed_on)
    return after_assessment and as_date(deadline) > as_date(doc["raised_on"])


def step_completeness(doc: dict[str, Any], key: str) -> str:
    """The spec's completeness table: "complete", "partial" or "missing"."""
    data = doc.get(key)
    if not isinstance(data, dict):
        return "missing"
    kpis = kpis_of(doc)
    objectives = objectives_of(doc)
    actions = (doc.get("plan") or {}).get("actions") or []
    if key == "vision":
        if not data.get("statement"):
            return "missing"
        return "complete" if data.get("supports") or data.get("stakeholders") else "partial"
    if key == "current_state":
        on = data.get("assessed_on")
        named = [kpis.get(o.get("kpi")) for o in objectives] if objectives else None
        if named is None:
            ok = any(baseline(k, on) is not None for k in kpis.values())
        else:
            ok = all(k is not None and baseline(k, on) is not None for k in named)
        return "complete" if on and ok else "partial"
    if key == "target_state":
        if not objectives:
            return "missing"
        return "complete" if all(is_smart(o, doc) for o in objectives) else "partial"
    if key == "plan":
        owned = all(a.get("owner") and a.get("due") for a in actions)
        return "complete" if data.get("approach") and actions and owned else "partial"
    if key == "execution":
        finished = all(a.get("status") in ("done", "dropped") for a in actions)
        if data.get("started_on") and finished:
            return "complete"
        return "partial" if data.get("started_on") or data.get("log") else "missing"
    if key == "verification":
        started = (doc.get("execution") or {}).get("started_on")
        measured = started is not None and all(
            any(as_date(m["on"]) > as_date(started) for m in kpis[o["kpi"]]["measurements"])
            for o in objectives
        )
        return (
            "complete"
            if data.get("assessed_on") and data.get("outcome") and measured
            else "partial"
        )
    # momentum
    carried = data.get("embedded_by") or data.get("next_iteration") or data.get("backlog_ideas")
    return "complete" if data.get("lessons_learned") and carried else "partial"


def expected_badge(initiative_id: str) -> tuple[str, ...]:
    """What each step's badge shows: its completeness, or "not due" when it is missing and
    the status does not require it yet."""
    doc = register()[initiative_id]
    required = REQUIRED_STEPS[doc["status"]]
    states = []
    for key, number, _ in STEPS:
        state = step_completeness(doc, key)
        states.append("not due" if state == "missing" and number not in required else state)
    return tuple(states)


# --- reading the site --------------------------------------------------------------------------


def page_file(initiative_id: str) -> str:
    return f"initiatives/{initiative_id}/index.html"


def resolve(page: str, url: str) -> str | None:
    """The site-relative file that a relative `url` on `page` (a site-relative HTML file)
    points at, or None for another host, another scheme or a same-page fragment."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    folder = "" if path.startswith("/") else posixpath.dirname(page)  # "/x": the site's root
    target = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
    assert not target.startswith(".."), f"{url!r} on {page} leaves the site"
    if path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html")
    return posixpath.normpath(target)


def existing(site: Path, relative: str) -> bool:
    target = site / relative
    return target.is_file() or (target.is_dir() and (target / "index.html").is_file())


def is_other_host(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme.lower() in ("http", "https", "ftp")


def text(tag: Tag | None) -> str:
    assert tag is not None
    return " ".join(tag.get_text(" ", strip=True).split())


def number_in(cell: str) -> float:
    found = re.match(r"-?\d[\d,]*(?:\.\d+)?", cell)
    assert found, f"no number at the start of {cell!r}"
    return float(found.group().replace(",", ""))


def parse_steps_description(words: str) -> tuple[str, ...]:
    """A badge's words, e.g. "steps 1-3 complete, 4 partial, 5-7 not due" (with en dashes),
    read back into seven states."""
    assert words.startswith("steps "), words
    states: dict[int, str] = {}
    alternatives = "|".join(STATE_WORDS)
    for part in words[len("steps ") :].split(", "):
        found = re.fullmatch(rf"(\d)(?:[\u2013-](\d))? ({alternatives})", part)
        assert found, f"cannot read {part!r} in {words!r}"
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        for number in range(first, last + 1):
            states[number] = found.group(3)
    assert sorted(states) == list(range(1, 8)), words
    return tuple(states[n] for n in range(1, 8))


def backlog_rows(site: Build) -> list[Tag]:
    return site.page("backlog.md").select("table.cireg-backlog tbody tr")


def row_id(row: Tag) -> str:
    """The initiative of a backlog row: the id the row shows (and the script reads)."""
    code = row.select("td")[1].find("code")
    assert isinstance(code, Tag)
    return code.get_text()


def all_html_pages(site: Build) -> Iterator[str]:
    for path in sorted(site.site.rglob("*.html")):
        yield path.relative_to(site.site).as_posix()


SVG = "{http://www.w3.org/2000/svg}"


def badge_svg(site: Build, initiative_id: str) -> ET.Element:
    return ET.fromstring((site.site / "badges" / f"{initiative_id}.svg").read_bytes())


# --- 1. one page per initiative ----------------------------------------------------------------


def test_every_initiative_file_has_exactly_one_page(reference_site: Build) -> None:
    pages = sorted(
        p.parent.name for p in (reference_site.site / "initiatives").glob("*/index.html")
    )
    assert pages == list(INITIATIVE_IDS)
    assert pages and len(pages) == len(list(INITIATIVES.glob("*.yaml")))


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_initiative_page_heading_is_the_title(reference_site: Build, initiative_id: str) -> None:
    headings = reference_site.page(f"initiatives/{initiative_id}.md").select("article h1")
    assert [text(h) for h in headings] == [register()[initiative_id]["title"]]


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_initiative_page_edit_link_points_at_its_yaml(
    reference_site: Build, initiative_id: str
) -> None:
    soup = reference_site.page(f"initiatives/{initiative_id}.md")
    links = soup.select('a.md-content__button[rel~="edit"], a[title="Edit this page"]')
    assert links, "no edit link"
    for link in links:
        assert str(link["href"]).endswith(f"/initiatives/{initiative_id}.yaml"), link["href"]


# --- 2. the backlog ----------------------------------------------------------------------------


def test_backlog_lists_every_initiative_in_backlog_order(reference_site: Build) -> None:
    assert [row_id(row) for row in backlog_rows(reference_site)] == expected_backlog()


def test_backlog_order_known_head_and_tail(reference_site: Build) -> None:
    order = [row_id(row) for row in backlog_rows(reference_site)]
    # The only critical one first; the only one without a priority last.
    assert order[0] == "backup-restore-assurance"
    assert order[-1] == "library-wifi-capacity"
    # Same priority and score (high/m): the oldest raised first.
    high_m = [i for i in order if i in ("exam-desk-response", "change-failure-reduction")]
    assert high_m == ["exam-desk-response", "change-failure-reduction"]


def test_backlog_rows_link_to_existing_initiative_pages(reference_site: Build) -> None:
    for row in backlog_rows(reference_site):
        links = row.select("a[href]")
        assert links, f"row {row_id(row)} has no link"
        target = resolve("backlog/index.html", str(links[0]["href"]))
        assert target == page_file(row_id(row))
        assert (reference_site.site / target).is_file(), target
        assert text(links[0]) == register()[row_id(row)]["title"]


# --- 3. step badges ----------------------------------------------------------------------------


@pytest.mark.parametrize("initiative_id", sorted(KNOWN_BADGES))
def test_hand_read_badges_agree_with_the_derivation(initiative_id: str) -> None:
    assert expected_badge(initiative_id) == KNOWN_BADGES[initiative_id]


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_backlog_badge_alt_text_shows_computed_states(
    reference_site: Build, initiative_id: str
) -> None:
    rows = [row for row in backlog_rows(reference_site) if row_id(row) == initiative_id]
    assert len(rows) == 1
    image = rows[0].select_one("img")
    assert image is not None
    assert resolve("backlog/index.html", str(image["src"])) == f"badges/{initiative_id}.svg"
    assert parse_steps_description(str(image["alt"])) == expected_badge(initiative_id)


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_badge_file_is_accessible_svg_with_computed_states(
    reference_site: Build, initiative_id: str
) -> None:
    svg = badge_svg(reference_site, initiative_id)  # raises if not well-formed
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    label = svg.get("aria-label") or ""
    title = svg.find(f"{SVG}title")
    assert title is not None and title.text == label
    prefix = f"{initiative_id}: "
    assert label.startswith(prefix), label
    expected = expected_badge(initiative_id)
    assert parse_steps_description(label[len(prefix) :]) == expected
    step_titles = [t.text or "" for t in svg.iterfind(f"{SVG}g/{SVG}title")]
    assert step_titles == [
        f"{number} {question}: {state}"
        for (_, number, question), state in zip(STEPS, expected, strict=True)
    ]


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_initiative_page_has_seven_step_sections_with_badges(
    reference_site: Build, initiative_id: str
) -> None:
    soup = reference_site.page(f"initiatives/{initiative_id}.md")
    sections = soup.select(".cireg-step[data-step]")
    assert [s["data-step"] for s in sections] == list(STEP_KEYS)
    for (_, number, _), section, state in zip(
        STEPS, sections, expected_badge(initiative_id), strict=True
    ):
        badge = section.select_one("img.cireg-step-badge")
        assert badge is not None, f"step {number} has no badge"
        assert badge["alt"] == f"Step {number}: {state}"
        # The shared badge file of that state, which carries its word and shape.
        target = (reference_site.site / "initiatives" / initiative_id / str(badge["src"])).resolve()
        assert target.name == f"{state.replace(' ', '-')}.svg" and target.is_file()


# --- 4. objectives -----------------------------------------------------------------------------


def objective_rows(site: Build, initiative_id: str) -> dict[str, dict[str, str]]:
    """The objectives table: objective id -> {column heading: cell text}."""
    table = site.page(f"initiatives/{initiative_id}.md").select_one("table.cireg-objectives")
    assert table is not None
    headers = [text(th) for th in table.select("thead th")]
    rows: dict[str, dict[str, str]] = {}
    for tr in table.select("tbody tr"):
        cells = [text(td) for td in tr.select("td")]
        rows[text(tr.select_one("td code"))] = dict(zip(headers, cells, strict=True))
    return rows


def test_exam_desk_objectives_show_baseline_target_latest_gap_and_result(
    reference_site: Build,
) -> None:
    doc = register()["exam-desk-response"]
    kpis = kpis_of(doc)
    assessed_on = doc["current_state"]["assessed_on"]
    rows = objective_rows(reference_site, "exam-desk-response")
    assert list(rows) == [o["id"] for o in objectives_of(doc)]
    states = []
    for objective in objectives_of(doc):
        cells = rows[objective["id"]]
        kpi = kpis[objective["kpi"]]
        base, last, target = baseline(kpi, assessed_on), latest(kpi), objective["target"]
        assert base is not None
        assert number_in(cells["Baseline"]) == pytest.approx(base)
        assert number_in(cells["Target"]) == pytest.approx(target)
        assert number_in(cells["Latest"]) == pytest.approx(last)
        gap = (last - base) / (target - base) * 100
        assert cells["Gap closed"].endswith("%")
        assert abs(number_in(cells["Gap closed"]) - gap) <= 0.5 + 1e-9, (cells, gap)
        state = objective_state(objective, kpi)
        shown = re.search(r"(met late|not met|met)$", cells["Result"])
        assert shown is not None, cells["Result"]
        assert shown.group(1) == state, objective["id"]
        states.append(state)
    # ITIL's worked example: two targets met, one not.
    assert sorted(states) == ["met", "met", "not met"]


# --- 5. charts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("initiative_id", INITIATIVE_IDS)
def test_every_kpi_has_an_accessible_chart_and_data_table(
    reference_site: Build, initiative_id: str
) -> None:
    soup = reference_site.page(f"initiatives/{initiative_id}.md")
    figures = soup.select("figure.cireg-kpi")
    kpis = register()[initiative_id].get("kpis") or []
    assert len(figures) == len(kpis)
    for kpi, figure in zip(kpis, figures, strict=True):
        assert kpi["name"] in text(figure.select_one("figcaption"))
        svg = figure.select_one("svg")
        assert svg is not None and svg.get("role") == "img"
        ids = str(svg.get("aria-labelledby") or "").split()
        assert ids, "chart has no aria-labelledby"
        names = []
        for dom_id in ids:
            labels = soup.select(f'[id="{dom_id}"]')
            assert len(labels) == 1, f"id {dom_id} is not unique on the page"
            assert svg in labels[0].parents, f"{dom_id} is outside the chart"
            assert text(labels[0]), f"{dom_id} is empty"
            names.append(labels[0].name)
        assert sorted(names) == ["desc", "title"]
        rows = figure.select("table tbody tr")
        assert len(rows) == len(kpi.get("measurements") or [])


# --- 6. principles -----------------------------------------------------------------------------


def principles_table(site: Build, css: str) -> list[tuple[str, list[Tag]]]:
    """The rows of a principles table as (step key, cells in PRINCIPLE_NAMES order)."""
    table = site.page("principles.md").select_one(f"table.{css}")
    assert table is not None
    assert [text(th) for th in table.select("thead th")][1:] == list(PRINCIPLE_NAMES.values())
    rows = []
    for (key, number, question), tr in zip(STEPS, table.select("tbody tr"), strict=True):
        assert text(tr.select_one("th")) == f"{number}. {question}"
        rows.append((key, tr.select("td")))
    return rows


def test_principles_table_marks_exactly_the_canonical_cells(reference_site: Build) -> None:
    for key, cells in principles_table(reference_site, "cireg-principles-table"):
        marked = {
            slug
            for slug, cell in zip(PRINCIPLE_NAMES, cells, strict=True)
            if "cireg-canonical" in (cell.get("class") or [])
        }
        assert marked == CANONICAL[key], key
        for slug, cell in zip(PRINCIPLE_NAMES, cells, strict=True):
            assert ("✓" in cell.get_text()) == (slug in CANONICAL[key]), (key, slug)


def test_principles_counts_equal_the_register(reference_site: Build) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for doc in register().values():
        for key in STEP_KEYS:
            for slug in set((doc.get(key) or {}).get("principles") or []):
                counts[key, slug] += 1
    assert sum(counts.values()) > 0
    for key, cells in principles_table(reference_site, "cireg-principles-counts"):
        for slug, cell in zip(PRINCIPLE_NAMES, cells, strict=True):
            shown = int(re.sub(r"[^\d]", "", cell.get_text()))
            assert shown == counts[key, slug], (key, slug)
            if cell.has_attr("data-count"):
                assert int(str(cell["data-count"])) == counts[key, slug]
            assert ("cireg-canonical" in (cell.get("class") or [])) == (slug in CANONICAL[key])


# --- 7. home page figures ----------------------------------------------------------------------


def test_home_page_figures_replace_the_marker(reference_site: Build) -> None:
    raw = (reference_site.site / "index.html").read_text(encoding="utf-8")
    assert "cireg:figures" not in raw
    assert len(reference_site.html("index.html").select(".cireg-figures")) == 1


def test_home_page_status_counts_equal_the_register(reference_site: Build) -> None:
    figures = reference_site.html("index.html").select_one(".cireg-figures")
    assert figures is not None
    block = figures.select_one('[data-figure="status"]')
    assert block is not None
    shown = {
        text(tr.select("td")[0]): int(text(tr.select("td")[1])) for tr in block.select("tbody tr")
    }
    expected = Counter(doc["status"] for doc in register().values())
    assert {s: n for s, n in shown.items() if n} == dict(expected)
    assert set(shown) <= set(STATUSES)
    assert str(len(register())) in text(block.select_one("strong"))


# --- 8. files ----------------------------------------------------------------------------------


def test_register_json_lists_every_initiative_in_backlog_order(reference_site: Build) -> None:
    data = json.loads((reference_site.site / "register.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [entry["id"] for entry in data["initiatives"]] == expected_backlog()


def test_schema_is_published_byte_for_byte(reference_site: Build) -> None:
    published = reference_site.site / "schemas" / "initiative.schema.json"
    assert published.read_bytes() == (REPO / "schemas" / "initiative.schema.json").read_bytes()


def test_stylesheet_is_linked_from_every_generated_page(reference_site: Build) -> None:
    assert (reference_site.site / "assets/cireg/cireg.css").is_file()
    for page in GENERATED_PAGES:
        soup = reference_site.html(page)
        styles = [
            resolve(page, str(link["href"])) for link in soup.select('link[rel~="stylesheet"]')
        ]
        assert "assets/cireg/cireg.css" in styles, page


# --- 9. navigation -----------------------------------------------------------------------------


def test_no_navigation_link_points_at_an_initiative_page(reference_site: Build) -> None:
    for page in all_html_pages(reference_site):
        for link in reference_site.html(page).select("nav a[href]"):
            target = resolve(page, str(link["href"]))
            if target is None or str(link["href"]).startswith("#"):
                continue  # another host, or the table of contents of this very page
            assert not target.startswith("initiatives/"), (page, link["href"])


def test_backlog_and_principles_are_in_the_navigation(reference_site: Build) -> None:
    nav = reference_site.html("index.html").select_one("nav.md-nav--primary")
    assert nav is not None
    targets = {resolve("index.html", str(a["href"])) for a in nav.select("a[href]")}
    assert {"backlog/index.html", "principles/index.html"} <= targets


# --- 10. offline -------------------------------------------------------------------------------

FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "preconnect"}
CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")\s]+)""")


def css_urls(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


def fetched_urls(soup: BeautifulSoup) -> Iterator[str]:
    """Every URL that the browser loads by itself when showing the page."""
    for script in soup.select("script[src]"):
        yield str(script["src"])
    for link in soup.select("link[href]"):
        if FETCHING_RELS & {str(r).lower() for r in link.get("rel") or []}:
            yield str(link["href"])
    for element in soup.select("img[src], source[src], iframe[src], audio[src], video[src]"):
        yield str(element["src"])
    for element in soup.select("[srcset]"):
        yield from (part.split()[0] for part in str(element["srcset"]).split(",") if part.strip())
    for element in soup.select("image[href], use[href]"):
        yield str(element["href"])
    for style in soup.select("style"):
        yield from css_urls(style.get_text())
    for element in soup.select("[style]"):
        yield from css_urls(str(element["style"]))


def test_pages_load_nothing_from_another_host(reference_site: Build) -> None:
    for page in GENERATED_PAGES:
        loaded = list(fetched_urls(reference_site.html(page)))
        assert loaded, page
        assert [url for url in loaded if is_other_host(url)] == [], page


def test_generated_assets_load_nothing_from_another_host(reference_site: Build) -> None:
    css = (reference_site.site / "assets/cireg/cireg.css").read_text(encoding="utf-8")
    assert [url for url in css_urls(css) if is_other_host(url)] == []
    for badge in sorted((reference_site.site / "badges").glob("*.svg")):
        for element in ET.fromstring(badge.read_bytes()).iter():
            for name, value in element.attrib.items():
                if name.endswith("href") or name in ("src", "style"):
                    assert not is_other_host(value), (badge.name, name, value)


# --- 11. relative links ------------------------------------------------------------------------


def relative_urls(soup: BeautifulSoup) -> Iterator[str]:
    for element in soup.select("[href]"):
        yield str(element["href"])
    for element in soup.select("[src]"):
        yield str(element["src"])


@pytest.mark.parametrize("page", GENERATED_PAGES)
def test_every_relative_link_resolves_to_a_built_file(reference_site: Build, page: str) -> None:
    broken = []
    for url in relative_urls(reference_site.html(page)):
        target = resolve(page, url)
        if target is not None and not existing(reference_site.site, target):
            broken.append(url)
    assert broken == [], page
