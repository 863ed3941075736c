"""The reference site's pages in a real browser: what is visible, what is asked of the network,
both palettes, a phone's width, accessibility (axe-core), and screenshots for people."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from browser import DESKTOP, PHONE, Visit, artifacts_dir, start_visit

REPO = Path(__file__).resolve().parents[1]
INITIATIVE_IDS = tuple(sorted(p.stem for p in (REPO / "initiatives").glob("*.yaml")))
HAND_WRITTEN = tuple(
    "" if p.stem == "index" else f"{p.stem}/" for p in sorted((REPO / "site_src").glob("*.md"))
)
MAIN_PAGES = {
    "home": "",
    "backlog": "backlog/",
    "principles": "principles/",
    "initiative": "initiatives/password-reset-self-service/",
}
ALL_PAGES = (
    *HAND_WRITTEN,
    "backlog/",
    "principles/",
    *(f"initiatives/{i}/" for i in INITIATIVE_IDS),
)
# An initiative with KPIs and measurements, so charts are there to look at.
WITH_CHARTS = "initiatives/password-reset-self-service/"


def box(visit: Visit, selector: str) -> list[dict[str, float]]:
    """Rendered size of every element matching `selector` (zero when not displayed)."""
    return list(
        visit.page.eval_on_selector_all(
            selector,
            """els => els.map(e => {
                const r = e.getBoundingClientRect();
                return {width: r.width, height: r.height,
                        loaded: e.tagName !== 'IMG' || (e.complete && e.naturalWidth > 0)};
            })""",
        )
    )


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_loads_from_the_local_server_only_and_logs_no_error(visit: Visit, path: str) -> None:
    """The `visit` fixture fails the test on any request to another host or console error;
    waiting for the network to go quiet lets the search index and images load first."""
    visit.open(path)
    visit.page.wait_for_load_state("networkidle")
    broken = visit.page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []


def test_search_runs_offline(visit: Visit) -> None:
    visit.open("")
    visit.page.click("input.md-search__input")
    # Material's search worker builds its index from search_index.json on this server.
    visit.page.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')"
    )
    # Material reads the query from key presses, so type it rather than fill the field.
    visit.page.locator("input.md-search__input").press_sequentially("password")
    visit.page.wait_for_selector(".md-search-result__item")
    assert visit.page.locator(".md-search-result__item").count() > 0


def test_initiative_page_shows_step_badges_and_kpi_charts(visit: Visit) -> None:
    visit.open(WITH_CHARTS)
    visit.page.wait_for_load_state("networkidle")
    badges = box(visit, ".cireg-initiative img, .cireg-steps img, img.cireg-step-badge")
    assert len(badges) >= 8, "the seven-step badge and one badge per step"
    assert all(b["width"] > 0 and b["height"] > 0 and b["loaded"] for b in badges), badges
    charts = box(visit, "svg.cireg-chart")
    assert charts and all(c["width"] > 100 and c["height"] > 50 for c in charts), charts
    # Every chart and badge has a text alternative.
    assert visit.page.eval_on_selector_all(
        "svg.cireg-chart",
        "svgs => svgs.every(s => s.getAttribute('role') === 'img' && "
        "(s.getAttribute('aria-labelledby') || s.getAttribute('aria-label') || "
        "s.querySelector('title')))",
    )
    assert visit.page.eval_on_selector_all("img", "imgs => imgs.every(i => i.alt.trim() !== '')")


def test_backlog_badges_are_visible_with_text_alternatives(visit: Visit) -> None:
    visit.open("backlog/")
    # The badges load lazily: bring each into view, then wait until all have loaded.
    for image in visit.page.locator("table.cireg-backlog img").all():
        image.scroll_into_view_if_needed()
    visit.page.wait_for_function(
        "[...document.querySelectorAll('table.cireg-backlog img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    badges = box(visit, "table.cireg-backlog img")
    assert len(badges) == len(INITIATIVE_IDS)
    assert all(b["width"] > 0 and b["loaded"] for b in badges)
    alts = visit.page.eval_on_selector_all("table.cireg-backlog img", "is => is.map(i => i.alt)")
    assert all(re.fullmatch(r"steps .+", alt) for alt in alts), alts


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an `rgb(...)`/`rgba(...)` colour."""
    parts = [float(x) for x in re.findall(r"[\d.]+", css_colour)[:3]]

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def palette_of(visit: Visit) -> dict[str, Any]:
    return dict(
        visit.page.evaluate(
            """() => {
                const body = getComputedStyle(document.body);
                const article = document.querySelector('article') || document.body;
                return {scheme: document.body.getAttribute('data-md-color-scheme'),
                        background: body.backgroundColor,
                        text: getComputedStyle(article).color};
            }"""
        )
    )


