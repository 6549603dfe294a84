"""A goal's history: its ledger rows, a page at a time or all of them as CSV.

Pages are newest first (/goal history), optionally one member's rows only:
their contributions and the voids of them. The CSV export (/goal export) is
oldest first with voids included, for moderators' own records.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io

from coinhelp.db import Database
from coinhelp.errors import NotFound
from coinhelp.goals.rows import GOAL_WITH_TOTALS, LEDGER_ROWS, goal_from_row, ledger_row
from coinhelp.goals.store import GoalRef, GoalStore
from coinhelp.goals.values import Goal, LedgerRow, Page

CSV_COLUMNS = (
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
)
"""The export's header row: column names a spreadsheet or script keys on, kept
stable (not words for a reader, so not in templates/)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class History:
    """Ledger rows of every server's goals."""

    def __init__(self, db: Database, goals: GoalStore) -> None:
        self._db = db
        self._goals = goals

    async def page(
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
        Page.check(offset, limit)
        if member_id is None:
            found = await self._db.lookup_one(
                GOAL_WITH_TOTALS + " WHERE g.goal_id = ? AND g.guild_id = ?", (goal_id, guild_id)
            )
        else:
            found = await self._db.lookup_one(
                "SELECT g.*, COALESCE(t.entries, 0) AS entries FROM goals AS g"
                " LEFT JOIN member_totals AS t"
                " ON t.guild_id = g.guild_id AND t.goal_id = g.goal_id AND t.period = 'all'"
                " AND t.member_id = ? WHERE g.goal_id = ? AND g.guild_id = ?",
                (member_id, goal_id, guild_id),
            )
        if found is None:
            raise NotFound("goals.not_found")
        # Two statements, not "? IS NULL OR": each gets its own index.
        select = LEDGER_ROWS + " WHERE l.goal_id = ?"
        page = " ORDER BY l.entry_id DESC LIMIT ? OFFSET ?"
        if member_id is None:
            rows = await self._db.lookup_tuples(select + page, (goal_id, limit, offset))
        else:
            rows = await self._db.lookup_tuples(
                select + " AND l.member_id = ?" + page, (goal_id, member_id, limit, offset)
            )
        return goal_from_row(found), Page(
            items=tuple(ledger_row(row) for row in rows),
            total=found["entries"],
            offset=offset,
            limit=limit,
        )

    async def export_csv(self, guild_id: int, goal: GoalRef) -> tuple[Goal, str]:
        """The goal `goal` names and its ledger as CSV (RFC 4180, CRLF, header
        row), oldest first, voids included. Times are UTC ISO 8601; text a
        spreadsheet would treat as a formula starts with an apostrophe. Encode
        it as UTF-8 with a BOM for spreadsheet programs. Raises NotFound."""
        found = await self._goals.lookup(guild_id, goal)
        rows = await self._db.scan(
            LEDGER_ROWS + " WHERE l.goal_id = ? ORDER BY l.entry_id",
            (found.id,),
        )

        # Formatting a large goal's rows takes a while: keep the bot answering.
        def write() -> str:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            for row in map(ledger_row, rows):
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
                    found.id,
                    found.name,
                    row.interaction_id,
                ]
                writer.writerow(["" if cell is None else _csv_cell(cell) for cell in cells])
            return out.getvalue()

        return found, await asyncio.to_thread(write)
