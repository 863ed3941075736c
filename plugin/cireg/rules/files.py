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
from dataclasses import dataclass

from cireg.findings import START, Finding, make_finding

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
    if os.path.islink(folder.rstrip("/" + os.sep) or folder):
        # The same rule as for the files in it: a link could lead anywhere, so nothing of what
        # it points at is read or published.
        message = (
            f"the register folder `{os.path.basename(folder.rstrip('/' + os.sep))}` is a "
            "symbolic link; a register is a real folder (links are never followed)"
        )
        return [], [make_finding(display(folder), START, "file-name", message)], 1
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        raise RegisterFolderError(
            f"cannot read the register folder {folder}: {error.strerror}"
        ) from None
    candidates: list[Candidate] = []
    findings: list[Finding] = []
    seen = 0

    def report(entry: os.DirEntry[str], message: str) -> None:
        findings.append(make_finding(display(entry.path), START, "file-name", message))

    for entry in entries:
        name = entry.name
        if entry.is_symlink():
            seen += 1
            report(
                entry,
                f"`{name}` is a symbolic link; a register holds real files only "
                "(links are never followed)",
            )
        elif entry.is_dir(follow_symlinks=False):
            seen += 1
            report(
                entry,
                f"`{name}` is a sub-folder; keep every initiative file directly in the "
                "register folder",
            )
        elif name.startswith(".") and not _looks_like_yaml(name):
            continue
        elif not entry.is_file(follow_symlinks=False):
            seen += 1
            report(entry, f"`{name}` is not a regular file")
        elif name.startswith("."):
            seen += 1
            report(
                entry,
                f"`{name}` is hidden and not read: initiative files are named `<id>.yaml` "
                f"(rename it `{_suggested_name(name)}`)",
            )
        elif name.endswith(SUFFIX) and len(name) > len(SUFFIX):
            seen += 1
            candidates.append(Candidate(name[: -len(SUFFIX)], entry.path, display(entry.path)))
        elif _looks_like_yaml(name):
            seen += 1
            report(
                entry,
                f"`{name}` is not read: initiative files are named `<id>.yaml` "
                f"(rename it `{_suggested_name(name)}`)",
            )
    findings.extend(_id_findings(candidates))
    return candidates, findings, seen


def _id_findings(candidates: list[Candidate]) -> list[Finding]:
    findings = []
    first_by_folded: dict[str, Candidate] = {}
    for candidate in candidates:
        problem = id_problem(candidate.id)
        if problem:
            findings.append(
                make_finding(
                    candidate.display,
                    START,
                    "file-name",
                    f"the id `{candidate.id}` (the file name without .yaml) is {problem}",
                )
            )
        folded = candidate.id.casefold()
        first = first_by_folded.setdefault(folded, candidate)
        if first is not candidate:
            findings.append(
                make_finding(
                    candidate.display,
                    START,
                    "file-name",
                    f"the id `{candidate.id}` collides with `{first.id}` ({first.display}); ids "
                    "are compared ignoring case",
                )
            )
    return findings


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
