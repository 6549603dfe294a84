"""Fixtures for the stand-in's own tests: the stand-in, and the test bot running on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from standin_testbot import ProbeBot, Scene, run_bot

from standin import StandIn, permissions


@pytest_asyncio.fixture
async def scene(standin: StandIn) -> AsyncIterator[Scene]:
    guild = standin.add_guild("Fans")
    alice = guild.add_member("alice")
    bob = guild.add_member("bob")
    mod = guild.add_member("mod", permissions=permissions.MANAGE_GUILD)
    bot = ProbeBot()
    task = await run_bot(standin, bot)
    try:
        yield Scene(standin, bot, guild, alice, bob, mod)
    finally:
        await bot.close()
        await task
