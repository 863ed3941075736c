"""KPI line charts as inline SVG, drawn at build time.

The chart needs no JavaScript and loads nothing: it is one `<svg>` element on one line (a blank
or indented line inside it could end a raw HTML block in Markdown). Lines and text use
`currentColor`, so the chart follows the page's light or dark theme even without cireg's
stylesheet; the classes are there for the stylesheet to refine it. Every text that comes from
an initiative is escaped, and nothing that could run or fetch (scripts, event attributes, links)
is ever written."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cireg.model import Kpi, Measurement, Objective
from cireg.render.formatting import format_number, format_quantity
from cireg.render.text import xml_text

WIDTH = 640
HEIGHT = 240

# Plot area margins. The left one grows with the longest y label (see _left_margin).
_TOP = 24  # room for the deadline labels
_BOTTOM = HEIGHT - 28  # room for the date labels
_RIGHT = WIDTH - 72  # the right margin holds the "baseline" and "target" labels
_INSET = 10  # the first and last dates sit this far inside the plot
_LINE_HEIGHT = 13
_CHAR_WIDTH = 7.5  # a generous average at font-size 12; only used to make room for y labels
_LONGEST_Y_LABEL = 28  # longer ones drop the unit (the title names it)
_MIN_LEFT = 48
_MAX_LEFT = 240
_PAD = 0.1  # the y range is padded by this share of the data's span on each side

# Patterns (not only colours) tell the lines apart.
_BASELINE_STYLE = ' stroke-dasharray="6 4"'
_TARGET_STYLE = ' stroke-dasharray="10 3 2 3"'
_DEADLINE_STYLE = ' stroke-dasharray="2 4"'
_FAINT = ' stroke-opacity="0.5"'

_DOM_ID = re.compile(r"[A-Za-z0-9_-]+")
DIRECTION_WORDS = {"increase": "higher is better", "decrease": "lower is better"}
NO_MEASUREMENTS = "No measurements yet"


@dataclass(frozen=True)
class _Point:
    on: dt.date
    value: float
    note: str | None


def _dated(measurement: Measurement | None) -> _Point | None:
    """The measurement if it has a date and a finite value (a NaN cannot be placed)."""
    if measurement is None or measurement.on is None or measurement.value is None:
        return None
    if not math.isfinite(measurement.value):
        return None
    return _Point(measurement.on, measurement.value, measurement.note)


def _points(kpi: Kpi) -> list[_Point]:
    return [p for m in kpi.usable if (p := _dated(m)) is not None]


def _text(value: str) -> str:
    """Data as XML text or attribute value: invalid characters replaced, markup escaped."""
    return html.escape(xml_text(value), quote=True)


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def _kpi_name(kpi: Kpi) -> str:
    return _blank_to_none(kpi.name) or _blank_to_none(kpi.id) or "KPI"


def _title(kpi: Kpi) -> str:
    unit = _blank_to_none(kpi.unit)
    return f"{_kpi_name(kpi)} ({unit})" if unit else _kpi_name(kpi)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _targets(objectives: Sequence[Objective]) -> list[float]:
    return sorted({t for o in objectives if (t := _finite(o.target)) is not None})


def _deadlines(objectives: Sequence[Objective]) -> list[dt.date]:
    return sorted({o.deadline for o in objectives if o.deadline is not None})


def _baseline(kpi: Kpi) -> float | None:
    return _finite(kpi.baseline.value) if kpi.baseline is not None else None


# --- the text alternative --------------------------------------------------------------------


def describe_kpi(kpi: Kpi, objectives: Sequence[Objective]) -> str:
    """What the chart shows, in words: for screen readers and as the chart's `<desc>`."""
    unit = _blank_to_none(kpi.unit)
    direction = DIRECTION_WORDS.get(kpi.direction or "")
    heading = _title(kpi) + (f", {direction}" if direction else "") + "."

    parts: list[str] = []
    base = _dated(kpi.baseline)
    if base is not None:
        parts.append(f"baseline {format_quantity(base.value, unit)} on {base.on.isoformat()}")
    for objective in objectives:
        part = _objective_words(objective, unit)
        if part and part not in parts:  # two identical objectives read as one
            parts.append(part)

    points = _points(kpi)
    if points:
        # A model built without its computed facts has no `latest`: the last point is it.
        latest = _dated(kpi.latest) or points[-1]
        parts.append(f"latest {format_quantity(latest.value, unit)} on {latest.on.isoformat()}")
        first, last = points[0].on.isoformat(), points[-1].on.isoformat()
        if len(points) == 1:
            parts.append(f"1 measurement on {first}")
        else:
            parts.append(f"{len(points)} measurements from {first} to {last}")

    sentences = [heading]
    if parts:
        body = "; ".join(parts)
        sentences.append(body[0].upper() + body[1:] + ".")
    if not points:
        sentences.append(NO_MEASUREMENTS + ".")
    return " ".join(sentences)


