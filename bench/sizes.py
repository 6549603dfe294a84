"""How big each part of a run is: the full run and the quick one CI uses."""

from __future__ import annotations

from dataclasses import dataclass

from bench.data import DataSpec


@dataclass(frozen=True, slots=True)
class Sizes:
    """Everything a run's size decides."""

    name: str
    data: DataSpec
    """The database the bot runs on in sections 1-3 and 6."""
    query_rows: tuple[int, ...]
    """Ledger sizes for section 4 (same members, goals and servers as `data`)."""
    check_rows_max: int
    """Databases up to this many rows get `Ledger.check_consistency` (slow at 1 M)."""
    rounds: int
    """Sections 1-3 run this many times, interleaved, and the samples are pooled."""
    sequential: int
    """Requests per command per round, one at a time."""
    concurrent: int
    """Requests per command per round, `concurrency` in flight."""
    concurrency: int
    warmup: int
    pledges: int
    """Pledges per round for each of bot, core ledger and raw sqlite3."""
    members_per_guild: int
    """Stand-in members per server who run the commands."""
    query_calls: int
    faq_sizes: tuple[int, ...]
    faq_calls: int
    memory_requests: int
    """Requests per user command sent to the subprocess bot before reading its memory."""

    def query_spec(self, rows: int) -> DataSpec:
        return DataSpec(
            rows=rows,
            members=self.data.members,
            goals=self.data.goals,
            guilds=self.data.guilds,
            seed=self.data.seed,
        )


FULL = Sizes(
    name="full",
    data=DataSpec(rows=1_000_000, members=10_000, goals=100, guilds=10),
    query_rows=(10_000, 100_000, 1_000_000),
    check_rows_max=100_000,
    rounds=5,
    sequential=200,
    concurrent=800,
    concurrency=50,
    warmup=20,
    pledges=2_000,
    members_per_guild=20,
    query_calls=1_000,
    faq_sizes=(16, 500, 10_000),
    faq_calls=1_000,
    memory_requests=300,
)

QUICK = Sizes(
    name="quick",
    data=DataSpec(rows=10_000, members=1_000, goals=2, guilds=2),
    query_rows=(1_000, 10_000),
    check_rows_max=10_000,
    rounds=1,
    sequential=20,
    concurrent=150,
    concurrency=50,
    warmup=5,
    pledges=200,
    members_per_guild=10,
    query_calls=100,
    faq_sizes=(16, 200),
    faq_calls=100,
    memory_requests=20,
)
