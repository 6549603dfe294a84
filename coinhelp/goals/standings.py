"""Standings: leaderboards and a member's rank, per goal or for the whole server.

Read from the kept totals, never from the ledger itself: triggers
(migration 0003) keep `member_totals` per goal and per server (goal 0) for
the periods all time, calendar month and ISO week (UTC), in the same
transaction as each ledger row. Coins descending; ties go to whoever's
total last changed first, so the order is stable.
"""

from __future__ import annotations

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import InvalidInput, NotFound
from coinhelp.goals import rules
from coinhelp.goals.store import GoalStore
from coinhelp.goals.values import SERVER_SCOPE, Board, LeaderRow, Page, Period


def _period_is(key: str) -> str:
    """SQL picking one period's totals (parameter :period). All time is named
    literally: only then can SQLite use member_totals_rank_all, an index over
    the all-time rows alone (migration 0004)."""
    return "period = 'all'" if key == "all" else "period = :period"


class Standings:
    """Leaderboards and ranks of every server."""

    def __init__(self, db: Database, goals: GoalStore, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._goals = goals
        self._clock = clock

    def _period_key(self, period: str) -> str:
        """The stored key of `period` now: 'all', '2026-05' or '2026-W20'."""
        if period == "all":
            return "all"
        if period == "month":
            return rules.month_key(self._clock())
        if period == "week":
            return rules.week_key(self._clock())
        raise InvalidInput("goals.bad_period")

    async def board(
        self,
        guild_id: int,
        goal_id: int | None,
        period: Period,
        *,
        member_id: int,
        offset: int = 0,
        limit: int = 10,
    ) -> Board:
        """One page of a leaderboard with the goal and `member_id`'s own rank.

        `goal_id` None is the whole server. Raises NotFound for a goal not in
        this server.
        """
        goal = None if goal_id is None else await self._goals.lookup(guild_id, goal_id)
        mine = await self.rank(guild_id, goal_id, period, member_id)
        page = await self.leaderboard(guild_id, goal_id, period, offset=offset, limit=limit)
        return Board(goal=goal, period=period, page=page, mine=mine)

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
        Page.check(offset, limit)
        key = self._period_key(period)
        if goal_id is None:
            scope = SERVER_SCOPE
            row = await self._db.lookup_one(
                "SELECT members FROM scope_totals"
                " WHERE guild_id = ? AND goal_id = 0 AND period = ?",
                (guild_id, key),
            )
            total = 0 if row is None else row[0]
        else:
            scope = goal_id
            row = await self._db.lookup_one(
                "SELECT COALESCE(t.members, 0) FROM goals AS g LEFT JOIN scope_totals AS t"
                " ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = ?"
                " WHERE g.goal_id = ? AND g.guild_id = ?",
                (key, goal_id, guild_id),
            )
            if row is None:
                raise NotFound("goals.not_found")
            total = row[0]
        rows = await self._db.lookup(
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
        row = await self._db.lookup_one(
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
                await self._goals.progress(guild_id, goal_id)  # NotFound for another server's
            return None
        return LeaderRow(rank=row[1], member_id=member_id, coins=row[0])
