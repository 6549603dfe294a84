"""The Ledger: every part of pooled gifting goals, composed for the bot.

The bot holds one Ledger (`bot.ledger`) and reaches each part by name:

    ledger.goals       create, find, list and close goals (store.py)
    ledger.pledges     the pledge writer: group commit (pledges.py)
    ledger.voids       a moderator's corrections (voids.py)
    ledger.standings   leaderboards and ranks (standings.py)
    ledger.history     a goal's ledger rows: pages and CSV (history.py)
    ledger.audit       the consistency check (audit.py)

All parts share one database and one clock. Call `start()` before the first
pledge and `stop()` before closing the database: `stop()` commits the
pledges already queued first.
"""

from __future__ import annotations

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.goals.audit import Audit
from coinhelp.goals.history import History
from coinhelp.goals.pledges import GATHER_TURNS, MAX_BATCH, PledgeWriter
from coinhelp.goals.standings import Standings
from coinhelp.goals.store import GoalStore
from coinhelp.goals.voids import VoidWriter


class Ledger:
    """Goals, pledges, voids, totals and leaderboards of every server."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = utc_now,
        max_batch: int = MAX_BATCH,
        gather_turns: int = GATHER_TURNS,
    ) -> None:
        """`max_batch` and `gather_turns`: how the pledge writer groups pledges
        into commits (coinhelp.goals.pledges)."""
        self.clock = clock
        self.goals = GoalStore(db, clock=clock)
        self.pledges = PledgeWriter(
            db, self.goals, clock=clock, max_batch=max_batch, gather_turns=gather_turns
        )
        self.voids = VoidWriter(db, clock=clock)
        self.standings = Standings(db, self.goals, clock=clock)
        self.history = History(db, self.goals)
        self.audit = Audit(db)

    async def start(self) -> None:
        """Start the pledge writer task (idempotent)."""
        await self.pledges.start()

    async def stop(self) -> None:
        """Commit every pledge already queued, then stop the pledge writer."""
        await self.pledges.stop()

    async def __aenter__(self) -> Ledger:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
