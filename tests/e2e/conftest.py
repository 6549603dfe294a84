"""End-to-end fixtures; the helpers they use are in world.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from world import Server, running_bot

from standin import StandIn, permissions


@pytest_asyncio.fixture
async def server(standin: StandIn, tmp_path: Path) -> AsyncIterator[Server]:
    guild = standin.add_guild("TikTok Fans")
    general = guild.default_channel
    announcements = guild.add_channel("announcements")
    muted = guild.add_channel("read-only", bot_can_send=False)
    helper_role = guild.add_role("FAQ helpers")
    alice = guild.add_member("alice")
    bob = guild.add_member("bob")
    mod = guild.add_member("mod", permissions=permissions.MANAGE_GUILD)
    helper = guild.add_member("helper", roles=[helper_role])
    db_path = tmp_path / "coinhelp.db"
    async with running_bot(standin, db_path) as running:
        yield Server(
            standin,
            running.bot,
            guild,
            general,
            announcements,
            muted,
            alice,
            bob,
            mod,
            helper,
            helper_role,
            db_path,
        )
