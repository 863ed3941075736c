"""YAML 1.2 core schema scalars (https://yaml.org/spec/1.2.2/#1023-core-schema): what a plain
or core-tagged scalar's text means. Only ``true``/``false`` are booleans, dates stay strings,
and a number too long to be safe is infinite instead of being parsed."""

from __future__ import annotations

import math
import re
from typing import Any

TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG = (
    TAG_PREFIX + name for name in ("str", "int", "float", "bool", "null")
)
# The explicit scalar tags a file may use (`!!str 12`); any other tag is refused.
CORE_SCALAR_TAGS = frozenset((STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG))

_NULLS = frozenset(("~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = frozenset((".nan", ".NaN", ".NAN"))
_MAYBE_NOT_STRING = frozenset("~nNtTfF-+.0123456789")
# Past this many digits an integer is far outside the safe range; Python refuses to parse
# integers of more than 4,300 digits, so never try.
_MAX_INTEGER_DIGITS = 40
# The Python types a value of each explicit tag may resolve to.
_TAG_TYPES: dict[str, tuple[type, ...]] = {
    INT_TAG: (int,),
    FLOAT_TAG: (int, float),
    BOOL_TAG: (bool,),
    NULL_TAG: (type(None),),
}


def _decimal(text: str) -> int | float:
    digits = text.lstrip("+-")
    if len(digits) > _MAX_INTEGER_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if not text:
        return None
    if text[0] not in _MAYBE_NOT_STRING:
        return text
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if _DECIMAL.fullmatch(text):
        return _decimal(text)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8) if len(text) <= _MAX_INTEGER_DIGITS else math.inf
    if _HEX.fullmatch(text):
        return int(text[2:], 16) if len(text) <= _MAX_INTEGER_DIGITS else math.inf
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if text in _NAN:
        return math.nan
    return text


def resolve_tagged(text: str, tag: str) -> Any:
    """The value of a scalar with an explicit core tag such as ``!!str``: one of
    CORE_SCALAR_TAGS. Raises ValueError when the text is not a value of that tag."""
    if tag == STR_TAG:
        return text
    value = resolve_plain(text)
    if not _is_of(value, _TAG_TYPES[tag]):
        raise ValueError(text)
    return float(value) if tag == FLOAT_TAG else value


def _is_of(value: Any, types: tuple[type, ...]) -> bool:
    """`value` is of one of `types`; a boolean only if `bool` is one (it is an int too)."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))
