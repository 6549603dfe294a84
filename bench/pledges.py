"""Section 3: pledges per second, through the bot, the core ledger, and raw sqlite3.

The same pledges (server, goal, member, coins) are written four ways, one after
another on the same database file, in every round:

* bot: `/goal contribute` through the stand-in, `concurrency` in flight;
  counted when the stand-in has the bot's answer (sent after the commit);
* ledger: `Ledger.pledges.contribute` in this process, `concurrency` callers (group
  commit: one transaction per batch of waiting pledges);
* ledger, one caller: the same, one pledge at a time (one transaction each);
* raw: plain `sqlite3` with the bot's PRAGMAs (WAL, synchronous=FULL), the
  ledger's INSERT, one transaction and commit per pledge.

Afterwards the rows are counted: each pledge must be in the ledger exactly
once, with its coins, and the goals' kept totals must have grown by exactly
the coins pledged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.data import COINS
from bench.stats import Samples, run_load
from bench.workload import expect, settle
from bench.world import World
from coinhelp.db import PRAGMAS, Database
from coinhelp.goals import rules
from coinhelp.goals.ledger import Ledger

_ENTRY = re.compile(r"Entry #(\d+)")
_RAW_INSERT = (
    "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week,"
    " created_at, interaction_id) VALUES (?, ?, ?, 'contribution', ?, ?, ?, ?, ?)"
)
_interaction_ids = itertools.count(3 * 10**12)
"""Interaction ids for pledges made without the stand-in (below live snowflakes)."""

WAYS = ("bot", "ledger", "ledger_one_caller", "raw")
LABELS = {
    "bot": "bot (/goal contribute via stand-in)",
    "ledger": "core ledger (Ledger.contribute)",
    "ledger_one_caller": "core ledger, one caller at a time",
    "raw": "raw sqlite3, one commit per pledge",
}


@dataclass(frozen=True, slots=True)
class PledgeRow:
    guild_id: int
    goal_id: int
    member_id: int
    coins: int


@dataclass
class Outcome:
    """One way of writing pledges, pooled over rounds, and what the count found."""

    way: str
    samples: Samples = field(default_factory=lambda: Samples([]))
    pledged: int = 0
    found: int = 0
    distinct: int = 0
    coins_expected: int = 0
    coins_found: int = 0
    totals_delta: int = 0
    concurrency: int = 1

    @property
    def lost(self) -> int:
        return self.pledged - self.distinct

    @property
    def double(self) -> int:
        return self.found - self.distinct

    @property
    def exact(self) -> bool:
        """None lost, none double, and the kept totals agree."""
        return (
            self.lost == 0
            and self.double == 0
            and self.found == self.pledged
            and self.coins_found == self.coins_expected
            and self.totals_delta == self.coins_expected
        )

    def as_dict(self) -> dict[str, Any]:
        summary = self.samples.summary()
        return {
            "label": LABELS[self.way],
            "concurrency": self.concurrency,
            "pledges": self.pledged,
            "per_s": round(summary.per_s, 1),
            "latency": summary.as_dict(),
            "rows_found": self.found,
            "lost": self.lost,
            "double": self.double,
            "coins_expected": self.coins_expected,
            "coins_found": self.coins_found,
            "kept_totals_delta": self.totals_delta,
            "exact": self.exact,
        }


def pledge_rows(world: World, count: int, start: int) -> list[PledgeRow]:
    """`count` pledges by the stand-in's members to their servers' goals."""
    rows = []
    for number in range(start, start + count):
        server, member = world.pick(number)
        goal = world.goal(server, number)
        rows.append(PledgeRow(server.guild.id, goal, member.id, COINS[number % len(COINS)]))
    return rows


class _Counter:
    """Counts what a set of pledges left in the ledger (a separate connection)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def goal_totals(self, goal_ids: set[int]) -> int:
        rows = self._query(
            "SELECT COALESCE(SUM(coins), 0) FROM scope_totals WHERE period = 'all'"
            " AND goal_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(goal_ids)),),
        )
        return int(rows[0][0])

    def rows(self, interaction_ids: Sequence[int]) -> tuple[int, int, int]:
        """(rows, distinct interaction ids, coins) in the ledger for these interactions."""
        found = self._query(
            "SELECT COUNT(*), COUNT(DISTINCT interaction_id), COALESCE(SUM(coins), 0)"
            " FROM ledger WHERE interaction_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(interaction_ids)),),
        )
        count, distinct, coins = found[0]
        return int(count), int(distinct), int(coins)


