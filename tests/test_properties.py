"""Property tests: random documents and mutations of valid initiatives.

The invariants of the format spec and of the site, checked with Hypothesis on inputs nobody
wrote by hand:

* validation returns findings and never raises: random bytes, random text, random YAML-ish
  documents (hostile scalars, tags, anchors, tabs, several documents, BOMs) and text-level
  mutations of every valid initiative (the reference register and tests/fixtures/valid) go
  through `load_bytes`, `check_file` and `check_register`; every finding names the file, a
  1-based line and column, a rule of the spec and a message; every `.yaml` file of a register
  folder comes out as an initiative or as unreadable, never silently dropped;
* every initiative that validation returns renders: structural mutations (a key deleted,
  a value replaced by a hostile one, an unknown key, items swapped, extreme dates and
  numbers, payload strings) are dumped back to YAML, and the whole site is rendered from
  them the way `mkdocs serve` does, schema errors and all;
* rendered HTML and SVG hold no executable markup: each page is converted to HTML as the site
  does it (Python-Markdown with the site's extensions, then the HTML blocks put back) and
  scanned with tests/markup_scan.py; SVG files are scanned as XML; register.json must parse
  and give back every string of a schema-valid file; feed.xml must be well-formed XML.

By default (profile "ci", tests/conftest.py) the search is bounded and repeatable. For a long
random search:

    CIREG_HYPOTHESIS_PROFILE=long python3 -m pytest -q tests/test_properties.py -x

A failure prints the shrunk input; keep it as a plain regression test next to the property.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.utils.meta import get_data

from cireg.check import check_file, check_register
from cireg.findings import Finding
from cireg.load import load_bytes
from cireg.model import Register
from cireg.render.page_context import RenderedPage, SiteContext
from cireg.render.site_files import SiteFile, register_site_files
from cireg.rules import RULES
from cireg.rules.files import Candidate, DisplayPath
from conftest import FIXTURES, REPO, TODAY
from markup_scan import article_problems, fragment, markup_problems, svg_text_problems
from payload_corpus import PAYLOADS, schema_text_paths

# --- the spec's rules and the corpus of valid initiatives ------------------------------------

# The rule table of the format spec (initiative-format.md), written out so that a finding
# with a rule the spec does not know fails here even if RULES grew one by mistake.
SPEC_RULES = frozenset(
    {
        "yaml-syntax",
        "duplicate-key",
        "alias",
        "too-large",
        "file-name",
        "schema",
        "unknown-ref",
        "duplicate-id",
        "step-missing",
        "step-incomplete",
        "step-order",
        "smart-specific",
        "smart-measurable",
        "smart-achievable",
        "smart-relevant",
        "smart-time-bound",
        "stale-review",
        "overdue",
        "outcome-mismatch",
        "unsorted-measurements",
        "iteration-link",
    }
)

SOURCE_FILES: dict[str, bytes] = {
    path.stem: path.read_bytes()
    for folder in (REPO / "initiatives", FIXTURES / "valid")
    for path in sorted(folder.glob("*.yaml"))
}
# The data of each valid file as cireg reads it (YAML 1.2 core: dates stay strings).
SOURCE_DATA: dict[str, Any] = {}
for _stem, _data in SOURCE_FILES.items():
    _loaded = load_bytes(f"{_stem}.yaml", _data).document
    assert _loaded is not None, _stem
    SOURCE_DATA[_stem] = _loaded.data
# The 256 KiB fixture renders to a 1.5 MB page; scanning it on every example would dominate
# the run. Its size edge is still searched by the text mutations, which only validate.
RENDERED_SOURCES = sorted(stem for stem, data in SOURCE_FILES.items() if len(data) < 64 * 1024)


def scaled(fraction: float) -> settings:
    """The profile's example count scaled down for a test whose examples are slow."""
    return settings(max_examples=max(5, int(settings.default.max_examples * fraction)))


# --- hostile material ------------------------------------------------------------------------

