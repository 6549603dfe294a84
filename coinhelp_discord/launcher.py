"""The process: settings → logging → checked data → database → the bot → run.

`main()` is both `python bot.py` and the installed `coinhelp` command.
`built_bot()` is the one way the bot is built, here, on the stand-in for the
tests, the benchmark and the sandbox alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Sequence

import discord

from coinhelp import __version__
from coinhelp.db import Database
from coinhelp.errors import ConfigError
from coinhelp.faq.curated import Curated, load_curated_languages
from coinhelp.goals.prices import default_price_table
from coinhelp.settings import Settings, load_settings
from coinhelp_discord.bot import CoinhelpBot, create_bot

log = logging.getLogger("coinhelp")

EXIT_CONFIG = 2
# Collector thresholds once started (Python's default: 700, 10, 10); see tune_process.
GC_THRESHOLDS = (10_000, 20, 20)
# Longest a thread waits for Python's lock while another holds it (Python's
# default: 5 ms); see tune_process.
SWITCH_INTERVAL = 0.0002


@contextlib.asynccontextmanager
async def built_bot(
    settings: Settings, *, curated: Curated | None = None
) -> AsyncIterator[CoinhelpBot]:
    """The bot on its open database, not yet connected; closed, then the database, after.

    Shipped data is checked first: a bad file stops the bot now, naming the
    file, instead of failing the first member who asks. `curated` is the
    already-parsed FAQ of `settings.faq_dir` in every language, for a process
    that builds many bots.
    """
    if curated is None:
        curated = load_curated_languages(settings.faq_dir)
    default_price_table()
    db = await Database.open(settings.db_path)
    try:
        bot = create_bot(settings, db, curated)
        try:
            yield bot
        finally:
            await bot.close()
    finally:
        await db.close()


def tune_process() -> None:
    """Settings for a process that runs the bot for a long time, once start-up is done.

    The garbage collector: what start-up built (discord.py, the cogs, the
    templates, the FAQ) lives as long as the bot; gc.freeze() takes it out of
    every later collection, which would otherwise walk all of it again (a
    pause landing on whoever is waiting). A larger first generation means
    fewer collections: most of an interaction's objects are freed by
    reference counting before one runs.

    The switch interval: SQLite runs on the database threads without Python's
    lock, but each time a thread comes back it waits until the event loop lets
    go, up to the switch interval (5 ms by default), and a busy loop seldom
    lets go sooner. A shorter interval lets pledge batches finish sooner while
    members keep the loop busy. bench/ measures both (README, Performance).

    Tests don't call it: frozen objects are never freed, and a test process
    builds hundreds of bots.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
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
    async with built_bot(settings) as bot:
        stop_on_signals(bot)
        try:
            await bot.login(settings.discord_token)
            tune_process()
            await bot.connect()
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
    parser = argparse.ArgumentParser(
        prog="coinhelp",
        description="coinhelp: a Discord bot for TikTok fan communities (needs DISCORD_TOKEN).",
    )
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
