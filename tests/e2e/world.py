"""The world end-to-end tests act in: the real coinhelp bot on the Discord stand-in.

`running_bot` builds the bot exactly as `python bot.py` does
(coinhelp_discord.launcher.built_bot: a real database in a temp dir, the
shipped FAQ, every cog) and starts it in this process against the stand-in.
The `server` fixture (conftest.py) adds a small server: members, a moderator
with Manage Server, a member holding a configurable moderator role, and a
channel the bot may not post in. Tests act as those people and read what
the bot answered; the stand-in fails the test if anything the bot sent would
have been refused by Discord.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from coinhelp.faq.curated import Curated, load_curated_languages
from coinhelp.settings import DEFAULT_FAQ_DIR, Settings
from coinhelp_discord.bot import CoinhelpBot
from coinhelp_discord.on_standin import RunningBot, bot_on_standin
from standin import Channel, Guild, InteractionHandle, Member, Role, StandIn

_CURATED: dict[str, Curated] = {}


def curated() -> Curated:
    """The shipped FAQ in every language, parsed once per test run."""
    if "shipped" not in _CURATED:
        _CURATED["shipped"] = load_curated_languages(DEFAULT_FAQ_DIR)
    return _CURATED["shipped"]


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


def settings(db_path: Path) -> Settings:
    """What `python bot.py` would read from the environment, for a test's database."""
    return Settings(discord_token=None, db_path=db_path, faq_dir=DEFAULT_FAQ_DIR, log_level="INFO")


def running_bot(
    standin: StandIn, db_path: Path
) -> contextlib.AbstractAsyncContextManager[RunningBot]:
    """The bot as production builds it, connected to `standin`, on the database at `db_path`."""
    return bot_on_standin(standin, settings(db_path), curated=curated())


async def start_bot(
    standin: StandIn, db_path: Path
) -> tuple[CoinhelpBot, contextlib.AsyncExitStack]:
    """`running_bot` for tests that stop and start the bot: stop it with `stop_bot`."""
    stack = contextlib.AsyncExitStack()
    running = await stack.enter_async_context(running_bot(standin, db_path))
    return running.bot, stack


async def stop_bot(bot: CoinhelpBot, stack: contextlib.AsyncExitStack) -> None:
    """Close the bot and its database, as SIGTERM would."""
    await stack.aclose()
