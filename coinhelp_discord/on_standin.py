"""The real bot, built as production builds it, connected to a Discord stand-in.

The end-to-end tests, the benchmark and the sandbox all start the bot this
way: `launcher.built_bot` (checked data, the database, every cog), then
`bot.start` with the stand-in's token, in this process. discord.py must
already be redirected to the stand-in (standin.redirect_discord).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from coinhelp.faq.curated import Curated
from coinhelp.i18n import Catalogs
from coinhelp.settings import Settings
from coinhelp_discord.bot import CoinhelpBot
from coinhelp_discord.launcher import built_bot
from standin import StandIn

START_TIMEOUT = 30.0


class StartFailed(Exception):
    """The bot stopped, or did not connect, while starting on the stand-in."""


@dataclass
class RunningBot:
    bot: CoinhelpBot
    task: asyncio.Task[None]
    """Runs the bot; it ends when the bot stops."""


@contextlib.asynccontextmanager
async def bot_on_standin(
    standin: StandIn,
    settings: Settings,
    *,
    curated: Curated | None = None,
    catalogs: Catalogs | None = None,
    prepare: Callable[[CoinhelpBot], None] | None = None,
    connect_within: float = START_TIMEOUT,
) -> AsyncIterator[RunningBot]:
    """The bot connected to `standin` and seeing all its servers; closed after.

    `prepare` runs on the built bot before it connects (the benchmark adds its
    reference commands there). Raises StartFailed if the bot stops or does not
    connect within `connect_within` seconds.
    """
    settings = dataclasses.replace(settings, discord_token=standin.token)
    async with built_bot(settings, curated=curated, catalogs=catalogs) as bot:
        if prepare is not None:
            prepare(bot)
        task = asyncio.create_task(bot.start(standin.token), name="coinhelp-bot")
        try:
            await _connected(standin, bot, task, connect_within)
            yield RunningBot(bot, task)
        finally:
            await bot.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task


async def _connected(
    standin: StandIn, bot: CoinhelpBot, task: asyncio.Task[None], within: float
) -> None:
    connected = asyncio.create_task(standin.wait_until_connected(within))
    await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        connected.cancel()
        problem = task.exception() if not task.cancelled() else None
        raise StartFailed(f"the bot stopped while starting: {problem!r}")
    try:
        connected.result()
        await standin.wait_for(
            lambda: all(bot.get_guild(guild.id) is not None for guild in standin.guilds),
            within,
            "the bot to see every server",
        )
    except TimeoutError as exc:
        raise StartFailed(f"the bot did not connect to the stand-in: {exc}") from None