def _objective_words(objective: Objective, unit: str | None) -> str | None:
    target = _finite(objective.target)
    deadline = objective.deadline.isoformat() if objective.deadline is not None else None
    if target is None:
        # No target, but the chart still draws the deadline: say what it is.
        return f"deadline {deadline}" if deadline else None
    words = f"target {format_quantity(target, unit)}"
    if deadline:
        words += f" by {deadline}"
    if objective.state is not None:
        words += f" ({objective.state.value})"
    return words


# --- geometry --------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate rounded to one decimal, without a useless ".0" or a "-0"."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    """The padded (low, high) of the values; never empty, never overflowing."""
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    # Halves cannot overflow, even for values near the float maximum.
    half_span = high / 2 - low / 2
    pad = half_span * 2 * _PAD if half_span > 0 else (abs(low) * _PAD or 1.0)
    padded_low, padded_high = low - pad, high + pad
    # Padding past the float maximum would make every position NaN: keep the data's own end.
    return (
        padded_low if math.isfinite(padded_low) else low,
        padded_high if math.isfinite(padded_high) else high,
    )


@dataclass(frozen=True)
class _Frame:
    """Maps dates and values to viewBox coordinates."""

    left: float
    first: int | None  # date ordinals; None when there is no date at all
    last: int | None
    low: float
    high: float

    @property
    def middle(self) -> float:
        return (self.left + _RIGHT) / 2

    def x(self, on: dt.date) -> float:
        if self.first is None or self.last is None or self.last == self.first:
            return self.middle  # a single date sits in the middle
        share = (on.toordinal() - self.first) / (self.last - self.first)
        # Inset, so that the first and last points do not sit on the axis or the edge.
        start, end = self.left + _INSET, _RIGHT - _INSET
        return _clamp(start + share * (end - start), 0, WIDTH)

    def y(self, value: float) -> float:
        span = self.high / 2 - self.low / 2
        share = (value / 2 - self.low / 2) / span if span > 0 else 0.5
        return _clamp(_BOTTOM - share * (_BOTTOM - _TOP), 0, HEIGHT)


def _left_margin(labels: Sequence[str]) -> float:
    widest = max((len(label) for label in labels), default=0)
    return _clamp(widest * _CHAR_WIDTH + 14, _MIN_LEFT, _MAX_LEFT)


def _spread(heights: Sequence[float]) -> list[float]:
    """Label heights (sorted) moved apart just enough not to overlap, kept inside the chart."""
    placed: list[float] = []
    for height in heights:
        placed.append(max(height, placed[-1] + _LINE_HEIGHT) if placed else height)
    # If that pushed the lowest ones off the bottom, push back up from there.
    limit = HEIGHT - 4.0
    for index in range(len(placed) - 1, -1, -1):
        placed[index] = min(placed[index], limit)
        limit = placed[index] - _LINE_HEIGHT
    return placed


# --- markup ----------------------------------------------------------------------------------


def _line(css: str, x1: float, y1: float, x2: float, y2: float, style: str = "") -> str:
    """A line in `currentColor`; `style` adds presentation attributes (dashes, opacity)."""
    return (
        f'<line class="{css}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"'
        f' stroke="currentColor" stroke-width="1"{style}/>'
    )


def _label(text: str, x: float, y: float, anchor: str = "start", modifier: str = "") -> str:
    # A modifier class, not the line's own class: a stylesheet that strokes
    # `.cireg-chart__target` must not stroke the text as well.
    classes = "cireg-chart__label" + (f" cireg-chart__label--{modifier}" if modifier else "")
    return (
        f'<text class="{classes}" x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"'
        f' fill="currentColor">{_text(text)}</text>'
    )


