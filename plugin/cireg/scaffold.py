"""What `cireg init` and `cireg new` write: a new register repository, a new initiative.

Pure text making plus one careful writer; the command line only parses options. The
starter register lives as files in `starter/` (dot-files under plain names, so that every
packaging tool ships them)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable

from cireg import __version__
from cireg.format_shape import KEYS_REQUIRED_BY_STATUS, MODELINE_PREFIX, STATUSES
from cireg.model.completeness import REQUIRED_STEPS
from cireg.render.text import plain_markdown, yaml_quoted
from cireg.schema import schema_path

MODELINE = MODELINE_PREFIX + "{}\n"
SCHEMA_IN_REGISTER = "schemas/initiative.schema.json"
# How long until an initiative's first backlog review: a quarter.
REVIEW_AFTER = dt.timedelta(days=91)

# starter/ name -> name in the new register
_RENAMED = {
    "gitignore": ".gitignore",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github/": ".github/",
    "vscode/": ".vscode/",
}
_PLACEHOLDER = re.compile(r"@@([A-Z_]+|DAY[+-][0-9]+)@@")


class ScaffoldError(Exception):
    """Nothing was written: the message says why."""


@dataclass(frozen=True)
class NewFile:
    path: str  # relative, with forward slashes
    content: str


def _starter_sources() -> list[tuple[str, str]]:
    root = resources.files("cireg") / "starter"
    found: list[tuple[str, str]] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            else:
                found.append((f"{prefix}{entry.name}", entry.read_text(encoding="utf-8")))

    walk(root, "")
    return found


def _target_name(source: str) -> str:
    for old, new in _RENAMED.items():
        if source == old or (old.endswith("/") and source.startswith(old)):
            return new + source[len(old) :]
    return source


def register_files(site_name: str, organisation: str, today: dt.date) -> list[NewFile]:
    """Every file of a new register. Its example initiative (a planned one that validates
    cleanly: what a good entry looks like) is dated around `today`."""
    description = f"The continual improvement register of {organisation}, kept as code with cireg."
    values = {
        "SITE_NAME": yaml_quoted(site_name),
        "SITE_DESCRIPTION": yaml_quoted(description),
        "SITE_NAME_MD": plain_markdown(site_name),
        "ORGANISATION_MD": plain_markdown(organisation),
        "VERSION": __version__,
    }

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("DAY"):  # the example's dates, in days from `today`: @@DAY-30@@
            return (today + dt.timedelta(days=int(name[3:]))).isoformat()
        return values[name]

    files = []
    for source, text in _starter_sources():
        # One pass, so that a placeholder typed into a name is left as the user wrote it.
        files.append(NewFile(_target_name(source), _PLACEHOLDER.sub(fill, text)))
    with open(schema_path(), encoding="utf-8") as schema:
        files.append(NewFile(SCHEMA_IN_REGISTER, schema.read()))
    return sorted(files, key=lambda f: f.path)


def write_files(target: str, files: list[NewFile], *, force: bool = False) -> list[str]:
    """Write `files` under `target`. Everything is checked before anything is written:
    without `force`, an existing file refuses the whole register; a link, or a folder or
    file in the way of one, refuses it even with `force`. Returns the paths written."""
    clashes: list[str] = []
    blocked: list[str] = []
    for file in files:
        path = os.path.join(target, *file.path.split("/"))
        if os.path.islink(path) or os.path.isdir(path):
            blocked.append(f"{path} is a link or a folder")
        elif os.path.lexists(path):
            clashes.append(path)
        parent = os.path.dirname(path)
        while parent and parent != target and not os.path.isdir(parent):
            if os.path.lexists(parent):
                blocked.append(f"{parent} is in the way of {path}: it is not a folder")
                break
            parent = os.path.dirname(parent)
    if blocked:
        listed = "\n".join(f"  {problem}" for problem in dict.fromkeys(blocked))
        raise ScaffoldError(f"nothing was written; these are in the way:\n{listed}")
    if clashes and not force:
        listed = "\n".join(f"  {path}" for path in clashes)
        raise ScaffoldError(
            f"{len(clashes)} file{'s' * (len(clashes) != 1)} already exist; nothing was "
            f"written (--force overwrites them):\n{listed}"
        )
    written: list[str] = []
    made: list[str] = []  # new files, taken back if a later write fails (a full disk, say)
    try:
        for file in files:
            path = os.path.join(target, *file.path.split("/"))
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            existed = os.path.lexists(path)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                if not existed:
                    made.append(path)
                handle.write(file.content)
            written.append(file.path)
    except OSError:
        for path in made:
            with contextlib.suppress(OSError):
                os.remove(path)
        raise
    return written


# --- a new initiative ------------------------------------------------------------------------

# What `cireg new` writes for a step its status requires. Facts the author has not given
# yet are left empty (`~`): the validator then points at each line to fill in, rather than
# the skeleton inventing figures that would pass unexamined.
_STEP_SKELETONS = {
    "vision": """vision:
  statement: {statement}
  # supports: the organisational goal or strategy it serves
  # stakeholders: [who gains, who takes part]
