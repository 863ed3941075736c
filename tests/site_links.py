"""A link checker for built sites: every link of every page (and of the Atom feed) must lead
to a file of the site, as a reader's browser would resolve it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = ("href", "src")
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class LinkReport:
    checked: int = 0
    broken: list[str] = field(default_factory=list)  # "page: link", for the failure message


def check_links(site: Path, *, directory_urls: bool = True) -> LinkReport:
    """Every internal href and src of every HTML page (head included) and every link of
    `feed.xml`. A link to a folder is served as its index.html only with directory URLs: a
    site built without them is meant to be read from files, where a folder opens nothing."""
    report = LinkReport()
    for page in sorted(site.rglob("*.html")):
        collector = _LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        collector.close()
        for link in collector.links:
            _check(site, page, link, directory_urls, report)
    feed = site / "feed.xml"
    if feed.is_file():
        for link in ET.parse(feed).getroot().iter(f"{ATOM}link"):
            _check(site, feed, link.get("href", ""), directory_urls, report)
    return report


class _LinkCollector(HTMLParser):
    """The href and src of every element, as a browser reads them (character references
    decoded); a parser without a tree, as a site has many pages to read."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in LINK_ATTRIBUTES and value]


def link_target(site: Path, page: Path, link: str, *, directory_urls: bool = True) -> Path | None:
    """The path that `link` on `page` leads to, None for a link out of the site (another
    host, mailto:, data:) or to a fragment of the page itself."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    # An absolute path is the site's root (404.html uses them when there is no site_url).
    base = site if path.startswith("/") else page.parent
    target = Path(base, *PurePosixPath(path.lstrip("/")).parts).resolve()
    return target / "index.html" if directory_urls and target.is_dir() else target


def _check(site: Path, page: Path, link: str, directory_urls: bool, report: LinkReport) -> None:
    target = link_target(site, page, link, directory_urls=directory_urls)
    if target is None:
        return
    report.checked += 1
    if not (target.is_file() and target.is_relative_to(site.resolve())):
        report.broken.append(f"{page.relative_to(site)}: {link}")
