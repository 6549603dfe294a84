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
import itertools
import logging
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import discord

from coinhelp import __version__
from coinhelp.db import Database
from coinhelp.errors import ConfigError
from coinhelp.faq.curated import Curated, load_curated_languages
from coinhelp.goals.prices import default_price_table
from coinhelp.i18n import Catalogs
from coinhelp.settings import Settings, load_settings
from coinhelp_discord.bot import CoinhelpBot, create_bot
from coinhelp_discord.logs import setup_logging
from coinhelp_discord.web import WebServer

log = logging.getLogger("coinhelp")

EXIT_CONFIG = 2
# Collector thresholds once started (Python's default: 700, 10, 10); see tune_process.
GC_THRESHOLDS = (10_000, 20, 20)
# Longest a thread waits for Python's lock while another holds it (Python's
# default: 5 ms); see tune_process.
SWITCH_INTERVAL = 0.0002
# Login attempts while Discord cannot be reached: the first retry after
# RETRY_FIRST seconds, doubling up to RETRY_MAX.
RETRY_FIRST = 1.0
RETRY_MAX = 60.0
# What "Discord cannot be reached" looks like: no route, refused, reset, timed
# out, or Discord itself answering 5xx.
UNREACHABLE = (OSError, aiohttp.ClientError, TimeoutError, discord.DiscordServerError)


@contextlib.asynccontextmanager
async def built_bot(
    settings: Settings, *, curated: Curated | None = None, catalogs: Catalogs | None = None
) -> AsyncIterator[CoinhelpBot]:
    """The bot on its open database, not yet connected; closed, then the database, after.

    The database file is checked and locked first (a wrong or busy file stops
    the bot with one line before anything else happens), then the shipped
    data: a bad file stops the bot now, naming the file, instead of failing the
    first member who asks. `curated` is the already-parsed FAQ of
    `settings.faq_dir` in every language, for a process that builds many bots. The web server
    (/healthz, /metrics) serves while the bot is built, when
    `settings.web_port` is not 0.
    """
    db = await Database.open(settings.db_path)
    try:
        if curated is None:
            curated = load_curated_languages(settings.faq_dir)
        default_price_table()
        bot = create_bot(settings, db, curated, catalogs)
        try:
            web = None
            if settings.web_port:
                web = WebServer(bot, settings.web_host, settings.web_port)
                await web.start()
                log.info("web server on http://%s:%d/", settings.web_host, web.port)
            try:
                yield bot
            finally:
                if web is not None:
                    await web.close()
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
        stopping = asyncio.Event()
        stop_on_signals(bot, stopping)
        try:
            if not await login_when_reachable(bot, settings.discord_token, stopping):
                log.info("stopped before Discord could be reached")
                return 0
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


async def login_when_reachable(bot: CoinhelpBot, token: str, stopping: asyncio.Event) -> bool:
    """Log in, trying again with backoff while Discord cannot be reached.

    One warning line per failed attempt, no traceback: no network at start is
    an everyday event (a container that starts before its network, a router
    that reboots). Returns False if `stopping` is set first (Ctrl+C or SIGTERM
    stop the waiting at once). A rejected token raises discord.LoginFailure.
    """
    discord_client_log = logging.getLogger("discord.client")
    for attempt in itertools.count(1):
        if attempt > 1:  # one line per attempt: ours, not also discord.py's "logging in"
            discord_client_log.addFilter(_not_logging_in)
        login = asyncio.ensure_future(bot.login(token))
        try:
            if not await _first_unless_stopped(login, stopping):
                return False
        finally:
            discord_client_log.removeFilter(_not_logging_in)
        try:
            login.result()
            return True
        except UNREACHABLE as exc:
            delay = retry_delay(attempt)
            log.warning(
                "cannot reach Discord (%s); trying again in %.0f s",
                str(exc) or type(exc).__name__,
                delay,
            )
        await forget_failed_login(bot)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
            return False
    raise AssertionError("unreachable")


def _not_logging_in(record: logging.LogRecord) -> bool:
    return record.msg != "logging in using static token"


async def _first_unless_stopped(work: asyncio.Future[Any], stopping: asyncio.Event) -> bool:
    """Wait for `work`; if `stopping` is set first, cancel it and return False."""
    stopped: asyncio.Future[Any] = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if work.done():
        return True
    work.cancel()
    with contextlib.suppress(BaseException):
        await work
    return False


def retry_delay(attempt: int) -> float:
    """Seconds before the next login attempt: doubling from RETRY_FIRST up to RETRY_MAX."""
    return min(RETRY_MAX, RETRY_FIRST * 2 ** (attempt - 1))


async def forget_failed_login(bot: CoinhelpBot) -> None:
    """Close the HTTP session a failed login opened. discord.py makes a session
    (and, once, its connection pool) at each login; closing the session closes
    the pool too, so it is dropped for the next login to make a fresh one."""
    await bot.http.close()
    bot.http.connector = discord.utils.MISSING


def stop_on_signals(bot: CoinhelpBot, stopping: asyncio.Event) -> None:
    """SIGINT/SIGTERM close the bot: in-flight writes finish, then the database closes."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, functools.partial(on_signal, bot, stopping, signum))


def on_signal(bot: CoinhelpBot, stopping: asyncio.Event, signum: int) -> None:
    log.info("received %s, shutting down", signal.Signals(signum).name)
    stopping.set()
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
        setup_logging(settings.log_level_number, settings.log_format)
        if args.sandbox:
            from sandbox import run_sandbox

            return asyncio.run(run_sandbox(settings, db_path=args.db))
        return asyncio.run(run(settings))
    except ConfigError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 0
