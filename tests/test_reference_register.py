"""The reference register: realistic, broad, and clean for the pinned date."""

from __future__ import annotations

from cireg.check import check_register
from cireg.model import STATUSES, Completeness
from cireg.principles import PRINCIPLES
from conftest import REPO, TODAY

register = check_register(str(REPO / "initiatives"), TODAY)


def test_it_has_no_finding_at_all() -> None:
    assert register.findings == []


def test_it_is_large_enough_and_covers_every_status() -> None:
    assert len(register.initiatives) >= 10
    assert {i.status for i in register.initiatives} == set(STATUSES)


def test_it_has_complete_and_partial_steps() -> None:
    states = {report.state for i in register.initiatives for report in i.completeness.values()}
    assert {Completeness.COMPLETE, Completeness.PARTIAL, Completeness.MISSING} <= states


def test_it_spans_services_value_chain_and_principles() -> None:
    services = {s for i in register.initiatives for s in i.services}
    chain = {a for i in register.initiatives for a in i.value_chain}
    principles = {p for i in register.initiatives for ps in i.principles.values() for p in ps}
    assert len(services) >= 6
    assert len(chain) == 6
    assert principles == set(PRINCIPLES)


def test_it_has_kpi_histories_and_a_chain_of_iterations() -> None:
    assert sum(1 for i in register.initiatives for k in i.kpis if len(k.measurements) >= 4) >= 10
    by_id = register.by_id()
    chains = [
        i
        for i in register.initiatives
        if i.next_iteration and by_id[i.next_iteration].next_iteration
    ]
    assert chains, "expected a chain of at least three iterations"
