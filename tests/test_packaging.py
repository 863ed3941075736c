"""`python -m build` makes an sdist and a wheel; cireg installed from the wheel works from any
folder, and a new user's first steps (init, new, validate, mkdocs build) work with no edit.

Built without network access (the build backend comes from this environment: --no-isolation);
installed into a virtual environment made from nothing, with its dependencies from the same
index as this environment's, at this environment's versions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TODAY_TEXT


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build`: an sdist, and a wheel built from that sdist (so the sdist is
    complete enough to build from)."""
    pytest.importorskip("build", reason="the `build` front end (a test dependency) is missing")
    pytest.importorskip("hatchling", reason="the build backend (a test dependency) is missing")
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("src") / "cireg"
    # Build from a copy so nothing is written into the checkout.
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            "site",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            "test-artifacts",
            "node_modules",
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (built,) = dist.glob("cireg-*.whl")
    return built


def test_build_makes_an_sdist_with_what_a_wheel_needs(dist: Path) -> None:
    (sdist,) = dist.glob("cireg-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "pyproject.toml",
        "README.md",
        "schemas/initiative.schema.json",
        "schemas/register.schema.json",
        "plugin/cireg/cli.py",
        "plugin/cireg/render/assets/cireg.js",
        "plugin/cireg/starter/mkdocs.yml",
        "plugin/cireg/starter/github/workflows/register.yml",
        ".pre-commit-hooks.yaml",
    ):
        assert needed in names, needed
    assert not [name for name in names if "node_modules" in name]  # the editor tests' server


def test_the_wheel_ships_the_starter_register_and_both_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "cireg/schemas/register.schema.json",
        "cireg/starter/mkdocs.yml",
        "cireg/starter/gitignore",
        "cireg/starter/gitlab-ci.yml",
        "cireg/starter/pre-commit-config.yaml",
        "cireg/starter/github/workflows/register.yml",
        "cireg/starter/vscode/settings.json",
        "cireg/starter/initiatives/faster-first-response.yaml",
        "cireg/starter/site_src/index.md",
    ):
        assert needed in names, needed
    assert not [name for name in names if "node_modules" in name]  # the editor tests' server


def test_the_wheel_ships_the_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cireg/schemas/initiative.schema.json" in names
    shipped = zipfile.ZipFile(wheel).read("cireg/schemas/initiative.schema.json")
    assert shipped == (REPO / "schemas" / "initiative.schema.json").read_bytes()


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment made from nothing, with the wheel and its dependencies installed
    as a user's pip would install them: nothing is borrowed from another environment, so a
    dependency missing from pyproject.toml fails here. pip resolves them from the index the
    running environment was installed from, pinned to the versions running these tests."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    python = env_dir / "bin" / "python"
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--all"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    pins = tmp_path_factory.mktemp("pins") / "constraints.txt"
    pins.write_text(
        "".join(line + "\n" for line in frozen.splitlines() if "==" in line), encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--constraint",
            str(pins),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return env_dir


def test_the_fresh_environment_borrows_nothing(installed: Path) -> None:
    python = str(installed / "bin" / "python")
    where = subprocess.run(
        [python, "-c", "import sys, mkdocs, yaml; print(sys.prefix, mkdocs.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where[0] == str(installed)
    assert where[1].startswith(str(installed)), where  # its own MkDocs, not another's
    pytest_there = subprocess.run([python, "-c", "import pytest"], capture_output=True, check=False)
    assert pytest_there.returncode != 0  # only what cireg needs, not the test extras


def test_installed_cireg_validates_from_another_folder(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    work = tmp_path / "elsewhere"
    shutil.copytree(REPO / "initiatives", work / "initiatives")
    where = subprocess.run(
        [str(python), "-c", "import cireg.schema as s; print(s.schema_path())"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(installed)), where  # the wheel's copy, not the checkout's
    result = subprocess.run(
        [str(installed / "bin" / "cireg"), "validate", "--today", TODAY_TEXT],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("0 errors, 0 warnings in ")


def test_installed_plugin_builds_the_site_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    """The wheel carries the plugin's entry point, templates, stylesheet and script."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    for part in ("mkdocs.yml", "site_src", "initiatives"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, work / part)
        else:
            shutil.copy2(source, work / part)
    python = str(installed / "bin" / "python")
    result = subprocess.run(
        [python, "-m", "mkdocs", "build", "--strict", "-d", str(work / "site")],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    plugin_file = subprocess.run(
        [python, "-c", "import cireg.mkdocs_plugin as p; print(p.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert plugin_file.startswith(str(installed)), plugin_file
    for produced in ("backlog/index.html", "assets/cireg/cireg.css", "register.json"):
        assert (work / "site" / produced).is_file(), produced
    shipped = (REPO / "plugin/cireg/render/assets/cireg.js").read_bytes()
    assert (work / "site/assets/cireg/cireg.js").read_bytes() == shipped
    assert 'src="../assets/cireg/cireg.js"' in (work / "site/backlog/index.html").read_text()


def test_a_new_user_goes_from_nothing_to_a_built_register(installed: Path, tmp_path: Path) -> None:
    """pip install the wheel; cireg init my-register; cd; cireg new; validate; mkdocs build
    --strict; export; generate: each step with no edit by hand, outside the repository."""
    bin_dir = installed / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("PYTHONPATH", None)

    def run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
        return done

    assert not str(tmp_path).startswith(str(REPO))
    run(str(bin_dir / "cireg"), "init", "my-register", "--name", "Acme IT register", cwd=tmp_path)
    register = tmp_path / "my-register"
    run(
        str(bin_dir / "cireg"),
        "new",
        "quieter-on-call",
        "--title",
        "Fewer needless pages for the on-call engineer",
        "--owner",
        "Operations Lead",
        cwd=register,
    )
    checked = run(str(bin_dir / "cireg"), "validate", cwd=register)
    assert checked.stdout.strip().endswith("0 errors, 0 warnings in 2 files")
    run(str(bin_dir / "mkdocs"), "build", "--strict", cwd=register)
    site = register / "site"
    for produced in (
        "index.html",
        "backlog/index.html",
        "initiatives/quieter-on-call/index.html",
        "initiatives/faster-first-response/index.html",
        "format-reference/index.html",
        "feed.xml",
        "register.json",
    ):
        assert (site / produced).is_file(), produced
    exported = run(str(bin_dir / "cireg"), "export", cwd=register)
    assert json.loads(exported.stdout)["summary"]["initiatives"] == 2
    run(str(bin_dir / "cireg"), "generate", "plain", "--mkdocs-yml", "plain.yml", cwd=register)
    assert (register / "plain" / "initiatives" / "quieter-on-call.md").is_file()