EXTREME_DATES = ("0001-01-01", "9999-12-31", "0000-01-01", "2026-02-30", "2024-02-29", "2026-13-01")
EXTREME_NUMBERS: tuple[int | float, ...] = (
    0,
    -0.0,
    1e308,
    -1e308,
    2**53,
    -(2**53),
    2**53 + 1,
    10**30,
    -(10**4000),  # PyYAML writes ints with str(): stay under Python's 4,300-digit limit
    5e-324,
    1e-30,  # a target a hair from a baseline of 0: a gap closed of 10^30
    -1e-300,
    math.inf,
    -math.inf,
    math.nan,
)
# Pieces of the payload strings: markup, Markdown and template syntax, URL schemes and the
# characters that break out of attributes, XML, YAML or a line.
PAYLOAD_ALPHABET = (
    *"<>\"'&{}[]()!:#*_`|\\/=.- x1",
    "\n",
    "\t",
    "\r",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "vbscript:",
    "<script>",
    "</script>",
    "<svg onload=x>",
    "<img src=x onerror=alert(1)>",
    "onerror=",
    "{: onclick=x }",
    "{ onclick=x }",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    "{{",
    "}}",
    "{%",
    "%}",
    "--8<--",
    "&#106;",
    "&amp;",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
)
# Markdown that nests as deep as it is long: list markers on one line, quote markers, ...
MARKDOWN_REPEATS = ("- ", "* ", "1. ", "> ", "    - ", "[", "*", "_", "`", "<", "&#")
payload_strings = st.one_of(
    st.sampled_from(PAYLOADS),
    st.lists(st.sampled_from(PAYLOAD_ALPHABET), min_size=1, max_size=24).map("".join),
    st.tuples(st.sampled_from(MARKDOWN_REPEATS), st.integers(1, 1500)).map(
        lambda repeat: repeat[0] * repeat[1] + "x"
    ),
)

# Python values that stand where the format expects something else.
hostile_leaves: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(EXTREME_NUMBERS),
    st.integers(),
    st.floats(),
    st.sampled_from(EXTREME_DATES),
    st.sampled_from(("yes", "no", "on", "off", "", " ", "\t", "~", "null", ".nan", "0o17")),
    st.sampled_from(("done", "met", "increase", "critical", "%", "focus-on-value", "kpi-1")),
    payload_strings,
    st.text(max_size=40),
    st.integers(121, 6000).map(lambda n: "x" * n),
)
hostile_keys = st.one_of(
    st.sampled_from(("title", "id", "kpi", "on", "<<", "? x", "", " ", "unknown_key", "Title")),
    st.text(max_size=12),
    st.integers(-3, 3),
    st.none(),
    st.booleans(),
)
hostile_values: st.SearchStrategy[Any] = st.recursive(
    hostile_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_keys, inner, max_size=4)
    ),
    max_leaves=12,
)

# --- YAML-ish text ---------------------------------------------------------------------------

# Scalars as written in a file: the numbers, dates, tags, anchors, quoting and characters
# that a safe loader has to turn into findings.
HOSTILE_SCALARS = (
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "1e400",
    "-1e400",
    "9" * 5000,
    "-" + "9" * 41,
    "0x" + "f" * 60,
    "0o" + "7" * 60,
    "9007199254740993",
    "-0.0",
    "1_000",
    "0b101",
    "1e5",
    "0000-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-1-1",
    "2026-01-01T10:00:00Z",
    "yes",
    "off",
    "True",
    "FALSE",
    "null",
    "~",
    "''",
    '""',
    "!!python/object:os.system",
    "!!python/object/apply:os.system ['id']",
    "!!python/name:os.system",
    "!!binary aGk=",
    "!!str 12",
    "!!int 12",
    "!!int x",
    "!!float abc",
    "!!float .inf",
    "!!bool yes",
    "!!null x",
    "!!timestamp 2026-01-01",
    "!local x",
    "!<tag:example.org,2002:x> y",
    "! plain",
    "&a x",
    "*a",
    "&b [1, *b]",
    "*undefined",
    "|\n  literal\n  block",
    ">-\n  folded\n\n  text",
    "|-2\n    odd",
    "'single ''quoted'''",
    '"escapes \\x00 \\x1b \\u2028 \\U0010ffff \\uffff \\N \\_"',
    '"\\ud800 lone surrogate"',
    '"\\uDFFF"',
    '"unterminated',
    "'unterminated",
    "[",
    "]",
    "{",
    "}",
    "{a: 1, a: 2}",
    "[*a, &a x]",
    "? complex",
    ": bare",
    "- item",
    "#comment",
    "%YAML 1.2",
    "---",
    "...",
    "\t",
    "a\tb",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\ufeff",
    "\u2028",
    "\ufffe",
    "\U0001f600",
    "x" * 5000,
    *PAYLOADS[:6],
)
SPEC_KEYS = (
    *("title", "status", "owner", "raised_on", "raised_by", "review_by", "priority", "value"),
    *("effort", "risk", "services", "value_chain", "tags", "on_hold_reason", "kpis"),
    *("previous_iteration", "vision", "current_state", "target_state", "plan", "execution"),
    *("verification", "momentum", "statement", "supports", "stakeholders", "principles"),
    *("assessed_on", "summary", "objectives", "success_factors", "approach", "actions"),
    *("risks", "started_on", "log", "outcome", "embedded_by", "lessons_learned"),
    *("communicated_to", "next_iteration", "backlog_ideas", "id", "name", "unit"),
    *("direction", "source", "measurements", "on", "note", "kpi", "target", "deadline"),
    *("relevance", "what", "due"),
)
HOSTILE_KEY_TEXT = (
    "<<",
    "? x",
    '"quoted"',
    "'q'",
    "&k key",
    "*k",
    "[a, b]",
    "{a: b}",
    "!!python/object:x key",
    "!!str 1",
    "1",
    "null",
    "~",
    "",
    "key with spaces",
    "ключ",
    "\t",
    "a: b",
    "- x",
)


