"""The backlog in a real browser: filtering, facets, sorting, the shareable address, and the
way back from an initiative page. Expected rows are computed here from the repository's YAML,
not read from the page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from browser import Visit

REPO = Path(__file__).resolve().parents[1]
INITIATIVES = REPO / "initiatives"
STATUSES = ("idea", "planned", "in-progress", "verifying", "done", "on-hold", "abandoned")
PRIORITIES = ("critical", "high", "medium", "low")
ROWS = "table.cireg-backlog tbody tr"
ROW_ID = "r => r.cells[1].querySelector('code').textContent"  # the id a row shows


@cache
def register() -> dict[str, dict[str, Any]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(INITIATIVES.glob("*.yaml"))
    }


def ids_where(test: Any) -> list[str]:
    return sorted(key for key, doc in register().items() if test(doc))


def shown_ids(visit: Visit) -> list[str]:
    """Ids of the rows a reader can see, top to bottom."""
    return list(
        visit.page.eval_on_selector_all(
            ROWS, f"rows => rows.filter(r => r.offsetParent !== null).map({ROW_ID})"
        )
    )


def count_text(visit: Visit) -> str:
    return str(visit.page.inner_text("#cireg-count"))


def query_of(visit: Visit) -> dict[str, list[str]]:
    return parse_qs(urlsplit(visit.page.url).query)


def open_backlog(visit: Visit, query: str = "") -> None:
    visit.open("backlog/" + query)
    visit.page.wait_for_selector("#cireg-filters:not([hidden])")


def test_without_filters_every_initiative_shows_in_backlog_order(visit: Visit) -> None:
    open_backlog(visit)
    assert sorted(shown_ids(visit)) == sorted(register())
    assert shown_ids(visit)[0] == visit.page.eval_on_selector(ROWS, ROW_ID)
    assert count_text(visit) == f"Showing all {len(register())} initiatives."


@pytest.mark.parametrize("typed", ["password", "PASSWORD", "identity", "onboarding"])
def test_text_filter_narrows_rows_and_count(visit: Visit, typed: str) -> None:
    def matches(doc: dict[str, Any], initiative_id: str) -> bool:
        fields = [doc.get("title", ""), initiative_id, doc.get("owner", "")]
        fields += doc.get("services", []) + doc.get("tags", [])
        return any(typed.casefold() in str(field).casefold() for field in fields)

    expected = sorted(key for key, doc in register().items() if matches(doc, key))
    assert 0 < len(expected) < len(register()), "the fixture word should narrow the backlog"
    open_backlog(visit)
    visit.page.fill("#cireg-filter-text", typed)
    assert sorted(shown_ids(visit)) == expected
    assert count_text(visit) == f"Showing {len(expected)} of {len(register())} initiatives."


def test_text_filter_words_must_all_match_and_ignore_accents(visit: Visit) -> None:
    def haystack(initiative_id: str) -> str:
        doc = register()[initiative_id]
        fields = [initiative_id, doc["title"], doc["owner"], *doc.get("services", [])]
        return " ".join(fields + doc.get("tags", [])).casefold()

    expected = sorted(i for i in register() if "password" in haystack(i) and "self" in haystack(i))
    only_password = [i for i in register() if "password" in haystack(i)]
    assert 0 < len(expected) < len(only_password), "the words should each narrow the rows"
    open_backlog(visit)
    visit.page.fill("#cireg-filter-text", "pässword  SELF")
    assert sorted(shown_ids(visit)) == expected


def test_a_filter_matching_nothing_says_so(visit: Visit) -> None:
    open_backlog(visit)
    visit.page.fill("#cireg-filter-text", "no initiative is called this")
    assert shown_ids(visit) == []
    assert "Showing 0 of" in count_text(visit)
    assert "No initiative matches these filters." in count_text(visit)


@pytest.mark.parametrize("status", sorted({doc["status"] for doc in register().values()}))
def test_status_facet(visit: Visit, status: str) -> None:
    open_backlog(visit)
    visit.page.select_option("#cireg-filter-status", status)
    expected = ids_where(lambda d: d["status"] == status)
    assert sorted(shown_ids(visit)) == expected
    assert query_of(visit)["status"] == [status]


def test_open_status_choice_hides_done_and_abandoned(visit: Visit) -> None:
    open_backlog(visit)
    visit.page.select_option("#cireg-filter-status", "open")
    assert sorted(shown_ids(visit)) == ids_where(lambda d: d["status"] not in ("done", "abandoned"))


@pytest.mark.parametrize(
    "priority", sorted({d.get("priority", "none") for d in register().values()})
)
def test_priority_facet(visit: Visit, priority: str) -> None:
    open_backlog(visit)
    visit.page.select_option("#cireg-filter-priority", priority)
    assert sorted(shown_ids(visit)) == ids_where(lambda d: d.get("priority", "none") == priority)


def test_owner_facet_lists_every_owner_and_filters_by_each(visit: Visit) -> None:
    owners = sorted({d["owner"] for d in register().values()}, key=str.casefold)
    open_backlog(visit)
    offered = visit.page.eval_on_selector_all(
        "#cireg-filter-owner option", "options => options.map(o => o.value)"
    )
    assert offered == ["", *owners]
    for owner in owners:
        visit.page.select_option("#cireg-filter-owner", owner)
        assert sorted(shown_ids(visit)) == ids_where(lambda d, o=owner: d["owner"] == o)


def test_value_chain_facet(visit: Visit) -> None:
    activities = sorted({a for d in register().values() for a in d.get("value_chain", [])})
    assert len(activities) > 1
    open_backlog(visit)
    for activity in activities:
        visit.page.select_option("#cireg-filter-activity", activity)
        expected = ids_where(lambda d, a=activity: a in d.get("value_chain", []))
        assert sorted(shown_ids(visit)) == expected
        assert query_of(visit)["activity"] == [activity]


def test_facets_combine_and_their_options_count_what_they_would_show(visit: Visit) -> None:
    open_backlog(visit)
    visit.page.select_option("#cireg-filter-status", "open")
    visit.page.select_option("#cireg-filter-priority", "high")
    expected = ids_where(
        lambda d: d["status"] not in ("done", "abandoned") and d.get("priority") == "high"
    )
    assert sorted(shown_ids(visit)) == expected
    # With status "open" chosen, each priority option counts the open initiatives it holds.
    labels = dict(
        visit.page.eval_on_selector_all(
            "#cireg-filter-priority option", "os => os.map(o => [o.value, o.textContent])"
        )
    )
    for priority in ("critical", "high", "medium", "low"):
        if priority in labels:
            n = len(
                ids_where(
                    lambda d, p=priority: (
                        d["status"] not in ("done", "abandoned") and d.get("priority") == p
                    )
                )
            )
            assert labels[priority] == f"{priority} ({n})"


# Each sortable column's key computed from the YAML; None where the value is absent.
SORTS = {
    "title": lambda d: str(d["title"]).casefold(),
    "status": lambda d: STATUSES.index(d["status"]),
    "owner": lambda d: str(d["owner"]).casefold(),
    "priority": lambda d: PRIORITIES.index(d["priority"]) if "priority" in d else None,
    "review": lambda d: d.get("review_by"),
}


def expected_ranks(ranks: list[Any], *, reverse: bool) -> list[Any]:
    """Sorted either way, with absent values last both ways."""
    present = sorted((r for r in ranks if r is not None), reverse=reverse)
    return present + [None] * (len(ranks) - len(present))


@pytest.mark.parametrize("key", sorted(SORTS))
def test_sorting_by_a_column_header_and_reversing_it(visit: Visit, key: str) -> None:
    open_backlog(visit)
    header = f'th[data-sort="{key}"]'
    visit.page.click(f"{header} button")
    ranks = [SORTS[key](register()[i]) for i in shown_ids(visit)]
    assert ranks == expected_ranks(ranks, reverse=False)
    assert visit.page.get_attribute(header, "aria-sort") == "ascending"
    assert query_of(visit)["sort"] == [key]

    visit.page.click(f"{header} button")
    ranks = [SORTS[key](register()[i]) for i in shown_ids(visit)]
    assert ranks == expected_ranks(ranks, reverse=True)
    assert visit.page.get_attribute(header, "aria-sort") == "descending"
    assert query_of(visit)["order"] == ["reverse"]


def test_missing_review_dates_sort_last_both_ways(visit: Visit) -> None:
    open_backlog(visit, "?sort=review&order=reverse")
    dates = [register()[i].get("review_by") for i in shown_ids(visit)]
    present = [d for d in dates if d is not None]
    assert dates == sorted(present, reverse=True) + [None] * (len(dates) - len(present))


def test_sort_select_and_headers_agree(visit: Visit) -> None:
    open_backlog(visit)
    visit.page.select_option("#cireg-sort", "owner")
    owners = [str(register()[i]["owner"]).casefold() for i in shown_ids(visit)]
    assert owners == sorted(owners)
    assert visit.page.get_attribute('th[data-sort="owner"]', "aria-sort") == "ascending"
    visit.page.click('th[data-sort="position"] button')
    assert visit.page.input_value("#cireg-sort") == ""
    assert "sort" not in query_of(visit)


def test_filter_state_round_trips_through_the_address(visit: Visit, open_context: Any) -> None:
    open_backlog(visit)
    visit.page.fill("#cireg-filter-text", "service")
    visit.page.select_option("#cireg-filter-status", "open")
    visit.page.click('th[data-sort="owner"] button')
    visit.page.click('th[data-sort="owner"] button')
    shared = visit.page.url
    assert query_of(visit) == {
        "filter": ["service"],
        "status": ["open"],
        "sort": ["owner"],
        "order": ["reverse"],
    }
    rows = shown_ids(visit)

    # Someone else opens the shared address in a browser of their own.
    from browser import start_visit

    other = start_visit(open_context(), visit.base_url)
    other.page.goto(shared)
    other.page.wait_for_selector("#cireg-filters:not([hidden])")
    assert other.page.input_value("#cireg-filter-text") == "service"
    assert other.page.input_value("#cireg-filter-status") == "open"
    assert other.page.input_value("#cireg-sort") == "owner"
    assert shown_ids(other) == rows
    assert not other.problems()


def test_an_address_naming_an_unknown_owner_shows_nothing_and_says_why(visit: Visit) -> None:
    open_backlog(visit, "?owner=Someone%20Who%20Left")
    assert shown_ids(visit) == []
    assert visit.page.input_value("#cireg-filter-owner") == "Someone Who Left"
    selected = visit.page.eval_on_selector(
        "#cireg-filter-owner", "s => s.options[s.selectedIndex].textContent"
    )
    assert "not in the register" in selected


def test_clear_restores_the_whole_backlog_and_a_clean_address(visit: Visit) -> None:
    open_backlog(visit, "?filter=password&status=open&sort=title")
    assert len(shown_ids(visit)) < len(register())
    visit.page.click("#cireg-filters button[type=reset]")
    visit.page.wait_for_function("() => location.search === ''")
    assert len(shown_ids(visit)) == len(register())


def test_from_backlog_to_an_initiative_and_back_keeps_the_filter(visit: Visit) -> None:
    open_backlog(visit)
    visit.page.fill("#cireg-filter-text", "password")
    first = shown_ids(visit)[0]
    visit.page.click(f'{ROWS}[id="{first}"] td:nth-child(2) a')
    visit.page.wait_for_url(f"**/initiatives/{first}/")
    assert visit.page.inner_text("article h1") == register()[first]["title"]
    visit.page.go_back()
    visit.page.wait_for_selector("#cireg-filters:not([hidden])")
    assert visit.page.input_value("#cireg-filter-text") == "password"
    assert first in shown_ids(visit)
    assert len(shown_ids(visit)) < len(register())


def test_filtering_works_after_instant_navigation(visit: Visit) -> None:
    """Material's instant navigation loads the backlog without reloading the scripts."""
    visit.open("")
    visit.page.click('.md-nav__link[href$="backlog/"]')
    visit.page.wait_for_selector("#cireg-filters:not([hidden])")
    assert visit.page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    visit.page.select_option("#cireg-filter-status", "done")
    assert sorted(shown_ids(visit)) == ids_where(lambda d: d["status"] == "done")


