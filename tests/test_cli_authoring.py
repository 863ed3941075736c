"""`cireg init`, `cireg new` and `cireg export`: what they write, and what they refuse.

Fast: the command line runs in this process (cwd and output captured), except where a child
process is the point (the pre-commit hook as pre-commit would run it). No site is built."""

from __future__ import annotations

import calendar
import datetime as dt
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import cireg.rules.files as files_rules
from cireg.check import check_register
from cireg.cli import main
from cireg.model import STATUSES
from cireg.model.completeness import REQUIRED_STEPS
from cireg.render.export_csv import render_register_csv
from cireg.render.register_json import render_register_json
from cireg.rules.files import DisplayPath
from cireg.schema import schema_path
from conftest import REPO, TODAY, TODAY_TEXT, run_cireg

# What `cireg init` writes, as the README and `cireg init --help` document it.
STARTER_FILES = {
    ".github/workflows/register.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    ".vscode/settings.json",
    ".vscode/extensions.json",
    "README.md",
    "initiatives/faster-first-response.yaml",
    "mkdocs.yml",
    "requirements.txt",
    "schemas/initiative.schema.json",
    "site_src/index.md",
    "site_src/contributing.md",
}
EXAMPLE = "initiatives/faster-first-response.yaml"
MODELINE = "# yaml-language-server: $schema=../schemas/initiative.schema.json"
FINDING_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<column>\d+): (?:error|warning): ")
CLEAN = re.compile(r"^0 errors, 0 warnings in \d+ files$")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`cireg ARGS` in this process, run in the folder `cwd`."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, cwd: Path) -> Ran:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def init_register(cli: Cli, target: Path, *extra: str, today: str = TODAY_TEXT) -> Path:
    result = cli("init", str(target), "--today", today, *extra, cwd=target.parent)
    assert result.code == 0, result.err
    return target


@pytest.fixture
def starter(cli: Cli, tmp_path: Path) -> Path:
    """A register made by `cireg init` on TODAY, for this test alone."""
    return init_register(cli, tmp_path / "register")


def snapshot(root: Path) -> dict[str, str | bytes]:
    """Every entry under `root`: file bytes, link targets and folders, links not followed."""
    found: dict[str, str | bytes] = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = f"link -> {os.readlink(path)}"
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


def files_of(root: Path) -> set[str]:
    return {key for key, value in snapshot(root).items() if isinstance(value, bytes)}


def day(offset: int = 0, start: dt.date = TODAY) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def finding_lines(output: str) -> list[re.Match[str]]:
    return [m for m in map(FINDING_LINE.match, output.splitlines()) if m]


# --- cireg init -------------------------------------------------------------------------------


