"""The published site is safe whatever an initiative file says, and never loses an initiative.

A register is written by many hands, and its site is published under the organisation's name,
so author text must reach every output as text: the pages, the inline SVG charts, the badge
files, `register.json` and the search index. These tests build real sites with `mkdocs build`
(and once the way `mkdocs serve` does) and scan every file that comes out.

One strict build holds a register in which every free-text field and every plain string the
format allows carries a hostile payload: one `done` initiative per payload (every step
written), and one `on-hold` initiative per payload for `on_hold_reason`. Field k of initiative n
holds payload (n + k) mod N, so every payload lands in every field and, within one page,
neighbouring fields hold different payloads. The payload site also switches on Markdown
extensions that Material sites commonly use (`attr_list`, `md_in_html`, `pymdownx.snippets`),
so that attribute-list and snippet payloads would bite if author text ever reached a Markdown
context of the page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import run_cireg
from markup_scan import (
    NEVER_IN_ARTICLE,
    SANITIZER_OUTPUT,
    article_problems,
    attribute_text,
    compact_url,
    element_pairs,
    fragment,
    html_files,
    markup_problems,
    normalized,
    page_scripts,
    scan_html_site,
    shown_text,
    svg_problems,
    visible,
)
from payload_corpus import MULTI_LINE_MARKDOWN, PAYLOADS, schema_text_paths
from sitebuild import Build, build_site, copy_project, serve_build

# --- the payload corpus --------------------------------------------------------------------------

CANARY = "CANARY-7f3a-not-for-publication"  # in a file of the project that no page may include

# What a payload reads as once a free-text (Markdown) field has rendered it, where that differs
# from the payload itself; None where only the scans below judge it.
MARKDOWN_TEXT: dict[str, str | None] = {
    "[click](javascript:alert(1))": "click",
    "[d](data:text/html,<script>alert(1)</script>)": "d",
    "&lt;script&gt;": "<script>",
    "[x](JaVaScRiPt:alert(1))": "x",
    "[x](&#106;avascript:alert(1))": "x",
    "[x](vbscript:msgbox(1))": "x",
    "![pixel](https://evil.example/pixel.png)": "",
    "<b>bold</b> &amp; &#60;script&#62;": "<b>bold</b> & <script>",
    "[x][evil]\n\n[evil]: javascript:alert(1)": "x",
    '<div markdown="1">**bold** { onclick=alert(1) }</div>': '<div markdown="1">bold { onclick=alert(1) }</div>',
    MULTI_LINE_MARKDOWN: None,
}

# Field k of initiative n holds PAYLOADS[(n + k) % N]; the offsets of the `done` initiatives.
FIELDS = (
    "title",
    "owner",
    "raised_by",
    "service",
    "tag",
    "kpi_name",
    "kpi_unit",
    "kpi_source",
    "note_1",
    "note_2",
    "statement",
    "supports",
    "stakeholder",
    "summary_now",
    "objective",
    "relevance",
    "success_factor",
    "approach",
    "action_what",
    "action_owner",
    "risk",
    "log_note",
    "summary_verified",
    "embedded_by",
    "lessons_learned",
    "communicated_to",
    "backlog_idea",
)
HOLD_FIELDS = ("title", "owner", "on_hold_reason", "statement", "relevance", "kpi_name", "kpi_unit")
OBJECTIVE_PREFIX = "Raise the measured value "  # a SMART statement needs four words
TODAY_OF_SITE = "2026-11-21"  # pinned by the reference mkdocs.yml


def markdown_text(payload: str) -> str | None:
    return MARKDOWN_TEXT.get(payload, payload)


def pick(n: int, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: PAYLOADS[(n + k) % len(PAYLOADS)] for k, name in enumerate(fields)}


def done_initiative(p: dict[str, str]) -> dict[str, Any]:
    """A `done` initiative with every step complete and a payload in every string."""
    return {
        "title": p["title"],
        "status": "done",
        "owner": p["owner"],
        "raised_on": "2025-01-10",
        "raised_by": p["raised_by"],
        "priority": "high",
        "value": "high",
        "effort": "s",
        "risk": "low",
        "services": [p["service"]],
        "value_chain": ["improve"],
        "tags": [p["tag"]],
        "kpis": [
            {
                "id": "reach",
                "name": p["kpi_name"],
                "unit": p["kpi_unit"],
                "direction": "increase",
                "source": p["kpi_source"],
                "measurements": [
                    {"on": "2025-01-31", "value": 10, "note": p["note_1"]},
                    {"on": "2025-06-30", "value": 30, "note": p["note_2"]},
                ],
            }
        ],
        "vision": {
            "statement": p["statement"],
            "supports": p["supports"],
            "stakeholders": [p["stakeholder"]],
        },
        "current_state": {"assessed_on": "2025-02-01", "summary": p["summary_now"]},
        "target_state": {
            "objectives": [
                {
                    "id": "more-reach",
                    "statement": OBJECTIVE_PREFIX + p["objective"],
                    "kpi": "reach",
                    "target": 20,
                    "deadline": "2025-12-31",
                    "relevance": p["relevance"],
                }
            ],
            "success_factors": [p["success_factor"]],
        },
        "plan": {
            "approach": p["approach"],
            "actions": [
                {
                    "id": "act",
                    "what": p["action_what"],
                    "owner": p["action_owner"],
                    "due": "2025-03-31",
                    "status": "done",
                }
            ],
            "risks": [p["risk"]],
        },
        "execution": {
            "started_on": "2025-02-15",
            "log": [{"on": "2025-03-01", "note": p["log_note"]}],
        },
        "verification": {
            "assessed_on": "2025-07-01",
            "outcome": "met",
            "summary": p["summary_verified"],
        },
        "momentum": {
            "embedded_by": [p["embedded_by"]],
            "lessons_learned": p["lessons_learned"],
            "communicated_to": [p["communicated_to"]],
            "backlog_ideas": [p["backlog_idea"]],
        },
    }


def on_hold_initiative(p: dict[str, str]) -> dict[str, Any]:
    """An `on-hold` initiative: the only status that carries `on_hold_reason`."""
    return {
        "title": p["title"],
        "status": "on-hold",
        "owner": p["owner"],
        "raised_on": "2025-01-10",
        "review_by": "2027-06-01",
        "on_hold_reason": p["on_hold_reason"],
        "kpis": [
            {
                "id": "reach",
                "name": p["kpi_name"],
                "unit": p["kpi_unit"],
                "direction": "increase",
                "measurements": [{"on": "2025-01-31", "value": 10}],
            }
        ],
        "vision": {"statement": p["statement"]},
        "current_state": {"assessed_on": "2025-02-01"},
        "target_state": {
            "objectives": [
                {
                    "id": "more-reach",
                    "statement": "Raise the measured value well",
                    "kpi": "reach",
                    "target": 20,
                    "deadline": "2025-12-31",
                    "relevance": p["relevance"],
                }
            ]
        },
    }


@dataclass
class PayloadInitiative:
    id: str
    fields: dict[str, str]  # field name -> the payload it holds
    data: dict[str, Any]  # the file's content


def payload_register() -> list[PayloadInitiative]:
    made = []
    for n in range(len(PAYLOADS)):
        done = pick(n, FIELDS)
        made.append(PayloadInitiative(f"payload-{n:02d}", done, done_initiative(done)))
        held = pick(n, HOLD_FIELDS)
        made.append(PayloadInitiative(f"paused-{n:02d}", held, on_hold_initiative(held)))
    return made


def backlog_rows(soup: BeautifulSoup) -> list[tuple[str, Tag]]:
    """The backlog's rows with the initiative id each shows (unreadable files' rows too)."""
    rows = []
    for row in soup.select("table.cireg-backlog tbody tr"):
        code = row.select("td")[1].find("code")
        assert isinstance(code, Tag), row
        rows.append((code.get_text(), row))
    return rows


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )


# --- the builds ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def theme_scripts(reference_site: Build) -> Counter[str]:
    """The theme's own scripts, as every page of the clean reference site has them."""
    kinds = [
        page_scripts(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))
        for path in html_files(reference_site.site)
    ]
    assert kinds and all(k == kinds[0] for k in kinds), "the clean site's pages disagree on scripts"
    assert sum(kinds[0].values()) >= 1
    return kinds[0]


