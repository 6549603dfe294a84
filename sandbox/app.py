"""``python bot.py --sandbox``: the real bot on the Discord stand-in, with a terminal chat.

`run_sandbox` starts the stand-in, builds the demo server, and starts the bot
exactly as production does (``coinhelp_discord.on_standin``: the shipped FAQ,
every cog, templates and the ledger on a real SQLite file), only pointed at
the stand-in with its token. A `Session` (session.py) then reads lines, sends
the interactions Discord's client would send, and shows what the bot answered.

Logging goes to a file in the sandbox's temporary folder; only warnings and
errors reach the terminal, so discord.py's and the bot's INFO lines do not
drown the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from coinhelp.settings import Settings
from coinhelp_discord.launcher import tune_process
from coinhelp_discord.on_standin import StartFailed, bot_on_standin
from sandbox.console import Console
from sandbox.errors import SandboxError
from sandbox.session import EXIT_ERROR, Session
from sandbox.world import DemoWorld
from standin import StandIn, redirect_discord, restore_discord

log = logging.getLogger("coinhelp.sandbox")

EXIT_CONFIG = 2
START_TIMEOUT = 30.0


async def run_sandbox(settings: Settings, *, db_path: str | None) -> int:
    """Run the sandbox until ``quit`` or the end of input; the process exit code.

    The database is a fresh file in a temporary folder, or ``db_path`` (kept).
    DISCORD_TOKEN and COINHELP_DB are ignored: nothing here talks to Discord or
    touches the production database.
    """
    console = Console()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="coinhelp-sandbox-") as temp,
            quiet_logging(settings.log_level_number, Path(temp) / "sandbox.log"),
        ):
            database = database_path(db_path, Path(temp))
            if database is None:
                return _fail(console, f"no folder for --db {db_path!r}", EXIT_CONFIG)
            async with StandIn() as server, redirected(server):
                world = DemoWorld.build(server)
                async with running_bot(settings, server, database) as task:
                    log.info("sandbox started; database %s", database)
                    session = Session(server, world, task, console)
                    session.banner(database if db_path else None)
                    with session.stop_on_signals():
                        return await session.run()
    except SandboxError as exc:
        return _fail(console, exc.message, EXIT_ERROR)
    finally:
        console.close()


def database_path(db_path: str | None, temp: Path) -> Path | None:
    """``--db PATH`` (kept), else a fresh file in ``temp``; None if PATH's folder is missing."""
    if not db_path:
        return temp / "coinhelp.db"
    path = Path(db_path).expanduser()
    return path if path.parent.is_dir() else None


def _fail(console: Console, message: str, code: int) -> int:
    console.error(message)
    return code


@contextlib.asynccontextmanager
async def redirected(server: StandIn) -> AsyncIterator[None]:
    """discord.py in this process talks to ``server`` instead of Discord."""
    redirect_discord(server.api_base, server.gateway_url)
    try:
        yield
    finally:
        restore_discord()


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, server: StandIn, database: Path
) -> AsyncIterator[asyncio.Task[None]]:
    """The bot, built as production builds it, connected to the stand-in; closed after.

    Yields the task running it, which ends if the bot stops.
    """
    # No web server: a sandbox beside a running bot would find its port taken.
    settings = dataclasses.replace(settings, db_path=database, web_port=0)
    async with contextlib.AsyncExitStack() as stack:
        try:
            running = await stack.enter_async_context(
                bot_on_standin(server, settings, connect_within=START_TIMEOUT)
            )
        except StartFailed as exc:
            raise SandboxError(str(exc)) from None
        except (sqlite3.Error, OSError) as exc:
            raise SandboxError(f"cannot open the database {str(database)!r}: {exc}") from None
        tune_process()  # the sandbox runs as long as python bot.py does
        yield running.task


@contextlib.contextmanager
def quiet_logging(level: int, path: Path) -> Iterator[None]:
    """Everything at ``level`` to a log file; only warnings and errors on the terminal.

    Replaces the root handlers main() installed, and puts them back after.
    """
    root = logging.getLogger()
    previous_handlers, previous_level = root.handlers[:], root.level
    for handler in previous_handlers:
        root.removeHandler(handler)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(level)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.setLevel(max(level, logging.WARNING))
    to_terminal.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # The session reports the stand-in's violations itself, next to the answer.
    to_terminal.addFilter(lambda record: not record.name.startswith("standin"))
    # No voice in a text bot: discord.py's start-up notes about voice libraries are noise.
    to_terminal.addFilter(lambda record: "voice will NOT be supported" not in record.getMessage())
    root.addHandler(to_file)
    root.addHandler(to_terminal)
    root.setLevel(min(level, logging.WARNING))
    try:
        yield
    finally:
        for handler in (to_file, to_terminal):
            root.removeHandler(handler)
            handler.close()
        for handler in previous_handlers:
            root.addHandler(handler)
        root.setLevel(previous_level)
