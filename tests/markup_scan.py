"""Scanners for active markup in produced files: HTML pages and fragments, SVG, and the
helpers that read text as a reader sees it. Shared by the site-safety tests (whole built
sites) and the property tests (pages rendered in-process), so that a new kind of active
markup is caught everywhere once it is added here."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Comment, Tag

URL_ATTRIBUTES = frozenset(
    {"href", "src", "xlink:href", "action", "formaction", "poster", "data", "background"}
    | {"cite", "longdesc", "srcset", "ping", "manifest", "codebase", "lowsrc", "dynsrc"}
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
NEVER_ANYWHERE = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet"})
NEVER_ANYWHERE |= frozenset({"foreignobject", "base", "portal"})
NEVER_IN_ARTICLE = frozenset({"script", "style", "form", "input", "button", "textarea", "select"})
NEVER_IN_ARTICLE |= frozenset({"link", "meta", "template", "math", "noscript", "audio", "video"})
LOADING = frozenset({"img", "script", "source", "audio", "video", "track", "input", "image"})
LOADING_LINKS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "manifest"})
REMOTE = ("http:", "https:", "//")
ACTIVE_STYLE = re.compile(r"url\(|expression\(|javascript:|@import", re.IGNORECASE)
# What nh3 lets through from a Markdown field (render/text.py): always allowed in an article.
SANITIZER_OUTPUT = {(tag, None) for tag in ("p", "br", "em", "strong", "code", "pre")}
SANITIZER_OUTPUT |= {(tag, None) for tag in ("blockquote", "ul", "ol", "li", "a", "hr")}
SANITIZER_OUTPUT |= {("a", "href"), ("a", "title"), ("a", "rel")}
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_BASE_PREFIX = re.compile(r"^(?:\.\./|\./|/)+")
_URL_BASE = re.compile(r'new URL\("[^"]*",location\)')


def compact_url(value: str) -> str:
    """A URL as a browser reads its scheme: whitespace and control characters dropped."""
    return _CONTROL.sub("", value).lower()


def attribute_text(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def normalized(text: str) -> str:
    """Text as a reader sees it: runs of white space as one space (line breaks in plain strings
    may come out as spaces), without control, format or non-characters (which may be dropped
    or shown as U+FFFD)."""
    visible = "".join(
        char
        for char in text
        if char.isspace() or (unicodedata.category(char) not in INVISIBLE and char != "\ufffd")
    )
    return " ".join(visible.split())


def visible(element: Tag) -> bool:
    """Not hidden by an attribute, an inline style or a closed <details>."""
    for node in [element, *element.parents]:
        if node.has_attr("hidden") or re.search(r"display\s*:\s*none", str(node.get("style", ""))):
            return False
        if node.name == "details" and not node.has_attr("open"):
            return False
    return True


def shown_text(node: Tag) -> str:
    """What a reader sees of an element: its text, white space collapsed."""
    return normalized(node.get_text())


def script_signature(script: Tag) -> str:
    """A theme script with the page's base path taken out, so that pages at any depth agree."""
    attrs = {key: attribute_text(value) for key, value in script.attrs.items()}
    if "src" in attrs:
        attrs["src"] = _BASE_PREFIX.sub("", attrs["src"])
    text = script.string or ""
    if attrs.get("id") == "__config":
        config = json.loads(text)
        config.pop("base", None)
        if isinstance(config.get("search"), str):
            config["search"] = _BASE_PREFIX.sub("", config["search"])
        text = json.dumps(config, sort_keys=True)
    text = _URL_BASE.sub("new URL(BASE,location)", text)
    return json.dumps({"attrs": sorted(attrs.items()), "text": text})


def page_scripts(soup: BeautifulSoup) -> Counter[str]:
    return Counter(script_signature(script) for script in soup.find_all("script"))


def element_pairs(root: Tag) -> set[tuple[str, str | None]]:
    """Every element name, and every (element, attribute) pair, under `root`."""
    pairs: set[tuple[str, str | None]] = set()
    for element in root.find_all(True):
        pairs.add((element.name, None))
        pairs.update((element.name, attribute) for attribute in element.attrs)
    return pairs


