"""Free-text fields: Markdown in, safe HTML out.

Two locks, so that neither has to be perfect. First, raw HTML in the author's Markdown is
never parsed as markup: Python-Markdown's HTML block and inline HTML handling are switched
off, so `<b>` comes out as the text `<b>`. Second, whatever Markdown produces is cleaned by
nh3 (ammonia) against a short allow-list: no images (they would load from other hosts), no
attributes but a link's href and title, and only http, https, mailto and relative links."""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Characters that have no place in a page, some of which Markdown uses internally (\x02 and
# \x03 delimit its placeholders). YAML's escapes can produce them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters replaced by U+FFFD, as an HTML parser would show."""
    return _CONTROL.sub("\ufffd", text)


# What `printable` leaves that XML 1.0 still forbids: surrogates (only a lone one can reach a
# Python str) and the two non-characters U+FFFE and U+FFFF. Replaced like `printable` does,
# so a reader sees that something was there.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with every character that XML 1.0 forbids replaced by U+FFFD (for SVG and Atom)."""
    return _NOT_XML.sub("\ufffd", printable(text))


# Python-Markdown's block parser recurses once or twice per level of nesting (list markers,
# quote markers, indentation), so a line that opens hundreds of levels would exhaust Python's
# stack. Past this many characters of such structure on one line the text is shown as
# written, not parsed; no real prose nests that deep.
_LINE_STRUCTURE = re.compile(r"^(?:[ \t>*+-]|\d{1,9}[.)])*", re.MULTILINE)
_MAX_LINE_STRUCTURE = 120


def _too_deep_for_markdown(text: str) -> bool:
    return any(len(m.group()) > _MAX_LINE_STRUCTURE for m in _LINE_STRUCTURE.finditer(text))


# Python-Markdown's time grows with the square of the text in three ways (a field of 16,000
# characters took from 2 seconds to minutes): its link and code parsers scan, character by
# character, from every `[`, `](` or run of backticks to where it closes, or to the end of the
# paragraph when nothing does; its emphasis patterns do the same from every run of `*` or `_`,
# in the regular expression engine (faster, but from every run); and a line that ends a block
# (a heading, a rule, a setext underline, a link definition, the start of a quote) makes it
# split the block and read the rest again. Elsewhere it costs at most some 25 microseconds a
# character. So the work a text would cost is estimated first, in linear time, in characters'
# worth; a page may spend this much (some half a second), and a text that would cost more
# than is left is shown as written. Real fields cost from a few hundred to a few thousand.
MARKDOWN_WORK_PER_PAGE = 20_000
# How many steps of each kind cost as much as one character (measured on Python-Markdown 3.x).
_SCANNED_PER_CHARACTER = 2  # the link and code parsers' steps
_MATCHED_PER_CHARACTER = 300  # the emphasis patterns' steps
_RESCANNED_PER_CHARACTER = 100  # characters read again after a block split
_ESTIMATED_PER_CHARACTER = 10  # characters estimated, for the cost of one parsed
_EACH_TEXT = 15  # what parsing any text costs besides its characters (set-up, cleaning)

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# What the link parsers count, and an escape, which hides the character after it from them.
_LINK_TOKEN = re.compile(r"""\\.|[\[\]()"']""")
_BACKTICKS = re.compile(r"`+")
# Where Python-Markdown's code span parser starts: escaped backslashes before a backtick, or
# a backtick (its own BACKTICK_RE since 3.11; before, that pattern matched the whole span with a
# backreference, which searched in quadratic time, so cireg keeps its own copy of the start).
_CODE_SPAN_START = re.compile(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", re.DOTALL)
_EMPHASIS_RUN = re.compile(r"\*+|_+")
_BLOCK_SPLIT = re.compile(
    r"^[ \t>]*(?:#|(?:=+|-+)[ \t]*$|([-*_])(?:[ \t]*\1){2,}[ \t]*$|\[[^\]\n]*\]:)"
    r"|^(?![ \t]*>).*\n[ \t]*>",  # a quote that starts below another line
    re.MULTILINE,
)


@dataclass
class MarkdownBudget:
    """The Markdown work (see `markdown_work`) one page may still spend."""

    left: int = MARKDOWN_WORK_PER_PAGE

    def affords(self, text: str) -> bool:
        """Whether Markdown for `text` fits in what is left; if so, that much is spent. A text
        found too costly still spends what estimating it cost."""
        if len(text) > self.left:
            return False
        work = markdown_work(text)
        if work > self.left:
            self.left -= len(text) // _ESTIMATED_PER_CHARACTER
            return False
        self.left -= work
        return True


def markdown_work(text: str) -> int:
    """What Python-Markdown would spend on `text`, in characters' worth: an estimate made to
    err on the high side (tests/test_render.py and the hostile corpus hold the worst cases)."""
    scanned = matched = rescanned = 0
    for block in _BLANK_LINE.split(text):
        end = len(block)
        code_scanned, code = _code_spans(block)
        scanned += code_scanned + _link_scans(_without(block, code) if code else block)
        matched += sum(end - run.start() for run in _EMPHASIS_RUN.finditer(block))
        splits = sum(1 for _ in _BLOCK_SPLIT.finditer(block))
        if splits > 1:
            rescanned += splits * end
    return (
        _EACH_TEXT
        + len(text)
        + scanned // _SCANNED_PER_CHARACTER
        + matched // _MATCHED_PER_CHARACTER
        + rescanned // _RESCANNED_PER_CHARACTER
    )


def _code_spans(paragraph: str) -> tuple[int, list[tuple[int, int]]]:
    """How many characters Python-Markdown's code span parser steps over, and the spans it
    makes, found by following its steps: from a backtick (`_CODE_SPAN_START`, its own
    pattern) it counts the run, looks for the next run of that length, and scans to the end
    when there is none; after a failure it goes on twice the run's length further, which may
    land inside the next run."""
    runs = [(run.start(), run.end()) for run in _BACKTICKS.finditer(paragraph)]
    spans: list[tuple[int, int]] = []
    if not runs:
        return 0, spans
    starts = [start for start, _ in runs]
    by_length: dict[int, list[int]] = {}  # run length -> where such runs start, in order
    for start, end in runs:
        by_length.setdefault(end - start, []).append(start)
    # From each run on: the longest run, and where the first of them ends (the fallback).
    longest_from: list[tuple[int, int]] = [(0, 0)] * (len(runs) + 1)
    for index in range(len(runs) - 1, -1, -1):
        start, end = runs[index]
        later = longest_from[index + 1]
        longest_from[index] = (end - start, end) if end - start >= later[0] else later
    scanned = at = 0
    while (found := _CODE_SPAN_START.search(paragraph, at)) is not None:
        begin = found.end() if found.group(1) else found.start()  # escaped backslashes first
        index = bisect.bisect_right(starts, begin) - 1
        ticks = runs[index][1] - begin
        same = by_length.get(ticks, [])
        following = bisect.bisect_right(same, begin)
        if following < len(same):  # closed by the next run of as many backticks
            at = same[following] + ticks
            scanned += at - begin
            spans.append((begin, at))
            continue
        scanned += len(paragraph) - begin
        longest, longest_end = longest_from[index + 1]
        if 0 < longest < ticks:  # closed by a shorter run, the longest that follows
            at = longest_end
            spans.append((begin, at))
        else:
            at = begin + 2 * ticks
    return scanned, spans


def _without(paragraph: str, spans: list[tuple[int, int]]) -> str:
    """`paragraph` with each span blanked out, as code spans are before links are parsed."""
    pieces, at = [], 0
    for start, end in spans:
        pieces += [paragraph[at:start], " " * (end - start)]
        at = end
    return "".join(pieces) + paragraph[at:]


def _link_scans(paragraph: str) -> int:
    """How many characters the link parsers step over in one paragraph: from each `[` to its
    `]`, and from each `](` to its `)`, or to the paragraph's end when there is none (or when
    a quote, which makes the parser ignore parentheses, leaves the end uncertain)."""
    end = len(paragraph)
    scanned = 0
    squares: list[int] = []  # where each open `[` stands
    parens: list[int] = []  # where each open `(` stands
    targets: set[int] = set()  # the open `(` that follow a `]`, not yet counted
    for match in _LINK_TOKEN.finditer(paragraph):
        token, at = match.group(), match.start()
        if token == "[":
            squares.append(at)
        elif token == "]":
            if squares:
                scanned += at - squares.pop()
        elif token == "(":
            parens.append(at)
            if paragraph[at - 1 : at] == "]":
                targets.add(at)
        elif token == ")":
            if parens and parens[-1] in targets:
                targets.discard(start := parens.pop())
                scanned += at - start
            elif parens:
                parens.pop()
        elif token in "\"'":
            scanned += sum(end - start for start in targets)
            targets.clear()
    scanned += sum(end - start for start in squares)
    scanned += sum(end - start for start in targets)
    return scanned


def _as_written(text: str) -> str:
    """Text shown exactly as written: escaped paragraphs with their line breaks."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in part.split("\n")) + "</p>"
        for part in paragraphs
    )


# One line that no Markdown rule could change: letters, digits, spaces and mild punctuation,
# not starting like a list item, a rule or a heading underline.
_PLAIN = re.compile(r"(?![-+=]|\d+\.\s)(?:[^\W_]|[ .,;:'?/()%+=-])*")


class _MarkdownToHtml:
    """One reusable Markdown converter with raw HTML switched off."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")

    def convert(self, text: str) -> str:
        self._md.reset()
        html_text: str = self._md.convert(text)
        return html_text


_converter: _MarkdownToHtml | None = None


def markdown_to_html(text: str, budget: MarkdownBudget | None = None) -> str:
    """The author's Markdown as sanitized HTML, ready to place in a page. A text whose
    Markdown would cost more work than `budget` has left (by default: a page's worth) is
    shown as written instead."""
    global _converter
    text = printable(text)
    if _PLAIN.fullmatch(text):
        # Most fields are a sentence of plain prose: one paragraph, nothing to parse.
        return f"<p>{html.escape(text.strip())}</p>" if text.strip() else ""
    budget = MarkdownBudget() if budget is None else budget
    if _too_deep_for_markdown(text) or not budget.affords(text):
        return _as_written(text)
    if _converter is None:
        _converter = _MarkdownToHtml()
    try:
        return sanitize(_converter.convert(text))
    except RecursionError:  # nesting the check above did not foresee; never fail the page
        _converter = None  # its state is unknown after an aborted run
        return _as_written(text)


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]|])")
_LINE_MARKER = re.compile(r"^(?:([#+\-])|(\d+)([.)]))")


def plain_markdown(text: str) -> str:
    """Plain text as Markdown that shows exactly that text, on one line: no emphasis, link,
    code, table cell break, heading or list marker, and no HTML."""
    escaped = _MD_PUNCTUATION.sub(r"\\\1", " ".join(printable(text).split()))
    # Never a heading or a list marker, should the text start a line.
    escaped = _LINE_MARKER.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
    return html.escape(escaped, quote=False)


# What a YAML double-quoted scalar may not hold as it is: C0 and C1 controls, DEL,
# surrogates and the two non-characters.
_NOT_YAML_PRINTABLE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufffe\\uffff]")
_NOT_ASCII_PRINTABLE = re.compile("[^\\x20-\\x7e]")


def yaml_quoted(text: str, *, ascii_only: bool = False) -> str:
    """A YAML double-quoted scalar holding `text` exactly. Characters YAML does not allow as
    they are become escapes; with `ascii_only`, so does everything beyond ASCII (for front
    matter, where no character may upset a parser)."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    unsafe = _NOT_ASCII_PRINTABLE if ascii_only else _NOT_YAML_PRINTABLE
    return '"' + unsafe.sub(escape, quoted) + '"'
