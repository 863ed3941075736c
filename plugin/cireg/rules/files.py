"""file-name: what may stand in a register folder, and what an id looks like.

Only `<id>.yaml` regular files are initiatives. Symbolic links and sub-folders are reported
and never followed, so nothing outside the register folder is ever read; other files whose
name looks like YAML (`.yml`, `.YAML`, `x.yaml.bak`, a hidden `.draft.yaml`) are reported;
other hidden entries and other files (a README.md, say) are left alone.

Ids that Windows reserves for devices (`con`, `nul`, `com1`...) are refused although they fit
the id pattern: `con.yaml` cannot be checked out on Windows, nor `initiatives/con/` written,
so one such file would break the register for every Windows contributor."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from cireg.findings import START, Finding, Severity
from cireg.rules.table import Spot, registered, rule

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MIN, ID_MAX = 3, 64
SUFFIX = ".yaml"
# Names Windows reserves for devices, with any extension (CON.yaml is the console there).
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{device}{n}" for device in ("com", "lpt") for n in range(10)]
)


@dataclass(frozen=True)
class Candidate:
    """A `*.yaml` regular file of the register folder: an initiative to load."""

    id: str
    path: str  # on disk
    display: str  # as findings show it


class Misplaced(Enum):
    """Why an entry of the register folder is not read as an initiative."""

    LINKED_FOLDER = "the register folder itself is a symbolic link"
    LINK = "a symbolic link"
    SUB_FOLDER = "a sub-folder"
    SPECIAL = "not a regular file"
    HIDDEN = "a hidden file whose name looks like YAML"
    MISNAMED = "a file whose name looks like YAML but is not <id>.yaml"


@dataclass(frozen=True)
class Refused:
    """An entry of the register folder that is reported and never read."""

    display: str  # as findings show it
    name: str  # its name in the folder
    why: Misplaced


@dataclass(frozen=True)
class FolderScan:
    """What a register folder holds: its initiative files and the entries refused."""

    candidates: list[Candidate]
    refused: list[Refused]
    seen: int  # the entries that count: initiative files, and those refused


class RegisterFolderError(Exception):
    """The register folder cannot be read at all."""


def _looks_like_yaml(name: str) -> bool:
    lowered = name.lower()
    return ".yaml" in lowered or ".yml" in lowered


def _suggested_name(name: str) -> str:
    """A file name to rename a misnamed file to: its first word part, as an id."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower().lstrip(".").split(".", 1)[0]).strip("-")
    return f"{stem or 'its-id'}{SUFFIX}"


def id_problem(initiative_id: str) -> str | None:
    """Why `initiative_id` is not a valid id, or None."""
    if not ID_MIN <= len(initiative_id) <= ID_MAX:
        return f"{len(initiative_id)} characters long; an id has {ID_MIN} to {ID_MAX}"
    if not ID_PATTERN.fullmatch(initiative_id):
        return "not lowercase letters and digits in words joined by single hyphens"
    if initiative_id in WINDOWS_RESERVED:
        return "a device name that Windows reserves, so the file cannot exist on Windows"
    return None


def scan_folder(folder: str, display: DisplayPath) -> tuple[list[Candidate], list[Finding], int]:
    """The initiatives of `folder`, the file-name findings, and how many entries were seen."""
    scan = scan_entries(folder, display)
    return scan.candidates, registered("file-name").run(scan), scan.seen


def scan_entries(folder: str, display: DisplayPath) -> FolderScan:
    """What `folder` holds, sorted by name; raises RegisterFolderError if it cannot be read."""
    if os.path.islink(folder.rstrip("/" + os.sep) or folder):
        # The same rule as for the files in it: a link could lead anywhere, so nothing of what
        # it points at is read or published.
        name = os.path.basename(folder.rstrip("/" + os.sep))
        return FolderScan([], [Refused(display(folder), name, Misplaced.LINKED_FOLDER)], 1)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        raise RegisterFolderError(
            f"cannot read the register folder {folder}: {error.strerror}"
        ) from None
    candidates: list[Candidate] = []
    refused: list[Refused] = []
    for entry in entries:
        why = _misplaced(entry)
        if why is not None:
            refused.append(Refused(display(entry.path), entry.name, why))
        elif _is_initiative_file(entry.name):
            candidates.append(
                Candidate(entry.name[: -len(SUFFIX)], entry.path, display(entry.path))
            )
    return FolderScan(candidates, refused, len(candidates) + len(refused))


