"""Numbers as the site shows them: grouped thousands, at most two decimals, never `1e+15`.

Rounding goes through `Decimal` built from the shortest repr of the float, so 2.675 shows as
2.68 (what a reader expects) rather than 2.67 (what the binary value rounds to)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

_HUNDREDTH = Decimal("0.01")
_SIGNIFICANT_WHEN_TINY = 3


def format_number(value: float) -> str:
    """`1234567` -> "1,234,567", `0.75` -> "0.75", `45.0` -> "45", `0.001` -> "0.001"."""
    if isinstance(value, int):  # exact even beyond 2**53, and bool is never passed here
        return f"{value:,}"
    if not math.isfinite(value):
        # The model drops these; a page still gets a readable word instead of an exception.
        return "n/a" if math.isnan(value) else ("∞" if value > 0 else "-∞")
    exact = Decimal(repr(value))  # 1e300 stays 1 and zeros, not the binary value's digits
    if value.is_integer():
        return _trim(f"{exact:,f}")
    rounded = exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        # 0.001 must not read as 0: keep a few significant digits instead.
        exponent = exact.adjusted() - (_SIGNIFICANT_WHEN_TINY - 1)
        rounded = exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    return _trim(f"{rounded:,f}")


def _trim(text: str) -> str:
    """Drop trailing zeros after the decimal point, and the point itself when nothing is left."""
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_quantity(value: float, unit: str | None) -> str:
    """ "65%" for a percentage, "45 min" for any other unit, "45" without a unit."""
    number = format_number(value)
    unit = unit.strip() if unit is not None else ""
    if not unit:
        return number
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


def format_percent(fraction: float) -> str:
    """A fraction as a whole percentage: 0.85 -> "85%", 1.234 -> "123%", -0.1 -> "-10%"."""
    if not math.isfinite(fraction):
        return f"{format_number(fraction)}%"
    with localcontext() as context:
        context.prec = 400  # every digit of the largest float (about 1.8e308) times 100
        percent = (Decimal(repr(fraction)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{format_number(int(percent))}%"  # int() folds "-0" into 0
