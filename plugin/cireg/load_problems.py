"""What can stop or spoil the loading of one file, as facts: where, and what the loader saw
(the byte, the tag, the key, the size, the parser's own words). The rules of
cireg.rules.loading phrase them; `rule` names the rule each one breaks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cireg.findings import Position


@dataclass(frozen=True)
class LoadProblem:
    """One problem met while reading or parsing a file, at the place it concerns."""

    rule: ClassVar[str]
    where: Position


# --- yaml-syntax: the file is not one document of plain YAML in UTF-8 -----------------------


@dataclass(frozen=True)
class SyntaxProblem(LoadProblem):
    rule: ClassVar[str] = "yaml-syntax"


@dataclass(frozen=True)
class Unreadable(SyntaxProblem):
    """The file cannot be opened or read: the operating system's reason."""

    reason: str | None
    is_link: bool = False  # refused because it is a symbolic link


@dataclass(frozen=True)
class NotRegularFile(SyntaxProblem):
    """What was opened is a folder, a named pipe, a device..."""


@dataclass(frozen=True)
class WideEncoding(SyntaxProblem):
    """The file starts with a UTF-16 or UTF-32 byte order mark."""


@dataclass(frozen=True)
class NotUtf8(SyntaxProblem):
    """This byte cannot start or continue a UTF-8 character."""

    byte: int


@dataclass(frozen=True)
class ForbiddenCharacter(SyntaxProblem):
    """A character YAML does not allow anywhere (a control character)."""

    code_point: int


@dataclass(frozen=True)
class ParserError(SyntaxProblem):
    """The YAML parser gave up: its problem and the context it names, in its own words."""

    problem: str
    context: str | None


@dataclass(frozen=True)
class BadTaggedValue(SyntaxProblem):
    """A scalar's text is not a value of its explicit core tag (`!!int abc`)."""

    text: str
    tag: str  # the full tag: tag:yaml.org,2002:int


@dataclass(frozen=True)
class UnsupportedTag(SyntaxProblem):
    """A tag other than the core scalar tags, on a key, a value or a collection."""

    tag: str


@dataclass(frozen=True)
class ComplexKey(SyntaxProblem):
    """A key that is a list or a mapping."""


@dataclass(frozen=True)
class SecondDocument(SyntaxProblem):
    """Another YAML document starts here."""


# --- duplicate-key --------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateKey(LoadProblem):
    """A mapping repeats `key` here (the loader keeps the first, at `first`)."""

    rule: ClassVar[str] = "duplicate-key"
    key: str
    first: Position


# --- alias ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasProblem(LoadProblem):
    rule: ClassVar[str] = "alias"


@dataclass(frozen=True)
class Alias(AliasProblem):
    """An alias, `*name`: loading stops here."""

    name: str


@dataclass(frozen=True)
class Anchor(AliasProblem):
    """The file's first anchor, `&name`, in a file that uses no alias."""

    name: str


# --- too-large ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TooLarge(LoadProblem):
    rule: ClassVar[str] = "too-large"


@dataclass(frozen=True)
class TooDeep(TooLarge):
    """Nesting passes `limit` levels here: loading stops."""

    limit: int


@dataclass(frozen=True)
class TooBig(TooLarge):
    """The file has `size` bytes, more than `limit`: it is not parsed."""

    size: int
    limit: int
