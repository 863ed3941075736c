"""`cireg validate --format sarif` as GitHub code scanning takes it: every rule described,
locations as percent-encoded references relative to a declared root, fingerprints that
survive lines moving; checked against the official SARIF 2.1.0 schema and by the SARIF
Multitool's SARIF and GitHub rules, on a register whose file names need encoding.

The schema is OASIS's (`sarif-2.1/schema/sarif-schema-2.1.0.json` of the SARIF TC's
repository, the errata01 standard), vendored as tests/sarif/sarif-schema-2.1.0.json.
The Multitool (npm `@microsoft/sarif-multitool`, a self-contained .NET program per platform)
is pinned in tests/sarif/package-lock.json: install it with `npm ci --prefix tests/sarif`, or
point CIREG_SARIF_MULTITOOL at its program. Without it the Multitool tests are skipped with a
message saying so, unless CIREG_REQUIRE_SARIF=1 (set by `.ci/run`): there they fail."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import pytest
from jsonschema.validators import validator_for

import third_party
from cireg.findings import Finding, Severity
from cireg.render.format_reference import render_format_reference
from cireg.report import (
    SARIF_FINGERPRINT,
    SOURCE_ROOT_ID,
    Summary,
    finding_fingerprints,
    render_sarif,
)
from cireg.rules import RULES
from cireg.rules.descriptions import RULE_DESCRIPTIONS, describe, rule_anchor
from cireg.schema import load_schema
from conftest import FIXTURES, REPO, TODAY_TEXT, run_cireg
from third_party import required

SARIF_DIR = REPO / "tests" / "sarif"
SCHEMA_FILE = SARIF_DIR / "sarif-schema-2.1.0.json"
INSTALL_HINT = "install it with `npm ci --prefix tests/sarif`"
IDEA = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: {review}\nvision:\n  statement: Better.\n"
PASCAL_CASE = re.compile(r"[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)+")
# A relative reference's path as RFC 3986 allows it: unreserved and sub-delimiter characters,
# `:`, `@`, `/` and percent-encoded octets, not starting with `/`.
RELATIVE_PATH = re.compile(r"(?!/)(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+")

# File names that a URI must encode, each with findings of its own, several rules in all.
ODD_REGISTER = {
    "a b#c%é.yaml": "invalid/overdue-planned-not-met.yaml",  # file-name, overdue
    "hash#name.yaml": "invalid/schema-status-finished.yaml",  # file-name, schema
    "per%cent.yaml": "invalid/smart-achievable-target-equals-baseline.yaml",
    "colon:in-name.yaml": "invalid/smart-relevant-missing.yaml",
    "duplicate-key.yaml": "invalid/duplicate-key-top-level.yaml",
    "steps-missing.yaml": "invalid/step-missing-planned-without-plan.yaml",
}
# Not UTF-8: a file name most Linux file systems take (made from bytes), macOS's do not.
NOT_UTF8_NAME = os.fsdecode(b"caf\xe9-latin1.yaml")


SITE_URL = "https://register.example/improvement/"


def odd_register(root: Path) -> Path:
    # The site's address is known: every rule's help links to the format reference.
    (root / "mkdocs.yml").write_text(
        f"site_name: Odd names\nsite_url: {SITE_URL}\nplugins:\n  - cireg\n", encoding="utf-8"
    )
    folder = root / "initiatives"
    folder.mkdir()
    for name, fixture in ODD_REGISTER.items():
        (folder / name).write_bytes((FIXTURES / fixture).read_bytes())
    (folder / "stale-one.yaml").write_text(IDEA.format(review="2026-01-01"), encoding="utf-8")
    # Where the file system refuses it, the other names still need encoding.
    with contextlib.suppress(OSError, UnicodeEncodeError):
        (folder / NOT_UTF8_NAME).write_text(IDEA.format(review="2027-01-01"), encoding="utf-8")
    return folder


def sarif_of(folder: Path, cwd: Path, target: str | None = None) -> dict[str, Any]:
    result = run_cireg(
        "validate", "--format", "sarif", "--today", TODAY_TEXT, target or str(folder), cwd=cwd
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    log: dict[str, Any] = json.loads(result.stdout)
    return log


@pytest.fixture(scope="module")
def odd_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The SARIF log of the odd register, run from its root (relative paths) and from
    elsewhere with an absolute path, each written to a file."""
    root = tmp_path_factory.mktemp("odd")
    folder = odd_register(root)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    logs = {
        "relative": sarif_of(folder, root, "initiatives"),
        "absolute": sarif_of(folder, elsewhere),
    }
    written = {}
    for kind, log in logs.items():
        path = root / f"{kind}.sarif"
        path.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
        written[kind] = path
    return written