@dataclass(frozen=True)
class YamlMap:
    items: tuple[tuple[str, Any], ...]
    flow: bool
    anchor: str | None


@dataclass(frozen=True)
class YamlSeq:
    items: tuple[Any, ...]
    flow: bool
    anchor: str | None


scalar_text = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.sampled_from(SPEC_KEYS),
    st.text(max_size=30),
)
key_text = st.one_of(
    st.sampled_from(SPEC_KEYS), st.sampled_from(HOSTILE_KEY_TEXT), st.text(max_size=8)
)
anchors = st.one_of(st.none(), st.sampled_from(("a", "b")))


def _collections(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            YamlMap,
            st.lists(st.tuples(key_text, children), max_size=5).map(tuple),
            st.booleans(),
            anchors,
        ),
        st.builds(YamlSeq, st.lists(children, max_size=5).map(tuple), st.booleans(), anchors),
    )


yaml_nodes = st.recursive(scalar_text, _collections, max_leaves=25)
# Most files are a mapping of the format's top-level keys: that reaches the deeper rules.
top_level_maps = st.builds(
    YamlMap,
    st.lists(st.tuples(st.sampled_from(SPEC_KEYS[:23]), yaml_nodes), max_size=8).map(tuple),
    st.just(False),
    st.just(None),
)


def _flow(node: Any) -> str:
    """A node in flow style, whatever style its children asked for."""
    anchor = f"&{node.anchor} " if getattr(node, "anchor", None) else ""
    if isinstance(node, YamlMap):
        return anchor + "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in node.items) + "}"
    if isinstance(node, YamlSeq):
        return anchor + "[" + ", ".join(_flow(v) for v in node.items) + "]"
    return str(node)


def _block(node: Any, indent: int) -> str:
    """What follows `key:` or `-`: a scalar or flow node on the line, or a block below it."""
    if not isinstance(node, (YamlMap, YamlSeq)) or node.flow or not node.items:
        return f" {_flow(node)}\n"
    anchor = f" &{node.anchor}" if node.anchor else ""
    return anchor + "\n" + _block_body(node, indent)


def _block_body(node: YamlMap | YamlSeq, indent: int) -> str:
    pad = " " * indent
    if isinstance(node, YamlMap):
        return "".join(f"{pad}{k}:{_block(v, indent + 2)}" for k, v in node.items)
    return "".join(f"{pad}-{_block(v, indent + 2)}" for v in node.items)


def emit_document(root: Any) -> str:
    if isinstance(root, (YamlMap, YamlSeq)) and not root.flow and root.items:
        return _block_body(root, 0)
    return _flow(root) + "\n"


@st.composite
def yaml_documents(draw: st.DrawFn) -> bytes:
    """YAML-ish text: mostly well-formed, often not, always hostile."""
    root = draw(st.one_of(top_level_maps, yaml_nodes))
    prefix = draw(
        st.sampled_from(
            (
                "",
                "# yaml-language-server: $schema=../schemas/initiative.schema.json\n",
                "%YAML 1.2\n---\n",
                "%TAG ! tag:example.org,2002:\n---\n",
                "---\n",
                "--- !!map\n",
                "\ufeff",
            )
        )
    )
    suffix = draw(st.sampled_from(("", "...\n", "---\n", "---\ntitle: second\n", "\n\n", "#end")))
    newline = draw(st.sampled_from(("\n", "\r\n", "\r")))
    text = (prefix + emit_document(root) + suffix).replace("\n", newline)
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1")))
    return text.encode(encoding, errors="replace")


# --- checking findings -----------------------------------------------------------------------


