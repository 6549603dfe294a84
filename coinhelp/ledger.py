"""Pooled gifting goals on an append-only coin ledger.

The ledger (table `ledger`, migration 0003) is never updated or deleted: a
pledge is a `contribution` row; a correction is a `void` row that cancels one
contribution and stores its coins negated. Every row carries the Discord
interaction id that caused it, UNIQUE, so one interaction counts once.

Totals are derived from the ledger. For speed, triggers keep `scope_totals`
(per goal, and per server as goal 0) and `member_totals` in the same
transaction as each row, for the periods all / calendar month / ISO week
(UTC). A void counts in the month and week of the contribution it cancels.
`Ledger.check_consistency` recomputes all of them from the ledger.

Pledges go through one writer task (group commit): it takes every pledge
waiting in the queue, checks each one on its own, and commits the good ones
in one transaction through `Database.write()`, so other writers still take
turns with it. A caller's pledge is answered only after that commit, and
milestones (25/50/75/100 %) are recorded in the same transaction, each once
per goal (primary key goal_id, percent).

Errors raised to callers are UserErrors (see coinhelp.errors): NotFound for
an unknown goal or entry, or one of another server (the same message, so
nothing leaks); Conflict for a closed goal, a second void, a void of a void,
a reused interaction id, or a name already taken by an open goal;
InvalidInput for values out of range.

Decisions: goal names are unique per server among open goals, compared
case-insensitively (goals.goal_name_key); a name reference finds the open
goal, else the newest closed one. Voids are allowed on closed goals (they
correct the record). A pledge to an open goal whose deadline has passed is
refused like one to a closed goal, even before the deadline task closes it.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, NamedTuple, TypeVar

import aiosqlite

from coinhelp import goals as rules
from coinhelp.db import Database
from coinhelp.errors import Conflict, InvalidInput, NotFound, UserError

log = logging.getLogger(__name__)

Period = Literal["all", "month", "week"]
PERIODS: tuple[Period, ...] = ("all", "month", "week")
CloseReason = Literal["closed by moderator", "deadline"]
CLOSED_BY_MODERATOR: CloseReason = "closed by moderator"
CLOSED_BY_DEADLINE: CloseReason = "deadline"
EntryKind = Literal["contribution", "void"]

SERVER_SCOPE = 0
"""The goal_id under which totals for the whole server are kept."""
MAX_BATCH = 500
"""Most pledges committed in one transaction."""
GATHER_TURNS = 8
"""Most turns of the event loop a batch waits for pledges made in the same moment."""
PAGE_MAX = 100

GOAL_NOT_FOUND = "There is no such goal in this server. Pick one from the list as you type."
INTERACTION_REUSED = "That interaction was already used for something else."
SHUTTING_DOWN = "coinhelp is restarting. Please pledge again in a minute."

_GOAL_ID_REF = re.compile(r"^#?\s*(\d{1,19})$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SQLITE_INT_MAX = 2**63 - 1

T = TypeVar("T")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(when: dt.datetime) -> str:
    """Stored form of a time: UTC, fixed width, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _required_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# -- values returned -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Goal:
    id: int
    guild_id: int
    name: str
    target: int
    deadline: dt.datetime | None
    creator: str | None
    description: str | None
    channel_id: int
    created_by: int
    created_at: dt.datetime
    closed_at: dt.datetime | None = None
    closed_by: int | None = None
    closed_reason: CloseReason | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def status(self) -> Literal["open", "closed"]:
        return "closed" if self.closed else "open"


class _TowardTarget:
    """percent, remaining and completed, for anything with a goal and a total."""

    __slots__ = ()
    goal: Goal
    total: int

    @property
    def percent(self) -> int:
        return rules.percent(self.total, self.goal.target)

    @property
    def remaining(self) -> int:
        return max(0, self.goal.target - self.total)

    @property
    def completed(self) -> bool:
        return self.total >= self.goal.target


@dataclass(frozen=True, slots=True)
class GoalProgress(_TowardTarget):
    goal: Goal
    total: int
    contributors: int


@dataclass(frozen=True, slots=True)
class Pledge(_TowardTarget):
    """The result of `contribute`.

    `milestones_crossed` are the milestones this pledge crossed and recorded
    (announce each). A duplicate (the interaction was already counted) crosses
    none, carries the original entry's id and coins, and changed nothing.
    `total` is the goal's total right after this pledge (for a duplicate: now).
    """

    entry_id: int
    goal: Goal
    member_id: int
    coins: int
    total: int
    milestones_crossed: tuple[int, ...]
    duplicate: bool
    created_at: dt.datetime


class LedgerRow(NamedTuple):
    """One ledger row. `coins` is signed: a void's coins are negative.

    `voids` is the entry a void cancels; `voided_by` the void that cancelled
    a contribution (None while it counts). A named tuple rather than a frozen
    dataclass: a page of history builds ten, and a tuple is built three times
    faster.
    """

    entry_id: int
    guild_id: int
    goal_id: int
    member_id: int
    kind: EntryKind
    coins: int
    created_at: dt.datetime
    interaction_id: int
    voids: int | None = None
    voided_by: int | None = None
    moderator_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Void:
    """The result of `void`: the new void row's id and the row it cancelled."""

    entry_id: int
    voided: LedgerRow
    goal: Goal
    total: int
    reason: str
    moderator_id: int
    created_at: dt.datetime
    duplicate: bool


