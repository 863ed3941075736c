"""The domain as data: the seven steps, the guiding principles, and which principles ITIL 4
marks as especially relevant at each step (a register may override that table)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    key: str  # the initiative file's key for the step
    question: str


STEPS: tuple[Step, ...] = (
    Step(1, "vision", "What is the vision?"),
    Step(2, "current_state", "Where are we now?"),
    Step(3, "target_state", "Where do we want to be?"),
    Step(4, "plan", "How do we get there?"),
    Step(5, "execution", "Take action"),
    Step(6, "verification", "Did we get there?"),
    Step(7, "momentum", "How do we keep the momentum going?"),
)
STEP_BY_KEY = {step.key: step for step in STEPS}

PRINCIPLES: dict[str, str] = {
    "focus-on-value": "Focus on value",
    "start-where-you-are": "Start where you are",
    "progress-iteratively-with-feedback": "Progress iteratively with feedback",
    "collaborate-and-promote-visibility": "Collaborate and promote visibility",
    "think-and-work-holistically": "Think and work holistically",
    "keep-it-simple-and-practical": "Keep it simple and practical",
    "optimize-and-automate": "Optimize and automate",
}

# The default table: all principles apply at every step; these are marked especially relevant.
CANONICAL_PRINCIPLES_PER_STEP: dict[str, frozenset[str]] = {
    "vision": frozenset(
        {"focus-on-value", "collaborate-and-promote-visibility", "think-and-work-holistically"}
    ),
    "current_state": frozenset({"start-where-you-are", "collaborate-and-promote-visibility"}),
    "target_state": frozenset(
        {
            "progress-iteratively-with-feedback",
            "think-and-work-holistically",
            "keep-it-simple-and-practical",
            "optimize-and-automate",
        }
    ),
    "plan": frozenset(
        {
            "progress-iteratively-with-feedback",
            "collaborate-and-promote-visibility",
            "think-and-work-holistically",
            "keep-it-simple-and-practical",
        }
    ),
    "execution": frozenset(
        {
            "focus-on-value",
            "progress-iteratively-with-feedback",
            "collaborate-and-promote-visibility",
        }
    ),
    "verification": frozenset(
        {"focus-on-value", "collaborate-and-promote-visibility", "think-and-work-holistically"}
    ),
    "momentum": frozenset(
        {
            "focus-on-value",
            "collaborate-and-promote-visibility",
            "think-and-work-holistically",
            "optimize-and-automate",
        }
    ),
}