""",
    "current_state": """current_state:
  assessed_on: ~
  summary: ~
""",
    "target_state": """target_state:
  objectives:
    - id: first-objective
      statement: ~
      kpi: first-kpi
      target: ~
      deadline: ~
      relevance: ~
""",
    "plan": """plan:
  approach: ~
  actions:
    - {id: first-action, what: ~, owner: ~, due: ~}
""",
    "execution": """execution:
  started_on: ~
  log: []
""",
    "verification": """verification:
  assessed_on: ~
  outcome: ~
  summary: ~
""",
    "momentum": """momentum:
  lessons_learned: ~
  embedded_by: []
""",
}
_KPI_SKELETON = """kpis:
  - id: first-kpi
    name: ~
    unit: ~
    direction: ~
    measurements: []
"""
VISION_PROMPT = "Describe what will be better, and for whom, when this initiative succeeds."


def _quoted(text: str) -> str:
    """A one-line YAML string of `text`: runs of white space become one space."""
    return yaml_quoted(" ".join(text.split()))


def initiative_skeleton(
    *,
    title: str,
    status: str,
    owner: str,
    today: dt.date,
    schema_ref: str,
    vision: str | None = None,
) -> str:
    """A new initiative with the steps its status requires. An `idea` (the default of
    `cireg new`) validates cleanly; later statuses leave the facts they need empty."""
    if status not in STATUSES:
        raise ScaffoldError(f"unknown status {status!r}; statuses are {', '.join(STATUSES)}")
    partial, complete = REQUIRED_STEPS[status]
    required = partial | complete
    lines = [
        MODELINE.format(schema_ref),
        f"title: {_quoted(title)}\n",
        f"status: {status}\n",
        f"owner: {_quoted(owner)}\n",
        f"raised_on: {today.isoformat()}\n",
    ]
    required_keys = KEYS_REQUIRED_BY_STATUS[status]  # the schema's conditions on the status
    if "review_by" in required_keys:
        lines.append(f"review_by: {(today + REVIEW_AFTER).isoformat()}\n")
    if "priority" in required_keys:
        lines.append("priority: medium\n")
    if "on_hold_reason" in required_keys:
        lines.append("on_hold_reason: ~\n")
    if "target_state" in required or "current_state" in required:
        lines.append(_KPI_SKELETON)
    statement = _quoted(vision or VISION_PROMPT)
    for key, skeleton in _STEP_SKELETONS.items():
        if key in required:
            lines.append(skeleton.replace("{statement}", statement))
    if "momentum" in required_keys and "momentum" not in required:
        lines.append(_STEP_SKELETONS["momentum"])
    return "".join(lines)


def schema_reference(register_folder: str) -> str:
    """The modeline's path from the register folder to the schema beside mkdocs.yml (or,
    with no mkdocs.yml above, beside the register folder)."""
    folder = os.path.abspath(register_folder)
    root = next(
        (
            candidate
            for candidate in (folder, *_parents(folder))
            if os.path.isfile(os.path.join(candidate, "mkdocs.yml"))
        ),
        os.path.dirname(folder),
    )
    schema = os.path.join(root, *SCHEMA_IN_REGISTER.split("/"))
    return os.path.relpath(schema, folder).replace(os.sep, "/")


def _parents(path: str) -> list[str]:
    parents: list[str] = []
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return parents
        parents.append(parent)
        path = parent
