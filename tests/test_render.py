"""The pure renderers: links, badges, Markdown text, front matter, register.json, figures."""

from __future__ import annotations

import datetime as dt
import json
import time
import xml.etree.ElementTree as ET

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from cireg.check import check_register
from cireg.model import PRIORITY_RANK, STATUSES, Completeness, StepReport
from cireg.principles import STEPS
from cireg.render.badges import (
    STATES,
    describe_steps,
    render_state_badge,
    render_steps_badge,
)
from cireg.render.layout import SiteLayout
from cireg.render.page_context import DASH, SiteContext, front_matter
from cireg.render.pages import (
    render_backlog_page,
    render_figures,
    render_initiative_page,
)
from cireg.render.register_json import render_register_json
from cireg.render.text import MarkdownBudget, markdown_to_html, yaml_quoted
from conftest import REPO, TODAY

SVG = "{http://www.w3.org/2000/svg}"


# --- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory_urls", "source", "target", "expected"),
    [
        (True, "backlog.md", "initiatives/x.md", "../initiatives/x/"),
        (True, "initiatives/x.md", "initiatives/y.md", "../y/"),
        (True, "initiatives/x.md", "badges/x.svg", "../../badges/x.svg"),
        (True, "index.md", "backlog.md", "backlog/"),
        (True, "backlog.md", "index.md", "../"),
        (True, "index.md", "register.json", "register.json"),
        (False, "backlog.md", "initiatives/x.md", "initiatives/x.html"),
        (False, "initiatives/x.md", "badges/x.svg", "../badges/x.svg"),
        # Without directory URLs MkDocs serves index.md as index.html, and links name it.
        (False, "initiatives/x.md", "index.md", "../index.html"),
        (False, "backlog.md", "index.md", "index.html"),
    ],
)
def test_links_follow_mkdocs_urls(
    directory_urls: bool, source: str, target: str, expected: str
) -> None:
    assert SiteLayout(use_directory_urls=directory_urls).href(source, target) == expected


def test_a_fragment_is_appended() -> None:
    assert SiteLayout().href("backlog.md", "principles.md", "table") == "../principles/#table"


# --- badges --------------------------------------------------------------------------------


def _report(state: Completeness, due: bool) -> StepReport:
    return StepReport(state=state, due=due, required_complete=False, gaps=[])


def test_a_missing_step_not_yet_required_is_not_due() -> None:
    assert _report(Completeness.MISSING, due=False).badge == "not-due"
    assert _report(Completeness.MISSING, due=True).badge == "missing"
    # A step written early shows what it is, required or not.
    assert _report(Completeness.PARTIAL, due=False).badge == "partial"
    assert _report(Completeness.COMPLETE, due=False).badge == "complete"


def test_step_runs_are_described_in_words() -> None:
    states = list(
        zip(
            STEPS,
            ["complete", "complete", "complete", "partial", "missing", "not-due", "not-due"],
            strict=True,
        )
    )
    expected = "steps 1\N{EN DASH}3 complete, 4 partial, 5 missing, 6\N{EN DASH}7 not due"
    assert describe_steps(states) == expected


def test_the_seven_step_badge_is_a_labelled_standalone_svg() -> None:
    states = list(
        zip(STEPS, ["complete", "partial", "missing", "not-due", *["complete"] * 3], strict=True)
    )
    root = ET.fromstring(render_steps_badge("exam-desk-response", states))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.startswith("exam-desk-response: steps 1 complete, 2 partial")
    assert root.get("aria-label") == title.text
    # One group per step, each with its own tooltip naming the step and its state.
    cells = root.findall(f"{SVG}g")
    assert len(cells) == 7
    tips = [cell.findtext(f"{SVG}title") for cell in cells]
    assert tips[0] == "1 What is the vision?: complete"
    assert tips[3] == "4 How do we get there?: not due"


