"""Step-completeness badges as SVG, drawn at build time.

Every state has a shape as well as a colour (a tick, a half-filled circle, a cross, a dash)
and, on the single-step badge, its word, so no reader depends on colour. The seven-step
badge is a standalone file (`badges/<id>.svg`) that a README can embed, so its colours are
fixed; the single-step badge sits inline in pages."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from cireg.principles import Step
from cireg.render.text import xml_text

STATES = ("complete", "partial", "missing", "not-due")
STATE_WORDS = {
    "complete": "complete",
    "partial": "partial",
    "missing": "missing",
    "not-due": "not due",
}
# Dark enough for white text and shapes (WCAG AA against white at badge sizes).
STATE_COLOURS = {
    "complete": "#2e7d32",
    "partial": "#9a5b00",
    "missing": "#c62828",
    "not-due": "#616161",
}
_LABEL_COLOUR = "#37474f"
EN_DASH = "\N{EN DASH}"
_FONT = 'font-family="Verdana,DejaVu Sans,Geneva,sans-serif"'


def describe_steps(states: Sequence[tuple[Step, str]]) -> str:
    """Runs of equal states joined, as in "steps 1-3 complete, 4 partial, 5-7 not due"
    (with en dashes)."""
    runs: list[tuple[int, int, str]] = []
    for step, state in states:
        if runs and runs[-1][2] == state and runs[-1][1] == step.number - 1:
            runs[-1] = (runs[-1][0], step.number, state)
        else:
            runs.append((step.number, step.number, state))
    parts = []
    for first, last, state in runs:
        numbers = str(first) if first == last else f"{first}{EN_DASH}{last}"
        parts.append(f"{numbers} {STATE_WORDS[state]}")
    return "steps " + ", ".join(parts)


def _symbol(state: str, x: float, colour: str = "#fff") -> str:
    """The state's shape in a 10 by 10 box whose left edge is `x`, vertically centred."""
    stroke = f'fill="none" stroke="{colour}" stroke-width="2" stroke-linecap="round"'
    if state == "complete":
        return f'<path d="M{x + 1} 10.5l3 3 6-7" {stroke} stroke-linejoin="round"/>'
    if state == "partial":
        return (
            f'<circle cx="{x + 5}" cy="10" r="4.2" fill="none" stroke="{colour}" '
            f'stroke-width="1.6"/><path d="M{x + 5} 5.8a4.2 4.2 0 0 1 0 8.4z" fill="{colour}"/>'
        )
    if state == "missing":
        return f'<path d="M{x + 1.5} 5.5l7 9m0-9l-7 9" {stroke}/>'
    return f'<path d="M{x + 1.5} 10h7" {stroke}/>'


def render_steps_badge(initiative_id: str, states: Sequence[tuple[Step, str]]) -> str:
    """The seven-step badge of one initiative: a label, then each step's number and shape."""
    label = "ITIL CI"
    label_width = 50
    cell = 24
    width = label_width + cell * len(states)
    title = xml_text(f"{initiative_id}: {describe_steps(states)}")  # an id may be any file name
    cells = []
    for index, (step, state) in enumerate(states):
        x = label_width + index * cell
        cells.append(
            f"<g><title>{step.number} {escape(step.question)}: {STATE_WORDS[state]}</title>"
            f'<rect x="{x}" width="{cell}" height="20" fill="{STATE_COLOURS[state]}"/>'
            f'<text x="{x + 4}" y="14" fill="#fff" font-size="10" {_FONT}>{step.number}</text>'
            f"{_symbol(state, x + 11)}</g>"
        )
    separators = "".join(
        f'<path d="M{label_width + i * cell} 0v20" stroke="#fff" stroke-opacity=".35"/>'
        for i in range(1, len(states))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'viewBox="0 0 {width} 20" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{label_width}" height="20" fill="{_LABEL_COLOUR}"/>'
        f'<text x="6" y="14" fill="#fff" font-size="10.5" {_FONT}>{label}</text>'
        f"{''.join(cells)}{separators}</svg>\n"
    )


def state_badge_width(state: str) -> int:
    return 22 + 7 * len(STATE_WORDS[state])


def render_state_badge(state: str) -> str:
    """The badge of one step state, its shape and its word: one shared file per state, which
    pages show with an `alt` naming the step ("Step 3: partial")."""
    word = STATE_WORDS[state]
    width = state_badge_width(state)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'viewBox="0 0 {width} 20" role="img" aria-label="{word}"><title>{word}</title>'
        f'<rect width="{width}" height="20" rx="10" fill="{STATE_COLOURS[state]}"/>'
        f"{_symbol(state, 6)}"
        f'<text x="19" y="14" fill="#fff" font-size="11" {_FONT}>{word}</text></svg>\n'
    )