def test_without_javascript_the_full_table_is_there_and_the_form_is_not(
    open_context: Any, site_url: str
) -> None:
    from browser import start_visit

    visit = start_visit(open_context(java_script_enabled=False), site_url)
    visit.open("backlog/?status=done")
    assert sorted(shown_ids(visit)) == sorted(register())
    assert not visit.page.is_visible("#cireg-filters")
    headers = visit.page.eval_on_selector_all(
        "table.cireg-backlog thead th", "ths => ths.map(th => th.textContent.trim())"
    )
    assert headers[:3] == ["#", "Initiative", "Status"]


# --- a register past the rows that always render ---------------------------------------------

# Each reference initiative five times over: 70 rows. Past the 40th, a row's contents are laid
# out only near the window (content-visibility in cireg.css), and the rows are flex boxes
# with fixed columns rather than a table's layout.
COPIES = 5
ALWAYS_RENDERED = 40


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The reference site with every initiative copied (`<id>-2` … `<id>-5`), served; yields
    the site's address and the initiatives' YAML by id."""
    from browser import serve_folder
    from sitebuild import build_site, copy_project

    project = copy_project(tmp_path_factory.mktemp("larger") / "project")
    for path in sorted((project / "initiatives").glob("*.yaml")):
        for n in range(2, COPIES + 1):
            path.with_name(f"{path.stem}-{n}.yaml").write_bytes(path.read_bytes())
    built = build_site(project, strict=False)  # copies warn: their iteration links are one-way
    assert built.ok, built.output
    docs = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in (project / "initiatives").glob("*.yaml")
    }
    with serve_folder(built.site) as url:
        yield url, docs


def haystack(initiative_id: str, doc: dict[str, Any]) -> str:
    fields = [doc.get("title", ""), initiative_id, doc.get("owner", "")]
    return " ".join(str(f) for f in fields + doc.get("services", []) + doc.get("tags", []))


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_each_keystroke_shows_exactly_the_matching_rows_of_a_larger_register(
    open_context: Any, larger: Any, screen: str
) -> None:
    from browser import PHONE, start_visit

    url, docs = larger
    options = {"viewport": PHONE, "is_mobile": True} if screen == "phone" else {}
    visit = start_visit(open_context(**options), url)
    open_backlog(visit)
    order = shown_ids(visit)
    assert sorted(order) == sorted(docs) and len(order) > ALWAYS_RENDERED

    def expected(typed: str) -> list[str]:
        words = typed.casefold().split()
        return [i for i in order if all(w in haystack(i, docs[i]).casefold() for w in words)]

    visit.page.focus("#cireg-filter-text")
    word = "network"
    states = [word[:n] for n in range(1, len(word) + 1)]
    states += [word[:n] for n in range(len(word) - 1, -1, -1)]
    for typed in states:  # type the word key by key, then take it back the same way
        if len(typed) > len(visit.page.input_value("#cireg-filter-text")):
            visit.page.keyboard.type(typed[-1])
        else:
            visit.page.keyboard.press("Backspace")
        assert visit.page.input_value("#cireg-filter-text") == typed
        shown = expected(typed)
        assert shown_ids(visit) == shown, typed
        total = len(docs)
        said = f"Showing all {total}" if len(shown) == total else f"Showing {len(shown)} of {total}"
        assert count_text(visit).startswith(said), typed
    narrowest = expected(word)
    assert 0 < len(narrowest) < len(docs)
    assert any(order.index(i) >= ALWAYS_RENDERED for i in narrowest), "reach the later rows"
    assert not visit.problems(), visit.problems()


def test_rows_past_those_always_rendered_line_up_and_open(open_context: Any, larger: Any) -> None:
    """Every row's cells start where their column's header does, rendered or not, and a row
    far down, filtered in, can be scrolled to and followed."""
    from browser import start_visit

    url, docs = larger
    visit = start_visit(open_context(), url)
    open_backlog(visit)
    order = shown_ids(visit)
    columns = visit.page.eval_on_selector_all(
        "table.cireg-backlog thead th",
        "ths => ths.map(th => Math.round(th.getBoundingClientRect().left))",
    )
    lefts = visit.page.eval_on_selector_all(
        ROWS,
        "rows => rows.map(r => [...r.cells].map(c => Math.round(c.getBoundingClientRect().left)))",
    )
    assert len(lefts) == len(docs) and all(row == columns for row in lefts)

    visit.page.fill("#cireg-filter-text", "wifi")
    last = shown_ids(visit)[-1]
    assert order.index(last) >= ALWAYS_RENDERED
    link = visit.page.locator(f'{ROWS}[id="{last}"] td:nth-child(2) a')
    link.click()  # scrolls the row into view first, as a reader would
    visit.page.wait_for_url(f"**/initiatives/{last}/")
    assert visit.page.inner_text("article h1") == docs[last]["title"]
    assert not visit.problems(), visit.problems()
