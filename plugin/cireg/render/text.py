"""Free-text fields: Markdown in, safe HTML out.

Two locks, so that neither has to be perfect. First, raw HTML in the author's Markdown is
never parsed as markup: Python-Markdown's HTML block and inline HTML handling are switched
off, so `<b>` comes out as the text `<b>`. Second, whatever Markdown produces is cleaned by
nh3 (ammonia) against a short allow-list: no images (they would load from other hosts), no
attributes but a link's href and title, and only http, https, mailto and relative links."""

from __future__ import annotations

import html
import re

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


def markdown_to_html(text: str) -> str:
    """The author's Markdown as sanitized HTML, ready to place in a page."""
    global _converter
    text = printable(text)
    if _PLAIN.fullmatch(text):
        # Most fields are a sentence of plain prose: one paragraph, nothing to parse.
        return f"<p>{html.escape(text.strip())}</p>" if text.strip() else ""
    if _too_deep_for_markdown(text):
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