def _is_initiative_file(name: str) -> bool:
    return name.endswith(SUFFIX) and len(name) > len(SUFFIX) and not name.startswith(".")


def _misplaced(entry: os.DirEntry[str]) -> Misplaced | None:
    """Why `entry` is reported, or None: an initiative file, or an entry left alone."""
    name = entry.name
    if entry.is_symlink():
        return Misplaced.LINK
    if entry.is_dir(follow_symlinks=False):
        return Misplaced.SUB_FOLDER
    if name.startswith(".") and not _looks_like_yaml(name):
        return None
    if not entry.is_file(follow_symlinks=False):
        return Misplaced.SPECIAL
    if name.startswith("."):
        return Misplaced.HIDDEN
    if _is_initiative_file(name) or not _looks_like_yaml(name):
        return None
    return Misplaced.MISNAMED


@rule(
    "file-name",
    Severity.ERROR,
    "Register entries are <id>.yaml files with valid, distinct ids; no links, sub-folders or "
    "hidden YAML files; no Windows device names as ids.",
)
def file_name(scan: FolderScan) -> Iterator[Spot]:
    """Each entry refused, in name order; then each invalid or colliding id."""
    for entry in scan.refused:
        yield Spot(entry.display, START, _refusal(entry))
    yield from _id_spots(scan.candidates)


def _refusal(entry: Refused) -> str:
    name = entry.name
    if entry.why is Misplaced.LINKED_FOLDER:
        return (
            f"the register folder `{name}` is a symbolic link; a register is a real folder "
            "(links are never followed)"
        )
    if entry.why is Misplaced.LINK:
        return (
            f"`{name}` is a symbolic link; a register holds real files only (links are never "
            "followed)"
        )
    if entry.why is Misplaced.SUB_FOLDER:
        return (
            f"`{name}` is a sub-folder; keep every initiative file directly in the register folder"
        )
    if entry.why is Misplaced.SPECIAL:
        return f"`{name}` is not a regular file"
    if entry.why is Misplaced.HIDDEN:
        return (
            f"`{name}` is hidden and not read: initiative files are named `<id>.yaml` "
            f"(rename it `{_suggested_name(name)}`)"
        )
    return (
        f"`{name}` is not read: initiative files are named `<id>.yaml` "
        f"(rename it `{_suggested_name(name)}`)"
    )


def _id_spots(candidates: Sequence[Candidate]) -> Iterator[Spot]:
    first_by_folded: dict[str, Candidate] = {}
    for candidate in candidates:
        problem = id_problem(candidate.id)
        if problem:
            yield Spot(
                candidate.display,
                START,
                f"the id `{candidate.id}` (the file name without .yaml) is {problem}",
            )
        folded = candidate.id.casefold()
        first = first_by_folded.setdefault(folded, candidate)
        if first is not candidate:
            yield Spot(
                candidate.display,
                START,
                f"the id `{candidate.id}` collides with `{first.id}` ({first.display}); ids "
                "are compared ignoring case",
            )


class DisplayPath:
    """Paths as findings show them: relative to the working folder when inside it."""

    def __init__(self, base: str | None = None) -> None:
        self.base = os.path.abspath(base or os.getcwd())

    def __call__(self, path: str) -> str:
        absolute = os.path.abspath(path)
        try:
            relative = os.path.relpath(absolute, self.base)
        except ValueError:  # another drive on Windows
            return absolute.replace(os.sep, "/")
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):  # not `..yaml`
            return absolute.replace(os.sep, "/")
        return relative.replace(os.sep, "/")
