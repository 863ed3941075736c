"""The wheel carries the schema: cireg installed from it works from any folder.

Built and installed without network access: the build backend comes from this environment
(--no-build-isolation) and the virtual environment borrows its dependencies."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TODAY_TEXT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="the build backend (a test dependency) is missing")
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("src") / "cireg"
    # Build from a copy so nothing is written into the checkout.
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(".git", "site", "*.egg-info", "__pycache__", ".*_cache"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (built,) = out.glob("cireg-*.whl")
    return built


def test_the_wheel_ships_the_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cireg/schemas/initiative.schema.json" in names
    shipped = zipfile.ZipFile(wheel).read("cireg/schemas/initiative.schema.json")
    assert shipped == (REPO / "schemas" / "initiative.schema.json").read_bytes()


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its own cireg wins over the
    checkout's, while its dependencies come from this environment."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return env_dir


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
