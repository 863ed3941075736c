"""Accessibility: axe-core (the copy inside axe-playwright-python, run in the page) on the main
pages in both palettes, on a phone, and on the backlog with its filter in use. No violation of
serious or critical impact is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from browser import PHONE, Visit, start_visit

PAGES = {
    "home": "",
    "backlog": "backlog/",
    "initiative": "initiatives/password-reset-self-service/",
    "an initiative with findings and gaps": "initiatives/passwordless-sign-in-pilot/",
    "principles": "principles/",
    "format reference": "format-reference/",
}
BLOCKING = ("serious", "critical")


def axe_violations(visit: Visit) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(visit.page, options={"resultTypes": ["violations"]})
    return list(results.response["violations"])


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    """Serious and critical violations, each with its rule, words and the elements at fault."""
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
        if v.get("impact") in BLOCKING
    ]


def ready(visit: Visit, path: str) -> None:
    visit.open(path)
    visit.page.wait_for_load_state("networkidle")
    if path.startswith("backlog"):
        visit.page.wait_for_selector("#cireg-filters:not([hidden])")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_or_critical_axe_violations(
    open_context: Any, site_url: str, name: str, scheme: str
) -> None:
    visit = start_visit(open_context(color_scheme=scheme), site_url)
    ready(visit, PAGES[name])
    assert blocking(axe_violations(visit)) == []
    assert not visit.problems(), visit.problems()


@pytest.mark.parametrize("name", ["backlog", "initiative"])
def test_no_serious_or_critical_axe_violations_on_a_phone(
    open_context: Any, site_url: str, name: str
) -> None:
    visit = start_visit(open_context(viewport=PHONE, is_mobile=True, has_touch=True), site_url)
    ready(visit, PAGES[name])
    assert blocking(axe_violations(visit)) == []


def test_backlog_in_use_stays_accessible(visit: Visit) -> None:
    """Filtered, sorted, with an unknown owner from an address and counts in the options."""
    ready(visit, "backlog/?filter=service&status=open&sort=owner&order=reverse")
    assert blocking(axe_violations(visit)) == []
    visit.page.select_option("#cireg-filter-owner", index=1)
    visit.page.fill("#cireg-filter-text", "nothing matches this")
    assert blocking(axe_violations(visit)) == []


def test_every_backlog_control_has_a_name_and_is_reachable_by_keyboard(visit: Visit) -> None:
    ready(visit, "backlog/")
    names = visit.page.eval_on_selector_all(
        "#cireg-filters input, #cireg-filters select, #cireg-filters button, th button",
        "els => els.map(e => (e.labels && e.labels[0] ? e.labels[0].textContent : "
        "e.textContent).trim())",
    )
    assert len(names) == 8 + 9 and all(names), names
    # Tab from the filter field reaches the sort buttons; Enter on one sorts the table.
    visit.page.focus("#cireg-filter-text")
    for _ in range(20):
        visit.page.keyboard.press("Tab")
        if visit.page.evaluate("document.activeElement.classList.contains('cireg-sort')"):
            break
    else:
        pytest.fail("Tab never reached a column's sort button")
    visit.page.keyboard.press("Enter")
    assert visit.page.eval_on_selector_all("th[aria-sort]", "ths => ths.length") == 1


def test_count_is_announced_politely(visit: Visit) -> None:
    ready(visit, "backlog/")
    count = visit.page.locator("#cireg-count")
    assert count.get_attribute("role") == "status"
    assert count.get_attribute("aria-live") == "polite"
