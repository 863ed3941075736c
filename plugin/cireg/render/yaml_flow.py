"""Values as YAML flow style, as an author writes them after `key: `: the examples and
allowed values of the format reference, shown so that cireg's loader reads them back as
the same values."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from cireg.load import resolve_plain

_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")
_NEEDS_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def yaml_flow(value: Any, *, nested: bool = False) -> str:
    """`value` in YAML flow style as an author writes it after `key: `: strings plain where
    cireg's loader reads them back as the same string (so dates stay unquoted), else
    quoted. `nested` is for a scalar inside `[...]` or `{...}`, where commas and brackets
    end a plain scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return json.dumps(value)
    if isinstance(value, str):
        return value if _is_plain(value, nested) else _double_quoted(value)
    if isinstance(value, Mapping):
        pairs = [
            f"{yaml_flow(str(k), nested=True)}: {yaml_flow(v, nested=True)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(item, nested=True) for item in value) + "]"
    raise ValueError(f"an example holds a {type(value).__name__}, which YAML cannot show")


def _is_plain(text: str, nested: bool) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and text.isprintable()  # no line breaks or tabs
        and resolve_plain(text) == text
        and isinstance(resolve_plain(text), str)
        and text[0] not in _UNSAFE_START
        and not (nested and _FLOW_INDICATORS.intersection(text))
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
    )


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)  # JSON's escapes are YAML's too
    return _NEEDS_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)
