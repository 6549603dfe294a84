"""Generating the benchmark's goals database: goals, ledger, milestones, totals.

The database is built with the bot's own migrations, then filled with raw
`sqlite3` `executemany` inside one transaction. Ledger rows go through the
schema's triggers, so `scope_totals` and `member_totals` are maintained exactly
as the bot maintains them; milestones are computed while generating, each
recorded by the contribution that crossed it. Ids are fixed (see `guild_id`,
`member_id`, `general_channel_id`), so a cached file can be reused: the
benchmark gives the stand-in's servers, channels and members the same ids.

Shape: every member belongs to one server (member j to server j % servers);
activity is skewed (a few members pledge a lot, most a little); each pledge
goes to one of its member's server's goals; pledges are spread over the last
365 days, in time order; about one pledge in 500 is voided later by a
moderator. Targets are set so that some goals are done and some are not.
No ANALYZE is run: the bot never runs it, so the query planner sees what it
sees in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from coinhelp.db import Database
from coinhelp.goals import rules
from coinhelp.goals.audit import Audit

FORMAT_VERSION = 2
"""Bumped when the generated shape changes, so stale cached files are not reused."""

_SNOWFLAKE_2024 = (1_704_067_200_000 - 1_420_070_400_000) << 22
GUILD_ID_BASE = _SNOWFLAKE_2024 + 1_000_000
CHANNEL_ID_BASE = _SNOWFLAKE_2024 + 2_000_000
MEMBER_ID_BASE = _SNOWFLAKE_2024 + 10_000_000
MODERATOR_ID = _SNOWFLAKE_2024 + 9_000_000
INTERACTION_ID_BASE = 10**12
"""Generated rows' interaction ids; far below live snowflakes, so never reused."""

COINS = (1, 5, 10, 30, 99, 199, 299, 499, 999, 1999, 4999)
COIN_WEIGHTS = (20, 18, 16, 12, 10, 8, 6, 4, 3, 2, 1)
TARGET_FACTORS = (0.6, 0.9, 1.2, 2.0, 4.0)
VOID_SHARE = 0.002
SPAN = dt.timedelta(days=365)