def assert_findings_well_formed(findings: Any, paths: set[str]) -> None:
    """Findings are values that point somewhere real and say something."""
    assert isinstance(findings, list)
    for finding in findings:
        assert isinstance(finding, Finding), finding
        assert finding.path in paths, (finding, paths)
        assert isinstance(finding.line, int) and finding.line >= 1, finding
        assert isinstance(finding.column, int) and finding.column >= 1, finding
        assert finding.rule in SPEC_RULES, finding
        assert finding.severity is RULES[finding.rule].severity, finding
        assert isinstance(finding.message, str) and finding.message.strip(), finding


def check_bytes(data: bytes, initiative_id: str = "some-initiative") -> None:
    """`load_bytes` and the whole per-file pipeline answer with findings, never a raise."""
    display = f"initiatives/{initiative_id}.yaml"
    result = load_bytes(display, data)
    assert_findings_well_formed(result.findings, {display})
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{initiative_id}.yaml")
        with open(path, "wb") as handle:
            handle.write(data)
        initiative, findings = check_file(Candidate(initiative_id, path, display), TODAY)
    assert_findings_well_formed(findings, {display})
    if initiative is None:
        # Nothing to show for the file: its findings must say why.
        assert any(f.is_error for f in findings), findings
    else:
        assert initiative.display_path == display


# --- rendering the site and scanning it -------------------------------------------------------

# What the reference mkdocs.yml lists (admonition, tables, toc with permalinks), what MkDocs
# always adds (fenced_code), and what Material sites commonly switch on (attr_list,
# md_in_html): author text reaching Markdown would turn into attributes through these.
_MARKDOWN = markdown.Markdown(
    extensions=["admonition", "tables", "toc", "fenced_code", "attr_list", "md_in_html"],
    extension_configs={"toc": {"permalink": True}},
)
# Pages and files already scanned clean (the format reference, the shared badges, ...).
_SCANNED: set[bytes] = set()


def page_html(content: str | RenderedPage) -> tuple[str, dict[str, Any]]:
    """A page as the site shows it: front matter taken off as MkDocs does, the Markdown
    converted, the HTML blocks put back in place of their placeholders."""
    text = content.markdown if isinstance(content, RenderedPage) else content
    body, meta = get_data(text)
    _MARKDOWN.reset()
    html_text = _MARKDOWN.convert(body)
    if isinstance(content, RenderedPage):
        html_text = content.fill(html_text)
    return html_text, meta


def page_problems(content: str | RenderedPage, where: str) -> list[str]:
    html_text, meta = page_html(content)
    soup = BeautifulSoup(html_text, "html.parser")
    # The whole generated page is article content: no <script>, <form> (but the backlog's
    # filter form), <style> or comment, and nothing active anywhere.
    problems = [*markup_problems(soup, where), *article_problems(soup, where)]
    if soup.find(attrs={"data-cireg-block": True}) is not None:
        problems.append(f"{where}: an HTML block was not put back: {html_text[:200]}")
    # Themes print the front matter's title without escaping: it must hold no element.
    title = meta.get("title")
    if not isinstance(title, str):
        problems.append(f"{where}: the front matter has no title: {text_head(content)}")
    elif fragment(title).find_all(True):
        problems.append(f"{where}: the title in the front matter is markup: {title!r}")
    return problems


def text_head(content: str | RenderedPage) -> str:
    text = content.markdown if isinstance(content, RenderedPage) else content
    return text[:200]


def site_file_problems(item: SiteFile, site: SiteContext) -> list[str]:
    """Executable markup, or a data file that does not parse, in one file of the site."""
    data = item.data()
    digest = hashlib.sha256(item.src_uri.encode() + b"\0" + data).digest()
    if digest in _SCANNED:
        return []
    where = item.src_uri
    problems: list[str] = []
    if where.endswith(".md"):
        assert isinstance(item.content, (str, RenderedPage)), where
        problems = page_problems(item.content, where)
    elif where.endswith(".svg"):
        problems = list(svg_text_problems(data.decode("utf-8"), where))
    elif where == site.layout.register_json:
        json.loads(data)  # raises on anything but JSON
    elif where == site.layout.feed:
        ET.fromstring(data)  # raises on anything but well-formed XML
    if not problems and not where.startswith("initiatives/"):
        _SCANNED.add(digest)  # shared files recur on every example: scan each version once
    return problems


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory across examples."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


# A SiteContext compiles its templates anew (once per build in the plugin, so on every
# example here, where it would take most of the time). A bytecode cache, checked against the
# template's source, skips the compiling and changes nothing that renders.
_TEMPLATE_CACHE = _MemoryBytecodeCache()


