"""The stand-in's servers and members with the generated database's ids, and the
real bot started in-process on it (coinhelp_discord.on_standin, as the tests do).

The stand-in makes time-based ids; the generated database has fixed ones (so it
can be cached). `_fixed_ids` hands the stand-in's model the ids the database
uses while a server or member is created, and each one is checked afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import discord
from discord import app_commands

import standin.models
from bench import data
from bench.data import DataSpec
from cogs.views import Pager
from coinhelp.faq.curated import Curated, load_curated_languages
from coinhelp.faq.entries import FaqEntry
from coinhelp.i18n import DEFAULT_LANGUAGE
from coinhelp.settings import DEFAULT_FAQ_DIR, Settings
from coinhelp_discord.bot import CoinhelpBot
from coinhelp_discord.launcher import tune_process
from coinhelp_discord.on_standin import bot_on_standin
from standin import Guild, Member, StandIn, redirect_discord, restore_discord

log = logging.getLogger("bench")

FLOOR_COMMAND = "benchping"
STANDIN_KEEP = 1000
"""Interactions the stand-in remembers (20 times the concurrency)."""
FLOOR_TEXT = "pong"
EMBED_COMMAND = "benchembed"


@contextlib.contextmanager
def _fixed_ids(*ids: int) -> Iterator[None]:
    """The stand-in's next ids are `ids`, in order; then it makes its own again."""
    queue = list(ids)
    real: Callable[[], int] = standin.models.next_id

    def next_id() -> int:
        return queue.pop(0) if queue else real()

    standin.models.next_id = next_id
    try:
        yield
    finally:
        standin.models.next_id = real


@dataclass
class Server:
    """One stand-in server mirroring server `index` of the generated data."""

    index: int
    guild: Guild
    members: list[Member]
    goal_ids: list[int]


@dataclass
class World:
    """The stand-in populated from a `DataSpec`: servers, their goals and members."""

    standin: StandIn
    spec: DataSpec
    servers: list[Server] = field(default_factory=list)

    @classmethod
    def populate(cls, stand_in: StandIn, spec: DataSpec, members_per_guild: int) -> World:
        """Servers with the database's ids, each with its first `members_per_guild`
        members (spread over activity levels: member ids come from the data)."""
        world = cls(stand_in, spec)
        real = standin.models.next_id
        for index in range(spec.guilds):
            # Guild() takes ids for itself, its owner, the bot's role, then #general.
            with _fixed_ids(data.guild_id(index), real(), real(), data.general_channel_id(index)):
                guild = stand_in.add_guild(f"Bench server {index}")
            if guild.id != data.guild_id(index) or guild.default_channel.id != (
                data.general_channel_id(index)
            ):
                raise RuntimeError("the stand-in no longer takes ids in the order bench expects")
            members = []
            for member_index in itertools.islice(spec.members_of(index), members_per_guild):
                with _fixed_ids(data.member_id(member_index)):
                    member = guild.add_member(f"fan{member_index}")
                if member.id != data.member_id(member_index):
                    raise RuntimeError("the stand-in no longer takes member ids as bench expects")
                members.append(member)
            world.servers.append(Server(index, guild, members, spec.goals_of(index)))
        return world

    def pick(self, number: int) -> tuple[Server, Member]:
        """The server and member for request `number`: every member takes turns."""
        server = self.servers[number % len(self.servers)]
        member = server.members[(number // len(self.servers)) % len(server.members)]
        return server, member

    def goal(self, server: Server, number: int) -> int:
        """A goal of `server` for request `number`."""
        return server.goal_ids[(number // len(self.servers)) % len(server.goal_ids)]


_CURATED: dict[str, Curated] = {}


def curated_languages() -> Curated:
    """The shipped FAQ in every language, parsed once."""
    if "shipped" not in _CURATED:
        _CURATED["shipped"] = load_curated_languages(DEFAULT_FAQ_DIR)
    return _CURATED["shipped"]


def curated() -> Mapping[str, FaqEntry]:
    """The shipped FAQ in English, by key."""
    return curated_languages()[DEFAULT_LANGUAGE]


def fixed_embed() -> discord.Embed:
    """An embed shaped like a leaderboard page: title, ten lines, footer."""
    lines = "\n\n".join(
        f"**{rank}.** <@{data.member_id(rank)}> · {10_000 - rank:,} coins" for rank in range(1, 11)
    )
    embed = discord.Embed(title="Top contributors · all time", description=lines, colour=0xFFC400)
    embed.set_footer(text="page 1 of 100 · 1,000 contributors")
    return embed


# The bot's own page buttons (state in their custom ids, nothing kept per
# message), as a leaderboard's first page of 100 shows them.
_FIXED_PAGER = Pager("bench", lambda interaction, state, page: fixed_page())


async def fixed_page() -> tuple[discord.Embed, int]:
    return fixed_embed(), 100


def add_floor_commands(bot: CoinhelpBot) -> None:
    """Benchmark process only, never shipped: the floor (a fixed text) and, for
    reading the results, the same with a fixed embed and buttons (no database,
    no template): what answering with a leaderboard-shaped message costs by itself."""

    @app_commands.command(name=FLOOR_COMMAND, description="Benchmark floor: a fixed answer")
    async def benchping(interaction: discord.Interaction[CoinhelpBot]) -> None:
        await interaction.response.send_message(FLOOR_TEXT)

    @app_commands.command(name=EMBED_COMMAND, description="Benchmark: a fixed embed and buttons")
    async def benchembed(interaction: discord.Interaction[CoinhelpBot]) -> None:
        view = _FIXED_PAGER.controls(interaction.user.id, "", 0, 100)
        await interaction.response.send_message(embed=fixed_embed(), view=view)

    bot.tree.add_command(benchping)
    bot.tree.add_command(benchembed)


@dataclass
class Running:
    """The stand-in, its world, and the real bot connected to it in this process."""

    standin: StandIn
    world: World
    bot: CoinhelpBot
    db_path: Path


@contextlib.asynccontextmanager
async def standin_world(spec: DataSpec, members_per_guild: int) -> AsyncIterator[World]:
    """A started stand-in, redirected, with the data's servers and members.

    It remembers only the last STANDIN_KEEP interactions: Discord keeps its
    records in its own data centres, not in the bot's process, and a stand-in
    recording thousands of them in the bot's heap made every garbage
    collection there walk them (a single collection reached 110 ms)."""
    async with StandIn(keep=STANDIN_KEEP) as server:
        redirect_discord(server.api_base, server.gateway_url)
        try:
            yield World.populate(server, spec, members_per_guild)
        finally:
            restore_discord()


@contextlib.asynccontextmanager
async def running_bot(world: World, db_path: Path) -> AsyncIterator[Running]:
    """The bot built as `python bot.py` builds it (the shipped FAQ, every cog, the
    process tuned the same way) plus the floor commands, connected to the
    stand-in; closed on exit."""
    settings = Settings(
        discord_token=None, db_path=db_path, faq_dir=DEFAULT_FAQ_DIR, log_level="WARNING"
    )
    async with bot_on_standin(
        world.standin, settings, curated=curated_languages(), prepare=add_floor_commands
    ) as running:
        # A bot past its first question in each language: building a language's
        # matcher is a one-time cost, not part of any command's steady cost.
        running.bot.faq.build_curated_matchers()
        tune_process()
        yield Running(world.standin, world, running.bot, db_path)