_INSERT_LEDGER = (
    "INSERT INTO ledger (entry_id, guild_id, goal_id, member_id, kind, coins, month, week,"
    " created_at, interaction_id, voids, moderator_id, reason)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def guild_id(index: int) -> int:
    """The fixed id of server `index`."""
    return GUILD_ID_BASE + index


def general_channel_id(index: int) -> int:
    """The fixed id of server `index`'s #general (where its goals were created)."""
    return CHANNEL_ID_BASE + index


def member_id(index: int) -> int:
    """The fixed id of member `index`."""
    return MEMBER_ID_BASE + index


@dataclass(frozen=True, slots=True)
class DataSpec:
    """What to generate: ledger rows from members over goals in servers."""

    rows: int
    members: int
    goals: int
    guilds: int
    seed: int = 2026

    def __post_init__(self) -> None:
        if not 1 <= self.guilds <= self.goals or self.members < self.guilds:
            raise ValueError("need 1 <= servers <= goals and at least one member per server")

    @property
    def key(self) -> str:
        """A file name for this spec (cache key)."""
        return (
            f"ledger-v{FORMAT_VERSION}-r{self.rows}-m{self.members}-g{self.goals}"
            f"-s{self.guilds}-seed{self.seed}"
        )

    def guild_of_goal(self, goal_id: int) -> int:
        """The server index a goal (1-based id) belongs to."""
        return (goal_id - 1) % self.guilds

    def goals_of(self, guild_index: int) -> list[int]:
        """The goal ids of server `guild_index`."""
        return [g for g in range(1, self.goals + 1) if self.guild_of_goal(g) == guild_index]

    def members_of(self, guild_index: int) -> range:
        """The member indexes of server `guild_index`."""
        return range(guild_index, self.members, self.guilds)


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated (or cached) database file and how long it took."""

    spec: DataSpec
    path: Path
    seconds: float
    cached: bool


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _events(spec: DataSpec, now: dt.datetime) -> Iterator[tuple[dt.datetime, int, int, int]]:
    """(time, member index, goal id, coins) of every contribution, in time order."""
    rng = random.Random(spec.seed)
    # Skewed activity: member rank r pledges about 1 / (r + 10) ** 0.9 as often.
    order = list(range(spec.members))
    rng.shuffle(order)
    weights = [0.0] * spec.members
    for rank, index in enumerate(order):
        weights[index] = 1.0 / (rank + 10) ** 0.9
    cumulative = list(itertools.accumulate(weights))
    goals_by_guild = [spec.goals_of(g) for g in range(spec.guilds)]
    members = rng.choices(range(spec.members), cum_weights=cumulative, k=spec.rows)
    coins = rng.choices(COINS, weights=COIN_WEIGHTS, k=spec.rows)
    start = now - SPAN
    span_us = int(SPAN.total_seconds() * 1_000_000) - 60_000_000  # end a minute ago
    offsets = sorted(rng.randrange(span_us) for _ in range(spec.rows))
    for offset, member, amount in zip(offsets, members, coins, strict=True):
        goal = rng.choice(goals_by_guild[member % spec.guilds])
        yield start + dt.timedelta(microseconds=offset), member, goal, amount


class _Event(NamedTuple):
    """One ledger row before it has an entry id."""

    when: dt.datetime
    contribution: int  # index of the contribution this row is, or voids
    kind: str
    guild_id: int
    goal_id: int
    member_id: int
    coins: int
    month: str
    week: str


def _rows(spec: DataSpec, now: dt.datetime) -> tuple[list[tuple[object, ...]], dict[int, int]]:
    """Ledger rows (contributions and voids, entry id order) and each goal's final total."""
    rng = random.Random(spec.seed + 1)
    contributions = list(_events(spec, now))
    voided = set(rng.sample(range(len(contributions)), int(len(contributions) * VOID_SHARE)))
    timeline: list[_Event] = []
    totals = dict.fromkeys(range(1, spec.goals + 1), 0)
    for index, (when, member, goal, coins) in enumerate(contributions):
        guild = guild_id(spec.guild_of_goal(goal))
        month, week = rules.month_key(when), rules.week_key(when)
        who = member_id(member)
        timeline.append(_Event(when, index, "contribution", guild, goal, who, coins, month, week))
        totals[goal] += coins
        if index in voided:  # a moderator voids it 1-60 minutes later
            later = min(now, when + dt.timedelta(minutes=rng.randint(1, 60)))
            timeline.append(_Event(later, index, "void", guild, goal, who, -coins, month, week))
            totals[goal] -= coins
    timeline.sort(key=lambda event: (event.when, event.kind == "void", event.contribution))
    entry_of: dict[int, int] = {}
    rows: list[tuple[object, ...]] = []
    for entry_id, event in enumerate(timeline, start=1):
        head = (entry_id, event.guild_id, event.goal_id, event.member_id, event.kind)
        period = (event.coins, event.month, event.week, _iso(event.when))
        if event.kind == "void":
            interaction = INTERACTION_ID_BASE + len(contributions) + event.contribution
            voids = entry_of[event.contribution]
            rows.append((*head, *period, interaction, voids, MODERATOR_ID, "bench"))
        else:
            entry_of[event.contribution] = entry_id
            interaction = INTERACTION_ID_BASE + event.contribution
            rows.append((*head, *period, interaction, None, None, None))
    return rows, totals


def _targets(spec: DataSpec, totals: dict[int, int]) -> dict[int, int]:
    """Each goal's target: a multiple of the coins it will get, so some are done."""
    return {
        goal: max(
            1,
            min(rules.TARGET_MAX, int(total * TARGET_FACTORS[goal % len(TARGET_FACTORS)]) or 1000),
        )
        for goal, total in totals.items()
    }


def _goal_rows(
    spec: DataSpec, targets: dict[int, int], created: dt.datetime
) -> list[tuple[object, ...]]:
    """One open goal per id, created before its first pledge."""
    rows: list[tuple[object, ...]] = []
    for goal in range(1, spec.goals + 1):
        guild = spec.guild_of_goal(goal)
        name = f"Bench goal {goal}"
        rows.append(
            (
                goal,
                guild_id(guild),
                name,
                rules.goal_name_key(name),
                targets[goal],
                f"Creator {goal}",
                general_channel_id(guild),
                MODERATOR_ID,
                _iso(created),
            )
        )
    return rows


def _milestones(
    rows: list[tuple[object, ...]], targets: dict[int, int]
) -> list[tuple[int, int, int, int, str]]:
    """Milestones each goal crossed, recorded once by the pledge that crossed them."""
    running = dict.fromkeys(targets, 0)
    reached: dict[int, set[int]] = {goal: set() for goal in targets}
    found = []
    for entry_id, _guild, goal, _member, kind, coins, _month, _week, created_at, *_ in rows:
        assert isinstance(goal, int) and isinstance(coins, int) and isinstance(entry_id, int)
        before = running[goal]
        running[goal] = before + coins
        if kind != "contribution":
            continue
        for percent in rules.milestones_crossed(before, running[goal], targets[goal]):
            if percent not in reached[goal]:
                reached[goal].add(percent)
                found.append((goal, percent, entry_id, running[goal], str(created_at)))
    return found


def _fill(path: Path, spec: DataSpec) -> None:
    """Insert goals, ledger rows and milestones into the migrated database at `path`."""
    now = dt.datetime.now(dt.UTC)
    rows, totals = _rows(spec, now)
    targets = _targets(spec, totals)
    goal_rows = _goal_rows(spec, targets, now - SPAN - dt.timedelta(days=1))
    milestones = _milestones(rows, targets)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A scratch file until it is renamed: no journal and no fsync while
        # filling (twice as fast as WAL), then left in WAL mode like the bot's.
        for pragma in (
            "PRAGMA journal_mode = OFF",
            "PRAGMA synchronous = OFF",
            "PRAGMA foreign_keys = ON",
            "PRAGMA cache_size = -500000",
            "PRAGMA locking_mode = EXCLUSIVE",
        ):
            conn.execute(pragma)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO goals (goal_id, guild_id, name, name_key, target, creator,"
            " channel_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            goal_rows,
        )
        conn.executemany(_INSERT_LEDGER, rows)
        conn.executemany(
            "INSERT INTO goal_milestones (goal_id, percent, entry_id, total, reached_at)"
            " VALUES (?, ?, ?, ?, ?)",
            milestones,
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA locking_mode = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


async def check(path: Path) -> list[str]:
    """`Audit.check_consistency` on the file: empty when every total is right."""
    db = await Database.open(path)
    try:
        return await Audit(db).check_consistency()
    finally:
        await db.close()


def generate(spec: DataSpec, cache_dir: Path) -> Generated:
    """The database for `spec`, from `cache_dir` if it was generated before.

    Synchronous (it runs the migrations with `asyncio.run`): call it before the
    benchmark's event loop starts.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{spec.key}.db"
    if path.exists():
        return Generated(spec, path, 0.0, cached=True)
    started = time.perf_counter()
    scratch = cache_dir / f"{spec.key}.partial.db"
    remove_db(scratch)
    asyncio.run(_migrate(scratch))
    _fill(scratch, spec)
    scratch.rename(path)
    return Generated(spec, path, time.perf_counter() - started, cached=False)


def working_copy(source: Path, target: Path) -> Path:
    """A fresh copy of a cached database that a run may write to."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_db(target)
    shutil.copyfile(source, target)
    return target


def remove_db(path: Path) -> None:
    """Delete a database file and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
