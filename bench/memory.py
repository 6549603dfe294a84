"""Section 6: start-up time and resident memory of a real `python bot.py` process.

The bot runs as a host runs it (as tests/e2e/test_process.py does): a
subprocess with `PYTHONPATH=standin/boot` and `COINHELP_STANDIN_URL` pointing
its discord.py at the stand-in in this process, on a copy of the generated
database. Times are from just before the process is started to the stand-in
seeing the gateway connected (READY and every GUILD_CREATE sent) and to the
first slash command answered. Memory is VmRSS from /proc/PID/status: idle
(connected, one command answered, a second of quiet) and after a load of
every user command; VmHWM is the peak.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.commands import COMMANDS
from bench.stats import run_load
from bench.workload import bind, expect
from bench.world import World

REPO = Path(__file__).resolve().parents[1]
BOOT = REPO / "standin" / "boot"


@dataclass(frozen=True, slots=True)
class MemoryResult:
    connected_s: float
    usable_s: float
    idle_rss_mb: float
    after_rss_mb: float
    peak_rss_mb: float
    requests: int
    exit_code: int | None


def read_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of process `pid`, in MB (from /proc/PID/status)."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024  # kB → MB
    return values


def _env(world: World, db_path: Path) -> dict[str, str]:
    """What a host sets, plus the redirect to the stand-in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "COINHELP_", "PYTHON"))
    }
    env.update(
        DISCORD_TOKEN=world.standin.token,
        COINHELP_DB=str(db_path),
        COINHELP_FAQ_DIR=str(REPO / "faq"),
        PYTHONPATH=str(BOOT),
        COINHELP_STANDIN_URL=world.standin.url,
    )
    return env


async def measure_memory(
    world: World, db_path: Path, *, requests: int, concurrency: int
) -> MemoryResult:
    """Start `python bot.py`, time it to ready, read its memory idle and after load."""
    server, member = world.pick(0)
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        cwd=db_path.parent,  # no .env there
        env=_env(world, db_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    stderr_task = asyncio.create_task(process.stderr.read() if process.stderr else _empty())
    try:
        await world.standin.wait_until_connected(timeout=60)
        connected = time.perf_counter() - began
        handle = await world.standin.slash(server.guild, member, "faq", topic="coins")
        await handle.response(timeout=30)
        usable = time.perf_counter() - began
        expect(handle.kind == "message", "/faq on the subprocess bot", handle.text)
        await asyncio.sleep(1.0)
        idle = read_status(process.pid)
        number = 0
        for workload in COMMANDS:
            await run_load(bind(world, workload), requests, concurrency, start=number)
            number += requests
        await asyncio.sleep(1.0)
        after = read_status(process.pid)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
        log_text = (await stderr_task).decode(errors="replace")
    expect("Traceback" not in log_text, "the subprocess bot's log", log_text[-2000:])
    return MemoryResult(
        connected_s=connected,
        usable_s=usable,
        idle_rss_mb=idle["VmRSS"],
        after_rss_mb=after["VmRSS"],
        peak_rss_mb=after["VmHWM"],
        requests=number,
        exit_code=process.returncode,
    )


async def _empty() -> bytes:
    return b""