def load(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return log


# --- the log -------------------------------------------------------------------------------


def test_the_odd_register_has_findings_of_several_rules(odd_logs: dict[str, Path]) -> None:
    results = load(odd_logs["relative"])["runs"][0]["results"]
    rules = {result["ruleId"] for result in results}
    assert {
        "file-name",
        "overdue",
        "schema",
        "smart-achievable",
        "smart-relevant",
        "duplicate-key",
        "step-missing",
        "stale-review",
    } <= rules


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_it_passes_the_official_schema(odd_logs: dict[str, Path], kind: str) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    validator = validator_for(schema)  # draft-04, as the schema's `$schema` says
    validator.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema, format_checker=validator.FORMAT_CHECKER).iter_errors(
            load(odd_logs[kind])
        )
    ]
    assert errors == []


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_locations_are_encoded_references_from_the_declared_root(
    odd_logs: dict[str, Path], kind: str
) -> None:
    (run,) = load(odd_logs[kind])["runs"]
    base = run["originalUriBaseIds"][SOURCE_ROOT_ID]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    register = odd_logs[kind].parent / "initiatives"
    named = set()
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == SOURCE_ROOT_ID
        uri = location["uri"]
        assert RELATIVE_PATH.fullmatch(uri), uri
        # Resolved against the root, the reference names the very file, bytes and all.
        resolved = urlsplit(urljoin(base, uri))
        path = Path(os.fsdecode(unquote_to_bytes(resolved.path)))
        assert path.parent == register and path.exists(), uri
        named.add(path.name)
        # Run from the register's root or from elsewhere, the root is the register's.
        assert uri.startswith("initiatives/")
    assert set(ODD_REGISTER) <= named
    if (register / NOT_UTF8_NAME).exists():
        assert NOT_UTF8_NAME in named


