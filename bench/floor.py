"""Section 1, the floor: a trivial slash command through the stand-in.

`/benchping` answers a fixed text and touches nothing else, so its latency is
what the stand-in, the gateway, discord.py and the interaction callback cost
by themselves. Every command is reported as a ratio to it.

`/benchembed` (for reading the results, no target) answers a fixed embed shaped
like a leaderboard page with three buttons: what a command pays for the shape
of its answer alone, before any database read or template.
"""

from __future__ import annotations

from bench.workload import Workload, expect
from bench.world import EMBED_COMMAND, FLOOR_COMMAND, FLOOR_TEXT, World


async def floor(world: World, number: int) -> None:
    """One `/benchping`, answered."""
    server, member = world.pick(number)
    handle = await world.standin.slash(server.guild, member, FLOOR_COMMAND)
    await handle.response()
    expect(handle.kind == "message" and handle.content == FLOOR_TEXT, "/benchping", handle.text)


FLOOR = Workload("floor", f"/{FLOOR_COMMAND} (fixed text)", floor)


async def embed_floor(world: World, number: int) -> None:
    """One `/benchembed`, answered."""
    server, member = world.pick(number)
    handle = await world.standin.slash(server.guild, member, EMBED_COMMAND)
    await handle.response()
    expect(handle.kind == "message" and "Top contributors" in handle.text, "/benchembed", "")


EMBED_FLOOR = Workload("embed_floor", f"/{EMBED_COMMAND} (fixed embed + buttons)", embed_floor)
