"""The register's site with the rest of Material for MkDocs: its blog, tags and offline plugins,
another language, and no directory URLs. Each site is the reference project with one change,
built once per module; in every one, every link of every page must lead to a file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from cireg.render.page_context import front_matter
from conftest import REPO
from site_links import ATOM, check_links, link_target
from sitebuild import Build, build_site, copy_project

# A date at which some reviews and targets are overdue, so that the attention figures link to
# initiatives; the build then warns about them, so such a site is built without --strict.
LATER = "2030-01-01"
# The wording of the tags_file deprecation differs from one Material release to the next.
ALLOWED_WARNINGS = ("[stale-review]", "[overdue]", "option 'tags_file': ")
BLOG_POST = """---
date: 2026-03-01
---
# Register news

What needs attention, in the post and in its excerpt on the blog's index:

<!-- cireg:attention -->

<!-- more -->

The rest of the post.
"""


def _cireg_options(config: dict[str, Any]) -> dict[str, Any]:
    entry = next(p for p in config["plugins"] if isinstance(p, dict) and "cireg" in p)
    options: dict[str, Any] = entry["cireg"]
    return options


def _blog(config: dict[str, Any], docs: Path) -> None:
    config["plugins"].insert(1, "blog")
    config["nav"].append({"Blog": "blog/index.md"})
    _cireg_options(config)["today"] = LATER
    (docs / "blog" / "posts").mkdir(parents=True)
    (docs / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (docs / "blog" / "posts" / "news.md").write_text(BLOG_POST, encoding="utf-8")


def _tags(config: dict[str, Any], docs: Path) -> None:
    config["plugins"].insert(1, "tags")
    config["nav"].append({"Tags": "tags.md"})
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")


def _legacy_tags(config: dict[str, Any], docs: Path) -> None:
    """The tags plugin as configured before Material 9.6: the index page named in `tags_file`."""
    config["plugins"].insert(1, {"tags": {"tags_file": "tags.md"}})
    config["nav"].append({"Tags": "tags.md"})
    (docs / "tags.md").write_text("# Tags\n", encoding="utf-8")


def _german(config: dict[str, Any], docs: Path) -> None:
    config["theme"]["language"] = "de"


def _no_directory_urls(config: dict[str, Any], docs: Path) -> None:
    config["use_directory_urls"] = False


def _offline(config: dict[str, Any], docs: Path) -> None:
    # After cireg: it turns directory URLs off in its `on_config`, after cireg's has run.
    config["plugins"].append("offline")


SITES: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "blog": _blog,
    "tags": _tags,
    "legacy-tags": _legacy_tags,
    "de": _german,
    "no-directory-urls": _no_directory_urls,
    "offline": _offline,
}
FILE_URL_SITES = ("no-directory-urls", "offline")  # read from files: links name index.html
# Built without --strict: they warn, as they should (overdue items; `tags_file` deprecated).
WARNING_SITES = ("blog", "legacy-tags")


def build_variant(name: str, folder: Path) -> Build:
    project = copy_project(folder / "project")
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    SITES[name](config, project / config["docs_dir"])
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    built = build_site(project, strict=name not in WARNING_SITES)
    assert built.ok, built.output
    unexpected = [
        line
        for line in built.output.splitlines()
        if line.startswith("WARNING") and not any(a in line for a in ALLOWED_WARNINGS)
    ]
    assert not unexpected, built.output
    return built


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Build]:
    """The site of one variant, built on first use."""
    built: dict[str, Build] = {}

    def get(name: str) -> Build:
        if name not in built:
            built[name] = build_variant(name, tmp_path_factory.mktemp(name))
        return built[name]

    return get


def pages(build: Build) -> Iterator[tuple[str, BeautifulSoup]]:
    for path in sorted(build.site.rglob("*.html")):
        relative = path.relative_to(build.site).as_posix()
        yield relative, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def resolve(build: Build, page: str, href: str) -> Path:
    """The file a link of `page` (relative to the site) leads to."""
    target = link_target(build.site, build.site / page, href)
    assert target is not None, (page, href)
    return target


def language_of(element: Tag) -> str | None:
    """The language an element is in: its own `lang`, else its nearest ancestor's."""
    marked = element if element.has_attr("lang") else element.find_parent(attrs={"lang": True})
    return str(marked["lang"]) if marked is not None else None


def article(soup: BeautifulSoup) -> Tag:
    found = soup.select_one("article.md-content__inner")
    assert found is not None
    return found


# --- every variant ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SITES)
def test_every_link_leads_to_a_file_of_the_site(site: Callable[[str], Build], name: str) -> None:
    built = site(name)
    report = check_links(built.site, directory_urls=name not in FILE_URL_SITES)
    assert report.checked > 500, report.checked
    assert not report.broken, "\n".join(report.broken)


@pytest.mark.parametrize("name", SITES)
def test_no_link_token_is_left_in_any_file(site: Callable[[str], Build], name: str) -> None:
    """cireg's links stand as tokens until a page's URL is final (`layout.resolve_links`)."""
    for path in site(name).site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".js"):
            assert b"cireg-link-" not in path.read_bytes(), path


