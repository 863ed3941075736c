"""The rules of the format spec, each module named after the rules it holds.

Per-file rules see one initiative; register rules (file names, iteration links) see the
whole register folder."""

from cireg.findings import Severity

# Every rule of the format spec: its severity and what it checks, in a phrase.
RULES: dict[str, tuple[Severity, str]] = {
    "yaml-syntax": (Severity.ERROR, "The file is valid UTF-8 YAML holding one document."),
    "duplicate-key": (Severity.ERROR, "No mapping repeats a key."),
    "alias": (Severity.ERROR, "The file uses no YAML anchors or aliases."),
    "too-large": (Severity.ERROR, "The file is at most 256 KiB and nested at most 32 deep."),
    "file-name": (
        Severity.ERROR,
        "Register entries are <id>.yaml files with valid, distinct ids; no links, sub-folders "
        "or hidden YAML files; no Windows device names as ids.",
    ),
    "schema": (Severity.ERROR, "The initiative matches the JSON Schema of the format."),
    "unknown-ref": (Severity.ERROR, "kpi, previous_iteration and next_iteration name something."),
    "duplicate-id": (Severity.ERROR, "KPIs, objectives and actions of one file have distinct ids."),
    "step-missing": (Severity.ERROR, "Every step the status requires is written."),
    "step-incomplete": (Severity.ERROR, "Every step the status requires complete is complete."),
    "step-order": (
        Severity.ERROR,
        "No later step is written while an earlier measurement step is missing.",
    ),
    "smart-specific": (Severity.ERROR, "An objective has a statement of 4+ words and a kpi."),
    "smart-measurable": (
        Severity.ERROR,
        "An objective has a numeric target; its KPI has a unit and a baseline.",
    ),
    "smart-achievable": (
        Severity.ERROR,
        "A target is better than the baseline, and within 0-100 for a % KPI.",
    ),
    "smart-relevant": (Severity.ERROR, "An objective says why it serves the vision."),
    "smart-time-bound": (
        Severity.ERROR,
        "An objective has a deadline after the assessment and after raised_on.",
    ),
    "stale-review": (Severity.WARNING, "The backlog review date has not passed."),
    "overdue": (Severity.WARNING, "No open objective is past its deadline unmet."),
    "outcome-mismatch": (
        Severity.WARNING,
        "The declared outcome matches the one computed from the objectives.",
    ),
    "unsorted-measurements": (Severity.WARNING, "A KPI's measurements are in date order."),
    "iteration-link": (
        Severity.WARNING,
        "Iteration links are mutual and form no cycle.",
    ),
}
