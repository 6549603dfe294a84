"""The Dockerfile, compose.yaml and the systemd unit hold what README "Hosting it" promises.

The image itself is built when a Docker daemon answers (skipped, with the
reason, when not). Without one, the essentials are checked from the files:
the build stage's COPY lines really build the wheel, the running stage is a
slim Python, a numeric non-root user, the database on the /data volume and a
HEALTHCHECK on /healthz. .ci/run also lints the Dockerfile with hadolint.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text("utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for word, rest in instructions():
        if word == "FROM":
            result.append([])
        result[-1].append((word, rest))
    return result


def docker_unavailable() -> str | None:
    """Why the image cannot be built here, or None."""
    docker = shutil.which("docker")
    if docker is None:
        return "no docker command on this machine"
    info = subprocess.run([docker, "info"], capture_output=True, text=True, check=False)
    if info.returncode != 0:
        reason = (info.stderr.strip().splitlines() or ["docker info failed"])[-1]
        return f"no Docker daemon answers ({reason})"
    return None


def test_the_running_stage_is_slim_non_root_with_its_data_on_a_volume() -> None:
    build, final = stages()
    assert all(rest.startswith("python:3.11-slim") for word, rest in (build[0], final[0]))
    settings = dict(final)
    user = settings["USER"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), "a numeric user and group, not root"
    assert settings["VOLUME"] == '["/data"]'
    env = settings["ENV"]
    assert "COINHELP_DB=/data/coinhelp.db" in env
    assert "COINHELP_WEB_HOST=0.0.0.0" in env and "COINHELP_WEB_PORT=8080" in env
    assert settings["EXPOSE"] == "8080"
    assert "coinhelp_discord.healthcheck" in settings["HEALTHCHECK"]
    assert settings["ENTRYPOINT"] == '["coinhelp"]'
    assert "chown coinhelp:coinhelp /data" in settings["RUN"]


def test_what_the_build_stage_copies_builds_the_wheel(tmp_path: Path) -> None:
    build = stages()[0]
    context = tmp_path / "context"
    context.mkdir()
    for word, rest in build:
        if word != "COPY":
            continue
        *sources, _ = rest.split()
        for source in sources:
            origin = REPO / source
            if origin.is_dir():
                skip = shutil.ignore_patterns("__pycache__")
                shutil.copytree(origin, context / source, ignore=skip)
            else:
                shutil.copy2(origin, context / source)
    out = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        check=True,
        cwd=context,
    )
    (wheel,) = out.glob("coinhelp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "coinhelp_discord/healthcheck.py" in names
    assert "coinhelp/_shipped/faq/coins.md" in names
    assert any(name.startswith("coinhelp/_shipped/templates/") for name in names)


def test_compose_runs_the_image_with_a_volume_and_the_token_from_env() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text("utf-8"))
    service = compose["services"]["coinhelp"]
    assert service["build"] == "."
    assert service["env_file"] == ".env"
    (volume,) = service["volumes"]
    name, target = volume.split(":")
    assert target == "/data" and name in compose["volumes"]
    assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    assert service["restart"] == "unless-stopped"


def test_the_systemd_unit_runs_the_bot_as_its_own_user() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(REPO / "deploy" / "coinhelp.service")
    service = unit["Service"]
    assert service["User"] == "coinhelp"
    assert service["ExecStart"].endswith("/bin/coinhelp")
    assert service["KillSignal"] == "SIGTERM"
    assert service["RestartPreventExitStatus"] == "2"  # a configuration error needs a person
    assert service["ReadWritePaths"] == "/var/lib/coinhelp"
    assert unit["Unit"]["After"] == "network-online.target"


def test_the_image_builds_and_runs_as_a_non_root_user() -> None:
    reason = docker_unavailable()
    if reason is not None:
        pytest.skip(f"the Docker image is not built: {reason}")
    tag = f"coinhelp-test:{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "build", "-q", "-t", tag, str(REPO)], check=True, timeout=900)
    try:
        version = subprocess.run(
            ["docker", "run", "--rm", tag, "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert version.stdout.startswith("coinhelp ")
        uid = subprocess.run(
            ["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert uid.stdout.strip() == "10001"
        no_token = subprocess.run(
            ["docker", "run", "--rm", tag], capture_output=True, text=True, timeout=120, check=False
        )
        assert no_token.returncode == 2 and "DISCORD_TOKEN is not set" in no_token.stderr
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, check=False)