@pytest.mark.parametrize("name", SITES)
def test_every_page_links_the_feed(site: Callable[[str], Build], name: str) -> None:
    built = site(name)
    feed = (built.site / "feed.xml").resolve()
    for path in sorted(built.site.rglob("*.html")):
        page = path.relative_to(built.site).as_posix()
        if page == "404.html":  # not a page of the site: MkDocs' plugins never see it
            continue
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        links = BeautifulSoup(head, "html.parser").select(
            'link[rel="alternate"][type="application/atom+xml"]'
        )
        assert len(links) == 1, page
        assert resolve(built, page, str(links[0]["href"])) == feed, (page, links[0]["href"])


# --- Material's blog -------------------------------------------------------------------------


def test_a_blog_post_and_its_excerpt_link_the_register_from_where_they_are_shown(
    site: Callable[[str], Build],
) -> None:
    built = site("blog")
    post = "blog/2026/03/01/register-news/index.html"  # the blog's URL, not the docs folder's
    for page in (post, "blog/index.html"):
        figure = built.html(page).select_one('[data-figure="attention"]')
        assert figure is not None, page
        links = [str(a["href"]) for a in figure.select("a[href]")]
        assert links, page
        for href in links:
            target = resolve(built, page, href)
            assert target.parent.parent.name == "initiatives" and target.is_file(), (page, href)


# --- Material's tags -------------------------------------------------------------------------


def tags_by_initiative() -> dict[str, set[str]]:
    """Each initiative's tags, read from the reference register's files."""
    tags = {}
    for path in sorted((REPO / "initiatives").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        tags[path.stem] = set(data.get("tags") or [])
    return tags


@pytest.mark.parametrize("name", ["tags", "legacy-tags"])
def test_an_initiatives_tags_are_its_pages_tags(site: Callable[[str], Build], name: str) -> None:
    built = site(name)
    expected = tags_by_initiative()
    assert any(expected.values())
    index = (built.site / "tags" / "index.html").resolve()
    for initiative_id, tags in expected.items():
        page = f"initiatives/{initiative_id}/index.html"
        shown = built.html(page).select("nav.md-tags a.md-tag")
        assert {tag.get_text(strip=True) for tag in shown} == tags, page
        for tag in shown:
            assert resolve(built, page, str(tag["href"])) == index, (page, tag["href"])


@pytest.mark.parametrize("name", ["tags", "legacy-tags"])
def test_the_tags_index_lists_every_tagged_initiative(
    site: Callable[[str], Build], name: str
) -> None:
    built = site(name)
    listed: dict[str, set[str]] = {}
    for heading in article(built.html("tags/index.html")).select('h2[id^="tag:"]'):
        name_tag = heading.select_one(".md-tag")
        items = heading.find_next_sibling("ul")
        assert name_tag is not None and isinstance(items, Tag), heading
        for link in items.select("a[href]"):
            target = resolve(built, "tags/index.html", str(link["href"]))
            listed.setdefault(target.parent.name, set()).add(name_tag.get_text(strip=True))
    assert listed == {i: tags for i, tags in tags_by_initiative().items() if tags}


def test_a_tag_reaches_the_theme_as_text() -> None:
    """Material prints tag names without escaping: the front matter holds them escaped."""
    tags = ["<img src=x onerror=alert(1)>", 'a "quoted", [listed] tag', "two\nlines", " "]
    meta = yaml.safe_load(str(front_matter("Title", tags=tags)).split("---\n")[1])
    assert meta["tags"] == [
        "&lt;img src=x onerror=alert(1)&gt;",
        "a &quot;quoted&quot;, [listed] tag",
        "two lines",
    ]


# --- another language ------------------------------------------------------------------------

GENERATED_PAGES = ("backlog", "principles", "format-reference")
MATERIAL_CHROME = ("md-content__button", "md-tags")  # the edit link, a page's tags


def test_the_register_is_marked_english_on_a_german_site(site: Callable[[str], Build]) -> None:
    built = site("de")
    generated = [f"{p}/index.html" for p in GENERATED_PAGES]
    generated += [f"initiatives/{i}/index.html" for i in tags_by_initiative()]
    for page, soup in pages(built):
        html_tag = soup.find("html")
        assert isinstance(html_tag, Tag) and html_tag["lang"] == "de", page
        if page not in generated:
            continue
        # All of the page's content is cireg's, in one element marked English; besides it,
        # only the theme's own (German) controls.
        content = [child for child in article(soup).children if isinstance(child, Tag)]
        english = [child for child in content if child.get("lang") == "en"]
        assert len(english) == 1 and english[0].find("h1") is not None, page
        others = [c for c in content if c not in english]
        assert all(set(c.get("class") or []) & set(MATERIAL_CHROME) for c in others), page
    home = article(built.html("index.html"))
    figures = home.select(".cireg-figures")
    assert len(figures) == 1 and language_of(figures[0]) == "en"
    # The page's own text keeps the site's language.
    own_text = home.find("p")
    assert isinstance(own_text, Tag) and language_of(own_text) == "de"


def test_an_english_site_marks_no_language_of_its_own(site: Callable[[str], Build]) -> None:
    built = site("tags")
    for page, soup in pages(built):
        assert soup.select("article [lang]") == [], page


# --- sites read from files -------------------------------------------------------------------


@pytest.mark.parametrize("name", FILE_URL_SITES)
def test_the_feed_links_pages_as_files(site: Callable[[str], Build], name: str) -> None:
    feed = ET.parse(site(name).site / "feed.xml").getroot()
    links = [link.get("href", "") for link in feed.iter(f"{ATOM}link")]
    pages_linked = [href for href in links if href != "feed.xml"]
    assert pages_linked and all(href.endswith(".html") for href in pages_linked), pages_linked
