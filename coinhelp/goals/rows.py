"""How goals and ledger rows are stored and read back (migration 0003).

The stored form of a time, the SELECTs more than one part of the ledger
uses, and turning their rows into the values of `coinhelp.goals.values`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from coinhelp.goals.values import Goal, GoalProgress, LedgerRow

SQLITE_INT_MAX = 2**63 - 1
"""The largest id SQLite stores; a bigger one names nothing."""

GOAL_WITH_TOTALS = """
    SELECT g.*, COALESCE(t.coins, 0) AS total, COALESCE(t.members, 0) AS contributors,
           COALESCE(t.entries, 0) AS entries
    FROM goals AS g
    LEFT JOIN scope_totals AS t
        ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = 'all'
"""

# Ledger rows with the void that cancelled each, in LedgerRow's field order.
LEDGER_ROWS = (
    "SELECT l.entry_id, l.guild_id, l.goal_id, l.member_id, l.kind, l.coins, l.created_at,"
    " l.interaction_id, l.voids, v.entry_id AS voided_by, l.moderator_id, l.reason"
    " FROM ledger AS l LEFT JOIN ledger AS v ON v.voids = l.entry_id"
)
_CREATED_AT = LedgerRow._fields.index("created_at")


def stored_time(when: dt.datetime) -> str:
    """Stored form of a time: UTC, fixed width, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def read_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def read_optional_time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def goal_from_row(row: sqlite3.Row | Mapping[str, Any]) -> Goal:
    return Goal(
        id=row["goal_id"],
        guild_id=row["guild_id"],
        name=row["name"],
        target=row["target"],
        deadline=read_optional_time(row["deadline"]),
        creator=row["creator"],
        description=row["description"],
        channel_id=row["channel_id"],
        created_by=row["created_by"],
        created_at=read_time(row["created_at"]),
        closed_at=read_optional_time(row["closed_at"]),
        closed_by=row["closed_by"],
        closed_reason=row["closed_reason"],
    )


def progress_from_row(row: sqlite3.Row) -> GoalProgress:
    """A row of GOAL_WITH_TOTALS as the goal's progress."""
    return GoalProgress(
        goal=goal_from_row(row), total=row["total"], contributors=row["contributors"]
    )


def ledger_row(row: Sequence[Any]) -> LedgerRow:
    """A row of LEDGER_ROWS (a tuple or an sqlite3.Row) as a LedgerRow."""
    values = list(row)
    values[_CREATED_AT] = read_time(values[_CREATED_AT])
    return LedgerRow._make(values)


async def first_row(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first row `sql` returns inside a write transaction, or None."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)
