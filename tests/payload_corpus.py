"""The injection payload corpus and the format's free-text fields, shared by the site-safety
tests (a built site with every payload in every field) and the property tests (payloads drawn
into random valid initiatives). A new payload added here reaches both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "initiative.schema.json"

MULTI_LINE_MARKDOWN = (
    "Line one\n\n## Heading { onclick=alert(1) }\n\n<script>alert(1)</script>\n\n"
    "* [x](javascript:alert(1))"
)

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "{ onclick=alert(1) }",
    "{: onclick=alert(1) }",
    '"><svg onload=alert(1)>',
    "</title><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    "<!-- comment -->",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "[d](data:text/html,<script>alert(1)</script>)",
    '<iframe src="https://evil.example">',
    "<style>body{display:none}</style>",
    '--8<-- "/etc/passwd"',
    "&lt;script&gt;",
    # Beyond the minimum: other breakouts, scheme tricks, remote loads and multi-line Markdown.
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)' x='",
    '" onmouseover="alert(1)" x="',
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![pixel](https://evil.example/pixel.png)",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<b>bold</b> &amp; &#60;script&#62;",
    "{{ config.site_name }}{% include 'mkdocs.yml' %}",
    MULTI_LINE_MARKDOWN,
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '<div markdown="1">**bold** { onclick=alert(1) }</div>',
    'Snippet line\n--8<-- "canary.txt"\nend',
    "Snippet block\n--8<--\ncanary.txt\n--8<--\nend",
    # Characters a page or an XML file cannot hold as they are: shown as spaces or dropped.
    "Control \x00\x07\x1b[31m\x7f\x85\t\r end",
    "Unicode \u2028\u2029\u200b\u202e\ufeff\ufffe \U0001f600 end",
)


def schema_text_paths() -> set[str]:
    """Every free-text string of the format (no enum, date or id pattern), as a dotted path
    with `[]` for list items, read from the schema itself."""
    schema = json.loads(
        (Path(__file__).parents[1] / "schemas" / "initiative.schema.json").read_text()
    )
    definitions = schema["$defs"]
    paths: set[str] = set()

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        if "$ref" in node:
            walk(definitions[node["$ref"].rsplit("/", 1)[-1]], path)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                walk(sub, path)
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key))
        if "items" in node:
            walk(node["items"], (*path, "[]"))
        kinds = node.get("type")
        is_string = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
        if is_string and not ({"enum", "pattern", "format"} & set(node)):
            paths.add(".".join(path))

    walk(schema, ())
    return paths
