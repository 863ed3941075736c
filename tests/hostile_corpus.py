"""The hostile register: every kind of broken, oversized or tricky entry an initiatives folder
can hold, each with the findings it must give (rule, line, column per file).

One table serves every check (tests/test_hostile.py): each case alone through the core, all
of them at once through `cireg validate`, `mkdocs build` and a serve-mode build. To cover a
new kind of bad input, add a case here; nothing else needs to change. Contents are made in
code because git cannot hold most of them (10 MB files, invalid bytes, links, pipes)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

# A valid `idea`, the base most cases break in one place. Line numbers below refer to it.
IDEA = (
    "title: A small idea for the desk\n"  # 1
    "status: idea\n"  # 2
    "owner: Service desk lead\n"  # 3
    "raised_on: 2026-01-05\n"  # 4
    "review_by: 2027-01-05\n"  # 5
    "vision:\n"  # 6
    "  statement: Callers get help sooner.\n"  # 7
)

# A valid `planned` initiative with one KPI and one SMART objective.
PLANNED = (
    "title: Faster first response\n"  # 1
    "status: planned\n"  # 2
    "owner: Service desk lead\n"  # 3
    "raised_on: 2026-01-05\n"  # 4
    "review_by: 2027-01-05\n"  # 5
    "priority: high\n"  # 6
    "kpis:\n"  # 7
    "  - id: wait\n"  # 8
    "    name: Time to first response\n"  # 9
    "    unit: min\n"  # 10
    "    direction: decrease\n"  # 11
    "    measurements:\n"  # 12
    "      - on: 2026-01-20\n"  # 13
    "        value: 45\n"  # 14
    "      - on: 2026-01-31\n"  # 15
    "        value: 42\n"  # 16
    "vision:\n"  # 17
    "  statement: Callers get help sooner.\n"  # 18
    "current_state:\n"  # 19
    "  assessed_on: 2026-02-01\n"  # 20
    "target_state:\n"  # 21
    "  objectives:\n"  # 22
    "    - id: quicker\n"  # 23
    "      statement: Cut the wait for a first response\n"  # 24
    "      kpi: wait\n"  # 25
    "      target: 20\n"  # 26
    "      deadline: 2026-12-31\n"  # 27
    "      relevance: Callers say waiting is the worst part.\n"  # 28
    "plan:\n"  # 29
    "  approach: Triage at the front door.\n"  # 30
    "  actions:\n"  # 31
    "    - id: triage\n"  # 32
    "      what: Put a triage role on the phones\n"  # 33
    "      owner: Desk lead\n"  # 34
    "      due: 2026-06-30\n"  # 35
)

# Written outside the register folder; no produced file may ever contain it.
OUTSIDE_CANARY = "CANARY-outside-the-register-3c1e"


@dataclass(frozen=True)
class Link:
    """A symbolic link to `target`, a path relative to the folder that holds the register."""

    target: str
    is_dir: bool = False


@dataclass(frozen=True)
class Folder:
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pipe:
    """A named pipe: opening it for reading would wait for a writer forever."""


Content = str | bytes | Link | Folder | Pipe
Expected = list[tuple[str, int, int]]  # (rule, line, column), in the order findings sort


@dataclass(frozen=True)
class HostileCase:
    name: str
    files: dict[str, Content]
    expected: dict[str, Expected]  # per entry name; every entry of `files` is listed

    @property
    def needs_pipe(self) -> bool:
        return any(isinstance(content, Pipe) for content in self.files.values())


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line - 1] = new
    return "".join(lines)


def with_measurement(value: str) -> str:
    return replace_line(PLANNED, 16, f"        value: {value}\n")


BILLION_LAUGHS = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n".encode()
    for n in range(8)
)

FORGING_NAMES = (
    "x\nforged.yaml:9:9: error: all clear.yaml",
    "cr\r::error file=x.yaml,line=1::INJECTED.yaml",
    "esc\x1b[31mred.yaml",
    os.fsdecode(b"caf\xe9-not-utf8.yaml"),
)

CASES: tuple[HostileCase, ...] = (
    # --- YAML features the format forbids ---------------------------------------------------
    HostileCase(
        "alias-bomb", {"alias-bomb.yaml": BILLION_LAUGHS}, {"alias-bomb.yaml": [("alias", 2, 8)]}
    ),
    HostileCase(
        "merge-key",
        {"merge-key.yaml": IDEA + "base: &base {x: 1}\nother:\n  <<: *base\n"},
        {"merge-key.yaml": [("alias", 10, 7)]},
    ),
    HostileCase(
        "anchor-without-alias",
        {"anchor-without-alias.yaml": replace_line(IDEA, 3, "owner: &who Desk lead\n")},
        {"anchor-without-alias.yaml": [("alias", 3, 8)]},
    ),
    HostileCase(
        "duplicate-key",
        {"duplicate-key.yaml": IDEA + "owner: Someone else\n"},
        {"duplicate-key.yaml": [("duplicate-key", 8, 1)]},
    ),
    HostileCase(
        "python-tag",
        {
            "python-tag.yaml": replace_line(
                IDEA, 3, 'owner: !!python/object/apply:os.system ["id"]\n'
            )
        },
        {"python-tag.yaml": [("yaml-syntax", 3, 8)]},
    ),
    HostileCase(
        "python-tag-on-a-key",
        {"python-tag-on-a-key.yaml": IDEA + "!!python/name:os.system extra: x\n"},
        {"python-tag-on-a-key.yaml": [("yaml-syntax", 8, 1)]},
    ),
    HostileCase(
        "int-tag-on-a-word-key",
        {"int-tag-on-a-word-key.yaml": replace_line(IDEA, 3, "!!int owner: Desk lead\n")},
        {"int-tag-on-a-word-key.yaml": [("yaml-syntax", 3, 1)]},
    ),
    # --- characters libyaml (YAML 1.1) takes for line breaks, editors and git do not -------
    HostileCase(
        "line-separators-in-values",
        {
            "line-separators-in-values.yaml": replace_line(
                IDEA, 1, "title: One\u2028two\u2029three\u0085four \u2028\u2028\u2028\n"
            )
            + "unknown_key: x\n"
        },
        {"line-separators-in-values.yaml": [("schema", 8, 1)]},
    ),
    # --- size and depth -----------------------------------------------------------------------
    HostileCase(
        "deep-sequences",
        {"deep-sequences.yaml": b"[" * 10_000 + b"]" * 10_000},
        {"deep-sequences.yaml": [("too-large", 1, 33)]},
    ),
    HostileCase(
        "deep-mappings",
        {"deep-mappings.yaml": b"{a: " * 10_000 + b"1" + b"}" * 10_000},
        {"deep-mappings.yaml": [("too-large", 1, 129)]},
    ),
    HostileCase(
        "ten-megabytes",
        {"ten-megabytes.yaml": b"title: " + b"x" * (10 * 1024 * 1024)},
        {"ten-megabytes.yaml": [("too-large", 1, 1)]},
    ),
    HostileCase(
        "long-title",
        {"long-title.yaml": replace_line(IDEA, 1, "title: " + "x" * 100_000 + "\n")},
        {"long-title.yaml": [("schema", 1, 8)]},
    ),
    HostileCase(
        "long-text-is-fine",
        {
            "long-text-is-fine.yaml": replace_line(
                IDEA, 7, "  statement: " + "word " * 20_000 + "\n"
            )
        },
        {"long-text-is-fine.yaml": []},
    ),
    HostileCase(
        "long-unknown-key",
        {"long-unknown-key.yaml": IDEA + "k" * 100_000 + ": 1\n"},
        # YAML caps an implicit key at 1,024 characters, so this one is not YAML at all.
        {"long-unknown-key.yaml": [("yaml-syntax", 8, 100_001)]},
    ),
    HostileCase(
        "ten-thousand-keys",
        {"ten-thousand-keys.yaml": IDEA + "".join(f"k{n}: {n}\n" for n in range(10_000))},
        {"ten-thousand-keys.yaml": [("schema", 8 + n, 1) for n in range(10_000)]},
    ),
    # --- bytes and characters -----------------------------------------------------------------
    HostileCase(
        "binary-bytes",
        {"binary-bytes.yaml": bytes(range(256)) * 4},
        {"binary-bytes.yaml": [("yaml-syntax", 2, 118)]},  # the first byte that is not UTF-8,
    ),
    HostileCase(
        "latin-1",
        {"latin-1.yaml": IDEA.replace("Callers get", "Caf\u00e9 callers get").encode("latin-1")},
        {"latin-1.yaml": [("yaml-syntax", 7, 17)]},
    ),
    HostileCase(
        "utf-16",
        {"utf-16.yaml": IDEA.encode("utf-16")},
        {"utf-16.yaml": [("yaml-syntax", 1, 1)]},
    ),
    HostileCase(
        "bom-is-fine",
        {"bom-is-fine.yaml": b"\xef\xbb\xbf" + IDEA.encode()},
        {"bom-is-fine.yaml": []},
    ),
    HostileCase(
        "crlf-is-fine",
        {"crlf-is-fine.yaml": IDEA.replace("\n", "\r\n").encode()},
        {"crlf-is-fine.yaml": []},
    ),
    HostileCase(
        "tab-indent",
        {"tab-indent.yaml": replace_line(IDEA, 7, "\tstatement: Callers get help sooner.\n")},
        {"tab-indent.yaml": [("yaml-syntax", 7, 1)]},
    ),
    HostileCase(
        "control-character",
        {"control-character.yaml": replace_line(IDEA, 3, "owner: Desk \x1b[31mlead\n")},
        {"control-character.yaml": [("yaml-syntax", 3, 13)]},
    ),
    HostileCase(
        "nul-byte",
        {"nul-byte.yaml": replace_line(IDEA, 3, "owner: Desk\x00lead\n").encode()},
        {"nul-byte.yaml": [("yaml-syntax", 3, 12)]},
    ),
    HostileCase(
        "lone-surrogate-escape",
        {"lone-surrogate-escape.yaml": replace_line(IDEA, 3, 'owner: "Desk \\ud800 lead"\n')},
        {"lone-surrogate-escape.yaml": [("yaml-syntax", 3, 16)]},
    ),
    HostileCase(
        "two-documents",
        {"two-documents.yaml": IDEA + "---\n" + IDEA},
        {"two-documents.yaml": [("yaml-syntax", 8, 1)]},
    ),
    # --- documents that are not an initiative mapping -----------------------------------------
    HostileCase("empty-file", {"empty-file.yaml": b""}, {"empty-file.yaml": [("schema", 1, 1)]}),
    HostileCase(
        "only-a-comment",
        {"only-a-comment.yaml": "# nothing here yet\n"},
        {"only-a-comment.yaml": [("schema", 1, 1)]},
    ),
    HostileCase(
        "null-document",
        {"null-document.yaml": "null\n"},
        {"null-document.yaml": [("schema", 1, 1)]},
    ),
    HostileCase(
        "top-level-list",
        {"top-level-list.yaml": "- title: A small idea\n"},
        {"top-level-list.yaml": [("schema", 1, 1)]},
    ),
    HostileCase(
        "top-level-scalar",
        {"top-level-scalar.yaml": "just some words\n"},
        {"top-level-scalar.yaml": [("schema", 1, 1)]},
    ),
    HostileCase(
        "non-string-key",
        {"non-string-key.yaml": IDEA + "? [a, b]\n: x\n"},
        {"non-string-key.yaml": [("yaml-syntax", 8, 3)]},
    ),
    # --- numbers and dates --------------------------------------------------------------------
    HostileCase("nan", {"nan.yaml": with_measurement(".nan")}, {"nan.yaml": [("schema", 16, 16)]}),
    HostileCase(
        "infinity",
        {"infinity.yaml": with_measurement("-.inf")},
        {"infinity.yaml": [("schema", 16, 16)]},
    ),
    HostileCase(
        "float-overflow",
        {"float-overflow.yaml": with_measurement("1e400")},
        {"float-overflow.yaml": [("schema", 16, 16)]},
    ),
    HostileCase(
        "huge-integer",
        {"huge-integer.yaml": with_measurement("7" * 5_000)},
        {"huge-integer.yaml": [("schema", 16, 16)]},
    ),
    HostileCase(
        "beyond-safe-integer",
        {"beyond-safe-integer.yaml": with_measurement(str(2**53 + 1))},
        {"beyond-safe-integer.yaml": [("schema", 16, 16)]},
    ),
    HostileCase(
        "year-zero",
        {"year-zero.yaml": replace_line(IDEA, 4, "raised_on: 0000-01-01\n")},
        {"year-zero.yaml": [("schema", 4, 12)]},
    ),
    HostileCase(
        "impossible-date",
        {"impossible-date.yaml": replace_line(IDEA, 4, "raised_on: 2026-02-30\n")},
        {"impossible-date.yaml": [("schema", 4, 12)]},
    ),
    HostileCase(
        "last-day-of-9999-is-fine",
        {
            "last-day-of-9999-is-fine.yaml": replace_line(
                replace_line(PLANNED, 5, "review_by: 9999-12-31\n"),
                27,
                "      deadline: 9999-12-31\n",
            )
        },
        {"last-day-of-9999-is-fine.yaml": []},
    ),
    HostileCase(
        "first-day-of-year-one-is-fine",
        {
            "first-day-of-year-one-is-fine.yaml": replace_line(
                replace_line(PLANNED, 4, "raised_on: 0001-01-01\n"),
                13,
                "      - on: 0001-01-01\n",
            )
        },
        {"first-day-of-year-one-is-fine.yaml": []},
    ),
    # --- what stands in the folder ------------------------------------------------------------
    HostileCase(
        "link-out-of-the-register",
        {"link-out-of-the-register.yaml": Link("outside/secret.yaml")},
        {"link-out-of-the-register.yaml": [("file-name", 1, 1)]},
    ),
    HostileCase(
        "link-to-a-folder",
        {"link-to-a-folder": Link("outside", is_dir=True)},
        {"link-to-a-folder": [("file-name", 1, 1)]},
    ),
    HostileCase(
        "dangling-link",
        {"dangling-link.yaml": Link("outside/missing.yaml")},
        {"dangling-link.yaml": [("file-name", 1, 1)]},
    ),
    HostileCase(
        "sub-folder",
        {"archive": Folder({"old-idea.yaml": IDEA, "escape.yaml": "title: [\n"})},
        {"archive": [("file-name", 1, 1)]},
    ),
    HostileCase(
        "named-pipe", {"named-pipe.yaml": Pipe()}, {"named-pipe.yaml": [("file-name", 1, 1)]}
    ),
    HostileCase(
        "hidden-yaml", {".hidden-idea.yaml": IDEA}, {".hidden-idea.yaml": [("file-name", 1, 1)]}
    ),
    HostileCase(
        "yml-suffix", {"short-suffix.yml": IDEA}, {"short-suffix.yml": [("file-name", 1, 1)]}
    ),
    # --- ids ----------------------------------------------------------------------------------
    HostileCase(
        "windows-device-names",
        {
            "con.yaml": IDEA,
            "aux.yaml": IDEA,
            "nul.yaml": IDEA,
            "com1.yaml": IDEA,
            "lpt9.yaml": IDEA,
        },
        {
            name: [("file-name", 1, 1)]
            for name in ("con.yaml", "aux.yaml", "nul.yaml", "com1.yaml", "lpt9.yaml")
        },
    ),
    HostileCase(
        "path-like-ids",
        {
            "%2e%2e%2fetc%2fpasswd.yaml": IDEA,
            "back\\slash.yaml": IDEA,
            "c:drive.yaml": IDEA,
            "~home.yaml": IDEA,
            "dot.dot.yaml": IDEA,
        },
        {
            name: [("file-name", 1, 1)]
            for name in (
                "%2e%2e%2fetc%2fpasswd.yaml",
                "back\\slash.yaml",
                "c:drive.yaml",
                "~home.yaml",
                "dot.dot.yaml",
            )
        },
    ),
    # File names that try to forge report lines, workflow commands or terminal escapes, and
    # one that is not UTF-8: each is one finding, shown escaped, with a page of its own.
    HostileCase(
        "file-names-that-forge-output",
        {name: IDEA for name in FORGING_NAMES},
        {name: [("file-name", 1, 1)] for name in FORGING_NAMES},
    ),
    HostileCase(
        "ids-differing-in-case",
        {"Case-Twin.yaml": IDEA, "case-twin.yaml": IDEA},
        {"Case-Twin.yaml": [("file-name", 1, 1)], "case-twin.yaml": [("file-name", 1, 1)]},
    ),
)


# --- work that grew faster than the file ------------------------------------------------------
# Each of these took from 6 seconds to hours of processor time, or made megabytes of findings,
# before the mechanism behind it was bounded (named above each). Now each is checked and
# rendered within a second like every case, and test_serve_live saves them all into a running
# `mkdocs serve`, which must show them, and their fix, promptly.


def with_statement(markdown: str) -> str:
    """IDEA whose vision statement is `markdown`, written as a literal block."""
    block = "".join(f"    {line}\n" for line in markdown.split("\n"))
    return replace_line(IDEA, 7, "  statement: |-\n" + block)


def as_much_as_fits(unit: str, prefix: str = "") -> str:
    """`prefix` and `unit` repeated, as much as a statement of IDEA holds within 256 KiB."""
    room = 256 * 1024 - len(IDEA) - len(prefix) - 64
    return prefix + unit * (room // (len(unit) + 4 * unit.count("\n")))


# Python-Markdown scanned from every unclosed `[`, run of backticks or `*`, and after every
# line that ends a block, to the end of the text (render.text now estimates that work first).
SLOW_MARKDOWN = {
    "markdown-unclosed-brackets": as_much_as_fits("["),
    "markdown-setext-underlines": as_much_as_fits("a\n=\n"),
    "markdown-spaced-rules": as_much_as_fits("a\n- - -\n"),
    "markdown-code-span-runs": as_much_as_fits("``-`"),
    "markdown-emphasis-runs": as_much_as_fits("a*", prefix="***"),
}
# Thousands of small text fields on one page (a page has one budget of Markdown work).
LOG_NOTE = "    - on: 2026-02-11\n      note: |-\n        - a\n        - b\n"
LOG_NOTES = PLANNED + "execution:\n  started_on: 2026-02-10\n  log:\n"
LOG_NOTES += LOG_NOTE * ((256 * 1024 - len(LOG_NOTES) - 64) // len(LOG_NOTE))

# uniqueItems: jsonschema compares every pair of items that do not sort (text, numbers,
# lists), and cireg looked for the repeat in a list: the square of its length either way.
MIXED_TAGS = [(f"{n}", f"t{n}", f"[{n}]", f"{{a: {n}}}")[n % 4] for n in range(3_000)]
# Where each starts on the line `tags: [0, t1, [2], {a: 3}, ...]`.
MIXED_TAG_COLUMNS = list(accumulate((len(tag) + 2 for tag in MIXED_TAGS[:-1]), initial=8))
REPEATED_TAGS = 12_000

# Each NaN, infinity or too large number was looked up by a walk of the whole file.
UNSAFE_NUMBERS = (".nan", ".inf", "-.inf", "1e400", "9" * 45)
UNSAFE_COUNT = 5_000
UNSAFE_MEASUREMENTS = "".join(
    f"      - on: 2026-01-31\n        value: {UNSAFE_NUMBERS[n % 5]}\n" for n in range(UNSAFE_COUNT)
)

# Each finding listed every KPI of the file, or every member of an iteration cycle ...
KPI_COUNT = 500
MANY_KPIS = "".join(
    f"  - id: kpi-{n}\n    name: Wait\n    unit: min\n    direction: decrease\n"
    for n in range(KPI_COUNT)
)
UNKNOWN_KPIS = "".join(
    f"    - id: o{n}\n      statement: Cut the wait for a first response\n      kpi: nope\n"
    "      target: 20\n      deadline: 2026-12-31\n      relevance: Callers said so.\n"
    for n in range(KPI_COUNT)
)
RING = [f"iteration-ring-member-with-a-long-id-{n:02}" for n in range(30)]
# ... or named a KPI by its id in full, 100,000 characters, in each of a thousand findings.
LONG_ID = "w" * 100_000
BAD_VALUES = "".join("      - on: 2026-01-31\n        value: lots\n" for _ in range(1_000))

SLOW_CASES: tuple[HostileCase, ...] = (
    *(
        HostileCase(name, {f"{name}.yaml": with_statement(text)}, {f"{name}.yaml": []})
        for name, text in SLOW_MARKDOWN.items()
    ),
    HostileCase(
        "markdown-in-every-log-note",
        {"markdown-in-every-log-note.yaml": LOG_NOTES},
        {"markdown-in-every-log-note.yaml": []},
    ),
    HostileCase(
        "unique-items-of-mixed-types",
        {"unique-items-of-mixed-types.yaml": IDEA + f"tags: [{', '.join(MIXED_TAGS)}]\n"},
        {
            # Every item but text is of the wrong type; none repeats.
            "unique-items-of-mixed-types.yaml": [
                ("schema", 8, column)
                for tag, column in zip(MIXED_TAGS, MIXED_TAG_COLUMNS, strict=True)
                if not tag.startswith("t")
            ]
        },
    ),
    HostileCase(
        "unique-items-repeated-at-the-end",
        {
            "unique-items-repeated-at-the-end.yaml": IDEA
            + "tags:\n"
            + "".join(f"  - t{n}\n" for n in range(REPEATED_TAGS))
            + "  - t0\n"
        },
        {"unique-items-repeated-at-the-end.yaml": [("schema", 9 + REPEATED_TAGS, 5)]},
    ),
    HostileCase(
        "many-unsafe-numbers",
        {
            "many-unsafe-numbers.yaml": PLANNED.replace(
                "      - on: 2026-01-31\n        value: 42\n", UNSAFE_MEASUREMENTS
            )
        },
        {"many-unsafe-numbers.yaml": [("schema", 16 + 2 * n, 16) for n in range(UNSAFE_COUNT)]},
    ),
    HostileCase(
        "unknown-kpi-in-many-objectives",
        {
            "unknown-kpi-in-many-objectives.yaml": PLANNED.replace(
                "kpis:\n", "kpis:\n" + MANY_KPIS
            ).replace("  objectives:\n", "  objectives:\n" + UNKNOWN_KPIS)
        },
        {
            "unknown-kpi-in-many-objectives.yaml": [("step-incomplete", 21 + 4 * KPI_COUNT, 1)]
            + [("unknown-ref", 25 + 4 * KPI_COUNT + 6 * n, 12) for n in range(KPI_COUNT)]
        },
    ),
    HostileCase(
        "long-id-named-by-every-finding",
        {
            "long-id-named-by-every-finding.yaml": replace_line(
                PLANNED, 8, f"  - id: {LONG_ID}\n"
            ).replace("      - on: 2026-01-31\n        value: 42\n", BAD_VALUES)
        },
        {
            "long-id-named-by-every-finding.yaml": [("schema", 8, 9)]
            + [("schema", 16 + 2 * n, 16) for n in range(1_000)]
            + [("step-incomplete", 2019, 1), ("unknown-ref", 2023, 12)]
        },
    ),
    HostileCase(
        "iteration-cycle",
        {
            f"{member}.yaml": IDEA + f"previous_iteration: {RING[n - 1]}\n"
            for n, member in enumerate(RING)
        },
        # Not mutual (nothing names the next one), and a cycle: both at the link.
        {f"{member}.yaml": [("iteration-link", 8, 21)] * 2 for member in RING},
    ),
)
CASES += SLOW_CASES


def make_outside(root: Path) -> Path:
    """The folder beside the register that links point into, holding a canary file."""
    outside = root / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.yaml").write_text(
        IDEA.replace("A small idea for the desk", OUTSIDE_CANARY), encoding="utf-8"
    )
    return outside


def write_entries(folder: Path, files: dict[str, Content]) -> None:
    """Create `files` in the register `folder`; links point relative to its parent."""
    for name, content in files.items():
        target = folder / name
        if isinstance(content, Link):
            target.symlink_to(folder.parent / content.target, target_is_directory=content.is_dir)
        elif isinstance(content, Folder):
            target.mkdir()
            for inner, text in content.files.items():
                (target / inner).write_text(text, encoding="utf-8")
        elif isinstance(content, Pipe):
            os.mkfifo(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def supported(case: HostileCase) -> bool:
    return not case.needs_pipe or hasattr(os, "mkfifo")


def all_cases() -> list[HostileCase]:
    return [case for case in CASES if supported(case)]


def initiative_files(cases: list[HostileCase]) -> list[str]:
    """Names of the entries that are initiative files (`*.yaml` regular files)."""
    return sorted(
        name
        for case in cases
        for name, content in case.files.items()
        if name.endswith(".yaml") and isinstance(content, str | bytes) and not name.startswith(".")
    )
