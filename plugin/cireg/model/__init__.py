"""The register as a typed model: `values` (what the files say, and the facts), `build` (the
one reader of raw YAML), `facts` (the computed facts, in one pass)."""

from cireg.format_shape import STATUSES
from cireg.load import Document
from cireg.model.build import build_initiative as _build
from cireg.model.facts import compute_facts
from cireg.model.values import (
    CLOSED_STATUSES,
    EFFORT_SCORE,
    NOWHERE,
    PRIORITY_RANK,
    VALUE_SCORE,
    Action,
    Completeness,
    CurrentState,
    Execution,
    Initiative,
    Key,
    KeyPath,
    Kpi,
    LogEntry,
    Measurement,
    Momentum,
    Objective,
    ObjectiveState,
    Place,
    Plan,
    Register,
    SmartFailure,
    StepReport,
    TargetState,
    Verification,
    Vision,
    WrittenStep,
)


def build_initiative(initiative_id: str, file_path: str, document: Document) -> Initiative | None:
    """The model of one loaded file with its computed facts; None if it is not a mapping."""
    initiative = _build(initiative_id, file_path, document)
    return None if initiative is None else compute_facts(initiative)


__all__ = [
    "CLOSED_STATUSES",
    "EFFORT_SCORE",
    "NOWHERE",
    "PRIORITY_RANK",
    "STATUSES",
    "VALUE_SCORE",
    "Action",
    "Completeness",
    "CurrentState",
    "Execution",
    "Initiative",
    "Key",
    "KeyPath",
    "Kpi",
    "LogEntry",
    "Measurement",
    "Momentum",
    "Objective",
    "ObjectiveState",
    "Place",
    "Plan",
    "Register",
    "SmartFailure",
    "StepReport",
    "TargetState",
    "Verification",
    "Vision",
    "WrittenStep",
    "build_initiative",
    "compute_facts",
]
