"""The consistency check: every kept total recomputed from the ledger.

Totals are derived from the ledger; for speed, triggers (migration 0003)
keep `scope_totals` (per goal, and per server as goal 0) and
`member_totals` in the same transaction as each row, for all time, the
calendar month and the ISO week (UTC). A void counts in the month and week
of the contribution it cancels. This check says whether they still agree,
and whether every milestone a goal has reached was recorded. Its lines are
for whoever runs the bot (tests, bench/), not for members.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coinhelp.db import Database
from coinhelp.goals import rules
from coinhelp.goals.values import SERVER_SCOPE

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


def _describe_bucket(guild: int, goal_id: int, period: str) -> str:
    scope = "server" if goal_id == SERVER_SCOPE else f"goal #{goal_id}"
    return f"guild {guild} {scope} period {period}"


def _describe_values(values: Sequence[Any]) -> str:
    return "missing" if values[0] is None else "(" + ", ".join(map(str, values)) + ")"


class Audit:
    """Checks the kept totals against the ledger."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def check_consistency(self, guild_id: int | None = None) -> list[str]:
        """Recompute every kept total from the ledger; one line per mismatch.

        Empty means consistent. Also reports a milestone that a goal's total
        has reached but that was never recorded. One read statement (one
        snapshot, in the reader's thread); slow on a large ledger (bench/
        runs it on generated files of each size).
        """
        problems: list[str] = []
        extra_members = extra_scopes = 0
        rows = await self._db.scan(_CONSISTENCY, (guild_id,))
        for what, guild, goal_id, period, member, *values in rows:
            want, have = values[:3], values[3:]
            if what == "member":
                if have[0] is None:
                    extra_members += 1  # a missing row: `counts` below subtracted it
                problems.append(
                    f"member total {_describe_bucket(guild, goal_id, period)} member {member}:"
                    " stored (coins, entries, last entry)"
                    f" {_describe_values(have)}, ledger says {_describe_values(want)}"
                )
            elif what == "scope":
                if have[0] is None:
                    extra_scopes += 1
                problems.append(
                    f"total {_describe_bucket(guild, goal_id, period)}:"
                    " stored (coins, members, entries)"
                    f" {_describe_values(have)}, ledger says {_describe_values(want)}"
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
