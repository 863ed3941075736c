"""The Nu Html Checker's language detection on a site in another language: cireg's English
content is marked `lang="en"`, so the checker finds no page "written in English" under
`<html lang="de">` (WCAG 3.1.1 and 3.1.2). The checker is the W3C's own (vnu.jar, pinned in
tests/nu/package-lock.json; install it with `npm ci --prefix tests/nu`; it needs Java).

Without Java or the checker these tests are skipped with a message saying so, unless
CIREG_REQUIRE_NU=1 (set by `.ci/run`): there they fail."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import pytest

import third_party
from test_material_interop import build_variant

NU_JAR = Path(__file__).resolve().parent / "nu/node_modules/vnu-jar/build/dist/vnu.jar"
INSTALL_HINT = "install it with `npm ci --prefix tests/nu` (and a Java runtime)"
ENGLISH_UNDER_ANOTHER_LANG = "appears to be written in English but"


def unavailable(reason: str) -> NoReturn:
    third_party.unavailable("Nu checker tests", "CIREG_REQUIRE_NU", reason)


@pytest.fixture(scope="module")
def nu_checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable(f"no Java runtime (`java` is not on PATH); {INSTALL_HINT}")
    if not NU_JAR.is_file():
        unavailable(f"the Nu checker is not at {NU_JAR}; {INSTALL_HINT}")
    return [java, "-jar", str(NU_JAR)]


def nu_messages(checker: list[str], *targets: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [*checker, "--format", "json", "--skip-non-html", *map(str, targets)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # The checker exits 1 when it finds errors (the theme's own markup has some); its report
    # goes to stderr either way.
    messages: list[dict[str, Any]] = json.loads(done.stderr)["messages"]
    return messages


def language_mismatches(messages: list[dict[str, Any]]) -> list[str]:
    return [
        f"{m.get('url', '')}: {m['message']}"
        for m in messages
        if ENGLISH_UNDER_ANOTHER_LANG in m.get("message", "")
    ]


def test_the_checker_sees_english_under_another_language(
    nu_checker: list[str], tmp_path: Path
) -> None:
    """The test can fail: unmarked English text under lang="de" is what it reports."""
    sentence = (
        "The service desk answers calls from students and staff, and this initiative makes "
        "the first response faster during exam periods when the queue is longest."
    )
    text = " ".join([sentence] * 8)
    unmarked = tmp_path / "unmarked.html"
    unmarked.write_text(
        f'<!DOCTYPE html><html lang="de"><head><title>Seite</title></head><body><p>{text}</p>'
        "</body></html>",
        encoding="utf-8",
    )
    marked = tmp_path / "marked.html"
    marked.write_text(
        f'<!DOCTYPE html><html lang="de"><head><title>Seite</title></head><body>'
        f'<div lang="en"><p>{text}</p></div></body></html>',
        encoding="utf-8",
    )
    found = language_mismatches(nu_messages(nu_checker, unmarked, marked))
    assert len(found) == 1 and "unmarked.html" in found[0], found


def test_a_german_site_has_no_english_page_under_lang_de(
    nu_checker: list[str], tmp_path: Path
) -> None:
    built = build_variant("de", tmp_path)
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 20
    messages = nu_messages(nu_checker, built.site)
    checked = {m.get("url") for m in messages}
    assert not language_mismatches(messages), "\n".join(language_mismatches(messages))
    # The checker read the site (it reports the theme's own markup, so it saw the pages).
    assert checked, "the Nu checker reported nothing at all"
