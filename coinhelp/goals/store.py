"""Goals themselves: open one, find one as a member types it, list, close.

A goal is named by a reference as typed: an id (12, "12", "#12") or a name
in any case. Goal names are unique per server among open goals, compared
case-insensitively (rules.goal_name_key); a name finds the open goal, else
the newest closed one. Another server's goal is not found, with the same
error as an unknown one, so nothing leaks.

Deadlines arrive as the text the moderator typed and are read with this
store's clock, the same clock that closes goals when they fall due (also
ones that fell due while the bot was down).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import aiosqlite

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import Conflict, NotFound
from coinhelp.goals import rules
from coinhelp.goals.rows import (
    GOAL_WITH_TOTALS,
    SQLITE_INT_MAX,
    first_row,
    goal_from_row,
    progress_from_row,
    read_optional_time,
    stored_time,
)
from coinhelp.goals.values import (
    CLOSED_BY_DEADLINE,
    CLOSED_BY_MODERATOR,
    CloseReason,
    Goal,
    GoalProgress,
    GoalSummary,
    LeaderRow,
)

log = logging.getLogger(__name__)

GoalRef = str | int
"""A goal as a member names it: its id (12, "12", "#12") or its name."""

_GOAL_ID_REF = re.compile(r"^#?\s*(\d{1,19})$")


def spelled_id(ref: GoalRef) -> int | None:
    """The goal id `ref` spells, or None when `ref` is a name.

    Raises NotFound for an id no goal can have (0, or past SQLite's range).
    No read: whatever reads the goal next raises NotFound if it is not there.
    """
    match = _GOAL_ID_REF.match(str(ref).strip())
    if match is None:
        return None
    goal_id = int(match.group(1))
    if not 1 <= goal_id <= SQLITE_INT_MAX:
        raise NotFound("goals.not_found")
    return goal_id


def _where(guild_id: int, ref: GoalRef) -> tuple[str, tuple[Any, ...]]:
    """SQL after `FROM goals AS g` for the goal `ref` names in a server, and its values."""
    goal_id = spelled_id(ref)
    if goal_id is not None:
        return " WHERE g.goal_id = ? AND g.guild_id = ?", (goal_id, guild_id)
    return (
        " WHERE g.guild_id = ? AND g.name_key = ?"
        " ORDER BY g.closed_at IS NOT NULL, g.goal_id DESC LIMIT 1",
        (guild_id, rules.goal_name_key(str(ref))),
    )


class GoalStore:
    """Every server's goals: create, find, list, close, and close at deadlines."""

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    async def create(
        self,
        guild_id: int,
        *,
        name: str,
        target: int,
        deadline: str | None,
        creator: str | None,
        description: str | None,
        channel_id: int,
        created_by: int,
    ) -> Goal:
        """Open a goal; `deadline` is the text typed (see rules.parse_deadline).

        Raises InvalidInput for a bad value, Conflict if an open goal of this
        server already has that name.
        """
        name = rules.validate_goal_name(name)
        key = rules.goal_name_key(name)
        target = rules.validate_target(target)
        creator = rules.validate_creator(creator)
        description = rules.validate_description(description)
        async with self._db.write() as conn:
            now = self._clock()
            when = rules.parse_deadline(deadline, now) if deadline is not None else None
            clash = await first_row(
                conn,
                "SELECT goal_id FROM goals"
                " WHERE guild_id = ? AND name_key = ? AND closed_at IS NULL",
                (guild_id, key),
            )
            if clash is not None:
                raise Conflict("goals.name_taken", goal_id=clash[0])
            cursor = await conn.execute(
                "INSERT INTO goals (guild_id, name, name_key, target, deadline, creator,"
                " description, channel_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    name,
                    key,
                    target,
                    None if when is None else stored_time(when),
                    creator,
                    description,
                    channel_id,
                    created_by,
                    stored_time(now),
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
            deadline=when,
            creator=creator,
            description=description,
            channel_id=channel_id,
            created_by=created_by,
            created_at=now.astimezone(dt.UTC),
        )

    async def lookup(self, guild_id: int, ref: GoalRef) -> Goal:
        """The goal `ref` names in this server. Raises NotFound."""
        where, values = _where(guild_id, ref)
        row = await self._db.lookup_one("SELECT g.* FROM goals AS g" + where, values)
        if row is None:
            raise NotFound("goals.not_found")
        return goal_from_row(row)

    async def resolve(self, guild_id: int, ref: GoalRef) -> int:
        """The id of the goal `ref` names, for a list that pages by id.

        An id is returned as it is, without a read: the page reads the goal
        anyway, and that read raises NotFound if this server has no such goal.
        A name is looked up (NotFound if none).
        """
        goal_id = spelled_id(ref)
        if goal_id is None:
            return (await self.lookup(guild_id, ref)).id
        return goal_id

    async def listing(self, guild_id: int, *, include_closed: bool = False) -> list[GoalProgress]:
        """This server's goals with progress: open ones first, soonest deadline first,
        then closed ones, most recently closed first."""
        rows = await self._db.lookup(
            GOAL_WITH_TOTALS + " WHERE g.guild_id = ? AND (? OR g.closed_at IS NULL)"
            " ORDER BY g.closed_at IS NOT NULL,"
            " CASE WHEN g.closed_at IS NULL THEN g.deadline IS NULL END,"
            " CASE WHEN g.closed_at IS NULL THEN g.deadline END,"
            " g.closed_at DESC, g.goal_id DESC",
            (guild_id, include_closed),
        )
        return [progress_from_row(row) for row in rows]

    async def search(self, guild_id: int, text: str, limit: int = 25) -> list[Goal]:
        """Goals for autocomplete: the id typed, then names starting with `text`,
        then names containing it; open goals before closed ones, newest first."""
        limit = max(1, min(limit, 25))
        found: list[Goal] = []
        match = _GOAL_ID_REF.match(text.strip())
        if match and int(match.group(1)) <= SQLITE_INT_MAX:
            row = await self._db.lookup_one(
                "SELECT * FROM goals WHERE goal_id = ? AND guild_id = ?",
                (int(match.group(1)), guild_id),
            )
            if row is not None:
                found.append(goal_from_row(row))
        key = rules.goal_name_key(text)[: rules.NAME_MAX]
        rows = await self._db.lookup(
            "SELECT * FROM goals WHERE guild_id = ? AND instr(name_key, ?) > 0"
            " ORDER BY closed_at IS NOT NULL, substr(name_key, 1, length(?)) <> ?, goal_id DESC"
            " LIMIT ?",
            (guild_id, key, key, key, limit),
        )
        seen = {goal.id for goal in found}
        found.extend(goal_from_row(row) for row in rows if row["goal_id"] not in seen)
        return found[:limit]

    async def progress(self, guild_id: int, ref: GoalRef) -> GoalProgress:
        """Total, contributors and percent of the goal `ref` names. Raises NotFound."""
        where, values = _where(guild_id, ref)
        row = await self._db.lookup_one(GOAL_WITH_TOTALS + where, values)
        if row is None:
            raise NotFound("goals.not_found")
        return progress_from_row(row)

    # -- closing --

    async def close(
        self,
        guild_id: int,
        ref: GoalRef,
        *,
        closed_by: int,
        reason: CloseReason = CLOSED_BY_MODERATOR,
    ) -> GoalSummary:
        """Close the goal `ref` names and return its summary. Raises NotFound,
        or Conflict if it is already closed."""
        if reason not in (CLOSED_BY_MODERATOR, CLOSED_BY_DEADLINE):
            raise ValueError(f"unknown close reason {reason!r}")
        where, values = _where(guild_id, ref)
        async with self._db.write() as conn:
            now = self._clock()
            row = await first_row(conn, "SELECT g.* FROM goals AS g" + where, values)
            if row is None:
                raise NotFound("goals.not_found")
            goal_id = row["goal_id"]
            if row["closed_at"] is not None:
                raise Conflict("goals.already_closed", goal_id=goal_id)
            summary = await _close(conn, goal_id, now, closed_by, reason)
        log.info("guild %s: goal %s closed (%s)", guild_id, goal_id, reason)
        return summary

    async def close_due(self) -> list[GoalSummary]:
        """Close every open goal whose deadline has passed, also ones that fell
        due while the bot was down; their summaries, earliest deadline first."""
        now = self._clock()
        due = await self._db.lookup_one(
            "SELECT 1 FROM goals WHERE closed_at IS NULL AND deadline <= ? LIMIT 1",
            (stored_time(now),),
        )
        if due is None:
            return []
        summaries = []
        async with self._db.write() as conn:
            rows = await conn.execute_fetchall(
                "SELECT goal_id FROM goals WHERE closed_at IS NULL AND deadline <= ?"
                " ORDER BY deadline, goal_id",
                (stored_time(now),),
            )
            for row in rows:
                summaries.append(await _close(conn, row[0], now, None, CLOSED_BY_DEADLINE))
        for summary in summaries:
            goal = summary.goal
            log.info("guild %s: goal %s closed at its deadline", goal.guild_id, goal.id)
        return summaries

    async def next_deadline(self) -> dt.datetime | None:
        """The earliest deadline of any open goal (possibly already past)."""
        row = await self._db.lookup_one(
            "SELECT MIN(deadline) FROM goals WHERE closed_at IS NULL AND deadline IS NOT NULL"
        )
        return None if row is None else read_optional_time(row[0])


async def _close(
    conn: aiosqlite.Connection,
    goal_id: int,
    now: dt.datetime,
    closed_by: int | None,
    reason: CloseReason,
) -> GoalSummary:
    """Close one goal inside the caller's write transaction; its summary."""
    await conn.execute(
        "UPDATE goals SET closed_at = ?, closed_by = ?, closed_reason = ?"
        " WHERE goal_id = ? AND closed_at IS NULL",
        (stored_time(now), closed_by, reason, goal_id),
    )
    row = await first_row(conn, GOAL_WITH_TOTALS + " WHERE g.goal_id = ?", (goal_id,))
    progress = progress_from_row(row)
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
