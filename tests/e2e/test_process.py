"""`python bot.py` as a host runs it: configuration errors, a real run, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from coinhelp.db import load_migrations
from standin import StandIn

REPO = Path(__file__).resolve().parents[2]
BOOT = REPO / "standin" / "boot"


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only what a host sets, plus the redirect to the stand-in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "COINHELP_"))
    }
    env.update(COINHELP_DB=str(tmp_path / "coinhelp.db"), COINHELP_FAQ_DIR=str(REPO / "faq"))
    env.update(extra)
    return env


def standin_env(tmp_path: Path, standin: StandIn, token: str | None = None) -> dict[str, str]:
    """A host's environment for a bot whose discord.py is redirected to `standin`."""
    return bot_env(
        tmp_path,
        DISCORD_TOKEN=token or standin.token,
        PYTHONPATH=str(BOOT),
        COINHELP_STANDIN_URL=standin.url,
    )


async def run_bot(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        cwd=tmp_path,  # no .env there
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_without_a_token_it_says_what_to_do_and_exits_2(tmp_path: Path) -> None:
    process = await run_bot(tmp_path, bot_env(tmp_path))
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "DISCORD_TOKEN is not set" in lines[0]
    assert "Traceback" not in stdout.decode() + stderr.decode()


async def test_a_rejected_token_says_so_and_exits_2(standin: StandIn, tmp_path: Path) -> None:
    env = standin_env(tmp_path, standin, token="not-the-token")
    process = await run_bot(tmp_path, env)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "Discord rejected DISCORD_TOKEN" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_the_started_bot_answers_and_stops_cleanly_on_sigterm(
    standin: StandIn, tmp_path: Path
) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    env = standin_env(tmp_path, standin)
    process = await run_bot(tmp_path, env)
    try:
        await standin.wait_until_connected(timeout=30)
        handle = await (await standin.slash(guild, alice, "coinhelp about")).response()
        assert "coinhelp 0.1.0" in handle.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "invite coinhelp with:" in log and "applications.commands" in log
    assert "stopped cleanly" in log
    assert "Traceback" not in log
    assert (tmp_path / "coinhelp.db").exists()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def refused_at_start(tmp_path: Path, env: dict[str, str]) -> str:
    """Run `python bot.py`, expect exit 2 with one line and no traceback; that line."""
    process = await run_bot(tmp_path, env)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 2, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


async def test_random_bytes_as_the_database_stop_it_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "coinhelp.db"
    database.write_bytes(os.urandom(16384))
    before = digest(database)
    line = await refused_at_start(tmp_path, bot_env(tmp_path, DISCORD_TOKEN="unused"))
    assert str(database) in line and "is not a SQLite database" in line
    assert digest(database) == before


@pytest.mark.parametrize("journal", ["wal", "delete"])
async def test_a_database_from_a_newer_coinhelp_is_refused_and_left_untouched(
    tmp_path: Path, journal: str
) -> None:
    database = tmp_path / "coinhelp.db"
    newer = len(load_migrations()) + 3
    raw = sqlite3.connect(database)
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    raw.execute(f"PRAGMA user_version = {newer}")
    raw.commit()
    raw.close()
    before = digest(database)
    line = await refused_at_start(tmp_path, bot_env(tmp_path, DISCORD_TOKEN="unused"))
    assert str(database) in line and f"schema version {newer}, newer than this coinhelp" in line
    assert digest(database) == before
    assert names_in(tmp_path) == ["coinhelp.db", "coinhelp.db.lock"]  # no -wal, no -shm


async def test_a_second_process_on_the_same_database_is_refused(
    standin: StandIn, tmp_path: Path
) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    env = standin_env(tmp_path, standin)
    first = await run_bot(tmp_path, env)
    try:
        await standin.wait_until_connected(timeout=30)
        line = await refused_at_start(tmp_path, env)
        assert str(tmp_path / "coinhelp.db") in line
        assert f"in use by another coinhelp process (pid {first.pid})" in line
        # The first one is unharmed.
        handle = await (await standin.slash(guild, alice, "coinhelp about")).response()
        assert "coinhelp 0.1.0" in handle.text
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 30)
    assert first.returncode == 0


async def stopped_standin_url() -> str:
    """The address of a stand-in that was started and stopped: nothing answers there."""
    gone = StandIn()
    await gone.start()
    url = gone.url
    await gone.close()
    return url