def test_init_writes_exactly_the_documented_files(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "register"
    result = cli("init", "register", "--today", TODAY_TEXT, cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.err == ""
    assert f"({len(STARTER_FILES)} files)" in result.out
    assert "  cd register" in result.out.splitlines()
    assert files_of(target) == STARTER_FILES
    for name in STARTER_FILES:
        assert "@@" not in (target / name).read_text(encoding="utf-8"), name
    copied = (target / "schemas" / "initiative.schema.json").read_bytes()
    assert copied == schema_path().read_bytes()


@pytest.mark.parametrize("days_later", [0, 50])
@pytest.mark.parametrize("init_day", [TODAY_TEXT, "2027-02-28"])
def test_the_new_register_validates_cleanly(
    cli: Cli, tmp_path: Path, init_day: str, days_later: int
) -> None:
    target = init_register(cli, tmp_path / "register", today=init_day)
    start = dt.date.fromisoformat(init_day)
    example = yaml.safe_load((target / EXAMPLE).read_text(encoding="utf-8"))
    assert example["raised_on"] == start - dt.timedelta(days=30)  # dated from the init day
    result = cli("validate", "--strict", "--today", day(days_later, start), cwd=target)
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[-1].startswith("0 errors, 0 warnings")
    assert result.out == "0 errors, 0 warnings in 1 files\n"


def test_a_second_init_refuses_and_changes_nothing(cli: Cli, starter: Path) -> None:
    (starter / "README.md").write_text("# Our own words\n", encoding="utf-8")
    (starter / "requirements.txt").unlink()
    (starter / "initiatives" / "my-own-idea.yaml").write_text("title: mine\n", encoding="utf-8")
    before = snapshot(starter)
    result = cli("init", str(starter), "--today", TODAY_TEXT, cwd=starter.parent)
    assert result.code == 2
    assert result.out == ""
    assert "--force" in result.err
    assert "nothing was written" in result.err
    for name in STARTER_FILES - {"requirements.txt"}:
        assert os.path.join(str(starter), name) in result.err, name
    assert "requirements.txt" not in result.err
    assert snapshot(starter) == before


def test_init_force_overwrites_the_starter_files_only(cli: Cli, tmp_path: Path) -> None:
    pristine = snapshot(init_register(cli, tmp_path / "pristine"))
    target = init_register(cli, tmp_path / "register")
    (target / "README.md").write_text("# Our own words\n", encoding="utf-8")
    (target / "requirements.txt").unlink()
    mine = target / "initiatives" / "my-own-idea.yaml"
    mine.write_text("title: mine\n", encoding="utf-8")
    result = cli("init", str(target), "--today", TODAY_TEXT, "--force", cwd=tmp_path)
    assert result.code == 0, result.err
    after = snapshot(target)
    assert after.pop("initiatives/my-own-idea.yaml") == b"title: mine\n"
    assert after == pristine


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("kind", ["link", "dangling-link", "folder"])
def test_init_never_replaces_a_link_or_a_folder(
    cli: Cli, tmp_path: Path, kind: str, force: bool
) -> None:
    target = tmp_path / "register"
    target.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text("keep me\n", encoding="utf-8")
    readme = target / "README.md"
    try:
        if kind == "link":
            readme.symlink_to(outside)
        elif kind == "dangling-link":
            readme.symlink_to(tmp_path / "nowhere.md")
        else:
            readme.mkdir()
            (readme / "inside.txt").write_text("keep me too\n", encoding="utf-8")
    except OSError as error:  # no symbolic links here
        pytest.skip(f"cannot make a symbolic link: {error}")
    before = snapshot(tmp_path)
    result = cli(
        "init", str(target), "--today", TODAY_TEXT, *(["--force"] if force else []), cwd=tmp_path
    )
    assert result.code == 2
    assert "README.md" in result.err
    assert "Traceback" not in result.err
    after = snapshot(tmp_path)
    for key, value in before.items():  # the link or folder, and what it points at, as it was
        assert after.get(key) == value, key
    assert not (tmp_path / "nowhere.md").exists()
    if not force:
        assert after == before  # refused before writing anything
    else:
        assert "link or a folder" in result.err


HOSTILE_NAME = 'Ops "Team": #1 <script>alert(1)</script> *bold* & `code`\nsecond line'


@pytest.mark.parametrize("in_the_way", ["initiatives", ".github", "site_src"])
def test_init_writes_nothing_when_a_file_stands_where_a_folder_goes(
    cli: Cli, tmp_path: Path, in_the_way: str
) -> None:
    """Everything is checked first: never a half-made register, with --force neither."""
    target = tmp_path / "register"
    target.mkdir()
    (target / in_the_way).write_text("mine\n")
    for force in ((), ("--force",)):
        result = cli("init", str(target), "--today", TODAY_TEXT, *force, cwd=tmp_path)
        assert result.code == 2, result.out + result.err
        assert "nothing was written" in result.err and "is not a folder" in result.err
        assert snapshot(target) == {in_the_way: b"mine\n"}


def test_a_hostile_site_name_stays_text(cli: Cli, tmp_path: Path) -> None:
    target = init_register(cli, tmp_path / "register", "--name", HOSTILE_NAME)
    config = yaml.safe_load((target / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == HOSTILE_NAME
    for page in ("README.md", "site_src/index.md", "site_src/contributing.md"):
        text = (target / page).read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page
    title = (target / "site_src" / "index.md").read_text(encoding="utf-8").splitlines()[0]
    assert title.startswith("# ")
    assert "\n" not in title
    assert cli("validate", "--today", TODAY_TEXT, cwd=target).code == 0


HOSTILE_ORGANISATION = 'Acme "IT": #1 <script>x</script>'


def test_a_hostile_organisation_stays_text(cli: Cli, tmp_path: Path) -> None:
    """The organisation goes into mkdocs.yml's `site_description` as well as the pages."""
    target = init_register(cli, tmp_path / "register", "--organisation", HOSTILE_ORGANISATION)
    for page in ("README.md", "site_src/index.md"):
        text = (target / page).read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page
    text = (target / "mkdocs.yml").read_text(encoding="utf-8")
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as error:
        pytest.fail(f"mkdocs.yml does not parse:\n{error}\n{text.splitlines()[2]}")
    assert HOSTILE_ORGANISATION in config["site_description"]


def test_a_site_name_is_not_read_as_a_placeholder(cli: Cli, tmp_path: Path) -> None:
    """The user's text is substituted once: placeholders inside it are left alone."""
    name = "Register @@VERSION@@ of @@DAY+1@@"
    target = init_register(cli, tmp_path / "register", "--name", name)
    config = yaml.safe_load((target / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == name


def test_init_makes_missing_parent_folders(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "register"
    result = cli("init", "a/b/register", "--today", TODAY_TEXT, cwd=tmp_path)
    assert result.code == 0, result.err
    assert files_of(target) == STARTER_FILES
    assert cli("validate", "--today", TODAY_TEXT, cwd=target).code == 0


def test_init_without_a_folder_uses_the_current_one(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--today", TODAY_TEXT, cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.out.startswith(f"Created a register in . ({len(STARTER_FILES)} files)")
    assert not any(line.strip().startswith("cd ") for line in result.out.splitlines())
    assert files_of(tmp_path) == STARTER_FILES
    validated = cli("validate", "--today", TODAY_TEXT, cwd=tmp_path)
    assert validated.code == 0
    assert CLEAN.match(validated.out.strip())


# --- the CI, pre-commit and editor files ------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One register made by the real command line, read (never changed) by these tests."""
    target = tmp_path_factory.mktemp("made") / "register"
    result = run_cireg("init", str(target), "--today", TODAY_TEXT, cwd=target.parent)
    assert result.returncode == 0, result.stderr
    return target


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def github_condition(expression: str, event: str, ref: str) -> bool:
    """Evaluate an `if:` of `&&`-joined comparisons of github.event_name / github.ref."""
    expression = expression.strip()
    if expression.startswith("${{") and expression.endswith("}}"):
        expression = expression[3:-2]
    values = {"github.event_name": event, "github.ref": ref}
    result = True
    for clause in expression.split("&&"):
        match = re.fullmatch(r"\s*([\w.]+)\s*(==|!=)\s*'([^']*)'\s*", clause)
        assert match, f"a condition this test does not understand: {clause!r}"
        equal = values[match.group(1)] == match.group(3)
        result = result and (equal if match.group(2) == "==" else not equal)
    return result


def only_on_main_pushes(expression: str) -> bool:
    return (
        github_condition(expression, "push", "refs/heads/main")
        and not github_condition(expression, "pull_request", "refs/pull/1/merge")
        and not github_condition(expression, "pull_request", "refs/heads/main")
        and not github_condition(expression, "push", "refs/heads/feature")
    )


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_github_workflow(made: Path) -> None:
    workflow = load_yaml(made / ".github" / "workflows" / "register.yml")
    triggers = workflow["on"] if "on" in workflow else workflow[True]  # YAML 1.1: `on` is True
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    # A newer push cancels a pull request's run, never a Pages deployment of main under way.
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    jobs = workflow["jobs"]

    validate_runs = [step.get("run", "") for step in steps_of(jobs["validate"])]
    assert any("cireg validate --format github" in run for run in validate_runs)

    build = jobs["build"]
    assert build["needs"] in ("validate", ["validate"])
    assert any("mkdocs build --strict" in step.get("run", "") for step in steps_of(build))
    (upload,) = [
        s for s in steps_of(build) if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    site_dir = load_yaml(made / "mkdocs.yml").get("site_dir", "site")
    assert upload["with"]["path"] == site_dir
    assert only_on_main_pushes(upload["if"])

    deploy = jobs["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    environment = deploy["environment"]
    assert (environment["name"] if isinstance(environment, dict) else environment) == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps_of(deploy))
    assert only_on_main_pushes(deploy["if"])

    uses = [s["uses"] for job in jobs.values() for s in job.get("steps", []) if "uses" in s]
    uses += [job["uses"] for job in jobs.values() if "uses" in job]
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(?:/[\w./-]+)?@v[0-9]+", action), action


def test_gitlab_ci(made: Path) -> None:
    ci = load_yaml(made / ".gitlab-ci.yml")
    validate = ci["validate"]
    (report_line,) = [line for line in validate["script"] if "--format gitlab" in line]
    assert "cireg validate --format gitlab" in report_line
    written = re.search(r">\s*(\S+)", report_line)
    assert written, report_line
    assert validate["artifacts"]["reports"]["codequality"] == written.group(1)
    assert validate["artifacts"].get("when") == "always"  # the report even when it fails

    pages = ci["pages"]
    assert any("mkdocs build --strict --site-dir public" in line for line in pages["script"])
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


def the_hook(made: Path) -> dict[str, Any]:
    config = load_yaml(made / ".pre-commit-config.yaml")
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    (hook,) = [hook for hook in hooks if hook["id"] == "cireg-validate"]
    return hook


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("initiatives/x.yaml", True),
        ("initiatives/x.yml", True),
        ("initiatives/X.YAML", True),
        ("initiatives/README.md", False),
        ("site_src/index.md", False),
        ("mkdocs.yml", False),
    ],
)
def test_pre_commit_hook_files(made: Path, path: str, matches: bool) -> None:
    pattern = re.compile(the_hook(made)["files"])
    assert bool(pattern.search(path)) is matches  # pre-commit uses re.search


def test_pre_commit_hook_runs_clean_on_the_new_register(made: Path) -> None:
    hook = the_hook(made)
    pattern = re.compile(hook["files"])
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if command[0] == "cireg":  # the console script may not be on PATH here
        command = [sys.executable, "-m", "cireg", *command[1:]]
    tracked = sorted(files_of(made))
    matched = [name for name in tracked if pattern.search(name)]
    assert matched == [EXAMPLE]
    env = {
        k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    }
    env["SOURCE_DATE_EPOCH"] = str(calendar.timegm(TODAY.timetuple()))  # the init day
    result = subprocess.run(
        [*command, *matched],
        cwd=made,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert CLEAN.match(result.stdout.strip())


def test_vscode_settings_map_the_schema(made: Path) -> None:
    settings = json.loads((made / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    globs = settings["yaml.schemas"]["./schemas/initiative.schema.json"]
    globs = [globs] if isinstance(globs, str) else globs
    assert any(fnmatch.fnmatchcase("initiatives/x.yaml", glob) for glob in globs)
    assert (made / "schemas" / "initiative.schema.json").is_file()
    extensions = json.loads((made / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


# --- cireg new --------------------------------------------------------------------------------


def assert_modeline_resolves(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    schema = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert schema.is_file(), schema
    assert schema.read_bytes() == schema_path().read_bytes()


def test_new_writes_an_idea_that_validates(cli: Cli, starter: Path) -> None:
    result = cli(
        "new",
        "shorter-queues",
        "--title",
        "Shorter queues at the desk",
        "--owner",
        "Service Desk Lead",
        "--today",
        TODAY_TEXT,
        cwd=starter,
    )
    assert result.code == 0, result.err
    assert "it validates" in result.out
    path = starter / "initiatives" / "shorter-queues.yaml"
    assert_modeline_resolves(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["raised_on"] == TODAY
    assert data["status"] == "idea"
    assert data["title"] == "Shorter queues at the desk"
    assert data["owner"] == "Service Desk Lead"
    validated = cli("validate", "--today", TODAY_TEXT, cwd=starter)
    assert validated.code == 0, validated.out
    assert validated.out == "0 errors, 0 warnings in 2 files\n"


def test_new_from_a_sub_folder_finds_the_register(cli: Cli, starter: Path) -> None:
    args = ("new", "from-below", "--title", "Written from below", "--owner", "Ops")
    result = cli(*args, "--today", TODAY_TEXT, cwd=starter / "site_src")
    assert result.code == 0, result.err
    assert_modeline_resolves(starter / "initiatives" / "from-below.yaml")
    assert not (starter / "site_src" / "initiatives").exists()


def test_new_with_register_option(cli: Cli, starter: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    register = str(starter / "initiatives")
    args = ("new", "given-folder", "--title", "Given its folder", "--owner", "Ops")
    result = cli(*args, "--register", register, "--today", TODAY_TEXT, cwd=elsewhere)
    assert result.code == 0, result.err
    assert_modeline_resolves(starter / "initiatives" / "given-folder.yaml")
    assert list(elsewhere.iterdir()) == []
    assert cli("validate", "--today", TODAY_TEXT, register, cwd=elsewhere).code == 0


@pytest.mark.parametrize(
    "bad_id",
    [
        *("Bad_Id", "ab", "../escape", "with space", "trailing-", "double--hyphen", "a" * 65),
        *("con", "nul", "com1"),  # Windows device names: such a file cannot exist there
    ],
)
def test_new_refuses_an_invalid_id(cli: Cli, starter: Path, bad_id: str) -> None:
    before = snapshot(starter.parent)
    result = cli("new", bad_id, "--title", "A good title", "--owner", "Ops", cwd=starter)
    assert result.code == 2
    assert f"`{bad_id}` is not a valid id" in result.err
    assert snapshot(starter.parent) == before


def test_new_accepts_an_id_that_only_starts_like_a_device_name(cli: Cli, starter: Path) -> None:
    result = cli("new", "console", "--title", "A good title", "--owner", "Ops", cwd=starter)
    assert result.code == 0, result.err
    assert (starter / "initiatives" / "console.yaml").is_file()


@pytest.mark.parametrize(
    "existing",
    [
        "faster-first-response.yaml",
        "Faster-First-Response.yaml",
        "FASTER-FIRST-RESPONSE.YAML",
        "faster-first-response.yml",
    ],
)
def test_new_refuses_an_existing_id(cli: Cli, starter: Path, existing: str) -> None:
    folder = starter / "initiatives"
    if existing != "faster-first-response.yaml":
        (folder / "faster-first-response.yaml").rename(folder / existing)
    before = snapshot(starter)
    args = ("new", "faster-first-response", "--title", "A good title", "--owner", "Ops")
    result = cli(*args, cwd=starter)
    assert result.code == 2
    assert f"{existing} already exists" in result.err
    assert snapshot(starter) == before


def test_new_refuses_a_missing_register_folder(cli: Cli, tmp_path: Path, starter: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ("new", "nowhere-yet", "--title", "A good title", "--owner", "Ops")
    result = cli(*args, cwd=empty)
    assert result.code == 2
    assert "no register folder" in result.err
    assert list(empty.iterdir()) == []
    missing = starter / "not-there"
    result = cli(*args, "--register", str(missing), cwd=starter)
    assert result.code == 2
    assert str(missing) in result.err
    assert "no register folder" in result.err
    assert not missing.exists()


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """git reads only the returned (empty) global config file, never the machine's."""
    home = tmp_path / "home"
    home.mkdir()
    config = home / "gitconfig"
    config.write_text("", encoding="utf-8")
    for name in ("GIT_DIR", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    yield config


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_new_takes_the_owner_from_git(cli: Cli, starter: Path, git_env: Path) -> None:
    name = 'Jo "Ops" Example: #1'
    subprocess.run(
        ["git", "config", "--file", str(git_env), "user.name", name], check=True, timeout=30
    )
    result = cli("new", "owned-by-git", "--title", "Owned by git's user", cwd=starter)
    assert result.code == 0, result.err
    data = yaml.safe_load((starter / "initiatives" / "owned-by-git.yaml").read_text("utf-8"))
    assert data["owner"] == name


def test_new_without_owner_or_git_name_refuses(cli: Cli, starter: Path, git_env: Path) -> None:
    before = snapshot(starter)
    result = cli("new", "owned-by-nobody", "--title", "Owned by nobody", cwd=starter)
    assert result.code == 2
    assert "--owner" in result.err
    assert snapshot(starter) == before


@pytest.mark.parametrize(
    "title",
    [
        'Stop "ticket ping-pong": fewer hand-offs',
        "Fix #42 & 'quotes' - done: yes # not a comment",
        "Back\\slash {braces} [brackets] *stars* @at `tick` %pct !bang",
        "2026-01-01",
        "yes",
        "- starts like a list item",
        "Ünïcödé — “typographic” quotes",
    ],
)
def test_new_title_owner_and_vision_round_trip(cli: Cli, starter: Path, title: str) -> None:
    owner = "Ops: Lead #2 \"the\" 'boss'"
    vision = f"Everyone {title} gains: #all \"of\" 'it'"
    args = ("new", "round-trip", "--title", title, "--owner", owner, "--vision", vision)
    result = cli(*args, "--today", TODAY_TEXT, cwd=starter)
    assert result.code == 0, result.err
    data = yaml.safe_load((starter / "initiatives" / "round-trip.yaml").read_text("utf-8"))
    assert data["title"] == title
    assert data["owner"] == owner
    assert data["vision"]["statement"] == vision


def test_new_title_with_a_control_character_gives_a_readable_file(cli: Cli, starter: Path) -> None:
    """A title cireg cannot write as YAML is refused, or written escaped: never a broken file."""
    title = "Tidy up\x7f the desk queue"
    args = ("new", "control-char", "--title", title, "--owner", "Ops")
    result = cli(*args, "--today", TODAY_TEXT, cwd=starter)
    path = starter / "initiatives" / "control-char.yaml"
    if result.code == 2:
        assert not path.exists()
        return
    assert result.code == 0, result.err
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        pytest.fail(f"`cireg new` wrote a file that is not YAML: {error}\n{result.out}")
    assert data["title"] == title


@pytest.mark.parametrize("status", STATUSES)
def test_new_with_each_status(cli: Cli, starter: Path, status: str) -> None:
    initiative_id = f"status-{status}"
    args = ("new", initiative_id, "--title", "A title for the status", "--owner", "Ops")
    result = cli(*args, "--status", status, "--today", TODAY_TEXT, cwd=starter)
    assert result.code == 0, result.err
    path = starter / "initiatives" / f"{initiative_id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MODELINE
    data = yaml.safe_load("\n".join(lines))
    assert data["status"] == status
    assert data["raised_on"] == TODAY
    partial, complete = REQUIRED_STEPS[status]
    for key in partial | complete:
        assert key in data, key
    found = finding_lines(result.out)
    if status == "idea":
        assert found == []
        assert "it validates" in result.out
        return
    assert found, result.out
    assert f"Status `{status}` needs" in result.out
    for match in found:
        assert match["path"] == f"initiatives/{initiative_id}.yaml", match.group(0)
        line, column = int(match["line"]), int(match["column"])
        assert 1 <= line <= len(lines), match.group(0)
        assert 1 <= column <= len(lines[line - 1]) + 1, match.group(0)
    assert re.fullmatch(r"\d+ errors, \d+ warnings in 1 files", result.out.splitlines()[-1])


# --- cireg export -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference_export() -> dict[str, str]:
    register = check_register(str(REPO / "initiatives"), TODAY, DisplayPath(str(REPO)))
    return {
        "json": render_register_json(register, TODAY),
        "csv": render_register_csv(register, TODAY),
    }


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_of_the_reference_register(
    cli: Cli, tmp_path: Path, reference_export: dict[str, str], fmt: str
) -> None:
    result = cli("export", "--format", fmt, "--today", TODAY_TEXT, cwd=REPO)
    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out == reference_export[fmt]
    output = tmp_path / f"register.{fmt}"
    written = cli("export", "--format", fmt, "--today", TODAY_TEXT, "-o", str(output), cwd=REPO)
    assert written.code == 0, written.err
    assert written.out == ""
    assert output.read_bytes() == reference_export[fmt].encode("utf-8")


def test_export_json_is_the_default(cli: Cli, reference_export: dict[str, str]) -> None:
    result = cli("export", "--today", TODAY_TEXT, cwd=REPO)
    assert result.code == 0
    assert result.out == reference_export["json"]


IDEA = "title: A small idea\nstatus: idea\nowner: Ops\nraised_on: 2026-01-05\nreview_by: 2027-01-01\nvision:\n  statement: Better.\n"


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "file"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_of_a_register_with_errors(
    cli: Cli, register: Callable[[dict[str, str | bytes]], Path], fmt: str, to_file: bool
) -> None:
    folder = register({"good-one.yaml": IDEA, "bad-one.yaml": "title: x\n"})
    output = folder.parent / f"out.{fmt}"
    args = ["export", "--format", fmt, "--today", TODAY_TEXT, str(folder)]
    result = cli(*args, *(["-o", str(output)] if to_file else []), cwd=folder.parent)
    assert result.code == 1
    text = output.read_bytes().decode("utf-8") if to_file else result.out
    if to_file:
        assert result.out == ""
    expected = check_register(str(folder), TODAY, DisplayPath(str(folder.parent)))
    render = render_register_json if fmt == "json" else render_register_csv
    assert text == render(expected, TODAY)
    if fmt == "json":
        assert json.loads(text)["summary"]["errors"] >= 1
    else:
        assert "good-one" in text
    assert "initiatives/bad-one.yaml:" in result.err
    assert "the register has errors" in result.err


def test_export_of_a_missing_folder_exits_2(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    result = cli("export", str(tmp_path / "missing"), "-o", str(output), cwd=tmp_path)
    assert result.code == 2
    assert "cannot read the register folder" in result.err
    assert not output.exists()


def test_export_of_an_unreadable_folder_exits_2(
    cli: Cli, register: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = register({"good-one.yaml": IDEA})

    def refuse(_path: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Root reads any folder, so the refusal is simulated where the scan asks the system.
    monkeypatch.setattr(files_rules.os, "scandir", refuse)
    result = cli("export", str(folder), cwd=folder.parent)
    assert result.code == 2
    assert "cannot read the register folder" in result.err
    assert "Permission denied" in result.err
    assert result.out == ""