@pytest.mark.parametrize("state", STATES)
def test_each_step_badge_carries_its_word_as_well_as_a_colour(state: str) -> None:
    root = ET.fromstring(render_state_badge(state))
    word = state.replace("-", " ")
    assert root.get("aria-label") == word and root.findtext(f"{SVG}title") == word
    assert root.findtext(f"{SVG}text") == word
    # A distinct shape per state, so colour is never the only signal.
    assert root.find(f"{SVG}path") is not None or root.find(f"{SVG}circle") is not None


def test_badge_shapes_differ_between_states() -> None:
    bodies = {
        state: ET.fromstring(render_state_badge(state)).findall(f"{SVG}path") for state in STATES
    }
    drawn = {state: [p.get("d", "") for p in paths] for state, paths in bodies.items()}
    assert len({tuple(d) for d in drawn.values()}) == len(STATES)


# --- Markdown text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "{ onclick=alert(1) }",
        "<!-- hidden -->",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_in_text_comes_out_as_text(payload: str) -> None:
    rendered = markdown_to_html(f"Before {payload} after")
    soup = BeautifulSoup(rendered, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["p"]
    assert soup.get_text() == f"Before {payload} after"


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,hi)",
        "[x](vbscript:msgbox)",
        "<javascript:alert(1)>",
    ],
)
def test_only_safe_link_schemes_survive(link: str) -> None:
    soup = BeautifulSoup(markdown_to_html(link), "html.parser")
    for anchor in soup.find_all("a"):
        assert anchor.get("href") is None


@pytest.mark.parametrize(
    "href", ["https://example.org/a", "http://example.org", "mailto:desk@example.org", "../x/"]
)
def test_safe_links_are_kept(href: str) -> None:
    soup = BeautifulSoup(markdown_to_html(f"[x]({href})"), "html.parser")
    anchor = soup.find("a")
    assert anchor is not None and anchor.get("href") == href


def test_images_are_dropped_so_nothing_loads_from_other_hosts() -> None:
    assert "<img" not in markdown_to_html("See ![chart](https://tracker.example/p.png) here")


def test_markdown_structure_is_kept() -> None:
    soup = BeautifulSoup(markdown_to_html("- **one**\n- _two_ `code`\n\n1. first"), "html.parser")
    assert [li.get_text() for li in soup.select("ul > li")] == ["one", "two code"]
    assert soup.select_one("strong") is not None and soup.select_one("ol > li") is not None


@pytest.mark.parametrize(
    "text", ["A plain sentence, with commas.", "Cut tickets by 70% (from 400/week)", "Ünïcode ok"]
)
def test_plain_prose_takes_the_fast_path_with_the_same_result(text: str) -> None:
    from cireg.render.text import _MarkdownToHtml, sanitize

    assert markdown_to_html(text) == sanitize(_MarkdownToHtml().convert(text))


def test_lines_that_look_like_markdown_blocks_are_parsed() -> None:
    assert markdown_to_html("- a list item").startswith("<ul>")
    assert markdown_to_html("1. first").startswith("<ol>")
    assert "<em>" in markdown_to_html("an _emphasised_ word")


def test_control_characters_never_reach_the_page() -> None:
    rendered = markdown_to_html("bell\x07 and \x02wzxhzdk:0\x03 placeholder")
    assert "\x07" not in rendered and "\x02" not in rendered and "\ufffd" in rendered


# --- front matter ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ['Quotes " and \\ backslashes', "</title><script>alert(1)</script>", "é 😀 ∑"],
)
def test_front_matter_holds_the_title_escaped_for_html(title: str) -> None:
    meta = yaml.safe_load(front_matter(title).strip().strip("-"))
    assert "<" not in meta["title"]
    assert BeautifulSoup(meta["title"], "html.parser").get_text() == title


def test_a_title_is_one_line_without_control_characters() -> None:
    meta = yaml.safe_load(front_matter("Two\nlines\tand a \x85 bell\x07").strip().strip("-"))
    assert meta["title"] == "Two lines and a \ufffd bell\ufffd"


