"""step-missing, step-incomplete and step-order."""

from __future__ import annotations

from cireg.findings import START, Finding, listing, make_finding
from cireg.model import Completeness, Initiative
from cireg.principles import STEP_BY_KEY, STEPS


def _name(key: str) -> str:
    step = STEP_BY_KEY[key]
    return f"step {step.number} `{key}` ({step.question})"


def step_findings(initiative: Initiative) -> list[Finding]:
    findings = []
    status = initiative.status
    for step in STEPS:
        report = initiative.steps[step.key]
        if not report.due:
            continue
        if report.state is Completeness.MISSING:
            need = "complete" if report.required_complete else "at least partly written"
            # A written step can still count as missing: say what it lacks.
            why = f" ({listing(report.gaps, '; ')})" if report.gaps else ""
            findings.append(
                make_finding(
                    initiative.path,
                    START,
                    "step-missing",
                    f"{_name(step.key)} is missing{why}; status `{status}` requires it {need}",
                )
            )
        elif report.state is Completeness.PARTIAL and report.required_complete:
            findings.append(
                initiative.finding(
                    (step.key,),
                    "step-incomplete",
                    f"{_name(step.key)} is partial but status `{status}` requires it complete: "
                    + listing(report.gaps, "; "),
                    at_key=True,
                )
            )
    findings.extend(_order_findings(initiative))
    return findings


# A later step that makes no sense without an earlier measurement step.
_NEEDS = (
    ("verification", "current_state", '"Did we get there?" has no baseline to compare with'),
    ("execution", "target_state", "action is being taken towards no written target"),
)


def _order_findings(initiative: Initiative) -> list[Finding]:
    return [
        initiative.finding(
            (later,),
            "step-order",
            f"{_name(later)} is written but {_name(earlier)} is missing: {why}",
            at_key=True,
        )
        for later, earlier, why in _NEEDS
        if initiative.steps[later].state is not Completeness.MISSING
        and initiative.steps[earlier].state is Completeness.MISSING
    ]