def render_and_scan(register: Register) -> list[SiteFile]:
    """Render every file of the site from `register` and scan it; returns the files."""
    site = SiteContext(register=register, today=TODAY)
    site.env.bytecode_cache = _TEMPLATE_CACHE
    files = register_site_files(site)
    uris = [item.src_uri for item in files]
    assert len(uris) == len(set(uris)), "two files of the site would overwrite each other"
    problems = [problem for item in files for problem in site_file_problems(item, site)]
    assert problems == [], "\n".join(problems[:20])
    # register.json gives back every string of a schema-valid file exactly, `<`, `&` and all.
    record = json.loads(next(f.data() for f in files if f.src_uri == site.layout.register_json))
    by_path = {entry["path"]: entry for entry in record["initiatives"]}
    for initiative in register.initiatives:
        if any(f.rule == "schema" for f in initiative.findings):
            continue
        assert by_path[initiative.display_path]["source"] == initiative.as_written, initiative.id
    return files


def check_folder(folder: str, base: str) -> Register:
    """check_register on a folder: never raises, and every finding is well formed."""
    display = DisplayPath(base)
    register = check_register(folder, TODAY, display)
    names = {display(os.path.join(folder, name)) for name in os.listdir(folder)}
    assert_findings_well_formed(register.findings, names)
    return register


def dump(data: Any, *, unicode: bool = True, flow: bool | None = False, width: int = 80) -> bytes:
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=unicode, default_flow_style=flow, width=width
    )
    return text.encode("utf-8")


def register_of_one(stem: str, data: bytes) -> tuple[Register, str]:
    """A register folder holding one file, checked; the file's display path."""
    with tempfile.TemporaryDirectory() as base:
        folder = os.path.join(base, "initiatives")
        os.mkdir(folder)
        with open(os.path.join(folder, f"{stem}.yaml"), "wb") as handle:
            handle.write(data)
        register = check_folder(folder, base)
    display = f"initiatives/{stem}.yaml"
    assert [i.display_path for i in register.initiatives] + [
        c.display for c in register.unreadable
    ] == [display]
    return register, display


# --- structural mutations ---------------------------------------------------------------------

