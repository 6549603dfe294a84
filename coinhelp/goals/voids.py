"""Voids: a moderator's correction, appended as a row that cancels a pledge.

The ledger is never updated: a void is a `void` row that names the
contribution it cancels and stores its coins negated, in the month and week
of that contribution (so period leaderboards are corrected too). A
contribution is voided at most once and a void is never voided. Voids are
allowed on closed goals: they correct the record. Like pledges, a void
carries its interaction id, so a retried interaction changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import Conflict, NotFound
from coinhelp.goals import rules
from coinhelp.goals.rows import (
    GOAL_WITH_TOTALS,
    LEDGER_ROWS,
    SQLITE_INT_MAX,
    first_row,
    ledger_row,
    progress_from_row,
    read_time,
    stored_time,
)
from coinhelp.goals.values import Void

log = logging.getLogger(__name__)


class VoidWriter:
    """Appends void rows."""

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    async def cancel(
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
            prior = await first_row(
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
                raise Conflict("goals.interaction_reused")
            row = None
            if 0 < entry_id <= SQLITE_INT_MAX:
                row = await first_row(
                    conn,
                    LEDGER_ROWS + " WHERE l.entry_id = ? AND l.guild_id = ?",
                    (entry_id, guild_id),
                )
            if row is None:
                raise NotFound("goals.entry_not_found", entry_id=entry_id)
            target = ledger_row(row)
            if prior is None:
                if target.kind == "void":
                    raise Conflict("goals.void_of_void", entry_id=entry_id)
                if target.voided_by is not None:
                    raise Conflict(
                        "goals.already_voided", entry_id=entry_id, void_id=target.voided_by
                    )
                cursor = await conn.execute(
                    "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week,"
                    " created_at, interaction_id, voids, moderator_id, reason)"
                    " SELECT guild_id, goal_id, member_id, 'void', -coins, month, week,"
                    " ?, ?, entry_id, ?, ? FROM ledger WHERE entry_id = ?",
                    (stored_time(now), interaction_id, moderator_id, reason, entry_id),
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
                created_at = read_time(prior["created_at"])
            goal_row = await first_row(
                conn, GOAL_WITH_TOTALS + " WHERE g.goal_id = ?", (target.goal_id,)
            )
        progress = progress_from_row(goal_row)
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
