"""The values the goals core returns: goals, pledges, voids, ledger rows, pages.

All frozen: a cog gets plain values it can render and cannot change behind
the ledger's back. `percent`, `remaining` and `completed` are computed from a
goal and a total wherever both are known (goal progress, a pledge, a summary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, Literal, NamedTuple, TypeVar

from coinhelp.goals import rules

Period = Literal["all", "month", "week"]
PERIODS: tuple[Period, ...] = ("all", "month", "week")
CloseReason = Literal["closed by moderator", "deadline"]
CLOSED_BY_MODERATOR: CloseReason = "closed by moderator"
CLOSED_BY_DEADLINE: CloseReason = "deadline"
EntryKind = Literal["contribution", "void"]

SERVER_SCOPE = 0
"""The goal_id under which totals for the whole server are kept."""
PAGE_MAX = 100
"""Most items one page of a list may ask for."""

T = TypeVar("T")


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
    """The result of a pledge (`PledgeWriter.contribute`).

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
    dataclass: a page of history builds ten, and a tuple is cheaper to build
    (bench/commands.py times /goal history).
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
    """The result of a void: the new void row's id and the row it cancelled."""

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

    @staticmethod
    def check(offset: int, limit: int) -> None:
        """ValueError unless `offset` and `limit` ask for a page that may exist."""
        if offset < 0 or not 1 <= limit <= PAGE_MAX:
            raise ValueError(f"offset must be >= 0 and limit 1 to {PAGE_MAX}")


@dataclass(frozen=True, slots=True)
class Board:
    """One page of a leaderboard as /goal leaderboard shows it.

    `goal` is None for the whole server's board; `mine` is the asking
    member's own place, None without coins there.
    """

    goal: Goal | None
    period: Period
    page: Page[LeaderRow]
    mine: LeaderRow | None


@dataclass(frozen=True, slots=True)
class GoalSummary(_TowardTarget):
    """A goal's final numbers, as posted when it closes."""

    goal: Goal
    total: int
    contributors: int
    top: tuple[LeaderRow, ...]
