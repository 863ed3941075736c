"""What each rule of `cireg.rules.RULES` means, at length, for tools that show a rule to the
person who has to act on a finding (SARIF for code scanning; the format reference may show
the same words).

`RULES` keeps the severity and the one-line summary; this table adds, per rule, a PascalCase
name (distinct from the id, as SARIF wants), a paragraph on what the rule checks and why, and
one on how to resolve a finding. The texts are plain sentences whose only markup is code
spans in backticks, so that they read the same as Markdown and, backticks dropped, as text.

A rule missing here still gets a descriptor (see `describe`), so a new rule never breaks a
report; a test asks that every rule of `RULES` has its entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cireg.rules.catalogue import RULES


@dataclass(frozen=True)
class RuleDescription:
    name: str  # PascalCase, never equal to the id
    explanation: str  # what the rule checks, and why it matters
    resolution: str  # what to change so that the finding goes away


RULE_DESCRIPTIONS: dict[str, RuleDescription] = {
    "yaml-syntax": RuleDescription(
        "InvalidYamlSyntax",
        "An initiative file must be readable as YAML: text encoded in UTF-8 (a byte order "
        "mark is tolerated) that holds exactly one YAML document. A file that cannot be read "
        "this way cannot be checked any further, so nothing else is reported about it.",
        "Fix the YAML at the place the finding points to: a missing colon, a quote left open, "
        "a tab used for indentation, a line indented differently from its siblings, or a "
        "second document started with `---`. Save the file as UTF-8.",
    ),
    "duplicate-key": RuleDescription(
        "DuplicateMappingKey",
        "No mapping may repeat a key. Plain YAML readers silently keep only one of the two "
        "values, so a repeated key hides what the author wrote; cireg refuses it instead. "
        "The finding points to the second occurrence.",
        "Keep one of the two keys: merge what both say under the first one and delete the other.",
    ),
    "alias": RuleDescription(
        "YamlAnchorOrAlias",
        "Initiative files use no YAML anchors (`&name`) or aliases (`*name`). Aliases let "
        "one value appear in several places unseen, and a few nested aliases can make a "
        "small file expand to an enormous document, so the register allows none.",
        "Write the value out in full wherever it is needed and remove the `&` anchor and "
        "every `*` alias.",
    ),
    "too-large": RuleDescription(
        "FileTooLargeOrTooDeep",
        "An initiative file is at most 256 KiB, and its mappings and lists nest at most 32 "
        "levels deep. The limits keep every file quick to check and to publish; no real "
        "initiative comes near them.",
        "Shorten the file: move long evidence to a linked document, or split the work into "
        "iterations (`previous_iteration` and `momentum.next_iteration`). Flatten structure "
        "nested deeper than 32 levels.",
    ),
    "file-name": RuleDescription(
        "InvalidRegisterEntry",
        "A register folder holds one initiative per file, named `<id>.yaml`, where the id is "
        "3 to 64 lowercase letters and digits in words joined by single hyphens. Ids are "
        "compared ignoring case, so two files may not differ only in case. Files that look "
        "like YAML but are not named so (`.yml`, `.YAML`, hidden files), symbolic links and "
        "sub-folders are reported rather than skipped, and Windows device names such as `con` "
        "are refused because such a file cannot exist on Windows.",
        "Rename the file to a valid, unused id followed by `.yaml`, move sub-folders and "
        "other files out of the register folder, and replace a symbolic link by the file "
        "itself.",
    ),
    "schema": RuleDescription(
        "SchemaViolation",
        "The initiative matches the JSON Schema of the format: every key is known, every "
        "value has the right type and is one of the allowed values, dates are real "
        "`YYYY-MM-DD` calendar dates, numbers are finite, and the keys that the status "
        "requires are present. Unknown keys are errors at every level, so a misspelt step "
        "is never silently ignored.",
        "Change the value or key the finding names; its message says what was expected. The "
        "format reference lists every key with its type and allowed values, and editors "
        "with the YAML language server check the file as you type.",
    ),
    "unknown-ref": RuleDescription(
        "UnknownReference",
        "A reference names something that exists: an objective's `kpi` is the id of a KPI "
        "of the same file, and `previous_iteration` and `momentum.next_iteration` are ids "
        "of initiatives in the register.",
        "Correct the id, or add the KPI or initiative it is meant to name.",
    ),
    "duplicate-id": RuleDescription(
        "DuplicateItemId",
        "Within one file, KPIs, objectives and actions each have distinct ids, so that every "
        "reference to one of them is unambiguous.",
        "Give one of the items another id, and update whatever refers to it.",
    ),
    "step-missing": RuleDescription(
        "RequiredStepMissing",
        "The status of an initiative decides which of the seven steps of the continual "
        "improvement model must be written: a `planned` initiative has its vision, current "
        "state, target state and plan, for instance. A step the status requires is not "
        "written at all.",
        "Write the step the finding names, or set the status that matches how far the "
        "initiative has really got.",
    ),
    "step-incomplete": RuleDescription(
        "RequiredStepIncomplete",
        "Some statuses require a step to be complete, not just started: from `planned` on, "
        "the target state needs SMART objectives, and a `done` initiative has all seven steps "
        "complete. The step is written but lacks what completeness asks for; the message "
        "lists what is missing.",
        "Add what the message lists to the step, or set the status that matches the work.",
    ),
    "step-order": RuleDescription(
        "StepOutOfOrder",
        "A later step is written while an earlier measurement step it depends on is missing: "
        "verification (Did we get there?) without a current state to compare with, or "
        "execution (Take action) without a target state to work towards.",
        "Write the earlier step the message names, with its baseline or objectives.",
    ),
    "smart-specific": RuleDescription(
        "ObjectiveNotSpecific",
        "Each objective is specific: its `statement` says in at least four words what will "
        "change, and its `kpi` names the KPI that measures it.",
        "Say plainly what will be different, and set `kpi` to the id of the KPI that shows it.",
    ),
    "smart-measurable": RuleDescription(
        "ObjectiveNotMeasurable",
        "Each objective is measurable: its `target` is a number, its KPI has a `unit`, and "
        "the KPI has a baseline, a measurement dated on or before `current_state.assessed_on`.",
        "Give the target as a bare number (without its unit), set the KPI's `unit`, and "
        "record a measurement on or before the assessment date.",
    ),
    "smart-achievable": RuleDescription(
        "ObjectiveNotAchievable",
        "Each objective is achievable: its target is better than the baseline in the "
        "direction the KPI improves (higher for `increase`, lower for `decrease`), and a "
        "percentage target lies between 0 and 100.",
        "Check the target against the baseline and the KPI's `direction`: a target equal to "
        "or worse than where you stand asks for no improvement.",
    ),
    "smart-relevant": RuleDescription(
        "ObjectiveNotRelevant",
        "Each objective is relevant: its `relevance` says why reaching the target serves the "
        "initiative's vision.",
        "Write in `relevance`, in a sentence, how this target moves the initiative towards "
        "its vision.",
    ),
    "smart-time-bound": RuleDescription(
        "ObjectiveNotTimeBound",
        "Each objective is time-bound: it has a `deadline` that falls after the current "
        "state's assessment date and after the date the initiative was raised.",
        "Set a `deadline` in `YYYY-MM-DD` form, later than `current_state.assessed_on` and "
        "`raised_on`.",
    ),
    "stale-review": RuleDescription(
        "StaleBacklogReview",
        "Every open initiative has a next backlog review date, `review_by`, and that date has "
        "not passed, so that nothing lies forgotten in the register.",
        "Review the initiative with its owner, update what has changed, and set a new `review_by`.",
    ),
    "overdue": RuleDescription(
        "ObjectiveOverdue",
        "An initiative that is still `planned` or `in-progress` has no objective whose "
        "deadline has passed without its target being reached.",
        "Record the latest measurement if the target was in fact reached; otherwise move the "
        "deadline with a note on why, or change the status.",
    ),
    "outcome-mismatch": RuleDescription(
        "OutcomeMismatch",
        "The outcome declared in `verification.outcome` agrees with the one computed from "
        "the objectives and their measurements: `met` when every objective is met, `not-met` "
        "when none is, and `partially-met` otherwise.",
        "Correct the declared outcome, or add the measurements that support it.",
    ),
    "unsorted-measurements": RuleDescription(
        "UnsortedMeasurements",
        "A KPI's measurements are listed in date order, oldest first, so that the file reads "
        "as the history it records.",
        "Move the measurement the finding points to into its place by date.",
    ),
    "iteration-link": RuleDescription(
        "BrokenIterationLink",
        "Iterations of an improvement are linked both ways: when one initiative names "
        "another as its `momentum.next_iteration`, that one names the first as its "
        "`previous_iteration`, and the links lead from older to newer without forming a "
        "cycle.",
        "Add the missing link on the other initiative, or remove the one that is wrong.",
    ),
    # Rules of format 1.1 (see the format spec), described ahead of their checks.
    "action-overdue": RuleDescription(
        "ActionOverdue",
        "No planned action of an open initiative is past its `due` date while still `todo` "
        "or `doing`.",
        "Mark the action `done` (with `completed_on`) or `dropped`, or set a new `due` date.",
    ),
    "placeholder": RuleDescription(
        "PlaceholderText",
        "No field still holds a prompt that `cireg init` or `cireg new` wrote to be replaced, "
        "or only a stand-in such as `TODO`, `TBD`, `FIXME`, `...` or `lorem ipsum`.",
        "Replace the prompt with what the field asks for, or remove the field if it is optional.",
    ),
}


def describe(rule: str) -> RuleDescription:
    """The description of `rule`; for a rule without one, a name and texts made from its
    one-line summary in `RULES` (or its id), so that every rule can be shown."""
    known = RULE_DESCRIPTIONS.get(rule)
    if known is not None:
        return known
    summary = RULES[rule].summary if rule in RULES else f"Findings of the rule `{rule}`."
    return RuleDescription(pascal_case(rule) + "Finding", summary, summary)


def pascal_case(rule: str) -> str:
    """`smart-time-bound` -> `SmartTimeBound`."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule))


def rule_anchor(rule: str) -> str:
    """The id of the rule's row on the format reference page (ids are already slugs)."""
    return f"rule-{rule}"


def as_plain_text(text: str) -> str:
    """A description as plain text: its code spans' backticks dropped."""
    return text.replace("`", "")
