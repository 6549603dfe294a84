"""The built wheel runs the bot with no checkout: templates, curated FAQ and data inside.

The wheel is built from this checkout and installed into a new virtual
environment in a temporary folder, and `coinhelp` is run from there, so
nothing of the checkout can be imported by accident. Its dependencies
(discord.py, Jinja2 ...) are taken from the environment running the tests
through a .pth line rather than downloaded again: the wheel's own files are
what is tested.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the checkout (a build leaves files behind)."""
    source = tmp_path_factory.mktemp("source") / "coinhelp"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
        cwd=out,
    )
    (built,) = out.glob("coinhelp-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `coinhelp` command of a fresh environment holding only the wheel."""
    env_dir = tmp_path_factory.mktemp("env")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(packages) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        check=True,
        cwd=env_dir,
    )
    return env_dir / "bin" / "coinhelp"


def clean_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


def test_the_wheel_holds_the_shipped_files_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "coinhelp/_shipped/templates/faq/answer.j2" in names
    assert "coinhelp/_shipped/faq/refund.md" in names
    assert "coinhelp/migrations/0001_core.sql" in names
    assert not [name for name in names if name.split("/")[0] in {"tests", "bench", "bot.py"}]


def test_the_installed_command_says_its_version(installed: Path, tmp_path: Path) -> None:
    shown = subprocess.run(
        [str(installed), "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_environment(),
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("coinhelp 0.")


def test_the_installed_sandbox_answers_from_the_shipped_faq(
    installed: Path, tmp_path: Path
) -> None:
    transcript = subprocess.run(
        [str(installed), "--sandbox"],
        input="/faq topic:refund\n/coinhelp about\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_environment(),
        timeout=120,
    )
    assert transcript.returncode == 0, transcript.stdout + transcript.stderr
    assert "Can I get a refund for TikTok coins?" in transcript.stdout
    assert "faq: refund" in transcript.stdout
    assert "FAQ entries in this server: 16" in transcript.stdout