@pytest.fixture(scope="module")
def clean_article_pairs(reference_site: Build) -> set[tuple[str, str | None]]:
    """Elements and attributes that the clean reference site's articles hold."""
    pairs: set[tuple[str, str | None]] = set()
    for path in html_files(reference_site.site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for article in soup.find_all("article"):
            pairs |= element_pairs(article)
    return pairs


@pytest.fixture(scope="module")
def payloads() -> list[PayloadInitiative]:
    return payload_register()


@pytest.fixture(scope="module")
def payload_site(
    tmp_path_factory: pytest.TempPathFactory, payloads: list[PayloadInitiative]
) -> Build:
    project = copy_project(tmp_path_factory.mktemp("payloads") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "markdown_extensions:\n" in text
    extensions = "markdown_extensions:\n  - attr_list\n  - md_in_html\n  - pymdownx.snippets\n"
    # Every event of the register in the feed, so that every payload that reaches it is seen.
    assert "      today: 2026-11-21\n" in text
    text = text.replace(
        "      today: 2026-11-21\n", "      today: 2026-11-21\n      feed_entries: 100000\n"
    )
    config.write_text(text.replace("markdown_extensions:\n", extensions, 1), encoding="utf-8")
    (project / "canary.txt").write_text(CANARY + "\n", encoding="utf-8")
    for initiative in payloads:
        write_yaml(project / "initiatives" / f"{initiative.id}.yaml", initiative.data)
    return build_site(project)


@pytest.fixture(scope="module")
def built(payload_site: Build) -> Build:
    """The payload site, which must have built under --strict."""
    assert payload_site.ok, payload_site.output
    return payload_site


@pytest.fixture(scope="module")
def pages(built: Build, payloads: list[PayloadInitiative]) -> dict[str, BeautifulSoup]:
    """Each payload initiative's page, parsed once (the tests only read them)."""
    return {i.id: built.page(f"initiatives/{i.id}.md") for i in payloads}


# The scans must be able to fail: each hostile fragment below is caught, the clean one is not.
CAUGHT_BY_THE_SCANS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href=" JaVa&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    '<form><button formaction="vbscript:x">x</button></form>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg><foreignObject><p>x</p></foreignObject></svg>",
    '<svg><a xlink:href="https://evil.example/">x</a></svg>',
    '<img src="https://evil.example/pixel.png">',
    "<style>body{display:none}</style>",
    "<!-- comment -->",
    '<p style="background:url(https://evil.example/)">x</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
)


@pytest.mark.parametrize("hostile", CAUGHT_BY_THE_SCANS)
def test_the_scans_catch_active_markup(hostile: str) -> None:
    soup = fragment(f"<article><p>before</p>{hostile}</article>")
    article = soup.find("article")
    assert isinstance(article, Tag)
    assert [*markup_problems(soup, "x"), *article_problems(article, "x")]


def test_the_scans_pass_clean_markup(tmp_path: Path) -> None:
    soup = fragment(
        '<article><p><a href="https://ok.example/" rel="noopener">ok</a> <a href="../x/">x</a>'
        '<img src="../../badges/x.svg" alt="steps"></p><svg role="img"><title>t</title></svg>'
        "</article>"
    )
    article = soup.find("article")
    assert isinstance(article, Tag)
    assert [*markup_problems(soup, "x"), *article_problems(article, "x")] == []
    good = tmp_path / "good.svg"
    good.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><title>a</title></svg>', encoding="utf-8"
    )
    assert list(svg_problems(good, "good.svg")) == []
    bad = tmp_path / "bad.svg"
    bad.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><use href="https://evil.example/x.svg#a"/></svg>',
        encoding="utf-8",
    )
    assert len(list(svg_problems(bad, "bad.svg"))) >= 2


