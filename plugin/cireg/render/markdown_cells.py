"""Schema text as Markdown that is safe in a table cell of the format reference.

Text outside code spans has `<`, `>` and `&` HTML-escaped and `|` escaped for the table;
plain-text descriptions have Markdown's punctuation escaped too (`plain_markdown`). Code
spans are fenced with enough backticks for their content, and Python-Markdown escapes HTML
inside them itself."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cireg.render.text import plain_markdown as plain
from cireg.render.text import printable
from cireg.render.yaml_flow import yaml_flow

_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PIPE = re.compile(r"(\\*)\|")


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def markdown_text(text: str) -> str:
    """Markdown (a `markdownDescription`) kept as Markdown, on one line, safe in a table
    cell: outside code spans `<`, `>`, `&` are HTML-escaped and every `|` is escaped."""
    text = _one_line(text)
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape_prose(text[last : match.start()]))
        out.append(match.group(0))  # Python-Markdown keeps `|` and escapes HTML in code
        last = match.end()
    out.append(_escape_prose(text[last:]))
    return "".join(out)


def _escape_prose(text: str) -> str:
    # An odd run of backslashes already escapes the pipe; an even one needs one more.
    def pipe(match: re.Match[str]) -> str:
        slashes = match.group(1)
        return slashes + ("|" if len(slashes) % 2 else "\\|")

    return _PIPE.sub(pipe, html.escape(text, quote=False))


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it holds. Inner spaces are kept (an
    example's spacing matters); a line break would end the table row, so it becomes one."""
    text = re.sub(r"[\t\n\r]", " ", printable(text))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def codes(values: Sequence[Any]) -> str:
    """`a`, `b` or `c`: values as YAML, in code."""
    shown = [code(yaml_flow(value)) for value in values]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def meaning(node: Mapping[str, Any]) -> str:
    """What a schema node means: its `markdownDescription` as Markdown, else its
    `description` as plain text, on one line ("" when it says nothing)."""
    if isinstance(node.get("markdownDescription"), str) and node["markdownDescription"].strip():
        return markdown_text(node["markdownDescription"])
    if isinstance(node.get("description"), str) and node["description"].strip():
        return plain(node["description"])
    return ""