def test_yaml_quoting_round_trips_any_character() -> None:
    text = "".join(chr(c) for c in range(0x20, 0x3000)) + "😀"
    assert yaml.safe_load(f"t: {yaml_quoted(text)}")["t"] == text


# --- register.json and figures ---------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return check_register(str(REPO / "initiatives"), TODAY)


def test_register_json_carries_every_initiative_in_backlog_order(reference) -> None:
    data = json.loads(render_register_json(reference, TODAY))
    assert data["version"] == 1 and data["today"] == TODAY.isoformat()
    assert [entry["id"] for entry in data["initiatives"]] == [i.id for i in reference.initiatives]
    assert [entry["backlog_position"] for entry in data["initiatives"]] == list(
        range(1, len(reference.initiatives) + 1)
    )
    exam = next(e for e in data["initiatives"] if e["id"] == "exam-desk-response")
    assert exam["computed_outcome"] == "partially-met"
    assert [o["state"] for o in exam["objectives"]] == ["met", "met", "not met"]
    assert all(step["state"] == "complete" for step in exam["steps"].values())


def test_register_json_cannot_end_up_as_markup(register) -> None:
    folder = register(
        {
            "markup-in-title.yaml": (
                "title: '</script><script>alert(1)</script> & more'\n"
                "status: idea\nowner: Someone\nraised_on: 2026-01-01\nreview_by: 2027-01-01\n"
                "vision: {statement: A statement}\n"
                "kpis: [{id: k, name: K, unit: u, direction: increase, measurements: "
                "[{on: 2026-01-01, value: .inf}, {on: 2026-01-02, value: 1e400}]}]\n"
            )
        }
    )
    text = render_register_json(check_register(str(folder), TODAY), TODAY)
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)  # strict JSON: no Infinity or NaN
    entry = data["initiatives"][0]
    assert entry["title"] == "</script><script>alert(1)</script> & more"
    assert [m["value"] for m in entry["kpis"][0]["measurements"]] == [None, None]


def test_figures_count_the_register(reference) -> None:
    site = SiteContext(register=reference, today=TODAY)
    soup = BeautifulSoup(render_figures(site, "index.md"), "html.parser")
    status_rows = soup.select('[data-figure="status"] tbody tr')
    counts = {
        row.select("td")[0].get_text(): int(row.select("td")[1].get_text()) for row in status_rows
    }
    assert sum(counts.values()) == len(reference.initiatives)
    assert counts["done"] == sum(1 for i in reference.initiatives if i.status == "done")
    only_status = BeautifulSoup(render_figures(site, "index.md", ("status",)), "html.parser")
    assert [f["data-figure"] for f in only_status.select("[data-figure]")] == ["status"]


def test_an_initiative_page_starts_with_front_matter_and_keeps_markdown_headings_fixed(
    reference,
) -> None:
    site = SiteContext(register=reference, today=TODAY)
    exam = next(i for i in reference.initiatives if i.id == "exam-desk-response")
    page = render_initiative_page(exam, site).inline()
    assert page.startswith(
        '---\ntitle: "Faster service desk response during exam periods"\n'
        'tags: ["students", "exams"]\n---'
    )
    headings = [line for line in page.splitlines() if line.startswith("#")]
    assert headings == ["## Objectives", "## KPIs"] + [
        f"## {step.number}. {step.question}" for step in STEPS
    ]


def test_today_moves_the_attention_figures(reference) -> None:
    later = SiteContext(register=reference, today=dt.date(2030, 1, 1))
    soup = BeautifulSoup(render_figures(later, "index.md", ("attention",)), "html.parser")
    stale_links = soup.select('[data-figure="attention"] p')[2].select("a")
    open_ones = [i for i in reference.initiatives if i.status not in ("done", "abandoned")]
    assert len(stale_links) == sum(1 for i in open_ones if i.review_by is not None)


# --- the backlog's filter form and sort keys (the contract with assets/cireg.js) -------------