@dataclass(frozen=True, slots=True)
class LeaderRow:
    rank: int
    member_id: int
    coins: int


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list: `total` items exist in all."""

    items: tuple[T, ...]
    total: int
    offset: int
    limit: int

    def pages(self, page_size: int | None = None) -> int:
        """How many pages of `page_size` (default: this page's limit); at least 1."""
        size = page_size or self.limit
        return max(1, -(-self.total // size))


@dataclass(frozen=True, slots=True)
class GoalSummary(_TowardTarget):
    """A goal's final numbers, as posted when it closes."""

    goal: Goal
    total: int
    contributors: int
    top: tuple[LeaderRow, ...]


# -- internals ---------------------------------------------------------------------


@dataclass(slots=True)
class _PledgeRequest:
    guild_id: int
    goal_id: int
    member_id: int
    coins: int
    interaction_id: int
    future: asyncio.Future[Pledge]


@dataclass(slots=True)
class _GoalState:
    """A goal as the writer sees it while it works through one batch."""

    goal: Goal
    total: int
    reached: set[int]


class _Entry(NamedTuple):
    entry_id: int
    guild_id: int
    goal_id: int
    member_id: int
    kind: str
    coins: int
    created_at: str


_Outcome = tuple[_PledgeRequest, Pledge | BaseException]

_GOAL_WITH_TOTALS = """
    SELECT g.*, COALESCE(t.coins, 0) AS total, COALESCE(t.members, 0) AS contributors,
           COALESCE(t.entries, 0) AS entries
    FROM goals AS g
    LEFT JOIN scope_totals AS t
        ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = 'all'
"""
# Everything the pledge writer reads for a batch, in one statement and one row
# of JSON: each goal of the batch with its total and the milestones already
# recorded ('25,50'); the ledger rows already holding the batch's interaction
# ids; the last entry id. After every statement (and every row) the batch
# thread takes Python's lock back from the busy event loop, which can take
# milliseconds each time while members keep pledging (see
# bot.share_the_interpreter).
_BATCH_READ = """
    SELECT
        (SELECT json_group_array(json_object(
             'goal_id', g.goal_id, 'guild_id', g.guild_id, 'name', g.name,
             'target', g.target, 'deadline', g.deadline, 'creator', g.creator,
             'description', g.description, 'channel_id', g.channel_id,
             'created_by', g.created_by, 'created_at', g.created_at,
             'closed_at', g.closed_at, 'closed_by', g.closed_by,
             'closed_reason', g.closed_reason, 'total', COALESCE(t.coins, 0),
             'reached', (SELECT group_concat(percent) FROM goal_milestones AS m
                         WHERE m.goal_id = g.goal_id)))
         FROM goals AS g
         LEFT JOIN scope_totals AS t
             ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = 'all'
         WHERE g.goal_id IN (SELECT value FROM json_each(:goals))),
        (SELECT json_group_array(json_array(
             entry_id, guild_id, goal_id, member_id, kind, coins, created_at, interaction_id))
         FROM ledger WHERE interaction_id IN (SELECT value FROM json_each(:interactions))),
        (SELECT COALESCE(MAX(entry_id), 0) FROM ledger)
"""

# A batch's rows go in as one JSON array, in one statement rather than one per
# row: the batch thread goes back and forth between SQLite and Python (whose
# lock the busy event loop holds) once per batch instead of once per pledge.
_INSERT_PLEDGES = """
    INSERT INTO ledger (entry_id, guild_id, goal_id, member_id, kind, coins,
                        month, week, created_at, interaction_id)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]'), json_extract(value, '$[3]'), 'contribution',
           json_extract(value, '$[4]'), json_extract(value, '$[5]'),
           json_extract(value, '$[6]'), json_extract(value, '$[7]'),
           json_extract(value, '$[8]')
    FROM json_each(?) ORDER BY key
"""
_INSERT_MILESTONES = """
    INSERT INTO goal_milestones (goal_id, percent, entry_id, total, reached_at)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]'), json_extract(value, '$[3]'),
           json_extract(value, '$[4]')
    FROM json_each(?) ORDER BY key
"""


# Every kept total recomputed from the ledger, compared in SQL so only
# mismatches leave the database. `fine` groups the ledger per member, month and
# week first (a few rows per member instead of one per pledge); `expected`
# rolls that up into each member total's six buckets. Row shapes (11 columns):
#   member: what, guild, goal, period, member, want coins/entries/last, have ...
#   scope:  what, guild, goal, period, NULL, want coins/members/entries, have ...
#   goal:   what, guild, goal, NULL, NULL, ledger total, target, milestones, NULL x3
#   counts: what, NULL x4, expected rows (member, scope), NULL, stored rows (member, scope), NULL
_CONSISTENCY = """
WITH fine AS (
    SELECT guild_id, goal_id, member_id, month, week,
           SUM(coins) AS coins, COUNT(*) AS entries, MAX(entry_id) AS last_entry
    FROM ledger WHERE ?1 IS NULL OR guild_id = ?1
    GROUP BY guild_id, goal_id, member_id, month, week
),
expected AS (
    SELECT f.guild_id,
           CASE s.n WHEN 0 THEN f.goal_id ELSE 0 END AS goal_id,
           CASE p.n WHEN 0 THEN 'all' WHEN 1 THEN f.month ELSE f.week END AS period,
           f.member_id, SUM(f.coins) AS coins, SUM(f.entries) AS entries,
           MAX(f.last_entry) AS last_entry
    FROM fine AS f
    CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1) AS s
    CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) AS p
    GROUP BY 1, 2, 3, 4
),
expected_scope AS (
    SELECT guild_id, goal_id, period, SUM(coins) AS coins, SUM(coins > 0) AS members,
           SUM(entries) AS entries
    FROM expected GROUP BY guild_id, goal_id, period
)
SELECT 'member', e.guild_id, e.goal_id, e.period, e.member_id,
       e.coins, e.entries, e.last_entry, m.coins, m.entries, m.last_entry
FROM expected AS e
LEFT JOIN member_totals AS m
    ON m.guild_id = e.guild_id AND m.goal_id = e.goal_id
   AND m.period = e.period AND m.member_id = e.member_id
WHERE e.coins IS NOT m.coins OR e.entries IS NOT m.entries OR e.last_entry IS NOT m.last_entry
UNION ALL
SELECT 'scope', e.guild_id, e.goal_id, e.period, NULL,
       e.coins, e.members, e.entries, t.coins, t.members, t.entries
FROM expected_scope AS e
LEFT JOIN scope_totals AS t
    ON t.guild_id = e.guild_id AND t.goal_id = e.goal_id AND t.period = e.period
WHERE e.coins IS NOT t.coins OR e.members IS NOT t.members OR e.entries IS NOT t.entries
UNION ALL
SELECT 'goal', g.guild_id, g.goal_id, NULL, NULL, COALESCE(e.coins, 0), g.target,
       (SELECT group_concat(percent) FROM goal_milestones AS m WHERE m.goal_id = g.goal_id),
       NULL, NULL, NULL
FROM goals AS g
LEFT JOIN expected_scope AS e
    ON e.guild_id = g.guild_id AND e.goal_id = g.goal_id AND e.period = 'all'
WHERE ?1 IS NULL OR g.guild_id = ?1
UNION ALL
SELECT 'counts', NULL, NULL, NULL, NULL,
       (SELECT COUNT(*) FROM expected), (SELECT COUNT(*) FROM expected_scope), NULL,
       (SELECT COUNT(*) FROM member_totals WHERE ?1 IS NULL OR guild_id = ?1),
       (SELECT COUNT(*) FROM scope_totals WHERE ?1 IS NULL OR guild_id = ?1), NULL
"""


def _goal(row: sqlite3.Row | Mapping[str, Any]) -> Goal:
    return Goal(
        id=row["goal_id"],
        guild_id=row["guild_id"],
        name=row["name"],
        target=row["target"],
        deadline=_time(row["deadline"]),
        creator=row["creator"],
        description=row["description"],
        channel_id=row["channel_id"],
        created_by=row["created_by"],
        created_at=_required_time(row["created_at"]),
        closed_at=_time(row["closed_at"]),
        closed_by=row["closed_by"],
        closed_reason=row["closed_reason"],
    )


def _progress(row: sqlite3.Row) -> GoalProgress:
    return GoalProgress(goal=_goal(row), total=row["total"], contributors=row["contributors"])


# Ledger rows with the void that cancelled each, in LedgerRow's field order.
_LEDGER_ROWS = (
    "SELECT l.entry_id, l.guild_id, l.goal_id, l.member_id, l.kind, l.coins, l.created_at,"
    " l.interaction_id, l.voids, v.entry_id AS voided_by, l.moderator_id, l.reason"
    " FROM ledger AS l LEFT JOIN ledger AS v ON v.voids = l.entry_id"
)
_CREATED_AT = LedgerRow._fields.index("created_at")


def _ledger_row(row: Sequence[Any]) -> LedgerRow:
    """A row of _LEDGER_ROWS (a tuple or an sqlite3.Row) as a LedgerRow."""
    values = list(row)
    values[_CREATED_AT] = _required_time(values[_CREATED_AT])
    return LedgerRow._make(values)


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def _check_page(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= PAGE_MAX:
        raise ValueError(f"offset must be >= 0 and limit 1 to {PAGE_MAX}")


async def _one(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


def _csv_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Batch:
    """Decides, pledge by pledge, what one group commit writes. No I/O.

    Built from what the transaction read: the batch's goals with their totals
    and recorded milestones, and the ledger rows already holding the batch's
    interaction ids. Each `take` checks one pledge on its own, so a bad one
    gets its own error and the rest go ahead.
    """

    def __init__(
        self,
        goal_rows: Iterable[Mapping[str, Any]],
        prior_rows: Iterable[Sequence[Any]],
        *,
        next_entry_id: int,
        now: dt.datetime,
    ) -> None:
        self.states = {
            row["goal_id"]: _GoalState(
                goal=_goal(row),
                total=row["total"],
                reached={int(p) for p in (row["reached"] or "").split(",") if p},
            )
            for row in goal_rows
        }
        self.prior = {row[7]: _Entry(*row[:7]) for row in prior_rows}
        self.next_entry_id = next_entry_id
        self.now = now
        self.created_at = _iso(now)
        self.month, self.week = rules.month_key(now), rules.week_key(now)
        self.entries: list[tuple[object, ...]] = []
        self.milestones: list[tuple[object, ...]] = []

    def take(self, request: _PledgeRequest) -> Pledge | UserError:
        state = self.states.get(request.goal_id)
        if state is None or state.goal.guild_id != request.guild_id:
            return NotFound(GOAL_NOT_FOUND)
        goal = state.goal
        original = self.prior.get(request.interaction_id)
        if original is not None:
            return self._duplicate(request, original, state)
        if goal.closed:
            return Conflict(f"Goal #{goal.id} is closed and takes no more pledges.")
        if goal.deadline is not None and goal.deadline <= self.now:
            return Conflict(f"Goal #{goal.id} reached its deadline and takes no more pledges.")

        entry_id = self.next_entry_id
        self.next_entry_id += 1
        before = state.total
        state.total += request.coins
        crossed = tuple(
            p
            for p in rules.milestones_crossed(before, state.total, goal.target)
            if p not in state.reached
        )
        state.reached.update(crossed)
        self.entries.append(
            (
                entry_id,
                request.guild_id,
                goal.id,
                request.member_id,
                request.coins,
                self.month,
                self.week,
                self.created_at,
                request.interaction_id,
            )
        )
        self.milestones.extend(
            (goal.id, percent, entry_id, state.total, self.created_at) for percent in crossed
        )
        # A second request with this interaction id later in the batch is a duplicate.
        self.prior[request.interaction_id] = _Entry(
            entry_id,
            request.guild_id,
            goal.id,
            request.member_id,
            "contribution",
            request.coins,
            self.created_at,
        )
        return Pledge(
            entry_id=entry_id,
            goal=goal,
            member_id=request.member_id,
            coins=request.coins,
            total=state.total,
            milestones_crossed=crossed,
            duplicate=False,
            created_at=self.now,
        )

    @staticmethod
    def _duplicate(
        request: _PledgeRequest, original: _Entry, state: _GoalState
    ) -> Pledge | UserError:
        same = (
            original.kind == "contribution"
            and original.guild_id == request.guild_id
            and original.goal_id == request.goal_id
            and original.member_id == request.member_id
            and original.coins == request.coins
        )
        if not same:
            return Conflict(INTERACTION_REUSED)
        return Pledge(
            entry_id=original.entry_id,
            goal=state.goal,
            member_id=original.member_id,
            coins=original.coins,
            total=state.total,
            milestones_crossed=(),
            duplicate=True,
            created_at=_required_time(original.created_at),
        )


# -- the ledger ----------------------------------------------------------------------


class Ledger:
    """Goals, pledges, voids, totals and leaderboards of every server.

    Call `start()` before the first pledge and `stop()` before closing the
    database: `stop()` commits the pledges already queued first.
    """

    def __init__(self, db: Database, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock
        self._queue: asyncio.Queue[_PledgeRequest | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._accepting = False
        self._stopped = False
        self._checkpoint: asyncio.Task[None] | None = None

    # -- lifecycle --

    async def start(self) -> None:
        """Start the pledge writer task (idempotent)."""
        if self._writer is None:
            self._stopped = False
            self._accepting = True
            self._writer = asyncio.create_task(self._write_pledges(), name="ledger-writer")

    async def stop(self) -> None:
        """Commit every pledge already queued, then stop the writer task.

        Pledges made after this call are refused with Conflict (restarting).
        """
        if self._writer is None:
            return
        self._accepting = False
        self._stopped = True
        self._queue.put_nowait(None)
        writer, self._writer = self._writer, None
        await writer
        if self._checkpoint is not None:
            await self._checkpoint

    async def __aenter__(self) -> Ledger:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- goals --

    async def create_goal(
        self,
        guild_id: int,
        *,
        name: str,
        target: int,
        deadline: dt.datetime | None,
        creator: str | None,
        description: str | None,
        channel_id: int,
        created_by: int,
    ) -> Goal:
        """Open a goal. Raises InvalidInput for a bad value, Conflict if an
        open goal of this server already has that name."""
        name = rules.validate_goal_name(name)
        key = rules.goal_name_key(name)
        target = rules.validate_target(target)
        creator = rules.validate_creator(creator)
        description = rules.validate_description(description)
        async with self._db.write() as conn:
            now = self._clock()
            if deadline is not None:
                deadline = rules.validate_deadline(deadline, now)
            clash = await _one(
                conn,
                "SELECT goal_id FROM goals"
                " WHERE guild_id = ? AND name_key = ? AND closed_at IS NULL",
                (guild_id, key),
            )
            if clash is not None:
                raise Conflict(
                    f"An open goal with that name already exists (#{clash[0]}). "
                    "Pick another name, or close that goal first."
                )
            cursor = await conn.execute(
                "INSERT INTO goals (guild_id, name, name_key, target, deadline, creator,"
                " description, channel_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    name,
                    key,
                    target,
                    None if deadline is None else _iso(deadline),
                    creator,
                    description,
                    channel_id,
                    created_by,
                    _iso(now),
                ),
            )
            goal_id = cursor.lastrowid
        assert goal_id is not None
        log.info(
            "guild %s: goal %s created by %s (target %d)", guild_id, goal_id, created_by, target
        )
        return Goal(
            id=goal_id,
            guild_id=guild_id,
            name=name,
            target=target,
            deadline=deadline,
            creator=creator,
            description=description,
            channel_id=channel_id,
            created_by=created_by,
            created_at=now.astimezone(dt.UTC),
        )

    async def goal(self, guild_id: int, ref: str | int) -> Goal:
        """The goal `ref` names: an id (12, "12", "#12") or a name (any case).

        A name finds the open goal, else the newest closed one. Raises NotFound.
        """
        text = str(ref).strip()
        match = _GOAL_ID_REF.match(text)
        if match:
            goal_id = int(match.group(1))
            row = None
            if goal_id <= _SQLITE_INT_MAX:
                row = await self._db.fetchone(
                    "SELECT * FROM goals WHERE goal_id = ? AND guild_id = ?", (goal_id, guild_id)
                )
        else:
            row = await self._db.fetchone(
                "SELECT * FROM goals WHERE guild_id = ? AND name_key = ?"
                " ORDER BY closed_at IS NOT NULL, goal_id DESC LIMIT 1",
                (guild_id, rules.goal_name_key(text)),
            )
        if row is None:
            raise NotFound(GOAL_NOT_FOUND)
        return _goal(row)

    async def goal_id(self, guild_id: int, ref: str | int) -> int:
        """The id of the goal `ref` names, as `goal` reads it.

        An id is returned as it is, without a read: the command then reads the
        goal once, with its totals or rows, and that read raises NotFound if
        this server has no such goal. A name is looked up (NotFound if none).
        """
        match = _GOAL_ID_REF.match(str(ref).strip())
        if match is None:
            return (await self.goal(guild_id, ref)).id
        goal_id = int(match.group(1))
        if not 1 <= goal_id <= _SQLITE_INT_MAX:
            raise NotFound(GOAL_NOT_FOUND)
        return goal_id

    async def goals(self, guild_id: int, *, include_closed: bool = False) -> list[GoalProgress]:
        """This server's goals with progress: open ones first, soonest deadline first,
        then closed ones, most recently closed first."""
        rows = await self._db.fetchall(
            _GOAL_WITH_TOTALS + " WHERE g.guild_id = ? AND (? OR g.closed_at IS NULL)"
            " ORDER BY g.closed_at IS NOT NULL,"
            " CASE WHEN g.closed_at IS NULL THEN g.deadline IS NULL END,"
            " CASE WHEN g.closed_at IS NULL THEN g.deadline END,"
            " g.closed_at DESC, g.goal_id DESC",
            (guild_id, include_closed),
        )
        return [_progress(row) for row in rows]

    async def search_goals(self, guild_id: int, text: str, limit: int = 25) -> list[Goal]:
        """Goals for autocomplete: the id typed, then names starting with `text`,
        then names containing it; open goals before closed ones, newest first."""
        limit = max(1, min(limit, 25))
        found: list[Goal] = []
        match = _GOAL_ID_REF.match(text.strip())
        if match and int(match.group(1)) <= _SQLITE_INT_MAX:
            row = await self._db.fetchone(
                "SELECT * FROM goals WHERE goal_id = ? AND guild_id = ?",
                (int(match.group(1)), guild_id),
            )
            if row is not None:
                found.append(_goal(row))
        key = rules.goal_name_key(text)[: rules.NAME_MAX]
        rows = await self._db.fetchall(
            "SELECT * FROM goals WHERE guild_id = ? AND instr(name_key, ?) > 0"
            " ORDER BY closed_at IS NOT NULL, substr(name_key, 1, length(?)) <> ?, goal_id DESC"
            " LIMIT ?",
            (guild_id, key, key, key, limit),
        )
        seen = {goal.id for goal in found}
        found.extend(_goal(row) for row in rows if row["goal_id"] not in seen)
        return found[:limit]

    async def progress(self, guild_id: int, goal_id: int) -> GoalProgress:
        """Total, contributors and percent of one goal. Raises NotFound."""
        row = await self._db.fetchone(
            _GOAL_WITH_TOTALS + " WHERE g.goal_id = ? AND g.guild_id = ?", (goal_id, guild_id)
        )
        if row is None:
            raise NotFound(GOAL_NOT_FOUND)
        return _progress(row)

    # -- pledges (group commit) --

    async def contribute(
        self, guild_id: int, goal_id: int, *, member_id: int, coins: int, interaction_id: int
    ) -> Pledge:
        """Pledge `coins` to a goal; returns only after the pledge is committed.

        Raises InvalidInput (coins), NotFound (goal unknown here), Conflict
        (goal closed or past its deadline, interaction id used for something
        else, bot shutting down). A repeated interaction id returns the
        original pledge with duplicate=True and changes nothing.
        """
        coins = rules.validate_coins(coins)
        if self._writer is None and not self._stopped:
            raise RuntimeError("Ledger.start() was not called")
        if not self._accepting:
            raise Conflict(SHUTTING_DOWN)
        future: asyncio.Future[Pledge] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(
            _PledgeRequest(guild_id, goal_id, member_id, coins, interaction_id, future)
        )
        return await future

    async def _write_pledges(self) -> None:
        """The writer task: commit whatever is queued as one batch, until stopped."""
        stopping = False
        while not stopping:
            item = await self._queue.get()
            if item is not None:
                await self._let_others_join(item)
            batch: list[_PledgeRequest] = []
            while True:
                if item is None:
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= MAX_BATCH or self._queue.empty():
                    break
                item = self._queue.get_nowait()
            if batch:
                await self._commit_batch(batch)

    async def _let_others_join(self, first: _PledgeRequest) -> None:
        """Before a batch is taken, let pledges made in the same moment join it.

        Members pledging together are often still inside their interactions
        when the first pledge arrives. Taking the batch at once split fifty of
        them into batches of about 15 and 35 that then kept alternating, each
        group waiting for the other's commit; a few turns of the event loop
        (until one brings no new pledge, at most GATHER_TURNS) keep them in one
        batch. Alone, a pledge waits one turn: nothing else is ready to run.
        """
        try:
            for _ in range(GATHER_TURNS):
                waiting = self._queue.qsize()
                await asyncio.sleep(0)
                if self._queue.qsize() == waiting:
                    return
        except BaseException:
            first.future.cancel()  # the writer itself is cancelled: tell its caller
            raise

    async def _commit_batch(self, batch: list[_PledgeRequest]) -> None:
        # A caller that was cancelled before its turn gets nothing written.
        requests = [request for request in batch if not request.future.done()]
        if not requests:
            return
        outcomes: list[_Outcome]
        try:
            outcomes = await self._commit_pledges(requests)
        except sqlite3.Error:
            # Every pledge was checked before the insert, so this is unexpected;
            # the batch was rolled back whole. One transaction each keeps one bad
            # pledge from sinking the others.
            log.exception("a batch of %d pledges failed; retrying one by one", len(requests))
            outcomes = []
            for request in requests:
                try:
                    outcomes.extend(await self._commit_pledges([request]))
                except Exception as exc:
                    log.exception("pledge of interaction %s failed", request.interaction_id)
                    outcomes.append((request, exc))
        except Exception as exc:
            log.exception("a batch of %d pledges failed", len(requests))
            outcomes = [(request, exc) for request in requests]
        except BaseException:
            for request in requests:
                request.future.cancel()
            raise
        for request, outcome in outcomes:
            if request.future.done():
                continue
            if isinstance(outcome, BaseException):
                request.future.set_exception(outcome)
            else:
                request.future.set_result(outcome)
        # Answered: fold the log into the database file beside the next batches,
        # instead of inside a later batch's COMMIT (see db.WRITER_PRAGMAS).
        if self._checkpoint is None or self._checkpoint.done():
            self._checkpoint = asyncio.create_task(self._fold_log())

    async def _fold_log(self) -> None:
        try:
            await self._db.checkpoint()
        except Exception:  # the pledges are safe in the log; SQLite copies it later
            log.exception("could not checkpoint the write-ahead log")

    async def _commit_pledges(self, requests: list[_PledgeRequest]) -> list[_Outcome]:
        """Check each pledge, insert the good ones, record milestones: one transaction.

        Returns each request's Pledge or UserError; the caller resolves them
        only after this returns, that is after COMMIT.
        """

        def commit(conn: sqlite3.Connection) -> tuple[list[_Outcome], int]:
            # Runs on the database's batch thread: only the connection and this
            # batch's own objects; the futures are resolved back on the loop.
            now = self._clock()  # inside the transaction, as the rows' order is
            goals, prior, last = conn.execute(
                _BATCH_READ,
                {
                    "goals": _json_ids(request.goal_id for request in requests),
                    "interactions": _json_ids(request.interaction_id for request in requests),
                },
            ).fetchone()
            batch = _Batch(json.loads(goals), json.loads(prior), next_entry_id=last + 1, now=now)
            outcomes: list[_Outcome] = [(request, batch.take(request)) for request in requests]
            if batch.entries:
                conn.execute(_INSERT_PLEDGES, (json.dumps(batch.entries),))
            if batch.milestones:
                conn.execute(_INSERT_MILESTONES, (json.dumps(batch.milestones),))
            return outcomes, len(batch.entries)

        outcomes, written = await self._db.transaction(commit)
        log.debug("committed %d of %d pledges in one batch", written, len(requests))
        return outcomes

    # -- voids --

    async def void(
        self, guild_id: int, entry_id: int, *, reason: str, moderator_id: int, interaction_id: int
    ) -> Void:
        """Cancel contribution `entry_id` by appending a void row.

        Raises InvalidInput (reason), NotFound (no such entry in this server),
        Conflict (the entry is a void, or already voided, or the interaction
        id was used for something else). A repeated interaction id returns the
        original void with duplicate=True.
        """
        reason = rules.validate_reason(reason)
        async with self._db.write() as conn:
            now = self._clock()
            prior = await _one(
                conn,
                "SELECT entry_id, guild_id, kind, voids, reason, moderator_id, created_at"
                " FROM ledger WHERE interaction_id = ?",
                (interaction_id,),
            )
            if prior is not None and not (
                prior["kind"] == "void"
                and prior["guild_id"] == guild_id
                and prior["voids"] == entry_id
            ):
                raise Conflict(INTERACTION_REUSED)
            row = None
            if 0 < entry_id <= _SQLITE_INT_MAX:
                row = await _one(
                    conn,
                    _LEDGER_ROWS + " WHERE l.entry_id = ? AND l.guild_id = ?",
                    (entry_id, guild_id),
                )
            if row is None:
                raise NotFound(f"There is no ledger entry #{entry_id} in this server.")
            target = _ledger_row(row)
            if prior is None:
                if target.kind == "void":
                    raise Conflict(
                        f"Entry #{entry_id} is itself a void, and a void cannot be voided."
                    )
                if target.voided_by is not None:
                    raise Conflict(
                        f"Entry #{entry_id} was already voided by entry #{target.voided_by}."
                    )
                cursor = await conn.execute(
                    "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week,"
                    " created_at, interaction_id, voids, moderator_id, reason)"
                    " SELECT guild_id, goal_id, member_id, 'void', -coins, month, week,"
                    " ?, ?, entry_id, ?, ? FROM ledger WHERE entry_id = ?",
                    (_iso(now), interaction_id, moderator_id, reason, entry_id),
                )
                void_id = cursor.lastrowid
                assert void_id is not None
                created_at = now.astimezone(dt.UTC)
                target = target._replace(voided_by=void_id)
                log.info(
                    "guild %s: entry %s voided by %s (void entry %s)",
                    guild_id,
                    entry_id,
                    moderator_id,
                    void_id,
                )
            else:
                void_id = prior["entry_id"]
                reason = prior["reason"]
                moderator_id = prior["moderator_id"]
                created_at = _required_time(prior["created_at"])
            goal_row = await _one(
                conn, _GOAL_WITH_TOTALS + " WHERE g.goal_id = ?", (target.goal_id,)
            )
        progress = _progress(goal_row)
        return Void(
            entry_id=void_id,
            voided=target,
            goal=progress.goal,
            total=progress.total,
            reason=reason,
            moderator_id=moderator_id,
            created_at=created_at,
            duplicate=prior is not None,
        )

    # -- leaderboards and history --

    def _period_key(self, period: str) -> str:
        if period == "all":
            return "all"
        if period == "month":
            return rules.month_key(self._clock())
        if period == "week":
            return rules.week_key(self._clock())
        raise InvalidInput("The period must be all, month or week.")

    async def leaderboard(
        self,
        guild_id: int,
        goal_id: int | None,
        period: Period,
        *,
        offset: int = 0,
        limit: int = 10,
    ) -> Page[LeaderRow]:
        """Top contributors of a goal (or the whole server when goal_id is None)
        in a period: coins descending, ties to whoever's total last changed
        first. Raises NotFound for a goal not in this server."""
        _check_page(offset, limit)
        key = self._period_key(period)
        if goal_id is None:
            scope = SERVER_SCOPE
            row = await self._db.fetchone(
                "SELECT members FROM scope_totals"
                " WHERE guild_id = ? AND goal_id = 0 AND period = ?",
                (guild_id, key),
            )
            total = 0 if row is None else row[0]
        else:
            scope = goal_id
            row = await self._db.fetchone(
                "SELECT COALESCE(t.members, 0) FROM goals AS g LEFT JOIN scope_totals AS t"
                " ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = ?"
                " WHERE g.goal_id = ? AND g.guild_id = ?",
                (key, goal_id, guild_id),
            )
            if row is None:
                raise NotFound(GOAL_NOT_FOUND)
            total = row[0]
        rows = await self._db.fetchall(
            "SELECT member_id, coins FROM member_totals"
            f" WHERE guild_id = :guild AND goal_id = :scope AND {_period_is(key)} AND coins > 0"
            " ORDER BY coins DESC, last_entry LIMIT :limit OFFSET :offset",
            {"guild": guild_id, "scope": scope, "period": key, "limit": limit, "offset": offset},
        )
        items = tuple(
            LeaderRow(rank=offset + index, member_id=row[0], coins=row[1])
            for index, row in enumerate(rows, start=1)
        )
        return Page(items=items, total=total, offset=offset, limit=limit)

    async def rank(
        self, guild_id: int, goal_id: int | None, period: Period, member_id: int
    ) -> LeaderRow | None:
        """A member's place on that leaderboard, or None without coins there.
        Raises NotFound for a goal not in this server."""
        key = self._period_key(period)
        scope = SERVER_SCOPE if goal_id is None else goal_id
        in_period = _period_is(key)
        row = await self._db.fetchone(
            f"""
            SELECT m.coins, 1
                + (SELECT COUNT(*) FROM member_totals AS o
                   WHERE o.guild_id = :guild AND o.goal_id = :scope AND o.{in_period}
                     AND o.coins > m.coins)
                + (SELECT COUNT(*) FROM member_totals AS o
                   WHERE o.guild_id = :guild AND o.goal_id = :scope AND o.{in_period}
                     AND o.coins = m.coins AND o.last_entry < m.last_entry)
            FROM member_totals AS m
            WHERE m.guild_id = :guild AND m.goal_id = :scope AND m.{in_period}
              AND m.member_id = :member AND m.coins > 0
            """,
            {"guild": guild_id, "scope": scope, "period": key, "member": member_id},
        )
        if row is None:
            if goal_id is not None:
                await self.progress(guild_id, goal_id)  # NotFound for another server's goal
            return None
        return LeaderRow(rank=row[1], member_id=member_id, coins=row[0])

    async def history(
        self,
        guild_id: int,
        goal_id: int,
        *,
        member_id: int | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> tuple[Goal, Page[LedgerRow]]:
        """The goal and a page of its ledger rows, newest first, optionally one
        member's only (their contributions and the voids of them). Raises
        NotFound. The goal comes with the row count, so a page of /goal history
        needs no look-up of its own for it."""
        _check_page(offset, limit)
        if member_id is None:
            found = await self._db.fetchone(
                _GOAL_WITH_TOTALS + " WHERE g.goal_id = ? AND g.guild_id = ?", (goal_id, guild_id)
            )
        else:
            found = await self._db.fetchone(
                "SELECT g.*, COALESCE(t.entries, 0) AS entries FROM goals AS g"
                " LEFT JOIN member_totals AS t"
                " ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = 'all'"
                " AND t.member_id = ? WHERE g.goal_id = ? AND g.guild_id = ?",
                (member_id, goal_id, guild_id),
            )
        if found is None:
            raise NotFound(GOAL_NOT_FOUND)
        # Two statements, not "? IS NULL OR": each gets its own index.
        select = _LEDGER_ROWS + " WHERE l.goal_id = ?"
        page = " ORDER BY l.entry_id DESC LIMIT ? OFFSET ?"
        if member_id is None:
            rows = await self._db.fetchall_tuples(select + page, (goal_id, limit, offset))
        else:
            rows = await self._db.fetchall_tuples(
                select + " AND l.member_id = ?" + page, (goal_id, member_id, limit, offset)
            )
        return _goal(found), Page(
            items=tuple(_ledger_row(row) for row in rows),
            total=found["entries"],
            offset=offset,
            limit=limit,
        )

    # -- closing --

    async def close_goal(
        self,
        guild_id: int,
        goal_id: int,
        *,
        closed_by: int,
        reason: CloseReason = CLOSED_BY_MODERATOR,
    ) -> GoalSummary:
        """Close a goal and return its summary. Raises NotFound, or Conflict if
        it is already closed."""
        if reason not in (CLOSED_BY_MODERATOR, CLOSED_BY_DEADLINE):
            raise ValueError(f"unknown close reason {reason!r}")
        async with self._db.write() as conn:
            now = self._clock()
            row = await _one(
                conn, "SELECT * FROM goals WHERE goal_id = ? AND guild_id = ?", (goal_id, guild_id)
            )
            if row is None:
                raise NotFound(GOAL_NOT_FOUND)
            if row["closed_at"] is not None:
                raise Conflict(f"Goal #{goal_id} is already closed.")
            summary = await self._close(conn, goal_id, now, closed_by, reason)
        log.info("guild %s: goal %s closed (%s)", guild_id, goal_id, reason)
        return summary

    async def close_due_goals(self) -> list[GoalSummary]:
        """Close every open goal whose deadline has passed, also ones that fell
        due while the bot was down; their summaries, earliest deadline first."""
        now = self._clock()
        due = await self._db.fetchone(
            "SELECT 1 FROM goals WHERE closed_at IS NULL AND deadline <= ? LIMIT 1", (_iso(now),)
        )
        if due is None:
            return []
        summaries = []
        async with self._db.write() as conn:
            rows = await conn.execute_fetchall(
                "SELECT goal_id FROM goals WHERE closed_at IS NULL AND deadline <= ?"
                " ORDER BY deadline, goal_id",
                (_iso(now),),
            )
            for row in rows:
                summaries.append(await self._close(conn, row[0], now, None, CLOSED_BY_DEADLINE))
        for summary in summaries:
            goal = summary.goal
            log.info("guild %s: goal %s closed at its deadline", goal.guild_id, goal.id)
        return summaries

    async def next_deadline(self) -> dt.datetime | None:
        """The earliest deadline of any open goal (possibly already past)."""
        row = await self._db.fetchone(
            "SELECT MIN(deadline) FROM goals WHERE closed_at IS NULL AND deadline IS NOT NULL"
        )
        return None if row is None else _time(row[0])

    @staticmethod
    async def _close(
        conn: aiosqlite.Connection,
        goal_id: int,
        now: dt.datetime,
        closed_by: int | None,
        reason: CloseReason,
    ) -> GoalSummary:
        await conn.execute(
            "UPDATE goals SET closed_at = ?, closed_by = ?, closed_reason = ?"
            " WHERE goal_id = ? AND closed_at IS NULL",
            (_iso(now), closed_by, reason, goal_id),
        )
        row = await _one(conn, _GOAL_WITH_TOTALS + " WHERE g.goal_id = ?", (goal_id,))
        progress = _progress(row)
        top = await conn.execute_fetchall(
            "SELECT member_id, coins FROM member_totals"
            " WHERE guild_id = ? AND goal_id = ? AND period = 'all' AND coins > 0"
            " ORDER BY coins DESC, last_entry LIMIT 3",
            (progress.goal.guild_id, goal_id),
        )
        return GoalSummary(
            goal=progress.goal,
            total=progress.total,
            contributors=progress.contributors,
            top=tuple(
                LeaderRow(rank=rank, member_id=member, coins=coins)
                for rank, (member, coins) in enumerate(top, start=1)
            ),
        )

    # -- export and checks --

    async def export_csv(self, guild_id: int, goal_id: int) -> str:
        """The goal's ledger as CSV (RFC 4180, CRLF, header row), oldest first,
        voids included. Times are UTC ISO 8601; text a spreadsheet would treat
        as a formula starts with an apostrophe. Encode it as UTF-8 with a BOM
        for spreadsheet programs. Raises NotFound."""
        goal = (await self.progress(guild_id, goal_id)).goal
        rows = await self._db.fetchall_in_thread(
            _LEDGER_ROWS + " WHERE l.goal_id = ? ORDER BY l.entry_id",
            (goal_id,),
        )

        # Formatting a large goal's rows takes a while: keep the bot answering.
        def write() -> str:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(
                [
                    "entry_id",
                    "time_utc",
                    "kind",
                    "member_id",
                    "coins",
                    "voids_entry",
                    "voided_by_entry",
                    "moderator_id",
                    "reason",
                    "goal_id",
                    "goal_name",
                    "interaction_id",
                ]
            )
            for row in map(_ledger_row, rows):
                cells: list[object] = [
                    row.entry_id,
                    _csv_time(row.created_at),
                    row.kind,
                    row.member_id,
                    row.coins,
                    row.voids,
                    row.voided_by,
                    row.moderator_id,
                    row.reason,
                    goal.id,
                    goal.name,
                    row.interaction_id,
                ]
                writer.writerow(["" if cell is None else _csv_cell(cell) for cell in cells])
            return out.getvalue()

        return await asyncio.to_thread(write)

    async def check_consistency(self, guild_id: int | None = None) -> list[str]:
        """Recompute every kept total from the ledger; one line per mismatch.

        Empty means consistent. Also reports a milestone that a goal's total
        has reached but that was never recorded. One read statement (one
        snapshot, in the reader's thread); about 7 s at a million rows.
        """
        problems: list[str] = []
        extra_members = extra_scopes = 0
        rows = await self._db.fetchall_in_thread(_CONSISTENCY, (guild_id,))
        for what, guild, goal_id, period, member, *values in rows:
            want, have = values[:3], values[3:]
            if what == "member":
                if have[0] is None:
                    extra_members += 1  # a missing row: `counts` below subtracted it
                problems.append(
                    f"member total {_bucket(guild, goal_id, period)} member {member}:"
                    f" stored (coins, entries, last entry) {_show(have)}, ledger says {_show(want)}"
                )
            elif what == "scope":
                if have[0] is None:
                    extra_scopes += 1
                problems.append(
                    f"total {_bucket(guild, goal_id, period)}: stored (coins, members, entries)"
                    f" {_show(have)}, ledger says {_show(want)}"
                )
            elif what == "goal":
                total, target, recorded_text = want
                recorded = {int(p) for p in (recorded_text or "").split(",") if p}
                problems.extend(
                    f"goal #{goal_id} (guild {guild}) has reached {percent}% but no"
                    " milestone is recorded"
                    for percent in rules.milestones_reached(total, target)
                    if percent not in recorded
                )
            else:  # "counts": rows in each table beyond those the ledger explains
                extra_members += have[0] - want[0]
                extra_scopes += have[1] - want[1]
        if extra_members:
            problems.append(f"{extra_members} member totals have no ledger rows behind them")
        if extra_scopes:
            problems.append(f"{extra_scopes} totals have no ledger rows behind them")
        return problems


def _period_is(key: str) -> str:
    """SQL picking one period's totals (parameter :period). All time is named
    literally: only then can SQLite use member_totals_rank_all, an index over
    the all-time rows alone (migration 0004)."""
    return "period = 'all'" if key == "all" else "period = :period"


def _bucket(guild: int, goal_id: int, period: str) -> str:
    scope = "server" if goal_id == SERVER_SCOPE else f"goal #{goal_id}"
    return f"guild {guild} {scope} period {period}"


def _show(values: Sequence[Any]) -> str:
    return "missing" if values[0] is None else "(" + ", ".join(map(str, values)) + ")"


__all__ = [
    "CLOSED_BY_DEADLINE",
    "CLOSED_BY_MODERATOR",
    "GOAL_NOT_FOUND",
    "PERIODS",
    "SERVER_SCOPE",
    "CloseReason",
    "EntryKind",
    "Goal",
    "GoalProgress",
    "GoalSummary",
    "LeaderRow",
    "Ledger",
    "LedgerRow",
    "Page",
    "Period",
    "Pledge",
    "Void",
    "utc_now",
]
