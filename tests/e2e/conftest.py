"""End-to-end fixtures: the real coinhelp bot on the Discord stand-in.

`coinhelp` builds the bot exactly as `python bot.py` does (create_bot(),
real database in a temp dir, the shipped FAQ, every cog) and starts it
in-process against the stand-in, with a small server: members, a moderator
with Manage Server, a member holding a configurable moderator role, and a
channel the bot may not post in. Tests act as those people and read what
the bot answered; the stand-in fails the test if anything the bot sent would
have been refused by Discord.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from bot import CoinhelpBot, create_bot
from coinhelp.db import Database
from coinhelp.faq.curated import load_curated
from coinhelp.faq.entries import FaqEntry
from coinhelp.settings import DEFAULT_FAQ_DIR, Settings
from standin import Channel, Guild, InteractionHandle, Member, Role, StandIn, permissions

_CURATED: dict[str, FaqEntry] = {}


def curated() -> dict[str, FaqEntry]:
    """The shipped FAQ, parsed once per test run."""
    if not _CURATED:
        _CURATED.update(load_curated(DEFAULT_FAQ_DIR))
    return _CURATED


@dataclass
class Server:
    """One Discord server as the tests see it, with the bot running in it."""

    standin: StandIn
    bot: CoinhelpBot
    guild: Guild
    general: Channel
    announcements: Channel
    muted: Channel
    alice: Member
    bob: Member
    mod: Member
    helper: Member
    helper_role: Role
    db_path: Path

    async def run(self, who: Member, command: str, /, **options: object) -> InteractionHandle:
        """`/command` as `who` in #general; returns once the bot answered.

        A deferred answer ("coinhelp is thinking…") counts once it is replaced
        by the real one, as the member would see it.
        """
        options.setdefault("channel", self.general)
        handle = await self.standin.slash(self.guild, who, command, **options)
        await handle.response()
        if handle.kind == "deferred":
            await handle.wait_edit()
        return handle


async def start_bot(standin: StandIn, db_path: Path) -> tuple[CoinhelpBot, asyncio.Task[None]]:
    settings = Settings(
        discord_token=standin.token, db_path=db_path, faq_dir=DEFAULT_FAQ_DIR, log_level="INFO"
    )
    db = await Database.open(db_path)
    bot = create_bot(settings, db, curated())

    async def run() -> None:
        try:
            await bot.start(standin.token)
        finally:
            await db.close()

    task = asyncio.create_task(run())
    await standin.wait_until_connected()
    return bot, task


async def stop_bot(bot: CoinhelpBot, task: asyncio.Task[None]) -> None:
    await bot.close()
    await task


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
    bot, task = await start_bot(standin, db_path)
    try:
        yield Server(
            standin,
            bot,
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
    finally:
        await stop_bot(bot, task)
