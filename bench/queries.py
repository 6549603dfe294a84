"""Section 4: leaderboard, goal total and own-rank queries at several ledger sizes.

Timed through the `Ledger` API the cogs call (so the aiosqlite hop to the
reader thread is included), one call at a time after a warm-up, on a copy of
each generated database. Servers, goals and members rotate; members are drawn
from the whole activity range, so some ranks are near the top and some far down
(and some members have no coins in a goal: then `rank` also checks the goal).
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bench import data
from bench.data import DataSpec
from bench.stats import Summary
from bench.workload import settle
from coinhelp.db import Database
from coinhelp.goals.ledger import Ledger

QUERIES = (
    ("leaderboard_goal", "leaderboard, one goal (top 10)"),
    ("leaderboard_server", "leaderboard, whole server (top 10)"),
    ("goal_total", "goal total (progress)"),
    ("rank_goal", "own rank, one goal"),
    ("rank_server", "own rank, whole server"),
)


@dataclass(frozen=True, slots=True)
class QueryResult:
    rows: int
    ledger_rows: int
    member_totals: int
    summaries: dict[str, Summary]


async def _time(call: Callable[[int], Awaitable[object]], calls: int, warmup: int) -> Summary:
    for number in range(warmup):
        await call(number)
    settle()
    seconds = []
    began = time.perf_counter()
    for number in range(calls):
        started = time.perf_counter()
        await call(number)
        seconds.append(time.perf_counter() - started)
    return Summary.of(seconds, time.perf_counter() - began)


async def measure_queries(path: Path, spec: DataSpec, calls: int) -> QueryResult:
    """Per-call time of each query on the database at `path` (generated from `spec`)."""
    rng = random.Random(spec.seed + 3)
    picks = []
    for _ in range(max(calls, 50)):
        guild = rng.randrange(spec.guilds)
        goal = rng.choice(spec.goals_of(guild))
        member = rng.choice(spec.members_of(guild))
        picks.append((data.guild_id(guild), goal, data.member_id(member)))
    db = await Database.open(path)
    try:
        ledger = Ledger(db)
        counts = await db.lookup_one(
            "SELECT (SELECT COUNT(*) FROM ledger), (SELECT COUNT(*) FROM member_totals)"
        )
        assert counts is not None

        def pick(number: int) -> tuple[int, int, int]:
            return picks[number % len(picks)]

        async def leaderboard_goal(number: int) -> object:
            guild, goal, _ = pick(number)
            return await ledger.standings.leaderboard(guild, goal, "all", limit=10)

        async def leaderboard_server(number: int) -> object:
            guild, _, _ = pick(number)
            return await ledger.standings.leaderboard(guild, None, "all", limit=10)

        async def goal_total(number: int) -> object:
            guild, goal, _ = pick(number)
            return await ledger.goals.progress(guild, goal)

        async def rank_goal(number: int) -> object:
            guild, goal, member = pick(number)
            return await ledger.standings.rank(guild, goal, "all", member)

        async def rank_server(number: int) -> object:
            guild, _, member = pick(number)
            return await ledger.standings.rank(guild, None, "all", member)

        calls_by_key: dict[str, Callable[[int], Awaitable[object]]] = {
            "leaderboard_goal": leaderboard_goal,
            "leaderboard_server": leaderboard_server,
            "goal_total": goal_total,
            "rank_goal": rank_goal,
            "rank_server": rank_server,
        }
        summaries = {
            key: await _time(calls_by_key[key], calls, warmup=min(20, calls)) for key, _ in QUERIES
        }
    finally:
        await db.close()
    return QueryResult(spec.rows, int(counts[0]), int(counts[1]), summaries)
