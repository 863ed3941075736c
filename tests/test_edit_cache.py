"""The edit loop's caches: `mkdocs serve` reuses what it checked and rendered for files whose
bytes did not change, and a rebuild must still be exactly the site a cold build makes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from mkdocs.config import load_config

from cireg.check import CheckCache, check_register
from cireg.findings import Finding, Severity
from cireg.render.memo import COUNTS, remembered
from conftest import REPO, TODAY
from sitebuild import copy_project, serve_build


def _copy_register(tmp_path: Path) -> Path:
    folder = tmp_path / "initiatives"
    shutil.copytree(REPO / "initiatives", folder)
    return folder


def _by_id(folder: Path, cache: CheckCache, today: dt.date = TODAY) -> dict[str, object]:
    return {i.id: i for i in check_register(str(folder), today, cache=cache).initiatives}


def test_the_check_cache_reuses_unchanged_files_only(tmp_path: Path) -> None:
    folder = _copy_register(tmp_path)
    cache: CheckCache = {}
    first = _by_id(folder, cache)
    again = _by_id(folder, cache)
    assert all(again[key] is first[key] for key in first)

    edited = folder / "exam-desk-response.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    (folder / "event-noise-reduction.yaml").unlink()
    after = _by_id(folder, cache)
    assert after["exam-desk-response"] is not first["exam-desk-response"]
    assert "event-noise-reduction" not in after
    assert not any("event-noise-reduction" in path for path in cache)
    unchanged = set(after) - {"exam-desk-response"}
    assert unchanged and all(after[key] is first[key] for key in unchanged)

    # Date rules depend on today: another day checks every file again.
    tomorrow = _by_id(folder, cache, TODAY + dt.timedelta(days=1))
    assert not any(tomorrow[key] is after[key] for key in after)


def test_a_cached_check_gives_the_findings_of_a_fresh_one(tmp_path: Path) -> None:
    folder = _copy_register(tmp_path)
    cache: CheckCache = {}
    check_register(str(folder), TODAY, cache=cache)
    # Break the link back from the next iteration: the file that links to it did not change,
    # yet its findings must (iteration-link is a rule across files).
    pilot = folder / "passwordless-sign-in-pilot.yaml"
    pilot.write_text(
        pilot.read_text(encoding="utf-8").replace(
            "previous_iteration: mfa-self-enrolment", "previous_iteration: exam-desk-response"
        ),
        encoding="utf-8",
    )
    cached = check_register(str(folder), TODAY, cache=cache)
    fresh = check_register(str(folder), TODAY)
    assert cached.findings == fresh.findings
    assert {f.rule for f in cached.findings} >= {"iteration-link"}
    for kept, new in zip(cached.initiatives, fresh.initiatives, strict=True):
        assert (kept.id, kept.findings) == (new.id, new.findings)


def test_a_kept_result_is_made_again_when_its_inputs_or_findings_change() -> None:
    register = check_register(str(REPO / "initiatives"), TODAY)
    initiative = register.initiatives[0]
    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    assert remembered("page", initiative, ("site", 1), make) == 1
    assert remembered("page", initiative, ("site", 1), make) == 1  # kept
    assert remembered("badge", initiative, ("site", 1), make) == 2  # another kind
    assert remembered("page", initiative, ("site", 2), make) == 3  # other inputs
    another = Finding(initiative.display_path, 1, 1, Severity.WARNING, "overdue", "late")
    initiative.findings = [*initiative.findings, another]
    assert remembered("page", initiative, ("site", 2), make) == 4  # other findings
    again = check_register(str(REPO / "initiatives"), TODAY).initiatives[0]
    assert again.id == initiative.id
    assert remembered("page", again, ("site", 2), make) == 5  # another model of the file


def test_a_kept_result_goes_with_its_initiative() -> None:
    import gc
    import weakref

    from cireg.render import memo

    initiative = check_register(str(REPO / "initiatives"), TODAY).initiatives[0]
    remembered("page", initiative, (), lambda: "page")
    gone = weakref.ref(initiative)
    kept = len(memo._KEPT)
    del initiative
    gc.collect()
    assert gone() is None
    assert len(memo._KEPT) < kept


def _site_files(site: Path) -> dict[str, bytes]:
    # The gzip header of the sitemap holds the build's time; sitemap.xml has its content.
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name != "sitemap.xml.gz"
    }


def _forget_caches(project: Path) -> None:
    """MkDocs keeps one plugin instance per process: empty what it kept between builds."""
    plugin = load_config(str(project / "mkdocs.yml")).plugins["cireg"]
    plugin.check_cache.clear()  # type: ignore[attr-defined]


def test_a_served_rebuild_after_edits_is_byte_for_byte_the_cold_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    register = project / "initiatives"
    _forget_caches(project)
    assert serve_build(project).ok  # cold: fills the caches

    # One edit of each kind: a title (its page, the backlog, register.json, the feed), a
    # broken link that changes another file's findings, a new file, a removed one, and a
    # file that no longer parses (it gets its page of findings while serving).
    edited = register / "exam-desk-response.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("title: ", "title: Renamed -- ", 1),
        encoding="utf-8",
    )
    pilot = register / "passwordless-sign-in-pilot.yaml"
    pilot.write_text(
        pilot.read_text(encoding="utf-8").replace(
            "previous_iteration: mfa-self-enrolment", "previous_iteration: exam-desk-response"
        ),
        encoding="utf-8",
    )
    shutil.copy(register / "library-wifi-capacity.yaml", register / "library-wifi-copy.yaml")
    (register / "event-noise-reduction.yaml").unlink()
    (register / "knowledge-article-reuse.yaml").write_text("title: [unclosed\n", encoding="utf-8")

    hits = COUNTS.hits
    assert serve_build(project).ok  # warm: from the caches where the bytes did not change
    assert COUNTS.hits > hits
    served = _site_files(project / "site")

    _forget_caches(project)
    assert serve_build(project).ok
    cold = _site_files(project / "site")
    assert served.keys() == cold.keys()
    assert [name for name in served if served[name] != cold[name]] == []
    page = served["initiatives/exam-desk-response/index.html"].decode("utf-8")
    assert "Renamed -- " in page


def test_register_json_assembled_from_record_texts_is_the_plain_dump(tmp_path: Path) -> None:
    """register.json is put together from each initiative's record text (so that serve can
    keep it); it must be exactly the dump of the whole record, unreadable files included."""
    import json

    from cireg.render.register_json import register_record, render_register_json

    folder = _copy_register(tmp_path)
    (folder / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (folder / "odd.yaml").write_text('title: "a <b> & \\"c\\""\nstatus: idea\n', encoding="utf-8")
    register = check_register(str(folder), TODAY)
    plain = json.dumps(register_record(register, TODAY), ensure_ascii=False, separators=(",", ":"))
    expected = plain.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert render_register_json(register, TODAY) == expected + "\n"
    hits = COUNTS.hits
    assert render_register_json(register, TODAY) == expected + "\n"  # from what was kept
    assert COUNTS.hits - hits == len(register.initiatives)
