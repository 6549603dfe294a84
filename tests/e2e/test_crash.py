"""An acknowledged pledge survives the bot process being killed right after it."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

from test_process import run_bot, standin_env

from coinhelp.db import Database
from coinhelp.goals.ledger import Ledger
from standin import StandIn, StandInError, permissions

WORKERS = 8
KILL_AFTER = 120


async def test_every_acknowledged_pledge_is_there_after_a_sigkill(
    standin: StandIn, tmp_path: Path
) -> None:
    guild = standin.add_guild("Fans")
    mod = guild.add_member("mod", permissions=permissions.MANAGE_GUILD)
    fans = [guild.add_member(f"fan{n}") for n in range(WORKERS)]
    process = await run_bot(tmp_path, standin_env(tmp_path, standin))
    await standin.wait_until_connected(timeout=30)
    created = await (
        await standin.slash(guild, mod, "goal create", name="Crash", target=10_000_000)
    ).response()
    assert "New goal" in created.text

    acknowledged: list[int] = []
    killed = asyncio.Event()

    async def pledge_until_killed(fan) -> None:
        while not killed.is_set():
            try:
                handle = await standin.slash(guild, fan, "goal contribute", goal="Crash", coins=7)
                answer = await handle.response(timeout=5)
            except StandInError:
                return  # the process is gone: this pledge was never acknowledged
            acknowledged.append(int(re.search(r"Entry #(\d+)", answer.content).group(1)))
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                killed.set()
                process.send_signal(signal.SIGKILL)

    await asyncio.gather(*(pledge_until_killed(fan) for fan in fans))
    await process.wait()
    standin.violations.clear()  # interactions cut off by the kill went unanswered

    assert process.returncode == -signal.SIGKILL
    db = await Database.open(tmp_path / "coinhelp.db")
    try:
        rows = await db.lookup("SELECT entry_id FROM ledger WHERE kind = 'contribution'")
        stored = {row["entry_id"] for row in rows}
        assert set(acknowledged) <= stored, "an acknowledged pledge was lost"
        assert len(acknowledged) == len(set(acknowledged))
        ledger = Ledger(db)
        goal = await ledger.goals.lookup(guild.id, "Crash")
        assert (await ledger.goals.progress(guild.id, goal.id)).total == 7 * len(stored)
        assert await ledger.audit.check_consistency() == []
    finally:
        await db.close()
