"""One URL helper (`render.layout.page_url`, `relative_url`) for every link cireg writes
(pages, figures, the feed, SARIF help links), following MkDocs' own rules: checked here
against MkDocs 1.6's `File.url` and `get_relative_url` themselves."""

from __future__ import annotations

import itertools

import pytest
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from cireg.render.layout import SiteLayout, page_url, relative_url

SOURCES = [
    "index.md",
    "README.md",
    "backlog.md",
    "notes.markdown",
    "guide/index.md",
    "guide/README.md",
    "initiatives/faster-password-resets.md",
    "initiatives/Café wifi.md",
    "initiatives/a#b?c%d.md",
    "initiatives/x.y.md",
    "badges/faster-password-resets.svg",
    "badges/steps/complete.svg",
    "register.json",
    "schemas/initiative.schema.json",
    "assets/cireg/cireg.css",
    "feed.xml",
    "files/a b+c.pdf",
    "deep/er/still/page.md",
]


def _mkdocs_url(src_uri: str, use_directory_urls: bool) -> str:
    return File(src_uri, "/docs", "/site", use_directory_urls).url


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_page_urls_are_mkdocs_file_urls(use_directory_urls: bool) -> None:
    for src_uri in SOURCES:
        assert page_url(src_uri, use_directory_urls) == _mkdocs_url(src_uri, use_directory_urls), (
            src_uri
        )


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_relative_urls_are_mkdocs_relative_urls(use_directory_urls: bool) -> None:
    urls = [_mkdocs_url(src, use_directory_urls) for src in SOURCES]
    for url, other in itertools.product(urls, repeat=2):
        assert relative_url(url, other) == get_relative_url(url, other), (url, other)


def test_links_between_files_are_what_mkdocs_links() -> None:
    layout = SiteLayout()
    for source, target in itertools.product(SOURCES, repeat=2):
        expected = get_relative_url(_mkdocs_url(target, True), _mkdocs_url(source, True))
        assert layout.href(source, target) == expected, (source, target)
    assert layout.href("backlog.md", "initiatives/Café wifi.md", "kpis") == (
        "../initiatives/Caf%C3%A9%20wifi/#kpis"
    )


def test_a_name_that_is_not_utf8_is_encoded_as_its_bytes() -> None:
    # os.fsdecode(b"caf\xe9.md"): what a Latin-1 file name becomes in Python
    assert page_url("caf\udce9.md", True) == "caf%E9/"
    assert page_url("lone-\ud800.svg", True) == "lone-%3F.svg"