def backlog_soup(register, unreadable=()):
    page = render_backlog_page(SiteContext(register=register, today=TODAY), unreadable)
    return BeautifulSoup(page.inline(), "html.parser")


def options(soup: BeautifulSoup, name: str) -> list[str]:
    return [str(o["value"]) for o in soup.select(f'#cireg-filters [name="{name}"] option')]


def row_id(row: Tag) -> str:
    """The initiative of a backlog row: the id it shows, which is what the script reads."""
    return row.select("td")[1].select_one("code").get_text()


def backlog_rows(soup: BeautifulSoup) -> dict[str, Tag]:
    return {row_id(r): r for r in soup.select("table.cireg-backlog tbody tr")}


def test_backlog_form_is_hidden_until_the_script_shows_it(reference) -> None:
    form = backlog_soup(reference).select_one("form#cireg-filters")
    assert form is not None and form.has_attr("hidden")
    assert not any(form.has_attr(a) for a in ("action", "method"))
    names = [str(f["name"]) for f in form.select("input, select")]
    assert names == ["filter", "status", "priority", "owner", "activity", "sort", "order"]
    for field in form.select("input, select"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None


def test_facet_options_are_the_registers_values_in_model_order(reference) -> None:
    soup = backlog_soup(reference)
    statuses = [s for s in STATUSES if any(i.status == s for i in reference.initiatives)]
    assert options(soup, "status") == ["", "open", *statuses]
    open_option = soup.select_one('[name="status"] option[value="open"]')
    assert open_option["data-any"].split() == [
        s for s in STATUSES if s not in ("done", "abandoned")
    ]
    priorities = options(soup, "priority")
    assert priorities[0] == "" and priorities[-1] == "none"  # library-wifi-capacity has none
    assert priorities[1:-1] == sorted(priorities[1:-1], key=PRIORITY_RANK.__getitem__)
    owners = options(soup, "owner")[1:]
    assert owners == sorted({i.owner for i in reference.initiatives}, key=str.casefold)
    activities = options(soup, "activity")[1:]
    assert set(activities) == {a for i in reference.initiatives for a in i.value_chain}


def test_every_sortable_header_is_a_sort_choice(reference) -> None:
    soup = backlog_soup(reference)
    headers = [str(th["data-sort"]) for th in soup.select("table.cireg-backlog th[data-sort]")]
    assert len(headers) == len(soup.select("table.cireg-backlog thead th"))
    assert ["position", *options(soup, "sort")[1:]] == headers


def test_rows_carry_what_filtering_and_sorting_need(reference) -> None:
    """The script reads status and priority from their cells, and a row's activities as
    positions among the activity options (1 for the first)."""
    soup = backlog_soup(reference)
    rows = backlog_rows(soup)
    activities = options(soup, "activity")
    shown = [row_id(r) for r in soup.select("table.cireg-backlog tbody tr")]
    assert sorted(shown) == sorted(i.id for i in reference.initiatives)
    for initiative in reference.initiatives:
        row = rows[initiative.id]
        cells = row.select("td")
        assert row["id"] == initiative.id  # an address can point at the row
        assert cells[2].get_text() == initiative.status
        assert cells[4].get_text() == (initiative.priority or DASH)
        positions = [int(n) for n in row["data-activity"].split()]
        assert [activities[n] for n in positions] == initiative.value_chain
        assert row["data-terms"] == " · ".join(initiative.services + initiative.tags)
        assert not row.has_attr("data-status")  # only a row whose file could not be read
        assert float(cells[5]["data-sort"]) == pytest.approx(
            -initiative.value_effort_score, rel=1e-3
        )
        complete = sum(
            1 for r in initiative.completeness.values() if r.state is Completeness.COMPLETE
        )
        assert int(cells[6]["data-sort"]) <= -2 * complete


def test_outcome_sort_key_is_empty_without_an_outcome(reference) -> None:
    soup = backlog_soup(reference)
    keys = {key: row.select("td")[8]["data-sort"] for key, row in backlog_rows(soup).items()}
    verified = {i.id for i in reference.initiatives if i.verification is not None}
    assert {k for k, v in keys.items() if v != ""} <= verified
    assert set(keys.values()) <= {"", "0", "1", "2"}


def test_unreadable_files_are_a_status_choice_and_rows(reference) -> None:
    soup = backlog_soup(reference, [("broken-one", "initiatives/broken-one.yaml")])
    assert options(soup, "status")[-1] == "unreadable"
    row = backlog_rows(soup)["broken-one"]
    assert row["data-status"] == "unreadable"
    assert [cell.get_text() for cell in row.select("td")[2:]] == [DASH] * 7  # priority: none


def test_author_text_in_facets_stays_text(register) -> None:
    folder = register(
        {
            "odd-owner.yaml": (
                "title: T\nstatus: idea\nowner: '\"><script>alert(1)</script>'\n"
                "raised_on: 2026-01-01\nreview_by: 2027-01-01\nvision: {statement: S}\n"
                "tags: ['\" onmouseover=\"x']\n"
            )
        }
    )
    soup = backlog_soup(check_register(str(folder), TODAY))
    assert soup.find("script") is None
    assert options(soup, "owner")[1] == '"><script>alert(1)</script>'
    row = backlog_rows(soup)["odd-owner"]
    assert row["data-terms"] == '" onmouseover="x' and not row.has_attr("onmouseover")


# --- text too deep or too strange for Markdown or XML --------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["- " * 600 + "x", "1. " * 600 + "x", "> " * 2000 + "x", ">" * 5000 + "x", " " * 3000 + "- x"],
)
def test_markdown_nested_past_the_stack_is_shown_as_written(text: str) -> None:
    from cireg.render.text import markdown_to_html

    rendered = markdown_to_html(text + "\n\nsecond <b>paragraph</b>")
    soup = BeautifulSoup(rendered, "html.parser")
    assert [p.get_text() for p in soup.find_all("p")] == [text, "second <b>paragraph</b>"]
    assert not soup.find_all(["b", "ul", "ol", "blockquote"])