@pytest.mark.parametrize("scheme, expected", [("light", "default"), ("dark", "slate")])
@pytest.mark.parametrize("name", sorted(MAIN_PAGES))
def test_both_palettes_render(
    open_context: Any, site_url: str, scheme: str, expected: str, name: str
) -> None:
    visit = start_visit(open_context(color_scheme=scheme), site_url)
    visit.open(MAIN_PAGES[name])
    visit.page.wait_for_load_state("networkidle")
    palette = palette_of(visit)
    assert palette["scheme"] == expected
    background, text = luminance(palette["background"]), luminance(palette["text"])
    if scheme == "dark":
        assert background < 0.1 < text
    else:
        assert text < 0.1 < background
    # Text stands out from the background by at least WCAG AA's 4.5 to 1.
    light, dark = max(background, text), min(background, text)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
    visit.page.screenshot(path=str(artifacts_dir() / f"{name}-desktop-{scheme}.png"))
    assert not visit.problems(), visit.problems()


def test_palette_toggle_switches_to_dark_and_back(visit: Visit) -> None:
    visit.open("backlog/")
    assert palette_of(visit)["scheme"] == "default"
    visit.page.click("form[data-md-component=palette] label:visible")
    visit.page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert luminance(palette_of(visit)["background"]) < 0.1
    visit.page.click("form[data-md-component=palette] label:visible")
    visit.page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")


@pytest.mark.parametrize("name", ["backlog", "initiative", "home", "principles"])
def test_pages_fit_a_phone_screen(open_context: Any, site_url: str, name: str) -> None:
    """At 390 px the page never scrolls sideways; wide tables may scroll inside their box."""
    visit = start_visit(
        open_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True),
        site_url,
    )
    visit.open(MAIN_PAGES[name])
    visit.page.wait_for_load_state("networkidle")
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    visit.page.screenshot(
        path=str(artifacts_dir() / f"{name}-phone.png"), full_page=name != "initiative"
    )
    assert not visit.problems(), visit.problems()


def test_backlog_rows_are_cards_on_a_phone(open_context: Any, site_url: str) -> None:
    visit = start_visit(open_context(viewport=PHONE, is_mobile=True, has_touch=True), site_url)
    visit.open("backlog/")
    visit.page.wait_for_selector("#cireg-filters:not([hidden])")
    rows = box(visit, "table.cireg-backlog tbody tr")
    assert len(rows) == len(INITIATIVE_IDS)
    assert all(row["width"] <= PHONE["width"] for row in rows)
    # Every card names what its figures are (the header row is not shown on a phone).
    labels = visit.page.eval_on_selector(
        "table.cireg-backlog tbody tr td:nth-child(4)",
        "td => getComputedStyle(td, '::before').content",
    )
    assert "Owner" in labels
    # The filter still works there, through the form's sort and facet fields.
    visit.page.select_option("#cireg-filter-status", "done")
    visit.page.select_option("#cireg-sort", "title")
    shown = visit.page.eval_on_selector_all(
        "table.cireg-backlog tbody tr", "rs => rs.filter(r => r.offsetParent !== null).length"
    )
    assert 0 < shown < len(INITIATIVE_IDS)
    assert f"Showing {shown} of" in visit.page.inner_text("#cireg-count")
    assert not visit.problems(), visit.problems()


def test_initiative_tables_stack_on_a_phone(open_context: Any, site_url: str) -> None:
    visit = start_visit(open_context(viewport=PHONE, is_mobile=True), site_url)
    visit.open(WITH_CHARTS)
    cells = box(visit, "table.cireg-objectives td")
    assert cells and all(c["width"] <= PHONE["width"] for c in cells)
    charts = box(visit, "svg.cireg-chart")
    assert charts and all(0 < c["width"] <= PHONE["width"] for c in charts)


def test_desktop_screenshots_of_main_pages(visit: Visit) -> None:
    folder = artifacts_dir()
    for name, path in MAIN_PAGES.items():
        visit.open(path)
        visit.page.wait_for_load_state("networkidle")
        target = folder / f"{name}-desktop-full.png"
        visit.page.screenshot(path=str(target), full_page=True)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert visit.page.viewport_size == DESKTOP