DataPath = tuple[Any, ...]  # keys and indices from the holder list down to a node
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def paths_of(node: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, item in node.items():
            yield from paths_of(item, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from paths_of(item, (*path, index))


def parent_of(holder: list[Any], path: DataPath) -> Any:
    node: Any = holder
    for key in path[:-1]:
        node = node[key]
    return node


def _where(
    holder: list[Any], wanted: Callable[[DataPath, Any], bool], *, root: bool = True
) -> list[DataPath]:
    return [
        path
        for path, node in paths_of(holder[0], (0,))
        if (root or len(path) > 1) and wanted(path, node)
    ]


@st.composite
def mutated_data(draw: st.DrawFn, stem: str) -> Any:
    """The data of a valid initiative with one to four structural mutations."""
    holder = [copy.deepcopy(SOURCE_DATA[stem])]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ("delete", "replace", "unknown-key", "swap", "date", "number", "payload", "deep")
            )
        )
        if kind == "delete":
            targets = _where(holder, lambda p, n: True, root=False)
        elif kind == "unknown-key":
            targets = _where(holder, lambda p, n: isinstance(n, dict))
        elif kind == "swap":
            targets = _where(holder, lambda p, n: isinstance(n, list) and len(n) >= 2)
        elif kind == "date":
            targets = _where(holder, lambda p, n: isinstance(n, str) and bool(_DATE.fullmatch(n)))
        elif kind == "number":
            targets = _where(
                holder, lambda p, n: isinstance(n, (int, float)) and not isinstance(n, bool)
            )
        elif kind == "payload":
            targets = _where(holder, lambda p, n: isinstance(n, str))
        else:  # replace, deep: anything, the whole document too
            targets = _where(holder, lambda p, n: True)
        if not targets:
            continue
        path = draw(st.sampled_from(targets))
        parent, key = parent_of(holder, path), path[-1]
        if kind == "delete":
            del parent[key]
        elif kind == "unknown-key":
            parent[key][draw(hostile_keys)] = draw(hostile_values)
        elif kind == "swap":
            items = parent[key]
            i, j = draw(st.permutations(range(len(items))))[:2]
            items[i], items[j] = items[j], items[i]
        elif kind == "date":
            parent[key] = draw(st.sampled_from(EXTREME_DATES))
        elif kind == "number":
            parent[key] = draw(st.sampled_from(EXTREME_NUMBERS))
        elif kind == "payload":
            parent[key] = draw(payload_strings)
        elif kind == "deep":  # past the nesting limit of 32
            deep: Any = draw(hostile_leaves)
            for _level in range(draw(st.integers(30, 40))):
                deep = [deep] if draw(st.booleans()) else {"k": deep}
            parent[key] = deep
        else:
            parent[key] = draw(hostile_values)
    return holder[0]


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid initiative, structurally mutated and dumped back to YAML."""
    stem = draw(st.sampled_from(RENDERED_SOURCES))
    data = draw(mutated_data(stem))
    text = dump(
        data,
        unicode=draw(st.booleans()),
        flow=draw(st.sampled_from((False, None))),
        width=draw(st.sampled_from((80, 10**6))),
    )
    return stem, text


# --- text mutations --------------------------------------------------------------------------

_KEY_LINE = re.compile(rb"^([ ]*)(- )?([A-Za-z_][\w-]*:.*)$")
odd_characters = st.one_of(
    st.characters(),
    st.sampled_from(list(":-?&*!|>%@`'\"#{}[],\t\n\r\x00\x1b\x7f\x85\ufeff\u2028\ud7ff")),
)


@st.composite
def text_mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid initiative file with its bytes damaged: truncated, a character or random bytes
    inserted, a key line written twice, a line indented with a tab, lines swapped."""
    stem = draw(st.sampled_from(sorted(SOURCE_FILES)))
    data = SOURCE_FILES[stem]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ("truncate", "insert-char", "insert-bytes", "cut", "dup-key", "tab", "swap", "ends")
            )
        )
        offset = draw(st.integers(0, len(data)))
        lines = data.split(b"\n")
        if kind == "truncate":
            data = data[:offset]
        elif kind == "insert-char":
            char = draw(odd_characters).encode("utf-8", errors="surrogatepass")
            data = data[:offset] + char + data[offset:]
        elif kind == "insert-bytes":
            data = data[:offset] + draw(st.binary(min_size=1, max_size=8)) + data[offset:]
        elif kind == "cut":
            data = data[:offset] + data[offset + draw(st.integers(1, 64)) :]
        elif kind == "dup-key":
            keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
            if keyed:
                index = draw(st.sampled_from(keyed))
                match = _KEY_LINE.match(lines[index])
                assert match is not None
                indent, dash, rest = match.group(1), match.group(2) or b"", match.group(3)
                # `- key: v` written again as `  key: v`: the same key twice in one mapping.
                copy_line = indent + b" " * len(dash) + rest
                lines.insert(index + 1, copy_line)
                data = b"\n".join(lines)
        elif kind == "tab":
            index = draw(st.integers(0, len(lines) - 1))
            lines[index] = b"\t" + lines[index].lstrip(b" ")
            data = b"\n".join(lines)
        elif kind == "swap":
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        else:
            start = draw(
                st.sampled_from((b"", b"\xef\xbb\xbf", b"\xff\xfe", b"---\n", b"%YAML 1.1\n"))
            )
            end = draw(
                st.sampled_from((b"", b"\n---\ntitle: again\n", b"\n...\n", b"\n&a x: *a\n"))
            )
            data = start + data + end
    return stem, data


# --- 1. random documents ---------------------------------------------------------------------


@given(st.binary(max_size=4096))
def test_random_bytes_get_findings_never_a_raise(data: bytes) -> None:
    check_bytes(data)


@given(st.text(max_size=2000))
def test_random_text_gets_findings_never_a_raise(text: str) -> None:
    check_bytes(text.encode("utf-8"))


@given(yaml_documents())
def test_yaml_ish_documents_get_findings_never_a_raise(data: bytes) -> None:
    check_bytes(data)


# Register entries: initiatives (valid ids or not), misnamed YAML, other files, hidden files.
# Characters a file name may hold that mean something to HTML, Markdown, YAML or a terminal.
file_names = st.tuples(
    st.text(alphabet="abz09-_.AZ ß<>\"'&{}[]():;#`\\\x1b\n\u2028", min_size=1, max_size=10),
    st.sampled_from((".yaml", ".yaml", ".yaml", ".yml", ".YAML", ".yaml.bak", ".txt")),
).map("".join)