def test_the_odd_names_read_as_expected() -> None:
    finding = Finding("initiatives/a b#c%é?.yaml", 1, 1, Severity.ERROR, "schema", "bad")
    log = json.loads(render_sarif([finding], Summary(1, 0, 1), working_folder="/work/reg"))
    (run,) = log["runs"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "initiatives/a%20b%23c%25%C3%A9%3F.yaml"
    assert run["originalUriBaseIds"] == {SOURCE_ROOT_ID: {"uri": "file:///work/reg/"}}


def test_a_file_name_that_is_not_utf8_is_named_by_its_bytes() -> None:
    finding = Finding(NOT_UTF8_NAME, 1, 1, Severity.ERROR, "file-name", f"`{NOT_UTF8_NAME}`")
    text = render_sarif([finding], Summary(1, 0, 1), working_folder="/reg")
    text.encode("utf-8")  # no lone surrogate left
    result = json.loads(text)["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "caf%E9-latin1.yaml"
    assert result["message"]["text"] == "`caf\\udce9-latin1.yaml`"  # as the text report shows


def test_absolute_paths_are_made_relative_to_their_register_root() -> None:
    findings = [
        Finding("/srv/a/initiatives/x.yaml", 1, 1, Severity.ERROR, "schema", "bad"),
        Finding("/srv/b/initiatives/y.yaml", 1, 1, Severity.ERROR, "schema", "bad"),
    ]
    (run,) = json.loads(render_sarif(findings, Summary(2, 0, 2), working_folder="/home"))["runs"]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert uris == ["a/initiatives/x.yaml", "b/initiatives/y.yaml"]
    assert run["originalUriBaseIds"][SOURCE_ROOT_ID]["uri"] == "file:///srv/"


# --- rules ---------------------------------------------------------------------------------


def sarif_rules(rules_page_url: str | None = None) -> list[dict[str, Any]]:
    log = json.loads(render_sarif([], Summary(0, 0, 0), rules_page_url=rules_page_url))
    rules: list[dict[str, Any]] = log["runs"][0]["tool"]["driver"]["rules"]
    return rules


def test_every_rule_of_the_catalogue_is_described() -> None:
    assert set(RULES) <= set(RULE_DESCRIPTIONS)
    names = [describe(rule).name for rule in RULES]
    assert len(set(names)) == len(names)
    for rule in RULES:
        described = describe(rule)
        assert PASCAL_CASE.fullmatch(described.name), rule
        assert described.name.casefold() != rule.casefold(), rule
        for text in (described.explanation, described.resolution):
            assert text.endswith(".") and "\n" not in text and text.count("`") % 2 == 0, rule


def test_every_descriptor_has_what_code_scanning_shows() -> None:
    rules = sarif_rules()
    assert [rule["id"] for rule in rules] == list(RULES)
    for rule in rules:
        assert rule["name"] != rule["id"]
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
        assert rule["fullDescription"]["text"]
        assert "`" not in rule["fullDescription"]["text"] + rule["help"]["text"]
        assert rule["help"]["markdown"].startswith(describe(rule["id"]).explanation)
        assert rule["defaultConfiguration"]["level"] == RULES[rule["id"]].severity.value
        assert "helpUri" not in rule  # the site's address is not known


def test_help_links_point_at_the_rules_rows_of_the_format_reference() -> None:
    page_url = "https://register.example/format-reference/"
    page = render_format_reference(load_schema(), RULES)
    for rule in sarif_rules(page_url):
        anchor = rule_anchor(rule["id"])
        assert rule["helpUri"] == f"{page_url}#{anchor}"
        assert page.count(f'id="{anchor}"') == 1, anchor


def test_the_command_line_links_help_to_the_sites_format_reference(
    odd_logs: dict[str, Path], tmp_path: Path
) -> None:
    for kind in ("relative", "absolute"):
        for rule in load(odd_logs[kind])["runs"][0]["tool"]["driver"]["rules"]:
            assert rule["helpUri"] == f"{SITE_URL}format-reference/#{rule_anchor(rule['id'])}"
    # The page where the site's own options put it.
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://example.org/reg\nuse_directory_urls: false\n"
        "plugins:\n  - cireg:\n      format_page: reference/format.md\n",
        encoding="utf-8",
    )
    folder = tmp_path / "initiatives"
    folder.mkdir()
    (folder / "stale-one.yaml").write_text(IDEA.format(review="2026-01-01"), encoding="utf-8")
    result = run_cireg("validate", "--format", "sarif", "--today", TODAY_TEXT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == "https://example.org/reg/reference/format.html#rule-yaml-syntax"


def test_a_rule_outside_the_catalogue_still_gets_a_full_descriptor() -> None:
    finding = Finding("a.yaml", 1, 1, Severity.ERROR, "brand-new", "new")
    log = json.loads(render_sarif([finding], Summary(1, 0, 1)))
    rule = log["runs"][0]["tool"]["driver"]["rules"][-1]
    assert rule["id"] == "brand-new" and rule["name"] == "BrandNewFinding"
    assert rule["fullDescription"]["text"] and rule["help"]["text"]
    assert log["runs"][0]["results"][0]["ruleIndex"] == len(RULES)


# --- fingerprints --------------------------------------------------------------------------


def partial_fingerprints(findings: list[Finding]) -> list[str]:
    log = json.loads(render_sarif(findings, Summary.of(findings, 1)))
    return [r["partialFingerprints"][SARIF_FINGERPRINT] for r in log["runs"][0]["results"]]


def test_fingerprints_are_the_findings_and_survive_lines_moving() -> None:
    before = [
        Finding("a.yaml", 4, 3, Severity.ERROR, "schema", "bad key"),
        Finding("a.yaml", 9, 3, Severity.ERROR, "schema", "bad key"),
        Finding("a.yaml", 12, 5, Severity.WARNING, "overdue", "late"),
    ]
    moved = [
        Finding(f.path, f.line + 7, f.column + 2, f.severity, f.rule, f.message) for f in before
    ]
    prints = partial_fingerprints(before)
    assert prints == partial_fingerprints(moved) == finding_fingerprints(before)
    assert len(set(prints)) == 3  # repeated identical findings stay apart


def test_the_same_register_gives_the_same_locations_and_fingerprints(
    odd_logs: dict[str, Path],
) -> None:
    """Run again, or run from elsewhere with an absolute path: nothing changes."""

    def located(log: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["partialFingerprints"][SARIF_FINGERPRINT],
            )
            for r in log["runs"][0]["results"]
        ]

    first = located(load(odd_logs["relative"]))
    root = odd_logs["relative"].parent
    assert located(sarif_of(root / "initiatives", root, "initiatives")) == first
    assert located(load(odd_logs["absolute"])) == first
    assert len({fingerprint for _uri, fingerprint in first}) == len(first)


# --- the SARIF Multitool ---------------------------------------------------------------------


def multitool_required() -> bool:
    return required("CIREG_REQUIRE_SARIF")


def unavailable(reason: str) -> NoReturn:
    """Skip the Multitool tests with `reason`, or fail them where the tool is required."""
    third_party.unavailable("SARIF Multitool tests", "CIREG_REQUIRE_SARIF", reason)


@pytest.fixture(scope="module")
def multitool() -> str:
    """The Multitool's program: the platform package that npm installed for this machine."""
    explicit = os.environ.get("CIREG_SARIF_MULTITOOL")
    if explicit:
        if not os.access(explicit, os.X_OK):
            unavailable(f"CIREG_SARIF_MULTITOOL={explicit} is not an executable program")
        return explicit
    node = shutil.which("node")
    if node is None:
        unavailable(f"Node.js is not installed (`node` is not on PATH); {INSTALL_HINT}")
    found = subprocess.run(
        [node, "-p", "require('@microsoft/sarif-multitool')"],
        cwd=SARIF_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    program = found.stdout.strip()
    if found.returncode != 0 or not os.access(program, os.X_OK):
        unavailable(f"the SARIF Multitool is not installed in tests/sarif; {INSTALL_HINT}")
    return program


def multitool_results(program: str, log_file: Path) -> list[dict[str, Any]]:
    """What `validate --rule-kind "Sarif;Gh"` finds in `log_file`, from its own SARIF output."""
    out = log_file.with_suffix(".validation.sarif")
    # Invariant globalization: the program then needs no ICU library on the machine.
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_NOLOGO": "1"}
    ran = subprocess.run(
        [
            program,
            "validate",
            "--rule-kind",
            "Sarif;Gh",
            "--log",
            "ForceOverwrite",
            "--output",
            str(out),
            str(log_file),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert ran.returncode == 0 and out.is_file(), ran.stdout + ran.stderr
    (run,) = load(out)["runs"]
    assert all(i["executionSuccessful"] for i in run["invocations"]), ran.stdout
    results: list[dict[str, Any]] = run.get("results", [])
    return results


def described(results: list[dict[str, Any]]) -> list[str]:
    return [f"{r['ruleId']} ({r.get('level', 'warning')}): {r['message']}" for r in results]


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_the_multitool_finds_no_error_or_warning(
    multitool: str, odd_logs: dict[str, Path], kind: str
) -> None:
    # Its default levels report errors and warnings only; notes are advice it gives any log.
    assert described(multitool_results(multitool, odd_logs[kind])) == []


def test_the_multitool_does_check_what_code_scanning_needs(
    multitool: str, odd_logs: dict[str, Path], tmp_path: Path
) -> None:
    """Without the rules' help and with a raw path, it objects: the runs above did check."""
    log = load(odd_logs["relative"])
    (run,) = log["runs"]
    for rule in run["tool"]["driver"]["rules"]:
        del rule["help"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    location["uri"] = "initiatives/a b#c.yaml"
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(log), encoding="utf-8")
    found = {r["ruleId"] for r in multitool_results(multitool, broken)}
    assert {"GH2012", "SARIF1002"} <= found