def markup_problems(root: BeautifulSoup | Tag, where: str) -> Iterator[str]:
    """Active markup: elements, attributes and URLs that no payload may ever produce."""
    for element in root.find_all(True):
        name = element.name.lower()
        if name in NEVER_ANYWHERE:
            yield f"{where}: <{element.name}> element: {str(element)[:120]}"
        if name == "meta" and attribute_text(element.get("http-equiv", "")).lower() == "refresh":
            yield f"{where}: meta refresh: {element}"
        inside_svg = name == "svg" or element.find_parent("svg") is not None
        rel = set(attribute_text(element.get("rel", "")).lower().split())
        loads = name in LOADING or (name == "link" and bool(rel & LOADING_LINKS))
        for attribute, raw_value in element.attrs.items():
            value = attribute_text(raw_value)
            lowered = attribute.lower()
            url = compact_url(value)
            if lowered.startswith("on"):
                yield f"{where}: event handler {attribute}= on <{element.name}>: {str(element)[:120]}"
            elif lowered == "style" and ACTIVE_STYLE.search(value):
                yield f"{where}: active style attribute {value!r}"
            elif lowered not in URL_ATTRIBUTES:
                continue
            elif url.startswith(DANGEROUS_SCHEMES) or (
                lowered == "srcset" and any(s in url for s in DANGEROUS_SCHEMES)
            ):
                yield f"{where}: {attribute}={value!r} on <{element.name}>"
            elif inside_svg and not url.startswith("#"):
                yield f"{where}: inline SVG refers outside itself: {attribute}={value!r}"
            elif loads and url.startswith(REMOTE):
                yield f"{where}: <{element.name}> loads from another host: {value!r}"


# The backlog's own filter form (backlog.md.j2), the one form a page may hold: it sends
# nothing anywhere, and its fields are these.
FILTER_FORM_FIELDS = {"filter", "status", "priority", "owner", "activity", "sort", "order"}


def is_filter_form(element: Tag, where: str) -> bool:
    form = element if element.name == "form" else element.find_parent("form")
    if form is None or form.get("id") != "cireg-filters" or not where.startswith("backlog"):
        return False
    if any(form.has_attr(name) for name in ("action", "method", "target")):
        return False
    fields = {str(f.get("name")) for f in form.find_all(["input", "select", "textarea"])}
    return fields == FILTER_FORM_FIELDS and not form.find_all("textarea")


def article_problems(article: Tag, where: str) -> Iterator[str]:
    for element in article.find_all(True):
        if element.name.lower() in NEVER_IN_ARTICLE and not is_filter_form(element, where):
            yield f"{where}: <{element.name}> inside the article: {str(element)[:120]}"
    for comment in article.find_all(string=lambda s: isinstance(s, Comment)):
        yield f"{where}: HTML comment inside the article: <!--{comment}-->"


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def scan_html_site(site: Path, theme_scripts: Counter[str]) -> list[str]:
    problems: list[str] = []
    for path in html_files(site):
        where = path.relative_to(site).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        problems.extend(markup_problems(soup, where))
        scripts = page_scripts(soup)
        if scripts != theme_scripts:
            extra = scripts - theme_scripts
            missing = theme_scripts - scripts
            problems.append(
                f"{where}: scripts differ from the theme's: extra {list(extra)[:3]}, missing {len(missing)}"
            )
        for article in soup.find_all("article"):
            problems.extend(article_problems(article, where))
    return problems


def svg_problems(path: Path, where: str) -> Iterator[str]:
    yield from svg_text_problems(path.read_text(encoding="utf-8"), where)


def svg_text_problems(text: str, where: str) -> Iterator[str]:
    for needle in ("<script", "javascript:", "<!doctype", "<!entity", "@import", "<foreignobject"):
        if needle in text.lower():
            yield f"{where}: contains {needle!r}"
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        yield f"{where}: not well-formed XML: {error}"
        return
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        yield f"{where}: root element is {root.tag}, not svg"
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe", "image", "use", "style"):
            yield f"{where}: <{local}> element"
        for attribute, value in element.attrib.items():
            local_attribute = attribute.rsplit("}", 1)[-1].lower()
            if local_attribute.startswith("on"):
                yield f"{where}: event handler {attribute} on <{local}>"
            if local_attribute in ("href", "src") and not value.startswith("#"):
                yield f"{where}: external reference {attribute}={value!r}"
            if re.search(r"url\((?!\s*#)", value):
                yield f"{where}: external url() in {attribute}={value!r}"


def fragment(html_text: str) -> BeautifulSoup:
    return BeautifulSoup(html_text, "html.parser")
