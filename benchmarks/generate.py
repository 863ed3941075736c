"""A deterministic synthetic register of N valid initiatives, for the benchmarks.

    python benchmarks/generate.py OUT_FOLDER N

Every initiative is about 3 KB of YAML written the way the reference register is: three
KPIs of six quarterly measurements each, three SMART objectives, four actions, and the
steps its status requires. Statuses take turns (idea, planned, in-progress, verifying,
done, on-hold, abandoned), so every status is there from N = 7 on; every done initiative
links to a later idea as its next iteration, and that idea links back. Text varies with
a generator seeded by the initiative's number: the same N gives the same files, byte for
byte. Checked against TODAY, the register has no finding at all.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "initiatives"  # the hand-written register
TODAY = "2026-11-21"  # the date every benchmark checks against: no stale-review, no overdue
STATUSES = ("idea", "planned", "in-progress", "verifying", "done", "on-hold", "abandoned")
_CLOSED = {"verifying", "done", "abandoned"}  # deadlines and measurements lie in the past
_NEXT_IDEA = 3  # a done initiative (n % 7 == 4) continues as the idea n + 3 (n % 7 == 0)

_SUBJECTS = (
    ("service-desk", "service desk", "Service desk"),
    ("change", "change enablement", "Change enablement"),
    ("incident", "incident management", "Incident management"),
    ("problem", "problem management", "Problem management"),
    ("knowledge", "knowledge management", "Knowledge management"),
    ("access", "identity and access", "Identity and access"),
    ("backup", "backup and restore", "Backup and restore"),
    ("network", "campus network", "Campus network"),
    ("licences", "software licensing", "Software asset management"),
    ("onboarding", "staff onboarding", "Onboarding"),
    ("monitoring", "event monitoring", "Monitoring and event management"),
    ("portal", "self-service portal", "Self-service portal"),
)
_VERBS = ("Reduce", "Cut", "Shorten", "Raise", "Improve", "Simplify", "Automate", "Speed up")
_NOUNS = (
    "waiting time",
    "rework",
    "repeat contacts",
    "manual steps",
    "failed changes",
    "escalations",
    "hand-offs",
    "unplanned outages",
)
_OWNERS = (
    "Service Desk Manager",
    "Change Manager",
    "Problem Manager",
    "Head of Infrastructure",
    "Knowledge Lead",
    "Security Officer",
    "Desk team lead",
    "Operations Lead",
)
_WORDS = [
    "agents",
    "customers",
    "teams",
    "weekly",
    "monthly",
    "report",
    "queue",
    "backlog",
    "runbook",
    "template",
    "survey",
    "automation",
    "review",
    "handover",
    "training",
    "dashboard",
    "policy",
    "request",
    "ticket",
    "outage",
    "release",
    "window",
    "metric",
    "baseline",
    "trend",
    "feedback",
    "pilot",
    "rollout",
    "checklist",
    "owner",
    "budget",
    "supplier",
    "contract",
    "capacity",
    "demand",
    "schedule",
    "quality",
    "audit",
    "evidence",
    "risk",
    "control",
]
_PRINCIPLES = (
    "focus-on-value",
    "start-where-you-are",
    "progress-iteratively-with-feedback",
    "collaborate-and-promote-visibility",
    "think-and-work-holistically",
    "keep-it-simple-and-practical",
    "optimize-and-automate",
)
_VALUE_CHAIN = (
    "plan",
    "improve",
    "engage",
    "design-and-transition",
    "obtain-build",
    "deliver-and-support",
)
_LEVELS = ("low", "medium", "high")
_PRIORITIES = ("critical", "high", "medium", "low")
_EFFORTS = ("xs", "s", "m", "l", "xl")

# Quarterly measurement dates; closed initiatives were assessed at the first one and reached
# their deadline at the last, open ones were assessed at the last and aim beyond it.
_PAST_QUARTERS = (
    "2025-03-31",
    "2025-06-30",
    "2025-09-30",
    "2025-12-31",
    "2026-03-31",
    "2026-06-30",
)
_RECENT_QUARTERS = (
    "2025-06-30",
    "2025-09-30",
    "2025-12-31",
    "2026-03-31",
    "2026-06-30",
    "2026-09-30",
)


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    unit: str
    increase: bool
    values: tuple[float, ...]
    baseline: float
    target: float


def initiative_id(n: int) -> str:
    return f"{_SUBJECTS[n % len(_SUBJECTS)][0]}-improvement-{n:05d}"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, sentences: int, indent: str) -> str:
    """A folded block of a few sentences, wrapped at about 88 columns like the reference."""
    text = ". ".join(_sentence(rng, rng.randint(6, 10)) for _ in range(sentences)) + "."
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > 84:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "|\n" + "".join(f"{indent}{part}\n" for part in lines)


def _kpis(rng: random.Random, closed: bool, met: tuple[bool, bool, bool]) -> list[Kpi]:
    """Three KPIs; closed ones move from the baseline (the first value) to their targets by
    the deadline (the last) when `met`, open ones are measured up to the baseline (the last)."""
    shapes = (
        ("resolved-first-time", "Contacts resolved at the first attempt", "%", True),
        ("handling-minutes", "Median handling time", "minutes", False),
        ("weekly-volume", "Requests handled through self-service", "requests per week", True),
    )
    kpis = []
    for (kpi_id, name, unit, increase), reached in zip(shapes, met, strict=True):
        start = rng.randint(30, 60) if unit == "%" else rng.randint(40, 400)
        better = 1 if increase else -1
        step = max(1, round(start * 0.04))
        if closed:
            values = tuple(start + better * step * i for i in range(6))
            baseline = values[0]
            target = values[-1] if reached else values[-1] + better * step * 3
        else:
            values = tuple(start + better * step * (i % 3) for i in range(6))
            baseline = values[-1]
            target = baseline + better * step * 4
        if unit == "%":
            target = min(target, 99)
        kpis.append(Kpi(kpi_id, name, unit, increase, values, baseline, target))
    return kpis


def initiative_yaml(n: int, count: int) -> str:
    rng = random.Random(n)
    status = STATUSES[n % len(STATUSES)]
    closed = status in _CLOSED
    slug, subject, service = _SUBJECTS[n % len(_SUBJECTS)]
    met = (True, True, status != "verifying")  # verifying: partially met, as declared below
    kpis = _kpis(rng, closed, met)
    quarters = _PAST_QUARTERS if closed else _RECENT_QUARTERS
    deadline = "2026-06-30" if closed else "2027-06-30"
    owner = rng.choice(_OWNERS)
    principles = lambda k: "[" + ", ".join(rng.sample(_PRINCIPLES, k)) + "]"  # noqa: E731
    out = [
        "# yaml-language-server: $schema=../schemas/initiative.schema.json",
        f"title: {rng.choice(_VERBS)} {rng.choice(_NOUNS)} in {subject} ({n})",
        f"status: {status}",
        f"owner: {owner}",
        f"raised_on: {'2025-01-20' if closed else '2025-04-10'}",
        f"raised_by: {rng.choice(_OWNERS)}",
    ]
    if status not in ("done", "abandoned"):
        out.append(f"review_by: 2027-0{rng.randint(1, 9)}-15")
    if status != "idea" or n % 2:
        out.append(f"priority: {rng.choice(_PRIORITIES)}")
    out += [
        f"value: {rng.choice(_LEVELS)}",
        f"effort: {rng.choice(_EFFORTS)}",
        f"risk: {rng.choice(_LEVELS)}",
        f"services: [{service}]",
        f"value_chain: [{', '.join(rng.sample(_VALUE_CHAIN, 2))}]",
        f"tags: [{slug}, {', '.join(rng.sample(_WORDS, 2))}]",
    ]
    if status == "on-hold":
        out.append("on_hold_reason: Waiting for the budget of the next financial year.")
    if status == "idea" and n >= _NEXT_IDEA + 4:
        out.append(f"previous_iteration: {initiative_id(n - _NEXT_IDEA)}")
    out.append("kpis:")
    for kpi in kpis:
        out += [
            f"  - id: {kpi.id}",
            f"    name: {kpi.name}",
            f'    unit: "{kpi.unit}"',
            f"    direction: {'increase' if kpi.increase else 'decrease'}",
        ]
        if kpi.increase:  # `source` is optional: some KPIs leave it out
            out.append("    source: ITSM monthly report")
        out.append("    measurements:")
        out += [
            f"      - {{on: {on}, value: {v}}}" for on, v in zip(quarters, kpi.values, strict=True)
        ]
    out += [
        "vision:",
        f"  statement: {_sentence(rng, 8)}.",
        "  supports: Digital services strategy 2030",
        f"  stakeholders: [Students, Staff, {service} team]",
        f"  principles: {principles(1)}",
        "current_state:",
        f"  assessed_on: {quarters[0] if closed else quarters[-1]}",
        f"  summary: {_paragraph(rng, 1, '    ')}".rstrip("\n"),
        f"  principles: {principles(2)}",
        "target_state:",
        "  objectives:",
    ]
    for i, kpi in enumerate(kpis, start=1):
        out += [
            f"    - id: objective-{i}",
            f"      statement: {'Raise' if kpi.increase else 'Bring down'} {kpi.name.lower()} "
            f"to {kpi.target} {kpi.unit}",
            f"      kpi: {kpi.id}",
            f"      target: {kpi.target}",
            f"      deadline: {deadline}",
            f"      relevance: {_sentence(rng, 7)}.",
        ]
    out += [
        "  success_factors:",
        f"    - {_sentence(rng, 5)}",
        f"  principles: {principles(2)}",
        "plan:",
        f"  approach: {_paragraph(rng, 1, '    ')}".rstrip("\n"),
        "  actions:",
    ]
    action_status = {"in-progress": ("done", "doing", "todo", "todo")}.get(
        status, ("done", "done", "done", "dropped") if closed else ("todo",) * 4
    )
    for i, state in enumerate(action_status, start=1):
        out.append(
            f"    - {{id: action-{i}, what: {_sentence(rng, 5)}, owner: {rng.choice(_OWNERS)}, "
            f"due: {'2025-0' if closed else '2027-0'}{i + 4}-15, status: {state}}}"
        )
    out += [
        "  risks:",
        f"    - {_sentence(rng, 6)}",
        f"  principles: {principles(1)}",
    ]
    if status in ("in-progress", "verifying", "done", "abandoned"):
        started = "2025-04-14" if closed else "2026-10-05"
        out += [
            "execution:",
            f"  started_on: {started}",
            "  log:",
            f"    - {{on: {started}, note: {_sentence(rng, 7)}.}}",
            f"  principles: {principles(1)}",
        ]
    if status in ("verifying", "done"):
        out += [
            "verification:",
            "  assessed_on: 2026-07-15",
            f"  outcome: {'met' if all(met) else 'partially-met'}",
            f"  summary: {_paragraph(rng, 1, '    ')}".rstrip("\n"),
            f"  principles: {principles(1)}",
        ]
    if status in ("done", "abandoned"):
        out += [
            "momentum:",
            f"  embedded_by: [{_sentence(rng, 4)}, {_sentence(rng, 3)}]",
            f"  lessons_learned: {_paragraph(rng, 1, '    ')}".rstrip("\n"),
            "  communicated_to: [Service owners]",
        ]
        if status == "done" and n + _NEXT_IDEA < count:
            out.append(f"  next_iteration: {initiative_id(n + _NEXT_IDEA)}")
        out.append(f"  principles: {principles(1)}")
    return "\n".join(out) + "\n"


def generate(out: Path, count: int) -> list[Path]:
    """Write `count` initiatives into `out` (made if needed) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(count):
        path = out / f"{initiative_id(n)}.yaml"
        path.write_text(initiative_yaml(n, count), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