@contextlib.asynccontextmanager
async def relay(url: str, to: StandIn) -> AsyncIterator[None]:
    """Discord comes back at `url`: a TCP relay from its port to the running `to`."""
    port = int(url.rsplit(":", 1)[1])
    target = int(to.url.rsplit(":", 1)[1])

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(connection, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def read_lines_until(
    stream: asyncio.StreamReader, seen: list[str], done: Callable[[list[str]], bool]
) -> None:
    while not done(seen):
        line = await asyncio.wait_for(stream.readline(), 30)
        assert line, f"the bot stopped; it wrote: {seen}"
        seen.append(line.decode().rstrip("\n"))


def retries(lines: list[str]) -> list[str]:
    return [line for line in lines if "cannot reach Discord" in line]


async def test_without_discord_at_start_it_retries_then_connects_without_a_restart(
    standin: StandIn, tmp_path: Path
) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    url = await stopped_standin_url()
    env = standin_env(tmp_path, standin)
    env["COINHELP_STANDIN_URL"] = url
    process = await run_bot(tmp_path, env)
    assert process.stderr is not None
    lines: list[str] = []
    try:
        await read_lines_until(process.stderr, lines, lambda seen: len(retries(seen)) >= 2)
        first, second = retries(lines)
        assert "trying again in 1 s" in first and "trying again in 2 s" in second
        assert url.removeprefix("http://") in first  # says where it tried
        async with relay(url, standin):
            await standin.wait_until_connected(timeout=30)
            handle = await (await standin.slash(guild, alice, "coinhelp about")).response()
            assert "coinhelp 0.1.0" in handle.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 30)
    log = "\n".join(lines) + rest.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log


async def test_ctrl_c_while_waiting_for_discord_stops_at_once(tmp_path: Path) -> None:
    url = await stopped_standin_url()
    env = bot_env(
        tmp_path, DISCORD_TOKEN="standin-token", PYTHONPATH=str(BOOT), COINHELP_STANDIN_URL=url
    )
    process = await run_bot(tmp_path, env)
    assert process.stderr is not None
    lines: list[str] = []
    await read_lines_until(process.stderr, lines, lambda seen: len(retries(seen)) >= 3)
    # Now waiting 4 s before the next attempt.
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, rest = await asyncio.wait_for(process.communicate(), 30)
    assert time.monotonic() - started < 2
    log = "\n".join(lines) + rest.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log


async def test_json_logs_are_one_object_a_line_without_colour(
    standin: StandIn, tmp_path: Path
) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    env = standin_env(tmp_path, standin)
    env["COINHELP_LOG_FORMAT"] = "json"
    process = await run_bot(tmp_path, env)
    try:
        await standin.wait_until_connected(timeout=30)
        await (await standin.slash(guild, alice, "coinhelp about")).response()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    text = stderr.decode()
    assert "\x1b[" not in text
    entries = [json.loads(line) for line in text.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["message"].startswith("invite coinhelp with:") for e in entries)
    assert entries[-1]["message"] == "stopped cleanly"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def http_get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def healthcheck(tmp_path: Path, env: dict[str, str]) -> int | None:
    """The exit code of the container's HEALTHCHECK command."""
    check = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "coinhelp_discord.healthcheck",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(check.wait(), 30)


async def test_healthz_and_metrics_of_a_running_bot(standin: StandIn, tmp_path: Path) -> None:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    port = free_port()
    env = standin_env(tmp_path, standin)
    env["COINHELP_WEB_PORT"] = str(port)
    process = await run_bot(tmp_path, env)
    base = f"http://127.0.0.1:{port}"
    try:
        await standin.wait_until_connected(timeout=30)
        await (await standin.slash(guild, alice, "coinhelp about")).response()
        status, _ = await http_get(f"{base}/healthz")
        assert status == 200
        assert await healthcheck(tmp_path, env) == 0
        _, metrics = await http_get(f"{base}/metrics")
        assert (
            'coinhelp_interactions_total{command="coinhelp about",outcome="ok",type="command"} 1.0'
            in metrics
        )
        await standin.close()  # Discord goes away
        for _ in range(100):
            status, body = await http_get(f"{base}/healthz")
            if status == 503:
                break
            await asyncio.sleep(0.1)
        assert status == 503 and '"gateway": "disconnected"' in body
        assert await healthcheck(tmp_path, env) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert f"web server on http://127.0.0.1:{port}/" in stderr.decode()


async def test_a_taken_web_port_stops_it_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_env(tmp_path, DISCORD_TOKEN="unused", COINHELP_WEB_PORT=str(port))
        env["COINHELP_LOG_LEVEL"] = "WARNING"
        line = await refused_at_start(tmp_path, env)
    assert f"127.0.0.1:{port} is in use" in line and "COINHELP_WEB_PORT" in line
