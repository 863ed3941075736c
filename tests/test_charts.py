"""KPI charts as inline SVG, their text alternative, and the number formats the site uses."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from cireg.model import NOWHERE, Kpi, Measurement, Objective, ObjectiveState
from cireg.model.facts import usable_measurements
from cireg.render.charts import describe_kpi, render_kpi_chart
from cireg.render.formatting import format_number, format_percent, format_quantity

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = "<script>alert(1)</script>\"><svg onload=alert(1)>]]>&amp; & 'x'"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def measurement(on: str | None, value: float | None, note: str | None = None) -> Measurement:
    return Measurement(place=NOWHERE, on=day(on) if on else None, value=value, note=note)


def make_kpi(
    values: list[tuple[str, float]] | None = None,
    *,
    name: str | None = "Time to first response",
    unit: str | None = "h",
    direction: str | None = "decrease",
    kpi_id: str | None = "response",
    baseline: int | None = 0,
    notes: dict[str, str] | None = None,
) -> Kpi:
    """A KPI with its computed facts; `baseline` is the index of the baseline measurement."""
    notes = notes or {}
    pairs = values if values is not None else RESPONSE
    measurements = [measurement(on, value, notes.get(on)) for on, value in pairs]
    kpi = Kpi(
        place=NOWHERE,
        id=kpi_id,
        name=name,
        unit=unit,
        direction=direction,
        source=None,
        measurements=measurements,
    )
    usable = kpi.usable = usable_measurements(kpi)
    kpi.latest = usable[-1] if usable else None
    kpi.baseline = usable[baseline] if usable and baseline is not None else None
    return kpi


def objective(
    kpi: Kpi,
    target: float | None = 1,
    deadline: str | None = "2026-06-30",
    state: ObjectiveState | None = ObjectiveState.MET,
) -> Objective:
    return Objective(
        place=NOWHERE,
        id="fast",
        statement="Answer within an hour",
        kpi_id=kpi.id,
        target=target,
        target_is_number=target is not None,
        deadline=day(deadline) if deadline else None,
        relevance="Speed matters.",
        label="objective `fast`",
        kpi=kpi,
        state=state,
    )


RESPONSE = [
    ("2026-01-10", 8),
    ("2026-02-10", 6),
    ("2026-03-10", 4.5),
    ("2026-05-10", 2),
    ("2026-06-20", 0.75),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def elements(root: ET.Element, tag: str, css: str | None = None) -> list[ET.Element]:
    found = root.iter(SVG + tag)
    return [e for e in found if css is None or css in (e.get("class") or "").split()]


def all_text(root: ET.Element) -> Iterator[str]:
    for element in root.iter():
        yield element.text or ""


def polyline_points(root: ET.Element) -> list[tuple[float, float]]:
    (line,) = elements(root, "polyline", "cireg-chart__line")
    pairs = (pair.split(",") for pair in (line.get("points") or "").split())
    return [(float(x), float(y)) for x, y in pairs]


def assert_inside_view_box(root: ET.Element) -> None:
    assert root.get("viewBox") == "0 0 640 240"
    for circle in elements(root, "circle"):
        assert 0 <= float(circle.get("cx", "nan")) <= 640
        assert 0 <= float(circle.get("cy", "nan")) <= 240
    for line in elements(root, "line"):
        for attribute, limit in (("x1", 640), ("x2", 640), ("y1", 240), ("y2", 240)):
            assert 0 <= float(line.get(attribute, "nan")) <= limit
    for text in elements(root, "text"):
        assert 0 <= float(text.get("x", "nan")) <= 640
        assert 0 <= float(text.get("y", "nan")) <= 240


# --- the chart -------------------------------------------------------------------------------


def test_the_chart_is_one_accessible_svg_element() -> None:
    kpi = make_kpi()
    svg = render_kpi_chart(kpi, [objective(kpi)], dom_id="kpi-first-response")
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "\n" not in svg  # a line break could end a raw HTML block in Markdown
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("class") == "cireg-chart"
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    assert root.get("width") is None and root.get("height") is None
    assert root.get("aria-labelledby") == "kpi-first-response-title kpi-first-response-desc"
    title, desc = list(root)[:2]
    assert title.tag == SVG + "title" and title.get("id") == "kpi-first-response-title"
    assert desc.tag == SVG + "desc" and desc.get("id") == "kpi-first-response-desc"
    assert title.text == "Time to first response (h)"
    assert desc.text == describe_kpi(kpi, [objective(kpi)])


def test_every_usable_measurement_is_a_point_on_the_line() -> None:
    values: list[tuple[str, float]] = [("2026-03-01", 3), ("2026-01-01", 5), ("2026-02-01", 4)]
    kpi = make_kpi(values)
    kpi.measurements.append(measurement(None, 7))  # undated: not drawn
    kpi.measurements.append(measurement("2026-04-01", None))  # no value: not drawn
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    assert len(elements(root, "circle", "cireg-chart__point")) == len(kpi.usable) == 3
    points = polyline_points(root)
    assert len(points) == 3
    assert all(0 <= x <= 640 and 0 <= y <= 240 for x, y in points)
    xs = [x for x, _ in points]
    assert xs == sorted(xs)  # in date order
    ys = [y for _, y in points]
    assert ys[0] < ys[1] < ys[2]  # 5, 4, 3: higher values are higher up (smaller y)
    assert_inside_view_box(root)


def test_baseline_target_and_deadline_lines() -> None:
    kpi = make_kpi()
    root = parse(render_kpi_chart(kpi, [objective(kpi)], dom_id="k"))
    assert len(elements(root, "line", "cireg-chart__baseline")) == 1
    assert len(elements(root, "line", "cireg-chart__target")) == 1
    (deadline,) = elements(root, "line", "cireg-chart__deadline")
    assert deadline.get("x1") == deadline.get("x2")  # vertical
    texts = list(all_text(root))
    assert "baseline" in texts and "target" in texts and "2026-06-30" in texts
    for css in ("cireg-chart__baseline", "cireg-chart__deadline"):
        assert elements(root, "line", css)[0].get("stroke-dasharray")
    # The target is told apart from the baseline by its pattern, not only by a colour.
    (target,) = elements(root, "line", "cireg-chart__target")
    (baseline,) = elements(root, "line", "cireg-chart__baseline")
    assert target.get("stroke-dasharray") != baseline.get("stroke-dasharray")
    assert_inside_view_box(root)


def test_no_reference_lines_without_baseline_targets_or_deadlines() -> None:
    kpi = make_kpi(baseline=None)
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    for css in ("cireg-chart__baseline", "cireg-chart__target", "cireg-chart__deadline"):
        assert elements(root, "line", css) == []
    assert "baseline" not in list(all_text(root))


def test_objectives_without_target_or_deadline_draw_only_what_they_have() -> None:
    kpi = make_kpi(baseline=None)
    objectives = [objective(kpi, target=None, state=None), objective(kpi, deadline=None)]
    root = parse(render_kpi_chart(kpi, objectives, dom_id="k"))
    assert len(elements(root, "line", "cireg-chart__target")) == 1
    assert len(elements(root, "line", "cireg-chart__deadline")) == 1


def test_equal_targets_and_deadlines_are_drawn_once() -> None:
    kpi = make_kpi()
    objectives = [objective(kpi), objective(kpi), objective(kpi, target=2, deadline="2026-09-30")]
    root = parse(render_kpi_chart(kpi, objectives, dom_id="k"))
    assert len(elements(root, "line", "cireg-chart__target")) == 2
    assert len(elements(root, "line", "cireg-chart__deadline")) == 2


def test_the_x_range_reaches_a_deadline_after_the_last_measurement() -> None:
    kpi = make_kpi()
    root = parse(render_kpi_chart(kpi, [objective(kpi, deadline="2027-12-31")], dom_id="k"))
    (deadline,) = elements(root, "line", "cireg-chart__deadline")
    last_point = polyline_points(root)[-1]
    assert float(deadline.get("x1", "nan")) > last_point[0]
    texts = list(all_text(root))
    assert "2026-01-10" in texts and "2027-12-31" in texts  # the first and last dates


def test_the_y_range_holds_values_baseline_and_targets() -> None:
    kpi = make_kpi()
    far_target = objective(kpi, target=-50)
    root = parse(render_kpi_chart(kpi, [far_target], dom_id="k"))
    (target,) = elements(root, "line", "cireg-chart__target")
    ys = [y for _, y in polyline_points(root)]
    assert float(target.get("y1", "nan")) > max(ys)  # below every measurement
    texts = list(all_text(root))
    assert "-50 h" in texts and "8 h" in texts  # the y labels: min and max of the range
    assert_inside_view_box(root)


@pytest.mark.parametrize(
    "values",
    [
        [("2026-01-10", 5)],  # one point: zero time range and zero value range
        [("2026-01-10", 5), ("2026-01-10", 5)],  # the same date and value twice
        [("2026-01-10", 0), ("2026-02-10", 0)],  # all zero
        [("2026-01-10", -7.5), ("2026-02-10", -2)],  # negative
        [("2026-01-10", 2**53), ("2026-02-10", -(2**53))],  # the largest safe numbers
        [("2026-01-10", 2**53), ("2026-02-10", 2**53 - 1)],  # huge and nearly equal
        [("2026-01-10", 1.7e308), ("2026-02-10", -1.7e308)],  # beyond anything the model keeps
        [("2026-01-10", 1e-300), ("2026-02-10", 2e-300)],  # tiny
    ],
)
def test_degenerate_ranges_stay_inside_the_view_box(values: list[tuple[str, float]]) -> None:
    kpi = make_kpi(values)
    svg = render_kpi_chart(kpi, [objective(kpi, target=values[0][1])], dom_id="k")
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    root = parse(svg)
    assert len(elements(root, "circle", "cireg-chart__point")) == len(values)
    assert_inside_view_box(root)


def test_y_labels_too_long_for_the_margin_drop_the_unit() -> None:
    kpi = make_kpi([("2026-01-10", 2**53), ("2026-02-10", -(2**53))], unit="tickets per week")
    texts = list(all_text(parse(render_kpi_chart(kpi, [], dom_id="k"))))
    assert "9,007,199,254,740,992" in texts and "-9,007,199,254,740,992" in texts
    assert "1,500 tickets per week" in list(
        all_text(
            parse(
                render_kpi_chart(
                    make_kpi([("2026-01-10", 1500)], unit="tickets per week"), [], dom_id="k"
                )
            )
        )
    )


def test_a_single_point_draws_a_marker_and_no_line() -> None:
    kpi = make_kpi([("2026-01-10", 5)])
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    (point,) = elements(root, "circle", "cireg-chart__point")
    assert elements(root, "polyline") == []
    # With no time range to spread over, the point sits in the middle of the x axis.
    x_axis = next(
        e for e in elements(root, "line", "cireg-chart__axis") if e.get("y1") == e.get("y2")
    )
    middle = (float(x_axis.get("x1", "nan")) + float(x_axis.get("x2", "nan"))) / 2
    assert float(point.get("cx", "nan")) == pytest.approx(middle, abs=0.1)
    assert "2026-01-10" in list(all_text(root))


def test_no_measurements_still_draws_targets_and_says_so() -> None:
    kpi = make_kpi([])
    root = parse(render_kpi_chart(kpi, [objective(kpi, state=None)], dom_id="k"))
    assert elements(root, "circle") == [] and elements(root, "polyline") == []
    assert len(elements(root, "line", "cireg-chart__target")) == 1
    assert len(elements(root, "line", "cireg-chart__deadline")) == 1
    assert "No measurements yet" in list(all_text(root))
    assert_inside_view_box(root)


def test_nothing_at_all_still_draws_a_chart() -> None:
    kpi = make_kpi([], name=None, unit=None, direction=None, kpi_id=None)
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    assert root[0].text == "KPI"
    assert "No measurements yet" in list(all_text(root))


def test_the_output_is_deterministic() -> None:
    def build() -> str:
        kpi = make_kpi(notes={"2026-02-10": "holiday"})
        objectives = [
            objective(kpi, target=t, deadline=d) for t, d in [(2, "2026-09-30"), (1, None)]
        ]
        return render_kpi_chart(kpi, objectives, dom_id="k")

    assert build() == build()
    # Objectives given in another order draw the same chart.
    kpi = make_kpi(notes={"2026-02-10": "holiday"})
    a = objective(kpi, target=2, deadline="2026-09-30")
    b = objective(kpi, target=1, deadline="2026-06-30")
    assert (
        render_kpi_chart(kpi, [a, b], dom_id="k").split("</desc>")[1]
        == render_kpi_chart(kpi, [b, a], dom_id="k").split("</desc>")[1]
    )


def test_coordinates_have_at_most_one_decimal() -> None:
    kpi = make_kpi([("2026-01-10", 1 / 3), ("2026-01-13", 2 / 3), ("2026-02-01", 1)])
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    numbers = [n for x, y in polyline_points(root) for n in (x, y)]
    numbers += [float(c.get(a, "nan")) for c in elements(root, "circle") for a in ("cx", "cy")]
    assert all(round(n, 1) == n for n in numbers)


# --- hostile text ----------------------------------------------------------------------------


def assert_harmless(root: ET.Element) -> None:
    for element in root.iter():
        local = element.tag.rpartition("}")[2]
        assert local not in ("script", "foreignObject", "a", "image", "use")
        for attribute in element.attrib:
            name = attribute.rpartition("}")[2].lower()
            assert not name.startswith("on") and name != "href"


def test_names_units_and_notes_are_text_not_markup() -> None:
    kpi = make_kpi(name=PAYLOAD, unit=None, notes={"2026-02-10": PAYLOAD})
    svg = render_kpi_chart(kpi, [objective(kpi)], dom_id="k")
    root = parse(svg)  # well-formed despite the payload
    assert_harmless(root)
    assert root[0].text == PAYLOAD  # the title is exactly the name
    tips = [title.text or "" for title in root.iter(SVG + "title")][1:]
    assert len(tips) == 5
    assert tips[1] == f"2026-02-10: 6 — {PAYLOAD}"
    assert "<script" not in svg and "<svg onload" not in svg and svg.count("<svg") == 1


def test_a_hostile_unit_is_escaped_everywhere() -> None:
    unit = '<script>alert(1)</script>"><svg onload=alert(1)>]]>&'
    kpi = make_kpi(unit=unit, kpi_id=None, name=None)
    svg = render_kpi_chart(kpi, [objective(kpi)], dom_id="k")
    root = parse(svg)
    assert_harmless(root)
    assert root[0].text == f"KPI ({unit})"
    assert f"2026-01-10: 8 {unit}" in list(all_text(root))  # a point's tooltip
    short = "<b>&</b>"
    assert f"8 {short}" in list(
        all_text(parse(render_kpi_chart(make_kpi(unit=short), [], dom_id="k")))
    )
    assert svg.count("<svg") == 1


def test_characters_xml_cannot_hold_are_replaced() -> None:
    kpi = make_kpi(name="Bell\x07 and null\x00", notes={"2026-01-10": "tab\tok, \x1b no"})
    root = parse(render_kpi_chart(kpi, [], dom_id="k"))
    assert root[0].text == "Bell\ufffd and null\ufffd (h)"


@pytest.mark.parametrize("dom_id", ["", "two words", 'x" onload="alert(1)', "a<b"])
def test_a_dom_id_that_is_not_a_token_is_refused(dom_id: str) -> None:
    with pytest.raises(ValueError, match="dom_id"):
        render_kpi_chart(make_kpi(), [], dom_id=dom_id)


# --- the text alternative --------------------------------------------------------------------


def test_description_of_a_met_objective() -> None:
    kpi = make_kpi()
    assert describe_kpi(kpi, [objective(kpi)]) == (
        "Time to first response (h), lower is better. Baseline 8 h on 2026-01-10; target 1 h "
        "by 2026-06-30 (met); latest 0.75 h on 2026-06-20; 5 measurements from 2026-01-10 to "
        "2026-06-20."
    )


def test_description_of_objectives_not_met_and_met_late() -> None:
    kpi = make_kpi(
        [("2026-01-10", 40), ("2026-06-01", 55)], name="Uptake", unit="%", direction="increase"
    )
    objectives = [
        objective(kpi, target=90, state=ObjectiveState.NOT_MET),
        objective(kpi, target=50, deadline="2026-03-31", state=ObjectiveState.MET_LATE),
    ]
    assert describe_kpi(kpi, objectives) == (
        "Uptake (%), higher is better. Baseline 40% on 2026-01-10; target 90% by 2026-06-30 "
        "(not met); target 50% by 2026-03-31 (met late); latest 55% on 2026-06-01; "
        "2 measurements from 2026-01-10 to 2026-06-01."
    )


def test_description_leaves_out_what_is_unknown() -> None:
    kpi = make_kpi([("2026-01-10", 3)], name=None, unit=" ", direction=None, baseline=None)
    kpi.latest = None  # a model built without its facts: the last point stands in
    objectives = [objective(kpi, deadline=None, state=None), objective(kpi, target=None)]
    assert describe_kpi(kpi, objectives) == (
        "response. Target 1; deadline 2026-06-30; latest 3 on 2026-01-10; "
        "1 measurement on 2026-01-10."
    )


def test_description_without_measurements() -> None:
    kpi = make_kpi([], name="Uptake", unit="%", direction="increase")
    assert describe_kpi(kpi, []) == "Uptake (%), higher is better. No measurements yet."
    with_target = describe_kpi(kpi, [objective(kpi, target=80, state=None)])
    assert with_target == (
        "Uptake (%), higher is better. Target 80% by 2026-06-30. No measurements yet."
    )


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1234567, "1,234,567"),
        (0.75, "0.75"),
        (45.0, "45"),
        (-3.456, "-3.46"),
        (1e15, "1,000,000,000,000,000"),
        (2**53, "9,007,199,254,740,992"),
        (float(2**53), "9,007,199,254,740,992"),
        (1e20, "100,000,000,000,000,000,000"),
        (-1234.5, "-1,234.5"),
        (2.675, "2.68"),  # as written, not as the binary value rounds
        (0.999, "1"),
        (-0.0, "0"),
        (0.001, "0.001"),
        (-0.004, "-0.004"),
        (0.0012345, "0.00123"),
        (1e-7, "0.0000001"),
        (0.005, "0.01"),
        (math.nan, "n/a"),
        (math.inf, "∞"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text
    assert "e" not in format_number(value)  # never scientific notation


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (65, "%", "65%"),
        (65.5, " % ", "65.5%"),
        (45, "min", "45 min"),
        (1500, "tickets per week", "1,500 tickets per week"),
        (45, None, "45"),
        (45, "  ", "45"),
    ],
)
def test_format_quantity(value: float, unit: str | None, text: str) -> None:
    assert format_quantity(value, unit) == text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.85, "85%"),
        (1.234, "123%"),
        (-0.1, "-10%"),
        (0, "0%"),
        (1, "100%"),
        (0.285, "29%"),  # 28.5 rounds up, even though 0.285 * 100 is 28.499...
        (-0.001, "0%"),  # never "-0%"
        (123.4, "12,340%"),
        (1e30, "100,000,000,000,000,000,000,000,000,000,000%"),  # past Decimal's 28 digits
        (-1.7e308, f"{-17 * 10**309:,}%"),
    ],
)
def test_format_percent(fraction: float, text: str) -> None:
    assert format_percent(fraction) == text
