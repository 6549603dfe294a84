"""Pledges: one writer task commits them in batches (group commit).

A pledge is a `contribution` row in the append-only ledger. Every row
carries the Discord interaction id that caused it, UNIQUE, so one
interaction counts once: a repeated id returns the original pledge marked
duplicate, and the same id used for anything else is refused.

The writer task takes every pledge waiting in the queue, checks each one on
its own (`_Batch`: a bad one gets its own error, the rest go ahead), and
commits the good ones in one transaction through `Database.transaction()`,
so other writers still take turns with it. A caller's pledge is answered
only after that commit. Milestones (25/50/75/100 %) are recorded in the same
transaction, each once per goal (primary key goal_id, percent).

A pledge to an open goal whose deadline has passed is refused like one to a
closed goal, even before the deadline task closes it. The pledge path is
tuned (one read statement and one insert per batch, no extra trips to the
event loop): bench/pledges.py measures it against raw sqlite3.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import Conflict, NotFound, UserError
from coinhelp.goals import rules
from coinhelp.goals.rows import goal_from_row, read_time, stored_time
from coinhelp.goals.store import GoalRef, GoalStore, spelled_id
from coinhelp.goals.values import Goal, Pledge

log = logging.getLogger(__name__)

MAX_BATCH = 500
"""Most pledges committed in one transaction."""
GATHER_TURNS = 8
"""Most turns of the event loop a batch waits for pledges made in the same moment."""

# Everything the pledge writer reads for a batch, in one statement and one row
# of JSON: each goal of the batch with its total and the milestones already
# recorded ('25,50'); the ledger rows already holding the batch's interaction
# ids; the last entry id. After every statement (and every row) the batch
# thread takes Python's lock back from the busy event loop, which can take a
# while each time while members keep pledging (see coinhelp_discord.launcher.tune_process).
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


class _PriorEntry(NamedTuple):
    """A ledger row already holding one of the batch's interaction ids."""

    entry_id: int
    guild_id: int
    goal_id: int
    member_id: int
    kind: str
    coins: int
    created_at: str


_Outcome = tuple[_PledgeRequest, Pledge | BaseException]


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


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
                goal=goal_from_row(row),
                total=row["total"],
                reached={int(p) for p in (row["reached"] or "").split(",") if p},
            )
            for row in goal_rows
        }
        self.prior = {row[7]: _PriorEntry(*row[:7]) for row in prior_rows}
        self.next_entry_id = next_entry_id
        self.now = now
        self.created_at = stored_time(now)
        self.month, self.week = rules.month_key(now), rules.week_key(now)
        self.entries: list[tuple[object, ...]] = []
        self.milestones: list[tuple[object, ...]] = []

    def take(self, request: _PledgeRequest) -> Pledge | UserError:
        state = self.states.get(request.goal_id)
        if state is None or state.goal.guild_id != request.guild_id:
            return NotFound("goals.not_found")
        goal = state.goal
        original = self.prior.get(request.interaction_id)
        if original is not None:
            return self._duplicate(request, original, state)
        if goal.closed:
            return Conflict("goals.closed", goal_id=goal.id)
        if goal.deadline is not None and goal.deadline <= self.now:
            return Conflict("goals.past_deadline", goal_id=goal.id)

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
        self.prior[request.interaction_id] = _PriorEntry(
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
        request: _PledgeRequest, original: _PriorEntry, state: _GoalState
    ) -> Pledge | UserError:
        same = (
            original.kind == "contribution"
            and original.guild_id == request.guild_id
            and original.goal_id == request.goal_id
            and original.member_id == request.member_id
            and original.coins == request.coins
        )
        if not same:
            return Conflict("goals.interaction_reused")
        return Pledge(
            entry_id=original.entry_id,
            goal=state.goal,
            member_id=original.member_id,
            coins=original.coins,
            total=state.total,
            milestones_crossed=(),
            duplicate=True,
            created_at=read_time(original.created_at),
        )


class PledgeWriter:
    """Takes pledges and commits them in batches from one writer task.

    Call `start()` before the first pledge and `stop()` before closing the
    database: `stop()` commits the pledges already queued first.
    """

    def __init__(
        self,
        db: Database,
        goals: GoalStore,
        *,
        clock: Clock = utc_now,
        max_batch: int = MAX_BATCH,
        gather_turns: int = GATHER_TURNS,
    ) -> None:
        self._db = db
        self._goals = goals
        self._clock = clock
        self._max_batch = max_batch
        self._gather_turns = gather_turns
        self._queue: asyncio.Queue[_PledgeRequest | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._accepting = False
        self._stopped = False
        self._checkpoint: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the writer task (idempotent)."""
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

    async def contribute(
        self, guild_id: int, goal: GoalRef, *, member_id: int, coins: int, interaction_id: int
    ) -> Pledge:
        """Pledge `coins` to the goal `goal` names; returns only after the commit.

        Raises NotFound (no such goal here), InvalidInput (coins), Conflict
        (goal closed or past its deadline, interaction id used for something
        else, bot shutting down). A repeated interaction id returns the
        original pledge with duplicate=True and changes nothing. A goal id
        goes straight to the writer (it reads the goal anyway); only a name
        is looked up first.
        """
        goal_id = spelled_id(goal)
        if goal_id is None:
            goal_id = (await self._goals.lookup(guild_id, goal)).id
        coins = rules.validate_coins(coins)
        if self._writer is None and not self._stopped:
            raise RuntimeError("Ledger.start() was not called")
        if not self._accepting:
            raise Conflict("goals.restarting")
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
                if len(batch) >= self._max_batch or self._queue.empty():
                    break
                item = self._queue.get_nowait()
            if batch:
                await self._commit_batch(batch)

    async def _let_others_join(self, first: _PledgeRequest) -> None:
        """Before a batch is taken, let pledges made in the same moment join it.

        Members pledging together are often still inside their interactions
        when the first pledge arrives. Taking the batch at once split them
        into two batches that then kept alternating, each group waiting for
        the other's commit; a few turns of the event loop (until one brings no
        new pledge, at most GATHER_TURNS) keep them in one batch. Alone, a
        pledge waits one turn: nothing else is ready to run.
        """
        try:
            for _ in range(self._gather_turns):
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
        # Answered: copy the write-ahead log into the database file beside the
        # next batches, instead of inside a later batch's COMMIT (see
        # db.WRITER_PRAGMAS).
        if self._checkpoint is None or self._checkpoint.done():
            self._checkpoint = asyncio.create_task(self._checkpoint_log())

    async def _checkpoint_log(self) -> None:
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
