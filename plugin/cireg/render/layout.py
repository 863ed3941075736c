"""Where each generated page and file lives in the site, and the links between them.

Generated pages hold their tables and figures as raw HTML, which MkDocs neither rewrites
nor validates, so links are computed here by MkDocs' own rules (`File.url` and
`get_relative_url` of MkDocs 1.6), in one place: with `use_directory_urls`,
`initiatives/x.md` is served at `initiatives/x/`, else at `initiatives/x.html`, and a URL
is percent-encoded as MkDocs encodes it.

Those are the links of a page at its place in the docs folder. Within a build, plugins may
serve a page elsewhere (Material's blog gives a post a dated URL and shows its excerpt on other
pages), so generated HTML holds link tokens instead, resolved once the page's URL is final."""

from __future__ import annotations

import hashlib
import posixpath
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache, partial
from urllib.parse import quote

from markupsafe import escape

from cireg.report import one_line
from cireg.site_options import DEFAULTS, SiteOptions

# The href of a link to a file of the site: (target src_uri, fragment) -> href.
LinkResolver = Callable[[str, str], str]


@dataclass(frozen=True)
class SiteLayout:
    """Where the register's files go in the site: the site options that place them (their
    defaults are SiteOptions'), and the two assets, which always go to the same place."""

    pages_dir: str = DEFAULTS.pages_dir
    backlog_page: str = DEFAULTS.backlog_page
    principles_page: str = DEFAULTS.principles_page
    format_page: str = DEFAULTS.format_page  # made from the schema and the rules
    badges_dir: str = DEFAULTS.badges_dir
    register_json: str = DEFAULTS.register_json
    feed: str = DEFAULTS.feed  # Atom feed of the register's recent events
    schema_file: str = DEFAULTS.schema_file
    register_schema_file: str = DEFAULTS.register_schema_file  # the shape of register.json
    stylesheet: str = "assets/cireg/cireg.css"
    script: str = "assets/cireg/cireg.js"  # filters and sorts the backlog
    use_directory_urls: bool = DEFAULTS.use_directory_urls

    @classmethod
    def of(cls, options: SiteOptions) -> SiteLayout:
        """The layout that `options` give (checked, folders without a trailing slash)."""
        placed = {f.name: getattr(options, f.name) for f in fields(cls) if hasattr(options, f.name)}
        return cls(**placed)

    def initiative_page(self, initiative_id: str) -> str:
        return posixpath.join(self.pages_dir, f"{file_name_of(initiative_id)}.md")

    def badge(self, initiative_id: str) -> str:
        return posixpath.join(self.badges_dir, f"{file_name_of(initiative_id)}.svg")

    def state_badge(self, state: str) -> str:
        """The shared badge of one step state (ids cannot hold a slash, so no clash)."""
        return posixpath.join(self.badges_dir, "steps", f"{state}.svg")

    def url_of(self, src_uri: str) -> str:
        """The URL, relative to the site root, that MkDocs serves `src_uri` at."""
        return page_url(src_uri, self.use_directory_urls)

    def href(self, from_src: str, to_src: str, fragment: str = "") -> str:
        """A relative link from the page `from_src` to the page or file `to_src`."""
        return _href(self, from_src, to_src, fragment)

    def links_from(self, page_src: str) -> LinkResolver:
        """The links of the page `page_src` at its place in the docs folder."""
        return partial(self.href, page_src)


# Every build asks for the same few thousand links again (each backlog row, each feed
# entry): remembered, a rebuild skips their path arithmetic.
@lru_cache(maxsize=1 << 16)
def _href(layout: SiteLayout, from_src: str, to_src: str, fragment: str) -> str:
    here = layout.url_of(from_src)
    there = layout.url_of(to_src)
    return relative_url(there, here) + (f"#{fragment}" if fragment else "")


# MkDocs' `utils.markdown_extensions`: the files it makes pages of.
MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL, relative to the site root, that MkDocs serves the file `src_uri` of the docs
    folder at, percent-encoded: MkDocs' `File.url`. A page `x.md` is served at `x/` (or
    `x.html`), `index.md` and `README.md` at their folder; any other file at its path."""
    dest = src_uri
    if src_uri.endswith(MARKDOWN_SUFFIXES):
        folder, filename = posixpath.split(src_uri)
        stem = posixpath.splitext(filename)[0]
        name = "index" if stem in ("index", "README") else stem
        if use_directory_urls and name != "index":
            dest = posixpath.join(folder, name, "index.html")
        else:
            dest = posixpath.join(folder, name + ".html")
    folder, filename = posixpath.split(dest)
    if use_directory_urls and filename == "index.html":
        dest = (folder or ".") + "/"
    return url_quote(dest)


def url_quote(url: str) -> str:
    """Percent-encode what a file name may hold but a URL may not, as MkDocs does (`quote`,
    `/` kept). A file name that is not UTF-8 reaches Python as surrogate escapes: its own
    bytes are encoded; any other lone surrogate becomes `?`, encoded."""
    try:
        return quote(url, errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(url, errors="replace")


def relative_url(url: str, other: str) -> str:
    """`url` relative to `other`, both site URLs as `page_url` gives them: MkDocs'
    `get_relative_url` (the last part of `other` is dropped when it holds a dot, a file)."""
    folder, _, last = other.rpartition("/")
    if "." in last:
        other = folder
    other_parts, url_parts = _parts(other), _parts(url)
    common = 0
    for mine, theirs in zip(other_parts, url_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    relative = "/".join([".."] * (len(other_parts) - common) + url_parts[common:]) or "."
    return relative + "/" if url.endswith("/") else relative


def _parts(path: str) -> list[str]:
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return path.split("/") if path else []


# A token names its target in hex, which neither HTML escaping nor Markdown changes, after a
# prefix with a secret of this process, so that no author text can pass for a token.
LINK_TOKEN_PREFIX = f"cireg-link-{secrets.token_hex(6)}-"
_LINK_TOKEN = re.compile(re.escape(LINK_TOKEN_PREFIX) + r"([0-9a-f]+)\.([0-9a-f]*)\.")


def file_name_of(initiative_id: str) -> str:
    """The name of an initiative's page and badge in the site. An id that breaks the id
    rule still gets its page (its findings are shown there); when it holds characters that
    no file or URL should (a line break, an escape, a byte that is not UTF-8), they give way
    to `-` and a short digest of the id keeps such names apart."""
    if one_line(initiative_id) == initiative_id:
        return initiative_id
    digest = hashlib.sha256(initiative_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", initiative_id).strip("-.") or "initiative"
    return f"{readable}-{digest}"


def link_token(to_src: str, fragment: str = "") -> str:
    """A stand-in for the link to `to_src`, for `resolve_links` to replace."""
    return f"{LINK_TOKEN_PREFIX}{_hex(to_src)}.{_hex(fragment)}."


def _hex(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").hex()


def resolve_links(text: str, links: LinkResolver) -> str:
    """`text` (HTML, where tokens stand as escaped text) with every link token replaced by
    the href that `links` gives, escaped the same way."""
    if LINK_TOKEN_PREFIX not in text:
        return text
    resolved: dict[str, str] = {}  # a page links to the same few files many times

    def replace(match: re.Match[str]) -> str:
        token = match.group()
        href = resolved.get(token)
        if href is None:
            to_src, fragment = (
                bytes.fromhex(part).decode("utf-8", "surrogatepass") for part in match.groups()
            )
            href = resolved[token] = str(escape(links(to_src, fragment)))
        return href

    return _LINK_TOKEN.sub(replace, text)
