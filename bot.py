"""coinhelp: the entry point.

    python bot.py             run the bot (needs DISCORD_TOKEN)
    python bot.py --sandbox   the same bot against a local Discord stand-in

main(): settings → logging → curated FAQ → database + migrations →
create_bot() → run. create_bot() is what the end-to-end tests build too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import hashlib
import json
import logging
import signal
import sys
import time
from collections.abc import Sequence

import discord
from discord.ext import commands

from cogs.common import CoinhelpTree
from cogs.views import PageButton, Pagers
from coinhelp import __version__
from coinhelp.db import Database
from coinhelp.errors import ConfigError
from coinhelp.faq.curated import load_curated
from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.store import FaqStore
from coinhelp.guildsettings import GuildSettingsStore
from coinhelp.ledger import Ledger
from coinhelp.prices import default_price_table
from coinhelp.render import Renderer
from coinhelp.settings import Settings, load_settings

log = logging.getLogger("coinhelp")

# Loaded in this order in setup_hook; one module per product area.
EXTENSIONS = ("cogs.coinhelp", "cogs.faq", "cogs.goals")

# What the bot needs in a channel: read it, answer, embed, attach exports.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")

EXIT_CONFIG = 2
# Collector thresholds once started (Python's default: 700, 10, 10); see settle_memory.
GC_THRESHOLDS = (10_000, 20, 20)
# Longest a thread waits for Python's lock while another holds it (Python's
# default: 5 ms); see share_the_interpreter.
SWITCH_INTERVAL = 0.0002


class CoinhelpBot(commands.Bot):
    """The bot: discord.py's Bot plus the services the cogs use."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        curated: dict[str, FaqEntry],
        renderer: Renderer | None = None,
        long_running: bool = False,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            # Only slash commands: no message content, no member list needed.
            intents=discord.Intents(guilds=True),
            # Set once for the whole bot: nothing it sends can ping anyone.
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CoinhelpTree,
        )
        self.settings = settings
        self.db = db
        self.renderer = renderer or Renderer()
        self.faq = FaqStore(db, curated)
        self.ledger = Ledger(db)
        self.guild_settings = GuildSettingsStore(db)
        self.pagers = Pagers()
        self.started_at = time.monotonic()
        self.long_running = long_running

    async def setup_hook(self) -> None:
        await self.ledger.start()
        # Page buttons keep their state in their custom ids: they answer clicks
        # on any list the bot ever sent, also from before a restart.
        self.add_dynamic_items(PageButton)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()
        if self.long_running:
            settle_memory()
            share_the_interpreter()
        assert self.application_id is not None  # set by login()
        log.info(
            "invite coinhelp with: %s",
            discord.utils.oauth_url(
                self.application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
            ),
        )

    async def sync_commands_if_changed(self) -> bool:
        """Sync the command tree to Discord only when it differs from the last sync.

        The fingerprint of what was last synced for this application is kept in
        the database, so a restart with the same commands makes no sync call.
        """
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        fingerprint = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode()
        ).hexdigest()
        meta_key = f"commands-synced:{self.application_id}"
        if await self.db.get_meta(meta_key) == fingerprint:
            log.info("slash commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync()
        await self.db.set_meta(meta_key, fingerprint)
        log.info("synced %d slash commands", len(synced))
        return True

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    async def close(self) -> None:
        # Finish pledges already queued before the gateway goes away.
        await self.ledger.stop()
        # discord.py dispatches on_ready ~2 s after the last server arrives and
        # does not cancel that wait on close: closed earlier, it would fire on
        # a closed client and log a traceback.
        ready_task = self._connection._ready_task
        if ready_task is not None:
            ready_task.cancel()
        await super().close()

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.started_at


def create_bot(
    settings: Settings, db: Database, curated: dict[str, FaqEntry], *, long_running: bool = False
) -> CoinhelpBot:
    """The bot with every service. `long_running`: tune the collector and thread
    switching once started (see `settle_memory`, `share_the_interpreter`);
    `python bot.py` and the benchmark do, tests don't."""
    return CoinhelpBot(settings=settings, db=db, curated=curated, long_running=long_running)


def settle_memory() -> None:
    """Tune Python's garbage collector for a long-running bot, once start-up is done.

    What start-up built (discord.py, the cogs, the templates, the FAQ) lives as
    long as the bot. gc.freeze() takes it out of every later collection: a full
    collection otherwise walks all of it again, a pause of tens of milliseconds
    landing on whoever is waiting. A larger first generation means fewer
    collections: most of an interaction's objects are freed by reference counting
    before one runs.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def share_the_interpreter() -> None:
    """Let the database threads have Python's lock back soon while the bot is busy.

    SQLite runs without the lock, but each time a database thread comes back
    from it, it waits until the event loop lets go: up to the switch interval,
    5 ms by default, and a busy loop seldom lets go sooner. A batch of pledges
    comes back from SQLite a few times; at 0.2 ms a batch took about half as
    long while fifty members kept pledging (tens of microseconds more switching
    for the event loop, only while a thread is waiting).
    """
    sys.setswitchinterval(SWITCH_INTERVAL)


def fail(message: str) -> int:
    """One clear line on stderr; the exit code for configuration problems."""
    print(f"coinhelp: {message}", file=sys.stderr)
    return EXIT_CONFIG


async def run(settings: Settings) -> int:
    if settings.discord_token is None:
        return fail(
            "DISCORD_TOKEN is not set. Create a bot in the Discord Developer Portal, "
            "copy its token, and set DISCORD_TOKEN in the environment or in .env."
        )
    # Shipped data is checked before connecting: a bad file stops the bot now,
    # naming the file, instead of failing the first member who asks.
    curated = load_curated(settings.faq_dir)
    default_price_table()
    async with contextlib.AsyncExitStack() as stack:
        db = await Database.open(settings.db_path)
        stack.push_async_callback(db.close)
        bot = create_bot(settings, db, curated, long_running=True)
        stack.push_async_callback(bot.close)
        stop_on_signals(bot)
        try:
            await bot.start(settings.discord_token)
        except discord.LoginFailure:
            return fail(
                "Discord rejected DISCORD_TOKEN. Reset the bot's token in the Discord "
                "Developer Portal and set the new one in DISCORD_TOKEN."
            )
        except discord.PrivilegedIntentsRequired:
            return fail("Discord refused the gateway intents; this should not happen.")
    log.info("stopped cleanly")
    return 0


def stop_on_signals(bot: CoinhelpBot) -> None:
    """SIGINT/SIGTERM close the bot: in-flight writes finish, then the database closes."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, functools.partial(on_signal, bot, signum))


def on_signal(bot: CoinhelpBot, signum: int) -> None:
    log.info("received %s, shutting down", signal.Signals(signum).name)
    asyncio.get_running_loop().create_task(bot.close())


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sandbox", action="store_true", help="run against a local Discord stand-in"
    )
    parser.add_argument("--db", help="with --sandbox: keep the sandbox database in this file")
    parser.add_argument("--version", action="version", version=f"coinhelp {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
        discord.utils.setup_logging(level=settings.log_level_number, root=True)
        if args.sandbox:
            from sandbox import run_sandbox

            return asyncio.run(run_sandbox(settings, db_path=args.db))
        return asyncio.run(run(settings))
    except ConfigError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