# --- payloads: the site holds them as text, and nothing else -------------------------------------


def test_every_payload_fits_the_format() -> None:
    for payload in PAYLOADS:
        assert 5 <= len(payload) <= 120, payload
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_payload_register_validates_cleanly(payload_site: Build) -> None:
    folder = payload_site.project / "initiatives"
    result = run_cireg("validate", "--strict", "--today", TODAY_OF_SITE, str(folder), cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_the_payload_register_builds_under_strict(payload_site: Build) -> None:
    assert payload_site.ok, payload_site.output
    assert "cireg:" not in payload_site.output, "a payload initiative has findings"


def test_no_html_page_holds_markup_from_a_payload(
    built: Build, theme_scripts: Counter[str]
) -> None:
    problems = scan_html_site(built.site, theme_scripts)
    assert problems == [], "\n".join(problems[:40])


def test_payload_pages_hold_only_elements_a_clean_page_has(
    built: Build,
    payloads: list[PayloadInitiative],
    clean_article_pairs: set[tuple[str, str | None]],
    pages: dict[str, BeautifulSoup],
) -> None:
    allowed = clean_article_pairs | SANITIZER_OUTPUT
    problems = []
    for initiative in payloads:
        article = pages[initiative.id].find("article")
        assert isinstance(article, Tag), initiative.id
        for pair in sorted(element_pairs(article) - allowed, key=str):
            problems.append(f"{initiative.id}: {pair}")
    backlog = built.page("backlog.md").find("article")
    assert isinstance(backlog, Tag)
    problems += [f"backlog: {pair}" for pair in element_pairs(backlog) - allowed]
    assert problems == [], "\n".join(problems[:40])


def test_links_from_markdown_fields_keep_to_the_allowed_schemes(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    for initiative in payloads:
        for step in pages[initiative.id].select("div.cireg-step, dl.cireg-facts"):
            for link in step.find_all("a", href=True):
                href = compact_url(attribute_text(link["href"]))
                scheme = href.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", href) else ""
                assert scheme in ("", "http", "https", "mailto"), (initiative.id, str(link))


def test_svg_files_are_inert(built: Build, payloads: list[PayloadInitiative]) -> None:
    svgs = sorted(built.site.rglob("*.svg"))
    badges = [p for p in svgs if p.parent.name == "badges"]
    assert {p.stem for p in badges} >= {i.id for i in payloads}
    problems = [
        problem
        for path in svgs
        for problem in svg_problems(path, path.relative_to(built.site).as_posix())
    ]
    assert problems == [], "\n".join(problems[:40])


def test_xml_files_are_well_formed(built: Build) -> None:
    for path in sorted(built.site.rglob("*.xml")):
        ET.parse(path)  # raises on a payload that broke out of its element


def test_inline_charts_hold_payloads_as_text(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    for initiative in payloads:
        charts = pages[initiative.id].select("figure.cireg-kpi svg")
        assert charts, initiative.id
        for chart in charts:
            assert not chart.find_all(["script", "foreignobject", "a", "image", "use", "style"])
            text = shown_text(chart)
            assert normalized(initiative.fields["kpi_unit"]) in text, (initiative.id, text[:200])


def test_titles_come_out_as_text(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    for initiative in payloads:
        title = initiative.fields["title"]
        soup = pages[initiative.id]
        h1 = soup.select("article h1")
        assert [shown_text(h) for h in h1] == [normalized(title)], initiative.id
        # A `</title>` in the title would end the element early and leave the rest outside.
        assert soup.title is not None
        head_title = normalized(soup.title.get_text())
        assert head_title.startswith(normalized(title) + " - "), (initiative.id, head_title)
        topics = [normalized(t.get_text()) for t in soup.select(".md-header__topic")]
        assert normalized(title) in topics, (initiative.id, topics)


def dd_after(soup: BeautifulSoup, label: str) -> str:
    term = soup.find("dt", string=label)
    assert isinstance(term, Tag), label
    definition = term.find_next_sibling("dd")
    assert isinstance(definition, Tag), label
    return shown_text(definition)


def step_of(soup: BeautifulSoup, key: str) -> Tag:
    step = soup.select_one(f'div.cireg-step[data-step="{key}"]')
    assert isinstance(step, Tag), key
    return step


def item_texts(root: Tag) -> list[str]:
    return [shown_text(li) for li in root.find_all("li")]


def test_plain_strings_appear_verbatim(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    for initiative in payloads:
        p = {field: normalized(payload) for field, payload in initiative.fields.items()}
        soup = pages[initiative.id]
        assert dd_after(soup, "Owner") == p["owner"], initiative.id
        caption = soup.select_one("figure.cireg-kpi figcaption")
        assert isinstance(caption, Tag)
        strong = caption.find("strong")
        assert isinstance(strong, Tag)
        assert shown_text(strong) == p["kpi_name"], initiative.id
        assert f"({p['kpi_unit']})" in shown_text(caption), initiative.id
        if initiative.id.startswith("paused-"):
            continue
        assert dd_after(soup, "Raised") == f"2025-01-10 by {p['raised_by']}", initiative.id
        assert dd_after(soup, "Services") == p["service"], initiative.id
        assert [shown_text(t) for t in soup.select("span.cireg-tag")] == [p["tag"]], initiative.id
        assert f"source: {p['kpi_source']}" in shown_text(caption), initiative.id
        vision = step_of(soup, "vision")
        paragraphs = [shown_text(par) for par in vision.find_all("p")]
        assert f"Supports: {p['supports']}" in paragraphs, initiative.id
        assert f"Stakeholders: {p['stakeholder']}" in paragraphs, initiative.id
        assert p["success_factor"] in item_texts(step_of(soup, "target_state")), initiative.id
        plan = step_of(soup, "plan")
        assert p["risk"] in item_texts(plan), initiative.id
        action_cells = [shown_text(td) for td in plan.select("table.cireg-actions td")]
        assert action_cells[:2] == [f"act {p['action_what']}", p["action_owner"]], initiative.id
        momentum = item_texts(step_of(soup, "momentum"))
        for key in ("embedded_by", "communicated_to", "backlog_idea"):
            assert p[key] in momentum, (initiative.id, key)


def shows(text: str, payload: str) -> bool:
    """Whether `text` holds the payload as written or as its Markdown rendering."""
    rendered = markdown_text(payload)
    return normalized(payload) in normalized(text) or (
        rendered is not None and normalized(rendered) in normalized(text)
    )


def test_measurement_notes_are_text(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    """Notes are plain strings: shown as written, never as markup."""
    for initiative in payloads:
        p = initiative.fields
        soup = pages[initiative.id]
        if initiative.id.startswith("payload-"):
            notes = [
                row.find_all("td")[2].get_text()
                for row in soup.select("details.cireg-kpi-data tbody tr")
            ]
            assert len(notes) == 2
            assert shows(notes[0], p["note_1"]) and shows(notes[1], p["note_2"]), (
                initiative.id,
                notes,
            )


def test_markdown_fields_render_to_sanitized_text(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    checks = {
        "statement": "vision",
        "summary_now": "current_state",
        "relevance": "target_state",
        "approach": "plan",
        "log_note": "execution",
        "summary_verified": "verification",
        "lessons_learned": "momentum",
    }
    for initiative in payloads:
        p = initiative.fields
        soup = pages[initiative.id]
        for field, step in checks.items():
            if field not in p:
                continue
            expected = markdown_text(p[field])
            if expected:
                text = normalized(step_of(soup, step).get_text())
                assert normalized(expected) in text, (initiative.id, field, text[:300])
        if "objective" in p and (expected := markdown_text(p["objective"])) is not None:
            cell = soup.select_one("table.cireg-objectives tbody td")
            assert isinstance(cell, Tag)
            assert normalized(cell.get_text()) == normalized(
                "more-reach" + OBJECTIVE_PREFIX + expected
            )
        if "on_hold_reason" in p and (expected := markdown_text(p["on_hold_reason"])) is not None:
            assert normalized(dd_after(soup, "On hold because")) == normalized(expected), (
                initiative.id
            )


def test_jinja_looking_text_is_not_evaluated(
    payloads: list[PayloadInitiative], pages: dict[str, BeautifulSoup]
) -> None:
    seen = 0
    for initiative in payloads:
        article = pages[initiative.id].find("article")
        assert isinstance(article, Tag)
        text = article.get_text()
        assert "49" not in text, initiative.id  # no value of these pages has the digits 49
        assert "Northwind University IT" not in text, initiative.id  # {{ config.site_name }}
        for value in initiative.fields.values():
            if value in (
                "{{ 7*7 }}",
                "{% raw %}",
                "{{ config.site_name }}{% include 'mkdocs.yml' %}",
            ):
                assert value in text, (initiative.id, value)
                seen += 1
    assert seen >= 3 * len(FIELDS)


def test_no_file_of_the_project_leaks_through_snippet_syntax(
    built: Build, pages: dict[str, BeautifulSoup]
) -> None:
    for path in built.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".svg", ".xml", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert CANARY not in text, path
            assert "root:x:0:0" not in text, path
    snippet = '--8<-- "/etc/passwd"'
    owner_of_snippet = (PAYLOADS.index(snippet) - FIELDS.index("owner")) % len(PAYLOADS)
    assert dd_after(pages[f"payload-{owner_of_snippet:02d}"], "Owner") == snippet


def test_the_backlog_lists_payloads_as_text(
    built: Build, payloads: list[PayloadInitiative]
) -> None:
    rows = dict(backlog_rows(built.page("backlog.md")))
    for initiative in payloads:
        row = rows.get(initiative.id)
        assert isinstance(row, Tag), initiative.id
        cells = row.find_all("td", recursive=False)
        link = cells[1].find("a")
        assert isinstance(link, Tag)
        assert shown_text(link) == normalized(initiative.fields["title"]), initiative.id
        assert shown_text(cells[3]) == normalized(initiative.fields["owner"]), initiative.id


def test_register_json_returns_every_string_as_written(
    built: Build, payloads: list[PayloadInitiative]
) -> None:
    raw = (built.site / "register.json").read_bytes()
    assert b"<script" not in raw.lower()
    assert b"<" not in raw and b">" not in raw  # written as \u003c and \u003e
    record = json.loads(raw)
    by_id = {entry["id"]: entry for entry in record["initiatives"]}
    for initiative in payloads:
        entry = by_id[initiative.id]
        p = initiative.fields
        assert entry["source"] == initiative.data, initiative.id
        assert entry["title"] == p["title"]
        assert entry["owner"] == p["owner"]
        assert entry["kpis"][0]["name"] == p["kpi_name"]
        assert entry["kpis"][0]["unit"] == p["kpi_unit"]
        assert entry["objectives"][0]["relevance"] == p["relevance"]
        assert entry["findings"] == []
        if "on_hold_reason" in p:
            assert entry["on_hold_reason"] == p["on_hold_reason"]
        else:
            assert entry["raised_by"] == p["raised_by"]
            assert entry["services"] == [p["service"]]
            assert entry["tags"] == [p["tag"]]
            assert entry["kpis"][0]["source"] == p["kpi_source"]
            notes = [m["note"] for m in entry["kpis"][0]["measurements"]]
            assert notes == [p["note_1"], p["note_2"]]
            assert entry["objectives"][0]["statement"] == OBJECTIVE_PREFIX + p["objective"]


def test_the_search_index_is_inert_and_keeps_text(
    built: Build, payloads: list[PayloadInitiative]
) -> None:
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for doc in index["docs"]:
        for key in ("title", "text"):
            shown = fragment(doc.get(key, ""))
            where = f"search_index.json {doc['location']} {key}"
            problems.extend(markup_problems(shown, where))
            problems.extend(
                f"{where}: <{e.name}>" for e in shown.find_all(NEVER_IN_ARTICLE | {"img", "svg"})
            )
    assert problems == [], "\n".join(problems[:40])
    by_location = {doc["location"]: doc for doc in index["docs"]}
    for initiative in payloads:
        doc = by_location[f"initiatives/{initiative.id}/"]
        title = normalized(fragment(doc["title"]).get_text())
        assert title == normalized(initiative.fields["title"]), initiative.id
        text = normalized(fragment(doc["text"]).get_text())
        assert normalized(initiative.fields["owner"]) in text, initiative.id


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_holds_payloads_as_text(built: Build, payloads: list[PayloadInitiative]) -> None:
    raw = (built.site / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in raw.lower() and "<![cdata[" not in raw.lower()
    root = ET.fromstring(raw)
    texts: list[str] = []
    for element in root.iter():
        assert element.tag.startswith(ATOM), f"an element outside Atom: {element.tag}"
        if element.tag in (ATOM + "title", ATOM + "summary", ATOM + "content", ATOM + "subtitle"):
            assert element.get("type") == "text", element.tag  # never html or xhtml
            assert len(element) == 0, f"markup inside <{element.tag}>"
            texts.append(normalized(element.text or ""))
        href = element.get("href")
        if href is not None:
            assert not compact_url(href).startswith(("javascript:", "vbscript:", "data:")), href
    titles = {normalized(e.findtext(ATOM + "title") or "") for e in root.iter(ATOM + "entry")}
    for initiative in payloads:
        p = initiative.fields
        assert f"{normalized(p['title'])}: raised" in titles, initiative.id
        assert normalized(p["statement"]) in texts, initiative.id
        if "log_note" in p:
            for field in ("summary_now", "approach", "log_note", "note_1", "note_2"):
                assert normalized(p[field]) in texts, (initiative.id, field)
            assert normalized(p["summary_verified"]) in texts, initiative.id


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_the_csv_export_holds_payloads_as_inert_text(
    built: Build, payloads: list[PayloadInitiative]
) -> None:
    import csv

    written = built.project / "export.csv"
    result = run_cireg(
        "export",
        "--format",
        "csv",
        "--today",
        TODAY_OF_SITE,
        "-o",
        str(written),
        "initiatives",
        cwd=built.project,
    )
    assert result.returncode == 0, result.stderr
    with written.open(encoding="utf-8", newline="") as handle:  # keep carriage returns as written
        rows = list(csv.DictReader(handle))
    assert {initiative.id for initiative in payloads} <= {row["id"] for row in rows}
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(CSV_FORMULA_STARTS), (row["id"], column, cell)
    by_id = {row["id"]: row for row in rows}
    for initiative in payloads:
        title = by_id[initiative.id]["title"]
        written = initiative.fields["title"]
        assert title in (written, "'" + written), initiative.id


def payload_paths(data: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Dotted paths of `data` whose string holds a payload."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from payload_paths(value, (*path, key))
    elif isinstance(data, list):
        for item in data:
            yield from payload_paths(item, (*path, "[]"))
    elif isinstance(data, str) and any(payload in data for payload in PAYLOADS if len(payload) > 3):
        yield ".".join(path)


def test_every_free_text_string_of_the_format_carries_payloads(
    payloads: list[PayloadInitiative],
) -> None:
    """A new text field in the schema fails this test until the payload register fills it."""
    expected = schema_text_paths()
    assert {"title", "vision.statement", "kpis.[].measurements.[].note"} <= expected
    covered = {path for initiative in payloads for path in payload_paths(initiative.data)}
    assert expected - covered == set(), "text fields no payload reaches"


# --- nothing lost --------------------------------------------------------------------------------


def test_every_initiative_file_has_a_page_a_badge_and_a_record(built: Build) -> None:
    files = sorted(p.stem for p in (built.project / "initiatives").glob("*.yaml"))
    pages = sorted(p.parent.name for p in (built.site / "initiatives").glob("*/index.html"))
    badges = sorted(p.stem for p in (built.site / "badges").glob("*.svg"))
    record = json.loads((built.site / "register.json").read_text(encoding="utf-8"))
    assert pages == files
    assert badges == files
    assert sorted(entry["id"] for entry in record["initiatives"]) == files
    assert record["summary"]["initiatives"] == len(files)
    assert record["unreadable"] == []
    assert sorted(key for key, _ in backlog_rows(built.page("backlog.md"))) == files


# --- a broken register fails the build -----------------------------------------------------------

BROKEN_STATUS = """\
title: An initiative with a bad status
status: finished
owner: Desk lead
raised_on: 2026-01-05
review_by: 2027-01-05
vision:
  statement: Something better.
"""
BROKEN_SYNTAX = """\
title: Broken syntax file here
status: idea
owner: Desk lead: main
raised_on: 2026-01-05
"""


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = copy_project(tmp_path_factory.mktemp("broken") / "project")
    (project / "initiatives" / "broken-status.yaml").write_text(BROKEN_STATUS, encoding="utf-8")
    (project / "initiatives" / "broken-syntax.yaml").write_text(BROKEN_SYNTAX, encoding="utf-8")
    return build_site(project)


def test_errors_fail_the_build_with_positions(broken_build: Build) -> None:
    output = broken_build.output
    assert broken_build.returncode != 0, output
    assert "Traceback" not in output
    assert re.search(r"initiatives/broken-status\.yaml:2:\d+: error: .*\[schema\]", output), output
    assert re.search(r"initiatives/broken-syntax\.yaml:3:\d+: error: .*\[yaml-syntax\]", output), (
        output
    )
    assert not (broken_build.site / "initiatives" / "broken-status" / "index.html").exists()


def test_errors_are_listed_in_one_message(broken_build: Build) -> None:
    output = broken_build.output
    assert output.count("the register has 2 errors") == 1, output
    message = output[output.index("the register has 2 errors") :]
    lines = message.splitlines()
    findings = lines[1:3]
    assert any("broken-status.yaml:2:" in line for line in findings), message
    assert any("broken-syntax.yaml:3:" in line for line in findings), message


STALE_TITLE = "</a><script>alert(1)</script> stale"
STALE = f"""\
title: {json.dumps(STALE_TITLE)}
status: idea
owner: Desk lead
raised_on: 2026-01-05
review_by: 2026-10-01
vision:
  statement: Something better.
"""


@dataclass
class WarningBuilds:
    strict: Build
    lenient: Build


@pytest.fixture(scope="module")
def warning_builds(tmp_path_factory: pytest.TempPathFactory) -> WarningBuilds:
    project = copy_project(tmp_path_factory.mktemp("warning") / "project")
    (project / "initiatives" / "stale-review.yaml").write_text(STALE, encoding="utf-8")
    strict = build_site(project)
    lenient = build_site(project, strict=False)
    return WarningBuilds(strict, lenient)


def test_warnings_fail_only_a_strict_build(warning_builds: WarningBuilds) -> None:
    position = re.compile(r"initiatives/stale-review\.yaml:5:\d+: warning: .*\[stale-review\]")
    strict, lenient = warning_builds.strict, warning_builds.lenient
    assert strict.returncode != 0, strict.output
    assert position.search(strict.output), strict.output
    assert lenient.ok, lenient.output
    assert position.search(lenient.output), lenient.output


def test_a_stale_hostile_title_is_text_in_the_home_figures(
    warning_builds: WarningBuilds, theme_scripts: Counter[str]
) -> None:
    site = warning_builds.lenient
    assert site.ok, site.output
    attention = site.page("index.md").select_one('[data-figure="attention"]')
    assert isinstance(attention, Tag), "the home page lost its live figures"
    assert STALE_TITLE in [shown_text(a) for a in attention.find_all("a")]
    flagged = site.page("initiatives/stale-review.md").select("strong.cireg-flag--stale")
    assert flagged
    problems = scan_html_site(site.site, theme_scripts)
    assert problems == [], "\n".join(problems[:40])


# --- serve keeps going ---------------------------------------------------------------------------

SERVE_BROKEN_STATUS = """\
title: An initiative with a bad status
status: "<img src=x onerror=alert(1)>"
owner: Desk lead
raised_on: 2026-01-05
review_by: 2027-01-05
vision:
  statement: Something better.
"<script>alert(1)</script>": 1
"""
HOSTILE_FILE_NAME = "x' onmouseover='alert(1)"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    folder = project / "initiatives"
    (folder / "broken-status.yaml").write_text(SERVE_BROKEN_STATUS, encoding="utf-8")
    (folder / "broken-syntax.yaml").write_text(BROKEN_SYNTAX, encoding="utf-8")
    (folder / f"{HOSTILE_FILE_NAME}.yaml").write_text(
        BROKEN_STATUS.replace("finished", "idea"), encoding="utf-8"
    )
    return serve_build(project)


def findings_box(soup: BeautifulSoup) -> Tag:
    box = soup.select_one(".cireg-findings")
    assert isinstance(box, Tag), "no findings box"
    assert visible(box)
    return box


def test_serve_builds_a_register_with_errors(served: Build) -> None:
    assert served.ok


def test_serve_shows_schema_errors_on_the_page(served: Build) -> None:
    box = findings_box(served.page("initiatives/broken-status.md"))
    items = [normalized(li.get_text()) for li in box.find_all("li")]
    assert any(
        i.startswith("2:") and "[schema]" in i and "<img src=x onerror=alert(1)>" in i
        for i in items
    ), items
    assert any(i.startswith("8:") and "<script>alert(1)</script>" in i for i in items), items
    assert not box.find_all(["img", "script"])


def test_serve_gives_an_unreadable_file_a_page_and_a_backlog_row(served: Build) -> None:
    soup = served.page("initiatives/broken-syntax.md")
    assert [h.get_text() for h in soup.select("article h1")] == ["broken-syntax"]
    box = findings_box(soup)
    items = [normalized(li.get_text()) for li in box.find_all("li")]
    assert any(i.startswith("3:") and "[yaml-syntax]" in i for i in items), items
    row = dict(backlog_rows(served.page("backlog.md"))).get("broken-syntax")
    assert isinstance(row, Tag)
    link = row.find("a")
    assert isinstance(link, Tag) and "broken-syntax.yaml" in link.get_text()


def test_serve_loses_no_initiative_file(served: Build, theme_scripts: Counter[str]) -> None:
    files = sorted(p.stem for p in (served.project / "initiatives").glob("*.yaml"))
    assert HOSTILE_FILE_NAME in files
    pages = sorted(p.parent.name for p in (served.site / "initiatives").glob("*/index.html"))
    assert pages == files
    assert sorted(key for key, _ in backlog_rows(served.page("backlog.md"))) == files
    hostile = served.page(f"initiatives/{HOSTILE_FILE_NAME}.md")
    assert "[file-name]" in findings_box(hostile).get_text()
    problems = scan_html_site(served.site, theme_scripts)
    assert problems == [], "\n".join(problems[:40])