@scaled(0.5)
@given(
    st.dictionaries(file_names, yaml_documents(), min_size=1, max_size=5),
    st.booleans(),
    st.booleans(),
)
def test_every_file_of_a_random_register_is_accounted_for(
    files: dict[str, bytes], with_sub_folder: bool, with_link: bool
) -> None:
    with tempfile.TemporaryDirectory() as base:
        folder = os.path.join(base, "initiatives")
        os.mkdir(folder)
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        if with_sub_folder:
            os.mkdir(os.path.join(folder, "nested.yaml"))
        if with_link:
            Path(base, "outside.yaml").write_bytes(b"title: outside\n")
            os.symlink(os.path.join(base, "outside.yaml"), os.path.join(folder, "link.yaml"))
        register = check_folder(folder, base)
        # Rendering never raises, and the pages of unreadable files are safe too.
        render_and_scan(register)
    shown = [i.display_path for i in register.initiatives] + [
        c.display for c in register.unreadable
    ]
    expected = sorted(
        f"initiatives/{name}"
        for name in files
        if name.endswith(".yaml") and len(name) > len(".yaml") and not name.startswith(".")
    )
    assert sorted(shown) == expected, "a .yaml file went missing from the register"
    with_name_findings = {f.path for f in register.findings if f.rule == "file-name"}
    misnamed = [
        f"initiatives/{name}"
        for name in files
        if not name.startswith(".") and not name.endswith(".yaml") and ".y" in name.lower()
    ]
    misnamed += ["initiatives/nested.yaml"] * with_sub_folder + [
        "initiatives/link.yaml"
    ] * with_link
    assert set(misnamed) <= with_name_findings, "a misnamed entry was skipped silently"


# --- 2. mutations of valid initiatives -------------------------------------------------------


@given(text_mutated_files())
def test_text_mutations_of_valid_files_get_findings_never_a_raise(
    mutated: tuple[str, bytes],
) -> None:
    stem, data = mutated
    check_bytes(data, stem)


@given(mutated_files())
def test_structural_mutations_validate_and_render_safely(mutated: tuple[str, bytes]) -> None:
    stem, data = mutated
    check_bytes(data, stem)
    register, _display = register_of_one(stem, data)
    render_and_scan(register)


# --- 3. payloads in every string field of a valid initiative ----------------------------------

# Dotted paths (`[]` for list items) of the format's free strings, read from the schema.
FREE_TEXT_PATHS = frozenset(schema_text_paths())


def free_string_paths(data: Any) -> list[DataPath]:
    found = []
    for path, node in paths_of(data):
        if not isinstance(node, str) or not path:
            continue
        dotted = ".".join("[]" if isinstance(step, int) else step for step in path)
        if dotted in FREE_TEXT_PATHS:
            found.append(path)
    return found