def render_kpi_chart(kpi: Kpi, objectives: Sequence[Objective], *, dom_id: str) -> str:
    """The KPI's measurements, baseline, targets and deadlines as one inline `<svg>` element.

    `objectives` are those measured by this KPI; `dom_id` (letters, digits, "-" and "_") makes
    the ids of `<title>` and `<desc>` unique on the page."""
    if not _DOM_ID.fullmatch(dom_id):
        raise ValueError(f"dom_id must be letters, digits, '-' or '_'; got {dom_id!r}")
    unit = _blank_to_none(kpi.unit)
    points = _points(kpi)
    baseline = _baseline(kpi)
    targets = _targets(objectives)
    deadlines = _deadlines(objectives)

    values = [p.value for p in points] + targets + ([baseline] if baseline is not None else [])
    low, high = _value_range(values)
    # The y labels name the data's own extremes (not the padded ends), at their heights.
    extremes = sorted({min(values), max(values)}) if values else []
    y_texts = [format_quantity(value, unit) for value in extremes]
    if any(len(text) > _LONGEST_Y_LABEL for text in y_texts):
        y_texts = [format_number(value) for value in extremes]
    ordinals = [p.on.toordinal() for p in points] + [d.toordinal() for d in deadlines]
    frame = _Frame(
        left=_left_margin(y_texts),
        first=min(ordinals, default=None),
        last=max(ordinals, default=None),
        low=low,
        high=high,
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' class="cireg-chart" role="img" aria-labelledby="{dom_id}-title {dom_id}-desc"'
        ' preserveAspectRatio="xMidYMid meet" font-size="12">',
        f'<title id="{dom_id}-title">{_text(_title(kpi))}</title>',
        f'<desc id="{dom_id}-desc">{_text(describe_kpi(kpi, objectives))}</desc>',
    ]
    parts += _axes(frame, extremes, y_texts)
    parts += _references(frame, baseline, targets, deadlines)
    parts += _series(frame, points, unit)
    parts.append("</svg>")
    return "".join(parts)


def _axes(frame: _Frame, extremes: Sequence[float], y_texts: Sequence[str]) -> list[str]:
    left = frame.left
    parts = [
        # Faint, so that the data stands out.
        _line("cireg-chart__axis", left, _TOP, left, _BOTTOM, _FAINT),
        _line("cireg-chart__axis", left, _BOTTOM, _RIGHT, _BOTTOM, _FAINT),
    ]
    for value, text in zip(extremes, y_texts, strict=True):
        parts.append(_label(text, left - 6, frame.y(value) + 4, "end"))
    if frame.first is not None and frame.last is not None:
        first = dt.date.fromordinal(frame.first)
        last = dt.date.fromordinal(frame.last)
        if first == last:
            parts.append(_label(first.isoformat(), frame.middle, _BOTTOM + 18, "middle"))
        else:
            parts.append(_label(first.isoformat(), frame.x(first), _BOTTOM + 18, "start"))
            parts.append(_label(last.isoformat(), frame.x(last), _BOTTOM + 18, "end"))
    return parts


def _references(
    frame: _Frame, baseline: float | None, targets: Sequence[float], deadlines: Sequence[dt.date]
) -> list[str]:
    """Baseline, target and deadline lines, each labelled in words."""
    parts: list[str] = []
    # Horizontal lines are labelled in the right margin, where the data never runs.
    labels: list[tuple[float, str]] = []
    if baseline is not None:
        y = frame.y(baseline)
        parts.append(_line("cireg-chart__baseline", frame.left, y, _RIGHT, y, _BASELINE_STYLE))
        labels.append((y, "baseline"))
    for target in targets:
        y = frame.y(target)
        parts.append(_line("cireg-chart__target", frame.left, y, _RIGHT, y, _TARGET_STYLE))
        labels.append((y, "target"))
    labels.sort()
    for height, (_y, word) in zip(_spread([y + 4 for y, _ in labels]), labels, strict=True):
        parts.append(_label(word, _RIGHT + 6, height, "start", word))
    for deadline in deadlines:
        x = frame.x(deadline)
        parts.append(_line("cireg-chart__deadline", x, _TOP, x, _BOTTOM, _DEADLINE_STYLE))
        # The date leans inwards so that it never runs off the chart.
        anchor, shift = ("end", -4) if x > frame.middle else ("start", 4)
        parts.append(_label(deadline.isoformat(), x + shift, _TOP - 8, anchor, "deadline"))
    return parts


def _series(frame: _Frame, points: Sequence[_Point], unit: str | None) -> list[str]:
    """The measurements: a line through them and a marker (with a tooltip) on each."""
    if not points:
        # Off-centre, where a single target (drawn mid-height) or deadline (mid-width) is not.
        height = _TOP + (_BOTTOM - _TOP) * 0.3
        return [_label(NO_MEASUREMENTS, frame.left + 12, height, "start", "empty")]
    parts: list[str] = []
    coordinates = [(frame.x(p.on), frame.y(p.value)) for p in points]
    if len(coordinates) > 1:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coordinates)
        parts.append(
            f'<polyline class="cireg-chart__line" points="{path}" fill="none"'
            ' stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>'
        )
    for point, (x, y) in zip(points, coordinates, strict=True):
        tip = f"{point.on.isoformat()}: {format_quantity(point.value, unit)}"
        note = _blank_to_none(point.note)
        if note:
            tip += f" — {note}"
        parts.append(
            f'<circle class="cireg-chart__point" cx="{_num(x)}" cy="{_num(y)}" r="3"'
            f' fill="currentColor"><title>{_text(tip)}</title></circle>'
        )
    return parts
