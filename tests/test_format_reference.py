"""The generated format reference: complete against the schema and the rule table, really
generated from them, safe Markdown, and a page that `mkdocs build --strict` accepts.

The facts checked here are gathered from the schema by this file's own walk, and examples
are read back from the built page with cireg's own YAML loader, so the tests do not lean
on the renderer's helpers."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import markdown
import pytest
from bs4 import BeautifulSoup, Tag

from cireg.load import load_bytes
from cireg.render.format_reference import render_format_reference
from cireg.render.markdown_cells import code, markdown_text
from cireg.render.text import plain_markdown as plain
from cireg.render.yaml_flow import yaml_flow
from cireg.rules import RULES
from cireg.schema import load_schema
from sitebuild import Build, build_site

STEP_KEYS = (
    "vision",
    "current_state",
    "target_state",
    "plan",
    "execution",
    "verification",
    "momentum",
)
# The heading ids of the mapping sections, in page order: links to them must keep working.
MAPPING_ANCHORS = (
    "top-level",
    "step-1-vision",
    "step-2-current_state",
    "step-3-target_state",
    "step-4-plan",
    "step-5-execution",
    "step-6-verification",
    "step-7-momentum",
    "kpi",
    "measurement",
    "objective",
    "action",
    "log-entry",
)
OTHER_ANCHORS = ("files", "status-conditions", "rules")
COLUMNS = ["key", "type", "required", "allowed values / format", "meaning", "example"]


def page_of(schema: dict[str, Any] | None = None) -> str:
    return render_format_reference(schema or load_schema(), RULES)


# --- the schema, walked here ----------------------------------------------------------------


def _follow(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def property_paths(
    schema: dict[str, Any], *, conditions: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted path, property schema) of every property reachable from the top level,
    with `[]` for a list's items: `kpis[].measurements[].on`; with `conditions`, also the
    keys that the status conditions of `allOf` restate."""

    def walk(node: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
        node = _follow(node, schema)
        for key, prop in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            yield path, prop
            yield from walk(prop, path)
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{prefix}[]")

    yield from walk(schema, "")
    for entry in schema.get("allOf", []) if conditions else []:
        for part in ("if", "then"):
            yield from entry.get(part, {}).get("properties", {}).items()


def enum_values(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from node.get("enum", [])
        for key, sub in node.items():
            if key not in ("examples", "defaultSnippets", "enum"):
                yield from enum_values(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from enum_values(sub)


# --- the page as Markdown -------------------------------------------------------------------


def test_the_page_has_front_matter_and_one_title() -> None:
    page = page_of()
    assert page.startswith('---\ntitle: "Format reference"\n---\n')
    assert page.count("\n# ") == 1


def test_every_property_path_appears() -> None:
    page = page_of()
    paths = [path for path, _prop in property_paths(load_schema())]
    assert len(paths) > 60
    for path in paths:
        assert f"| `{path}` |" in page or f"`{path}`" in page, path


def test_every_rule_appears_with_its_severity() -> None:
    page = page_of()
    for name, entry in RULES.items():
        severity = entry.severity
        assert f"| `{name}` | {severity.value} |" in page, name


def test_every_enum_value_appears() -> None:
    page = page_of()
    values = set(enum_values(load_schema()))
    assert {"in-progress", "deliver-and-support", "partially-met", "dropped"} <= values
    for value in values:
        assert f"`{value}`" in page, value


def test_the_id_rules_come_from_the_schema() -> None:
    ident = load_schema()["$defs"]["initiative_id"]
    page = page_of()
    files = page.split("## Files", 1)[1].split("\n## ", 1)[0]
    assert f"`{ident['pattern']}`" in files
    assert f"{ident['minLength']} to {ident['maxLength']} characters" in files


def test_the_status_conditions_are_put_into_words() -> None:
    page = page_of()
    words = page.split("## Status conditions", 1)[1].split("\n## ", 1)[0]
    assert (
        "When `status` is `planned`, `in-progress`, `verifying` or `done`: `priority` is required."
        in words
    )
    assert "When `status` is `on-hold`: `on_hold_reason` is required." in words
    assert "`momentum` and `momentum.lessons_learned` are required." in words
    # The table says the same, on the rows of those keys.
    assert "| `priority` | string | when `status` is `planned`," in page
    assert "| `momentum.lessons_learned` | string | when `status` is `abandoned` |" in page


def test_the_output_is_deterministic() -> None:
    schema = load_schema()
    assert page_of() == page_of(json.loads(json.dumps(schema)))


def test_a_schema_change_changes_the_page() -> None:
    before = page_of()
    schema = copy.deepcopy(load_schema())
    schema["properties"]["sponsor"] = {
        "$ref": "#/$defs/name",
        "description": "Who pays for the initiative.",
        "markdownDescription": "Who *pays* for the initiative.",
        "examples": ["Chief Information Officer"],
    }
    schema["properties"]["status"]["enum"].append("cancelled")
    schema["$defs"]["kpi"]["properties"]["unit"]["markdownDescription"] = "Changed meaning."
    schema["properties"]["budget"] = {
        "type": "object",
        "additionalProperties": False,
        "title": "Budget",
        "properties": {
            "amount": {"type": "number", "examples": [1200], "description": "How much."}
        },
    }
    after = page_of(schema)
    assert after != before
    assert (
        "| `sponsor` | string | no | not empty | Who *pays* for the initiative. | `Chief Information Officer` |"
        in after
    )
    assert "`cancelled`" in after and "`cancelled`" not in before
    assert "Changed meaning." in after
    # A new mapping gets its own section and table, linked from the row that holds it.
    assert "## Budget" in after
    assert "| `budget.amount` | number | no |" in after
    assert "| `budget` | [mapping](#budget) |" in after


def test_a_condition_it_cannot_phrase_is_an_error_not_an_omission() -> None:
    schema = copy.deepcopy(load_schema())
    schema["allOf"].append(
        {"if": {"properties": {"title": {"minLength": 50}}}, "then": {"required": ["tags"]}}
    )
    with pytest.raises(ValueError, match="tested other than by its value"):
        page_of(schema)


@pytest.mark.parametrize(
    "value",
    [
        "plain words",
        "2026-01-31",
        "12",
        "true",
        "%",
        "a: b",
        "x # y",
        " lead",
        "a`b",
        "pipe | here",
        "<b>x</b>",
        "two\nlines",
        8,
        92.5,
        True,
        None,
        ["a, b", "c"],
        {"on": "2025-01-01", "value": 3},
    ],
)
def test_yaml_flow_reads_back_as_the_same_value(value: Any) -> None:
    text = yaml_flow(value)
    result = load_bytes("x.yaml", f"v: {text}\n".encode())
    assert result.findings == [], text
    assert result.document is not None
    assert result.document.data["v"] == value


TRICKY = [
    "# not a heading",
    "1. not a list",
    "2) nor this",
    "- nor this",
    "+ nor this",
    "a | b",
    "back\\slash\\",
    "`tick` and *star* and _under_",
    "[link](javascript:alert(1)) ![img](x.png)",
    "<b>bold</b> &amp; AT&T",
]


def _cell(markdown_cell: str) -> Tag:
    html = markdown.markdown(
        f"| a | b |\n|---|---|\n| {markdown_cell} | end |\n", extensions=["tables"]
    )
    cells = BeautifulSoup(html, "html.parser").find_all("td")
    assert len(cells) == 2, html  # nothing split the cell or swallowed the next one
    return cells[0]


@pytest.mark.parametrize("text", TRICKY)
def test_plain_text_shows_exactly_itself(text: str) -> None:
    cell = _cell(plain(text))
    assert cell.get_text() == text
    assert [tag.name for tag in cell.find_all(True)] == []
    # The page needs the tables extension, which also makes `\|` an escape in paragraphs.
    html = markdown.markdown(plain(text), extensions=["tables"])
    paragraph = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in paragraph.find_all(True)] == ["p"]
    assert paragraph.get_text() == text


def test_markdown_text_keeps_markdown_but_no_html() -> None:
    cell = _cell(markdown_text("*so* `a|b` | <i>x</i> & y"))
    assert [tag.name for tag in cell.find_all(True)] == ["em", "code"]
    assert cell.get_text() == "so a|b | <i>x</i> & y"


def test_code_spans_hold_any_backticks() -> None:
    for text in ["a", "a`b", "``x``", "`", "a``b`c"]:
        shown = BeautifulSoup(markdown.markdown(code(text)), "html.parser").find("code")
        assert isinstance(shown, Tag)
        assert shown.get_text() == text


# --- the page built by MkDocs ---------------------------------------------------------------

HOSTILE_TEXT = "<script>alert(1)</script> a | b `tick` & <img src=x onerror=alert(2)> *not em*"


def hostile_schema() -> dict[str, Any]:
    """The real schema with text that could break a table or turn into HTML."""
    schema = copy.deepcopy(load_schema())
    schema["properties"]["hostile"] = {
        "type": "string",
        "enum": ["a|b", "<b>bold</b>", "tick`tock"],
        "description": HOSTILE_TEXT,
        "examples": ["a|b", "<b>bold</b>", "tick`tock"],
    }
    schema["properties"]["owner"]["markdownDescription"] = (
        "Who | owns `x|y` it <em>now</em> & then \\| ok"
    )
    return schema


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = tmp_path_factory.mktemp("format-reference")
    docs = project / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the format](format.md#kpi).\n", encoding="utf-8")
    (docs / "format.md").write_text(page_of(), encoding="utf-8")
    (docs / "hostile.md").write_text(page_of(hostile_schema()), encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Format reference test\n"
        "docs_dir: docs\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc:\n      permalink: true\n"
        "validation:\n  omitted_files: warn\n  absolute_links: warn\n"
        "  unrecognized_links: warn\n  anchors: warn\n"
        "nav:\n  - Home: index.md\n  - Format reference: format.md\n  - Hostile: hostile.md\n",
        encoding="utf-8",
    )
    result = build_site(project)
    assert result.ok, result.output
    return result


def content(built: Build, src: str) -> Tag:
    article = built.page(src).find("article")
    assert isinstance(article, Tag)
    return article


def sections(article: Tag) -> dict[str, list[Tag]]:
    """Each h2's id, with the elements up to the next h2."""
    found: dict[str, list[Tag]] = {}
    current: list[Tag] | None = None
    for element in article.find_all(True, recursive=False):
        if element.name == "h2":
            current = found.setdefault(str(element["id"]), [])
        elif current is not None:
            current.append(element)
    return found


def test_the_page_builds_strictly_without_warnings(built: Build) -> None:
    assert "WARNING" not in built.output, built.output


def tables_in(elements: list[Tag]) -> list[Tag]:
    """The tables among `elements` or inside them (a theme may wrap a table)."""
    found: list[Tag] = []
    for element in elements:
        found += [element] if element.name == "table" else element.find_all("table")
    return found


def test_one_table_per_mapping_section(built: Build) -> None:
    found = sections(content(built, "format.md"))
    assert tuple(found) == (OTHER_ANCHORS[0], *MAPPING_ANCHORS, *OTHER_ANCHORS[1:])
    for anchor in MAPPING_ANCHORS:
        (table,) = tables_in(found[anchor])
        headers = [th.get_text(strip=True) for th in table.find_all("th")]
        assert headers == COLUMNS, anchor
    assert tables_in(found["files"]) == []
    assert tables_in(found["status-conditions"]) == []
    assert len(tables_in(found["rules"])) == 1


def test_every_in_page_link_has_its_target(built: Build) -> None:
    article = content(built, "format.md")
    ids = {str(tag["id"]) for tag in article.find_all(id=True)}
    links = [
        str(a["href"]) for a in article.find_all("a", href=True) if str(a["href"]).startswith("#")
    ]
    assert any(link == "#kpi" for link in links)
    for link in links:
        assert link[1:] in ids, link


def rows(article: Tag) -> dict[str, list[Tag]]:
    """The cells of every property row, by the key path in its first cell."""
    found: dict[str, list[Tag]] = {}
    for table in article.find_all("table"):
        headers = [th.get_text(strip=True) for th in table.find_all("th")]
        if headers != COLUMNS:
            continue
        body = table.find("tbody")
        assert isinstance(body, Tag)
        for row in body.find_all("tr"):
            cells = row.find_all("td")
            assert len(cells) == len(COLUMNS), row
            found[cells[0].get_text()] = cells
    return found


def test_every_example_is_shown_and_reads_back_as_itself(built: Build) -> None:
    found = rows(content(built, "format.md"))
    checked = 0
    for path, prop in property_paths(load_schema(), conditions=False):
        view = {**_follow(prop, load_schema()), **prop}
        shown = [tag.get_text() for tag in found[path][5].find_all("code")]
        read = []
        for text in shown:
            result = load_bytes("x.yaml", f"v: {text}\n".encode())
            assert result.findings == [] and result.document is not None, (path, text)
            read.append(result.document.data["v"])
        assert read == view["examples"], path
        checked += 1
    assert checked > 60


def test_required_and_types_match_the_schema(built: Build) -> None:
    found = rows(content(built, "format.md"))
    assert found["title"][2].get_text() == "yes"
    assert found["raised_by"][2].get_text() == "no"
    assert found["kpis[].direction"][2].get_text() == "yes"
    assert found["raised_on"][1].get_text() == "date"
    assert found["kpis"][1].get_text() == "list of KPI"
    assert found["services"][1].get_text() == "list of strings"
    assert found["title"][3].get_text() == "5 to 120 characters"


def test_hostile_text_stays_text(built: Build) -> None:
    article = content(built, "hostile.md")
    assert article.find("script") is None
    assert article.find("img") is None
    assert article.find("b") is None
    assert article.find("em", string="now") is None
    found = rows(article)  # every row still has exactly six cells
    hostile = found["hostile"]
    assert hostile[4].get_text() == HOSTILE_TEXT
    assert [tag.get_text() for tag in hostile[5].find_all("code")] == [
        "a|b",
        "<b>bold</b>",
        "tick`tock",
    ]
    assert [tag.get_text() for tag in hostile[3].find_all("code")] == [
        "a|b",
        "<b>bold</b>",
        "tick`tock",
    ]
    owner = found["owner"][4]
    assert owner.get_text() == "Who | owns x|y it <em>now</em> & then | ok"
    assert [tag.get_text() for tag in owner.find_all("code")] == ["x|y"]


def test_the_hostile_page_is_still_complete(built: Build) -> None:
    assert tuple(sections(content(built, "hostile.md"))) == (
        OTHER_ANCHORS[0],
        *MAPPING_ANCHORS,
        *OTHER_ANCHORS[1:],
    )


def test_the_page_is_stable_as_python_markdown_renders_it() -> None:
    """Without MkDocs: the same ids from Python-Markdown's own table of contents."""
    body = page_of().split("---\n", 2)[2]
    html = markdown.markdown(body, extensions=["tables", "toc"])
    ids = [str(h["id"]) for h in BeautifulSoup(html, "html.parser").find_all("h2")]
    assert ids == [OTHER_ANCHORS[0], *MAPPING_ANCHORS, *OTHER_ANCHORS[1:]]
    assert tuple(anchor.split("-", 2)[2] for anchor in MAPPING_ANCHORS[1:8]) == STEP_KEYS


def test_no_line_of_the_page_is_raw_html() -> None:
    for line in page_of(hostile_schema()).splitlines():
        assert not line.lstrip().startswith("<"), line
