"""yaml-syntax, duplicate-key, alias and too-large: what the loader met, in words.

The loader (cireg.load) records its problems as facts; each rule here phrases those that
break it. They are registered in the spec's order, the first rules of the table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cireg.findings import Finding, Severity
from cireg.load_problems import (
    Alias,
    AliasProblem,
    Anchor,
    BadTaggedValue,
    ComplexKey,
    DuplicateKey,
    ForbiddenCharacter,
    LoadProblem,
    NotRegularFile,
    NotUtf8,
    ParserError,
    SecondDocument,
    SyntaxProblem,
    TooBig,
    TooDeep,
    TooLarge,
    Unreadable,
    UnsupportedTag,
    WideEncoding,
)
from cireg.rules.table import Spot, registered, rule
from cireg.yaml_scalars import TAG_PREFIX

_TAB_HINT = "a tab character where YAML expects spaces: indent with spaces only"
# Words of the parser's problem that a plainer explanation replaces.
_SYNTAX_HINTS = (
    ("tab character", _TAB_HINT),
    ("'\\t'", _TAB_HINT),
    (
        "mapping values are not allowed",
        "a `: ` here cannot start a key; put text that contains `: ` in quotes",
    ),
)


def load_findings(path: str, problems: Iterable[LoadProblem]) -> list[Finding]:
    """The findings of the loader's problems in one file (shown as `path`), in the order met."""
    return [
        finding for problem in problems for finding in registered(problem.rule).run(path, [problem])
    ]


@rule("yaml-syntax", Severity.ERROR, "The file is valid UTF-8 YAML holding one document.")
def yaml_syntax(path: str, problems: Iterable[LoadProblem]) -> Iterator[Spot]:
    """The file could not be read, decoded or parsed as one document of plain YAML."""
    for problem in problems:
        if isinstance(problem, SyntaxProblem):
            yield Spot(path, problem.where, _syntax_message(problem))


def _syntax_message(problem: SyntaxProblem) -> str:
    match problem:
        case Unreadable(reason=reason, is_link=is_link):
            return f"the file cannot be read: {'it is a symbolic link' if is_link else reason}"
        case NotRegularFile():
            return "the file cannot be read: it is not a regular file"
        case WideEncoding():
            return "the file is UTF-16 or UTF-32; save it as UTF-8"
        case NotUtf8(byte=byte):
            return (
                f"the file is not UTF-8: byte 0x{byte:02x} cannot start or continue a UTF-8 "
                "character; save the file as UTF-8"
            )
        case ForbiddenCharacter(code_point=code_point):
            return (
                f"invalid YAML: the character U+{code_point:04X} is not allowed in a YAML file "
                "(control characters other than tab and line breaks)"
            )
        case ParserError(problem=words, context=context):
            return _parser_message(words, context)
        case BadTaggedValue(text=text, tag=tag):
            return (
                f"`{_short(text)}` is not a valid {tag[len(TAG_PREFIX) :]} for its tag "
                f"`{_shown_tag(tag)}`"
            )
        case UnsupportedTag(tag=tag):
            return (
                f"the tag `{_shown_tag(tag)}` is not supported; remove it (initiative files use "
                "plain YAML)"
            )
        case ComplexKey():
            return "a key must be a plain word, not a list or mapping"
        case SecondDocument():
            return "a second YAML document starts here; an initiative file holds exactly one"
    raise ValueError(f"no words for {problem!r}")  # pragma: no cover - every kind is above


def _parser_message(problem: str, context: str | None) -> str:
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            return f"invalid YAML: {hint}"
    text = f"invalid YAML: {problem}"
    return f"{text} ({context})" if context else text


@rule("duplicate-key", Severity.ERROR, "No mapping repeats a key.")
def duplicate_key(path: str, problems: Iterable[LoadProblem]) -> Iterator[Spot]:
    for problem in problems:
        if isinstance(problem, DuplicateKey):
            yield Spot(
                path,
                problem.where,
                f"the key `{_short(problem.key)}` appears twice in this mapping; the first one "
                "is used",
            )


@rule("alias", Severity.ERROR, "The file uses no YAML anchors or aliases.")
def alias(path: str, problems: Iterable[LoadProblem]) -> Iterator[Spot]:
    for problem in problems:
        if isinstance(problem, AliasProblem):
            yield Spot(path, problem.where, _alias_message(problem))


def _alias_message(problem: AliasProblem) -> str:
    match problem:
        case Alias(name=name):
            remedy = f"replace the alias `*{name}` with the value itself"
        case Anchor(name=name):
            remedy = f"remove the anchor `&{name}`"
        case _:  # pragma: no cover - every kind is above
            raise ValueError(f"no words for {problem!r}")
    return f"anchors and aliases are not allowed; {remedy}"


@rule("too-large", Severity.ERROR, "The file is at most 256 KiB and nested at most 32 deep.")
def too_large(path: str, problems: Iterable[LoadProblem]) -> Iterator[Spot]:
    for problem in problems:
        if isinstance(problem, TooLarge):
            yield Spot(path, problem.where, _size_message(problem))


def _size_message(problem: TooLarge) -> str:
    match problem:
        case TooBig(size=size, limit=limit):
            return (
                f"the file is {size:,} bytes; an initiative file may be at most {limit:,} bytes "
                "(256 KiB)"
            )
        case TooDeep(limit=limit):
            return f"nesting is deeper than {limit} levels; an initiative never needs that many"
    raise ValueError(f"no words for {problem!r}")  # pragma: no cover - every kind is above


def _shown_tag(tag: str) -> str:
    """A tag as it is written in the file: `!!int`, not `tag:yaml.org,2002:int`."""
    return "!!" + tag[len(TAG_PREFIX) :] if tag.startswith(TAG_PREFIX) else _short(tag)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