def test_markdown_nesting_a_few_levels_deep_is_still_markdown() -> None:
    from cireg.render.text import markdown_to_html

    soup = BeautifulSoup(markdown_to_html("- " * 10 + "x"), "html.parser")
    assert len(soup.find_all("ul")) == 10


@pytest.mark.parametrize(
    "unit",
    ["[", "[a](b ", "![", "a\n=\n", "a\n- - -\n", "***\n", "``-`", "[---`]-`", "_)_", "a*"],
)
def test_markdown_that_would_take_seconds_is_shown_as_written_at_once(unit: str) -> None:
    """Each of these, 16,000 characters long, took Python-Markdown from 2 s to minutes."""
    text = ("***" if unit == "a*" else "") + unit * (16_000 // len(unit))
    started = time.process_time()
    rendered = markdown_to_html(text)
    assert time.process_time() - started < 0.5
    soup = BeautifulSoup(rendered, "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= {"p", "br"}
    assert soup.get_text() == text.strip("\n")


def test_the_fields_of_one_page_share_one_budget_of_markdown_work() -> None:
    budget = MarkdownBudget()
    notes = [markdown_to_html("- a\n- b", budget) for _ in range(3_000)]
    assert notes[0] == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert notes[-1] == "<p>- a<br>\n- b</p>"  # the page's budget is spent: as written
    assert markdown_to_html("- a\n- b") == notes[0]  # a field alone has a page's worth


def test_a_badge_stays_xml_whatever_the_file_name() -> None:
    from cireg.render.badges import render_steps_badge

    for weird_id in ("\x1b", "\ud800", "a\ufffeb", "x\x00y"):
        svg = render_steps_badge(weird_id, [(step, "missing") for step in STEPS])
        title = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title")
        assert (
            title is not None
            and title.text
            and title.text.startswith(
                weird_id.translate({ord(c): "\ufffd" for c in "\x1b\ud800\ufffe\x00"})
            )
        )