@st.composite
def payload_files(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid initiative with a payload in every free string; still schema-valid."""
    stem = draw(st.sampled_from(RENDERED_SOURCES))
    data = copy.deepcopy(SOURCE_DATA[stem])
    filled: set[DataPath] = set()
    for path in free_string_paths(data):
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(path[-1], int):  # a list of strings: its items stay distinct
            if path[:-1] in filled:
                continue
            filled.add(path[:-1])
            indices = [i for i, item in enumerate(parent) if isinstance(item, str)]
            fresh = draw(
                st.lists(payload_strings, min_size=len(indices), max_size=len(indices), unique=True)
            )
            for index, payload in zip(indices, fresh, strict=True):
                parent[index] = payload
            continue
        payload = draw(payload_strings)
        if path == ("title",):  # 5 to 120 characters
            payload = (payload + " title")[:120]
        parent[path[-1]] = payload
    return stem, data


@given(payload_files())
def test_payloads_in_every_string_field_render_as_text(payload: tuple[str, Any]) -> None:
    stem, data = payload
    # PyYAML folds a NEL (U+0085) in a single-quoted scalar away; escaped ASCII keeps it.
    register, display = register_of_one(stem, dump(data, unicode=False, width=10**6))
    assert [i.display_path for i in register.initiatives] == [display]
    initiative = register.initiatives[0]
    schema = [f for f in initiative.findings if f.rule == "schema"]
    assert schema == [], "the payload strategy broke the schema; fix the strategy"
    assert initiative.as_written == data, "a payload string did not survive YAML"
    render_and_scan(register)


# --- 4. the scans can fail --------------------------------------------------------------------


def test_the_page_scan_flags_script_and_event_handlers() -> None:
    """A page built like the generated ones, with active markup in the Markdown, in an HTML
    block and in inline SVG: every kind is reported."""
    page = RenderedPage(
        '---\ntitle: "<b>x</b>"\n---\n\n# Heading\n\n<img src=x onerror=alert(1)>\n\n'
        '<div data-cireg-block="0"></div>\n',
        ['<p><script>alert(1)</script></p><svg><rect onclick="x"/></svg><!-- c -->'],
    )
    problems = "\n".join(page_problems(page, "initiatives/x.md"))
    for needle in ("<script>", "onerror", "onclick", "HTML comment", "title in the front matter"):
        assert needle in problems, (needle, problems)
    assert page_problems(RenderedPage("---\ntitle: ok\n---\n\n# x\n", []), "x.md") == []
    # The backlog's filter form is allowed on the backlog only.
    form = (
        '<form id="cireg-filters">'
        + "".join(f'<input name="{n}">' for n in ("filter", "status", "priority", "owner"))
        + "".join(f'<select name="{n}"></select>' for n in ("activity", "sort", "order"))
        + "</form>"
    )
    allowed = RenderedPage('---\ntitle: B\n---\n\n<div data-cireg-block="0"></div>\n', [form])
    assert page_problems(allowed, "backlog.md") == []
    assert page_problems(allowed, "initiatives/x.md") != []


def test_the_svg_scan_flags_script_and_event_handlers() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>x</script></svg>'
    problems = "\n".join(svg_text_problems(svg, "badges/x.svg"))
    assert "<script" in problems and "onload" in problems, problems


def test_the_reference_register_renders_clean() -> None:
    """The scans see real pages: charts, steps and the backlog's form, and pass them."""
    register = check_folder(str(REPO / "initiatives"), str(REPO))
    assert len(register.initiatives) == len(list((REPO / "initiatives").glob("*.yaml")))
    files = {item.src_uri: item for item in render_and_scan(register)}
    first = register.initiatives[0].id
    page, _meta = page_html(files[f"initiatives/{first}.md"].content)  # type: ignore[arg-type]
    assert "<svg" in page and "cireg-step" in page
    backlog, _meta = page_html(files["backlog.md"].content)  # type: ignore[arg-type]
    assert 'id="cireg-filters"' in backlog


def test_the_corpus_is_the_valid_initiatives() -> None:
    assert len(SOURCE_FILES) >= 60
    assert set(RENDERED_SOURCES) == set(SOURCE_FILES) - {"too-large-exactly-256-kib"}
    assert free_string_paths(SOURCE_DATA["schema-every-key-used"])


# --- regressions: bugs the properties found -------------------------------------------------
# Each of these is a bug in the plugin, reported and not fixed here: the test fails until the
# code is fixed, then guards it.

TINY_TARGET = """\
title: A target a hair above the baseline
status: idea
owner: Service Desk Lead
raised_on: 2026-01-01
review_by: 2027-01-01
vision:
  statement: Better.
kpis:
  - id: k
    name: Share
    unit: pt
    direction: increase
    measurements:
      - {on: 2026-01-02, value: 0}
      - {on: 2026-01-10, value: 1}
current_state:
  assessed_on: 2026-01-05
target_state:
  objectives:
    - id: o
      statement: Raise the share above zero
      kpi: k
      target: 1.0e-30
      deadline: 2026-12-31
      relevance: It matters.
"""

DEEP_LIST_STATEMENT = f"""\
title: A statement that nests deep
status: idea
owner: Service Desk Lead
raised_on: 2026-01-01
review_by: 2027-01-01
vision:
  statement: "{"- " * 600}x"
"""


def register_of_files(files: dict[str, bytes]) -> Register:
    with tempfile.TemporaryDirectory() as base:
        folder = os.path.join(base, "initiatives")
        os.mkdir(folder)
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        return check_folder(folder, base)


def test_regression_a_gap_closed_beyond_decimal_precision_renders() -> None:
    # Found here: a valid file whose gap closed is (1 - 0) / (1e-30 - 0) = 1e30 made
    # format_percent raise decimal.InvalidOperation (Decimal's default 28 digits).
    register = register_of_files({"tiny-target.yaml": TINY_TARGET.encode()})
    assert register.findings == []
    render_and_scan(register)


def test_regression_a_deeply_nested_markdown_field_renders() -> None:
    # Found here: a valid 1.3 KB file whose vision.statement is "- - - ... x" (600 list
    # markers) made Python-Markdown's block parser recurse past Python's stack limit.
    register = register_of_files({"deep-list.yaml": DEEP_LIST_STATEMENT.encode()})
    assert register.findings == []
    render_and_scan(register)


def test_regression_a_control_character_in_a_file_name_keeps_the_badge_well_formed() -> None:
    # Found by the register property: `\x1b.yaml` is reported but, as `mkdocs serve` does,
    # still rendered, and its id reached the badge's <title> as U+001B, which XML forbids.
    register = register_of_files({"\x1b.yaml": b"{}\n"})
    assert "file-name" in {f.rule for f in register.findings}
    render_and_scan(register)