async def _through_bot(
    world: World, rows: list[PledgeRow], start: int, concurrency: int
) -> tuple[Samples, list[int]]:
    ids: list[int] = [0] * len(rows)
    entries: set[int] = set()

    async def call(number: int) -> None:
        index = number - start
        server, member = world.pick(number)
        row = rows[index]
        handle = await world.standin.slash(
            server.guild, member, "goal contribute", goal=str(row.goal_id), coins=row.coins
        )
        await handle.response()
        match = _ENTRY.search(handle.content)
        expect(match is not None, "/goal contribute", handle.text)
        assert match is not None
        ids[index] = handle.id
        entries.add(int(match.group(1)))

    samples = await run_load(call, len(rows), concurrency, start=start)
    expect(len(entries) == len(rows), "/goal contribute", f"{len(entries)} distinct entries")
    return samples, ids


async def _through_ledger(
    path: Path, rows: list[PledgeRow], concurrency: int
) -> tuple[Samples, list[int]]:
    ids = [next(_interaction_ids) for _ in rows]
    db = await Database.open(path)
    try:
        async with Ledger(db) as ledger:

            async def call(index: int) -> None:
                row = rows[index]
                pledge = await ledger.pledges.contribute(
                    row.guild_id,
                    row.goal_id,
                    member_id=row.member_id,
                    coins=row.coins,
                    interaction_id=ids[index],
                )
                expect(not pledge.duplicate, "PledgeWriter.contribute", repr(pledge))

            samples = await run_load(call, len(rows), concurrency)
    finally:
        await db.close()
    return samples, ids


def _raw(path: Path, rows: list[PledgeRow]) -> tuple[Samples, list[int]]:
    """Plain sqlite3: the bot's PRAGMAs, one transaction and commit per pledge."""
    ids = [next(_interaction_ids) for _ in rows]
    conn = sqlite3.connect(path, isolation_level=None)
    latencies = []
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        began = time.perf_counter()
        for row, interaction_id in zip(rows, ids, strict=True):
            started = time.perf_counter()
            now = dt.datetime.now(dt.UTC)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                _RAW_INSERT,
                (
                    row.guild_id,
                    row.goal_id,
                    row.member_id,
                    row.coins,
                    rules.month_key(now),
                    rules.week_key(now),
                    now.isoformat(timespec="microseconds"),
                    interaction_id,
                ),
            )
            conn.execute("COMMIT")
            latencies.append(time.perf_counter() - started)
        wall = time.perf_counter() - began
    finally:
        conn.close()
    return Samples(latencies, wall), ids


async def measure_pledges(
    world: World, db_path: Path, *, rounds: int, pledges: int, concurrency: int
) -> dict[str, Outcome]:
    """Every way, `rounds` times interleaved, counted after each write."""
    outcomes = {way: Outcome(way) for way in WAYS}
    counter = _Counter(db_path)
    number = 10**6  # request numbers of their own, apart from section 2's
    for _ in range(rounds):
        rows = pledge_rows(world, pledges, number)
        goals = {row.goal_id for row in rows}
        for way in WAYS:
            count = pledges if way != "ledger_one_caller" else max(1, pledges // 4)
            used = rows[:count]
            before = await asyncio.to_thread(counter.goal_totals, goals)
            settle()
            if way == "bot":
                samples, ids = await _through_bot(world, used, number, concurrency)
                used_concurrency = concurrency
            elif way == "ledger":
                samples, ids = await _through_ledger(db_path, used, concurrency)
                used_concurrency = concurrency
            elif way == "ledger_one_caller":
                samples, ids = await _through_ledger(db_path, used, 1)
                used_concurrency = 1
            else:
                samples, ids = await asyncio.to_thread(_raw, db_path, used)
                used_concurrency = 1
            after = await asyncio.to_thread(counter.goal_totals, goals)
            found, distinct, found_coins = await asyncio.to_thread(counter.rows, ids)
            outcome = outcomes[way]
            outcome.samples.add(samples)
            outcome.concurrency = used_concurrency
            outcome.pledged += len(used)
            outcome.found += found
            outcome.distinct += distinct
            outcome.coins_expected += sum(row.coins for row in used)
            outcome.coins_found += found_coins
            outcome.totals_delta += after - before
        number += pledges
    return outcomes
