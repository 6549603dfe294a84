"""The ledger on a real SQLite database in a temp dir, with a controllable clock."""

import asyncio
import csv
import datetime as dt
import io
import itertools
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from coinhelp.db import Database
from coinhelp.errors import Conflict, InvalidInput, NotFound, UserError
from coinhelp.goals import pledges as pledges_module
from coinhelp.goals.ledger import Ledger
from coinhelp.goals.values import (
    CLOSED_BY_DEADLINE,
    CLOSED_BY_MODERATOR,
    Goal,
    LeaderRow,
    LedgerRow,
    Page,
    Pledge,
)
from coinhelp.guildsettings import GuildSettingsStore
from coinhelp.render import Renderer

GUILD = 111
OTHER_GUILD = 222
CHANNEL = 5
MOD = 9


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


_interactions = itertools.count(10_000)
_renderer = Renderer()


def said(error: BaseException) -> str:
    """What the member reads for a UserError."""
    assert isinstance(error, UserError), error
    return _renderer.error(error)


def iid() -> int:
    """A fresh interaction id."""
    return next(_interactions)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 5, 13, 12, 0, tzinfo=dt.UTC))  # a Wednesday


@pytest.fixture
async def ledger(db: Database, clock: Clock) -> AsyncIterator[Ledger]:
    async with Ledger(db, clock=clock) as started:
        yield started


def deadline_text(when: dt.datetime) -> str:
    """A deadline as a moderator types it (in UTC): '2026-05-13 13:00:00'."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


async def make_goal(
    ledger: Ledger,
    name: str = "Birthday LIVE",
    target: int = 1000,
    guild: int = GUILD,
    deadline: dt.datetime | None = None,
) -> Goal:
    return await ledger.goals.create(
        guild,
        name=name,
        target=target,
        deadline=None if deadline is None else deadline_text(deadline),
        creator="@maya",
        description=None,
        channel_id=CHANNEL,
        created_by=MOD,
    )


async def pledge(ledger: Ledger, goal: Goal, member: int, coins: int, guild: int = GUILD) -> Pledge:
    return await ledger.pledges.contribute(
        guild, goal.id, member_id=member, coins=coins, interaction_id=iid()
    )


async def history(ledger: Ledger, goal_id: int, **options: Any) -> Page[LedgerRow]:
    """A page of a goal's ledger rows in GUILD, without the goal."""
    _, page = await ledger.history.page(GUILD, goal_id, **options)
    return page


@asynccontextmanager
async def raw(db: Database) -> AsyncIterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the same file, as someone tampering would use."""
    conn = sqlite3.connect(db.path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def count_writes(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts write transactions from now on (both kinds)."""
    calls: list[int] = []
    write, transaction = db.write, db.transaction

    def counting_write() -> Any:
        calls.append(1)
        return write()

    async def counting_transaction(work: Any) -> Any:
        calls.append(1)
        return await transaction(work)

    monkeypatch.setattr(db, "write", counting_write)
    monkeypatch.setattr(db, "transaction", counting_transaction)
    return calls


# -- goals ---------------------------------------------------------------------------


async def test_a_goal_is_found_by_id_or_by_name_in_any_case(ledger: Ledger) -> None:
    goal = await make_goal(ledger, "Birthday LIVE")
    for ref in (str(goal.id), f"#{goal.id}", f" # {goal.id} ", "birthday live", "BIRTHDAY  LIVE"):
        assert await ledger.goals.lookup(GUILD, ref) == goal
    assert goal.status == "open" and not goal.closed
    assert goal.creator == "@maya" and goal.channel_id == CHANNEL and goal.created_by == MOD


@pytest.mark.parametrize("ref", ["nope", "#999999", "0", "99999999999999999999999", ""])
async def test_unknown_goals_are_not_found(ledger: Ledger, ref: str) -> None:
    await make_goal(ledger)
    with pytest.raises(NotFound) as caught:
        await ledger.goals.lookup(GUILD, ref)
    assert caught.value.key == "goals.not_found"


async def test_another_servers_goal_looks_exactly_like_an_unknown_one(ledger: Ledger) -> None:
    theirs = await make_goal(ledger, "Secret", guild=OTHER_GUILD)
    errors = []
    for call in (
        ledger.goals.lookup(GUILD, str(theirs.id)),
        ledger.goals.lookup(GUILD, "Secret"),
        ledger.goals.progress(GUILD, theirs.id),
        pledge(ledger, theirs, member=1, coins=5),
        ledger.standings.leaderboard(GUILD, theirs.id, "all"),
        ledger.standings.rank(GUILD, theirs.id, "all", 1),
        ledger.history.page(GUILD, theirs.id),
        ledger.goals.close(GUILD, theirs.id, closed_by=MOD),
        ledger.history.export_csv(GUILD, theirs.id),
    ):
        with pytest.raises(NotFound) as caught:
            await call
        errors.append(caught.value.key)
    assert set(errors) == {"goals.not_found"}
    assert await ledger.goals.search(GUILD, "") == []
    assert await ledger.goals.listing(GUILD, include_closed=True) == []
    assert (await ledger.goals.progress(OTHER_GUILD, theirs.id)).total == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Give the goal a name"),
        ("name", "   ", "Give the goal a name"),
        ("name", "** __", "letter, digit or emoji"),
        ("name", "42", "just a number"),
        ("name", "a\nb", "one line"),
        ("name", "n" * 101, "at most 100"),
        ("target", 0, "at least 1"),
        ("target", -10, "at least 1"),
        ("target", 2.5, "whole numbers"),
        ("target", 10_000_000_001, "at most 10,000,000,000"),
        ("deadline", "2026-05-13 11:59", "in the past"),
        ("deadline", "2030-01-01 00:00", "2 years"),
        ("creator", "c" * 101, "at most 100"),
        ("description", "d" * 1001, "at most 1,000"),
    ],
)
async def test_bad_goal_values_are_refused_and_nothing_is_written(
    ledger: Ledger, field: str, value: Any, message: str
) -> None:
    values: dict[str, Any] = {
        "name": "Birthday",
        "target": 100,
        "deadline": None,
        "creator": None,
        "description": None,
    }
    values[field] = value
    with pytest.raises(InvalidInput) as caught:
        await ledger.goals.create(GUILD, channel_id=CHANNEL, created_by=MOD, **values)
    assert message in said(caught.value)
    assert await ledger.goals.listing(GUILD, include_closed=True) == []


async def test_open_goal_names_are_unique_per_server_ignoring_case(ledger: Ledger) -> None:
    first = await make_goal(ledger, "Birthday LIVE")
    with pytest.raises(Conflict) as caught:
        await make_goal(ledger, "birthday   live")
    assert f"#{first.id}" in said(caught.value)
    await make_goal(ledger, "Birthday LIVE", guild=OTHER_GUILD)  # another server: fine
    await ledger.goals.close(GUILD, first.id, closed_by=MOD)
    second = await make_goal(ledger, "BIRTHDAY LIVE")  # closed goals free their name
    assert (await ledger.goals.lookup(GUILD, "birthday live")).id == second.id
    await ledger.goals.close(GUILD, second.id, closed_by=MOD)
    assert (await ledger.goals.lookup(GUILD, "birthday live")).id == second.id  # newest closed


async def test_search_puts_the_id_then_prefixes_then_substrings_open_first(
    ledger: Ledger,
) -> None:
    live = await make_goal(ledger, "Live birthday")
    birthday = await make_goal(ledger, "Birthday LIVE")
    old = await make_goal(ledger, "Birthday 2025")
    other = await make_goal(ledger, "Christmas")
    await ledger.goals.close(GUILD, old.id, closed_by=MOD)
    found = await ledger.goals.search(GUILD, "birth")
    assert [g.id for g in found] == [birthday.id, live.id, old.id]
    assert [g.id for g in await ledger.goals.search(GUILD, f"#{other.id}")][:1] == [other.id]
    assert len(await ledger.goals.search(GUILD, "")) == 4
    assert await ledger.goals.search(GUILD, "zzz") == []
    assert len(await ledger.goals.search(GUILD, "", limit=2)) == 2


async def test_goal_commands_take_the_goal_as_typed(ledger: Ledger, clock: Clock) -> None:
    """Each goal command is one call with the reference a member typed: an id
    or a name, found (or NotFound) by the call itself."""
    goal = await make_goal(ledger, "Birthday LIVE", target=100)
    for ref in (goal.id, str(goal.id), f"#{goal.id}", "birthday live"):
        assert await ledger.goals.resolve(GUILD, ref) == goal.id
        assert (await ledger.goals.progress(GUILD, ref)).goal == goal
    pledged = await ledger.pledges.contribute(
        GUILD, "BIRTHDAY live", member_id=1, coins=30, interaction_id=iid()
    )
    assert pledged.goal == goal and pledged.total == 30
    board = await ledger.standings.board(GUILD, goal.id, "all", member_id=1)
    assert board.goal == goal and board.mine == LeaderRow(rank=1, member_id=1, coins=30)
    assert [row.member_id for row in board.page.items] == [1]
    server = await ledger.standings.board(GUILD, None, "week", member_id=2)
    assert server.goal is None and server.mine is None and server.page.total == 1
    found, text = await ledger.history.export_csv(GUILD, "birthday live")
    assert found == goal and text.count("\r\n") == 2
    summary = await ledger.goals.close(GUILD, "Birthday LIVE", closed_by=MOD)
    assert summary.goal.id == goal.id and summary.total == 30
    for call in (
        ledger.goals.resolve(GUILD, "nope"),
        ledger.goals.resolve(GUILD, "0"),
        ledger.goals.progress(GUILD, "nope"),
        ledger.pledges.contribute(GUILD, "nope", member_id=1, coins=5, interaction_id=iid()),
        ledger.standings.board(GUILD, 404, "all", member_id=1),
        ledger.history.export_csv(GUILD, "nope"),
        ledger.goals.close(GUILD, "nope", closed_by=MOD),
    ):
        with pytest.raises(NotFound, match=r"goals\.not_found"):
            await call


async def test_a_deadline_is_read_with_the_ledgers_own_clock(ledger: Ledger, clock: Clock) -> None:
    # The ledger's clock says 13 May 2026, whatever the wall clock says.
    goal = await make_goal(ledger, "Soon", deadline=None)
    ahead = await ledger.goals.create(
        GUILD,
        name="Tomorrow",
        target=10,
        deadline="2026-05-14",
        creator=None,
        description=None,
        channel_id=CHANNEL,
        created_by=MOD,
    )
    assert ahead.deadline == dt.datetime(2026, 5, 14, 23, 59, 59, tzinfo=dt.UTC)
    assert ahead.created_at == clock.now and goal.deadline is None


async def test_goal_list_shows_open_goals_soonest_deadline_first(
    ledger: Ledger, clock: Clock
) -> None:
    later = await make_goal(ledger, "Later", deadline=clock.now + dt.timedelta(days=9))
    none = await make_goal(ledger, "Whenever")
    soon = await make_goal(ledger, "Soon", deadline=clock.now + dt.timedelta(days=1))
    done = await make_goal(ledger, "Done")
    await pledge(ledger, soon, member=1, coins=250)
    await ledger.goals.close(GUILD, done.id, closed_by=MOD)
    listed = await ledger.goals.listing(GUILD)
    assert [p.goal.id for p in listed] == [soon.id, later.id, none.id]
    assert (listed[0].total, listed[0].contributors, listed[0].percent) == (250, 1, 25)
    assert listed[0].remaining == 750 and not listed[0].completed
    everything = await ledger.goals.listing(GUILD, include_closed=True)
    assert [p.goal.id for p in everything][-1] == done.id


# -- pledges ---------------------------------------------------------------------------


async def test_a_pledge_is_committed_and_counted(ledger: Ledger, db: Database) -> None:
    goal = await make_goal(ledger, target=1000)
    first = await pledge(ledger, goal, member=1, coins=300)
    assert (first.total, first.milestones_crossed, first.duplicate) == (300, (25,), False)
    assert first.goal == goal and first.coins == 300 and first.member_id == 1
    second = await pledge(ledger, goal, member=2, coins=700)
    assert second.milestones_crossed == (50, 75, 100)
    assert second.completed and second.percent == 100 and second.remaining == 0
    progress = await ledger.goals.progress(GUILD, goal.id)
    assert (progress.total, progress.contributors, progress.completed) == (1000, 2, True)
    third = await pledge(ledger, goal, member=2, coins=1)  # pledges past the target still count
    assert third.total == 1001 and third.milestones_crossed == ()
    assert await ledger.audit.check_consistency() == []


@pytest.mark.parametrize("coins", [0, -1, -1_000_000, 1.5, 1_000_001, 10**20, True])
async def test_bad_pledge_amounts_are_refused(ledger: Ledger, coins: Any) -> None:
    goal = await make_goal(ledger)
    with pytest.raises(InvalidInput):
        await pledge(ledger, goal, member=1, coins=coins)
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 0


async def test_pledge_limits_are_inclusive(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=10_000_000_000)
    assert (await pledge(ledger, goal, member=1, coins=1)).total == 1
    assert (await pledge(ledger, goal, member=1, coins=1_000_000)).total == 1_000_001


async def test_unknown_goal_id_is_not_found(ledger: Ledger) -> None:
    with pytest.raises(NotFound, match=r"goals\.not_found"):
        await ledger.pledges.contribute(GUILD, 12345, member_id=1, coins=5, interaction_id=iid())


async def test_closed_goals_take_no_pledges(ledger: Ledger) -> None:
    goal = await make_goal(ledger)
    await ledger.goals.close(GUILD, goal.id, closed_by=MOD)
    with pytest.raises(Conflict, match=r"goals\.closed"):
        await pledge(ledger, goal, member=1, coins=5)


async def test_goals_past_their_deadline_take_no_pledges_before_they_are_closed(
    ledger: Ledger, clock: Clock
) -> None:
    goal = await make_goal(ledger, deadline=clock.now + dt.timedelta(hours=1))
    await pledge(ledger, goal, member=1, coins=5)
    clock.advance(hours=1)
    with pytest.raises(Conflict, match=r"goals\.past_deadline"):
        await pledge(ledger, goal, member=1, coins=5)


async def test_a_repeated_interaction_counts_once(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=100)
    interaction = iid()
    first = await ledger.pledges.contribute(
        GUILD, goal.id, member_id=1, coins=60, interaction_id=interaction
    )
    again = await ledger.pledges.contribute(
        GUILD, goal.id, member_id=1, coins=60, interaction_id=interaction
    )
    assert first.milestones_crossed == (25, 50) and not first.duplicate
    assert again.duplicate and again.entry_id == first.entry_id and again.coins == 60
    assert again.milestones_crossed == () and again.total == 60
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 60
    # The same id for something else is refused, not counted.
    with pytest.raises(Conflict, match=r"goals\.interaction_reused"):
        await ledger.pledges.contribute(
            GUILD, goal.id, member_id=2, coins=60, interaction_id=interaction
        )
    assert (await history(ledger, goal.id)).total == 1


async def test_the_largest_ids_are_stored_exactly_as_integers(ledger: Ledger, db: Database) -> None:
    # A batch's rows reach SQLite as JSON: Discord's ids (up to 2**63 - 1) must
    # come out as the same integers, or a retried interaction would count twice.
    largest = 2**63 - 1
    goal = await make_goal(ledger, target=100)
    pledged = await ledger.pledges.contribute(
        GUILD, goal.id, member_id=largest - 1, coins=7, interaction_id=largest
    )
    again = await ledger.pledges.contribute(
        GUILD, goal.id, member_id=largest - 1, coins=7, interaction_id=largest
    )
    assert again.duplicate and again.entry_id == pledged.entry_id
    row = await db.lookup_one(
        "SELECT member_id, interaction_id, coins, typeof(member_id) AS t_member,"
        " typeof(coins) AS t_coins, typeof(created_at) AS t_created, typeof(month) AS t_month"
        " FROM ledger WHERE entry_id = ?",
        (pledged.entry_id,),
    )
    assert row is not None
    assert (row["member_id"], row["interaction_id"], row["coins"]) == (largest - 1, largest, 7)
    assert (row["t_member"], row["t_coins"], row["t_created"], row["t_month"]) == (
        "integer",
        "integer",
        "text",
        "text",
    )
    assert await ledger.audit.check_consistency() == []


async def test_a_repeated_interaction_in_one_batch_counts_once(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=100)
    interaction = iid()
    results = await asyncio.gather(
        *[
            ledger.pledges.contribute(
                GUILD, goal.id, member_id=1, coins=10, interaction_id=interaction
            )
            for _ in range(5)
        ]
    )
    assert sum(not r.duplicate for r in results) == 1
    assert {r.entry_id for r in results} == {results[0].entry_id}
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 10


@pytest.mark.parametrize("max_batch", [500, 7])  # 7: milestones span batches
async def test_300_pledges_at_once_give_exact_totals_and_each_milestone_once(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch, max_batch: int
) -> None:
    async with Ledger(db, clock=clock, max_batch=max_batch) as ledger:
        await check_300_pledges_at_once(ledger, db, monkeypatch, max_batch)


async def check_300_pledges_at_once(
    ledger: Ledger, db: Database, monkeypatch: pytest.MonkeyPatch, max_batch: int
) -> None:
    goal = await make_goal(ledger, target=30_000)
    writes = count_writes(db, monkeypatch)
    results = await asyncio.gather(
        *[pledge(ledger, goal, member=1 + n % 40, coins=100 + n) for n in range(300)]
    )
    expected = sum(100 + n for n in range(300))
    assert (await ledger.goals.progress(GUILD, goal.id)).total == expected
    crossed = [m for r in results for m in r.milestones_crossed]
    assert sorted(crossed) == [25, 50, 75, 100]
    assert len({r.entry_id for r in results}) == 300
    assert max(r.total for r in results) == expected
    # Each pledge saw the total right after itself: a running sum in commit order.
    in_order = sorted(results, key=lambda r: r.entry_id)
    assert [r.total for r in in_order] == list(itertools.accumulate(r.coins for r in in_order))
    rows = await db.lookup(
        "SELECT percent, total FROM goal_milestones WHERE goal_id = ?", (goal.id,)
    )
    assert sorted(r["percent"] for r in rows) == [25, 50, 75, 100]
    for result in results:
        for percent in result.milestones_crossed:
            assert result.total * 100 >= percent * goal.target
            assert (result.total - result.coins) * 100 < percent * goal.target
    # Pledges waiting together share a commit.
    assert len(writes) <= -(-300 // max_batch) + 1
    assert await ledger.audit.check_consistency() == []


@pytest.mark.parametrize("gather_turns", [pledges_module.GATHER_TURNS, 0])
async def test_pledges_made_a_moment_apart_share_one_commit(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch, gather_turns: int
) -> None:
    """Members pledging together reach the ledger a few turns of the event loop
    apart, each from inside their own interaction: one commit takes them all,
    not the first few alone and the rest after them (0 turns: how it was)."""
    async with Ledger(db, clock=clock, gather_turns=gather_turns) as ledger:
        goal = await make_goal(ledger, target=10_000)
        writes = count_writes(db, monkeypatch)

        async def after(turns: int, member: int) -> Pledge:
            for _ in range(turns):
                await asyncio.sleep(0)
            return await pledge(ledger, goal, member, coins=10)

        results = await asyncio.gather(*[after(n % 4, n) for n in range(40)])
    assert sorted(r.total for r in results) == list(range(10, 410, 10))
    assert (len(writes) == 1) == (gather_turns > 0), writes


async def test_pledges_racing_a_close_are_either_counted_or_refused(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=10_000)
    first_wave = [asyncio.create_task(pledge(ledger, goal, n, coins=10)) for n in range(100)]
    for _ in range(3):
        await asyncio.sleep(0)  # the writer holds the write lock for the first wave
    close = asyncio.create_task(ledger.goals.close(GUILD, goal.id, closed_by=MOD))
    await asyncio.sleep(0)  # the close waits for the lock, ahead of the second wave
    second_wave = [asyncio.create_task(pledge(ledger, goal, n, coins=10)) for n in range(100)]
    results = await asyncio.gather(*first_wave, *second_wave, return_exceptions=True)
    summary = await close
    counted = [r for r in results if isinstance(r, Pledge)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(counted) + len(refused) == 200 and counted and refused
    assert summary.total == 10 * len(counted) == (await ledger.goals.progress(GUILD, goal.id)).total
    assert await ledger.audit.check_consistency() == []


async def test_a_bad_pledge_in_a_batch_does_not_fail_the_others(ledger: Ledger) -> None:
    goal = await make_goal(ledger, "Open", target=100)
    closed = await make_goal(ledger, "Closed")
    theirs = await make_goal(ledger, "Theirs", guild=OTHER_GUILD)
    await ledger.goals.close(GUILD, closed.id, closed_by=MOD)
    results = await asyncio.gather(
        pledge(ledger, goal, member=1, coins=10),
        pledge(ledger, closed, member=1, coins=10),
        pledge(ledger, goal, member=2, coins=20),
        pledge(ledger, theirs, member=1, coins=10),
        ledger.pledges.contribute(GUILD, 987654, member_id=3, coins=5, interaction_id=iid()),
        pledge(ledger, goal, member=3, coins=30),
        return_exceptions=True,
    )
    assert [type(r).__name__ for r in results] == [
        "Pledge",
        "Conflict",
        "Pledge",
        "NotFound",
        "NotFound",
        "Pledge",
    ]
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 60
    assert (await ledger.goals.progress(OTHER_GUILD, theirs.id)).total == 0


async def test_a_pledge_the_database_refuses_does_not_sink_its_batch(
    ledger: Ledger, db: Database
) -> None:
    """Past every check, SQLite still refuses a member id that is not an integer:
    the batch is rolled back and retried one pledge per transaction."""
    goal = await make_goal(ledger, target=100)
    results = await asyncio.gather(
        pledge(ledger, goal, member=1, coins=10),
        ledger.pledges.contribute(GUILD, goal.id, member_id="x", coins=10, interaction_id=iid()),  # type: ignore[arg-type]
        pledge(ledger, goal, member=2, coins=20),
        return_exceptions=True,
    )
    first, bad, second = results
    assert isinstance(bad, sqlite3.IntegrityError)
    assert isinstance(first, Pledge) and isinstance(second, Pledge)
    assert (first.total, second.total) == (10, 30)
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 30
    assert await ledger.audit.check_consistency() == []


async def test_stop_commits_queued_pledges_then_refuses_new_ones(
    db: Database, clock: Clock
) -> None:
    ledger = Ledger(db, clock=clock)
    with pytest.raises(RuntimeError, match="start"):
        await ledger.pledges.contribute(GUILD, 1, member_id=1, coins=1, interaction_id=iid())
    await ledger.start()
    goal = await make_goal(ledger)
    pending = [asyncio.create_task(pledge(ledger, goal, member=1, coins=5)) for _ in range(50)]
    await asyncio.sleep(0)  # queued, not yet written
    await ledger.stop()
    assert all(task.done() for task in pending)
    assert (await ledger.goals.progress(GUILD, goal.id)).total == 250
    with pytest.raises(Conflict, match=r"goals\.restarting"):
        await pledge(ledger, goal, member=1, coins=5)


async def test_an_acknowledged_pledge_survives_reopening(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "durable.db"
    db = await Database.open(path)
    async with Ledger(db, clock=clock) as ledger:
        goal = await make_goal(ledger)
        acknowledged = await pledge(ledger, goal, member=1, coins=77)
    await db.close()
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT coins FROM ledger WHERE entry_id = ?", (acknowledged.entry_id,)
        ).fetchone()
    assert row == (77,)


# -- voids -----------------------------------------------------------------------------


async def test_a_void_cancels_a_contribution(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=100)
    kept = await pledge(ledger, goal, member=1, coins=30)
    wrong = await pledge(ledger, goal, member=2, coins=50)
    void = await ledger.voids.cancel(
        GUILD, wrong.entry_id, reason="typo", moderator_id=MOD, interaction_id=iid()
    )
    assert void.voided.entry_id == wrong.entry_id and void.voided.voided_by == void.entry_id
    assert void.total == 30 and void.goal.id == goal.id and not void.duplicate
    progress = await ledger.goals.progress(GUILD, goal.id)
    assert (progress.total, progress.contributors) == (30, 1)
    board = await ledger.standings.leaderboard(GUILD, goal.id, "all")
    assert [(r.member_id, r.coins) for r in board.items] == [(1, 30)] and board.total == 1
    assert await ledger.standings.rank(GUILD, goal.id, "all", 2) is None
    assert kept.entry_id != void.entry_id
    assert await ledger.audit.check_consistency() == []


async def test_void_refusals(ledger: Ledger) -> None:
    goal = await make_goal(ledger)
    theirs = await make_goal(ledger, guild=OTHER_GUILD)
    entry = await pledge(ledger, goal, member=1, coins=30)
    foreign = await pledge(ledger, theirs, member=1, coins=30, guild=OTHER_GUILD)
    void = await ledger.voids.cancel(
        GUILD, entry.entry_id, reason="x1", moderator_id=MOD, interaction_id=iid()
    )
    cases = [
        (entry.entry_id, Conflict, f"already voided by entry #{void.entry_id}"),
        (void.entry_id, Conflict, "itself a void"),
        (foreign.entry_id, NotFound, "no ledger entry"),
        (999_999, NotFound, "no ledger entry"),
        (0, NotFound, "no ledger entry"),
        (2**70, NotFound, "no ledger entry"),
    ]
    for entry_id, error, message in cases:
        with pytest.raises(error) as caught:
            await ledger.voids.cancel(
                GUILD, entry_id, reason="again", moderator_id=MOD, interaction_id=iid()
            )
        assert message in said(caught.value)
    with pytest.raises(InvalidInput):
        await ledger.voids.cancel(
            GUILD, entry.entry_id, reason=" ", moderator_id=MOD, interaction_id=iid()
        )
    assert (await history(ledger, goal.id)).total == 2
    assert (await ledger.goals.progress(OTHER_GUILD, theirs.id)).total == 30


async def test_a_repeated_void_interaction_returns_the_original(ledger: Ledger) -> None:
    goal = await make_goal(ledger)
    entry = await pledge(ledger, goal, member=1, coins=30)
    interaction = iid()
    first = await ledger.voids.cancel(
        GUILD, entry.entry_id, reason="r", moderator_id=MOD, interaction_id=interaction
    )
    again = await ledger.voids.cancel(
        GUILD, entry.entry_id, reason="r", moderator_id=MOD, interaction_id=interaction
    )
    assert again.duplicate and again.entry_id == first.entry_id and again.total == 0
    with pytest.raises(Conflict, match=r"goals\.interaction_reused"):
        await ledger.pledges.contribute(
            GUILD, goal.id, member_id=1, coins=5, interaction_id=interaction
        )


async def test_voids_work_on_closed_goals(ledger: Ledger) -> None:
    goal = await make_goal(ledger)
    entry = await pledge(ledger, goal, member=1, coins=30)
    await ledger.goals.close(GUILD, goal.id, closed_by=MOD)
    void = await ledger.voids.cancel(
        GUILD, entry.entry_id, reason="r", moderator_id=MOD, interaction_id=iid()
    )
    assert void.total == 0 and void.goal.closed


async def test_a_void_corrects_the_period_of_the_contribution(ledger: Ledger, clock: Clock) -> None:
    goal = await make_goal(ledger)
    april = await pledge(ledger, goal, member=1, coins=40)
    await pledge(ledger, goal, member=2, coins=10)
    clock.advance(days=30)  # June: another month and week
    await pledge(ledger, goal, member=1, coins=5)
    await ledger.voids.cancel(
        GUILD, april.entry_id, reason="r", moderator_id=MOD, interaction_id=iid()
    )
    month = await ledger.standings.leaderboard(GUILD, goal.id, "month")
    assert [(r.member_id, r.coins) for r in month.items] == [(1, 5)]
    clock.advance(days=-30)
    month = await ledger.standings.leaderboard(GUILD, goal.id, "month")
    assert [(r.member_id, r.coins) for r in month.items] == [(2, 10)]
    assert await ledger.audit.check_consistency() == []


async def test_a_checkpoint_keeps_the_write_ahead_log_small(db: Database) -> None:
    """After a checkpoint the next write starts the log over, so it stays small
    (SQLite on its own would let it grow to 10,000 pages, about 40 MB)."""
    wal = f"{db.path}-wal"
    for round_ in range(20):  # each round about 200 kB of log; 20 without copies: 4 MB
        async with db.write() as conn:
            await conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(f"round {round_} row {n}", "x" * 3000) for n in range(50)],
            )
        await db.checkpoint()
        size = await asyncio.to_thread(os.path.getsize, wal)
        assert size < 400_000, f"log at {size} bytes in round {round_}"


async def test_the_pledge_writer_checkpoints_after_answering(
    ledger: Ledger, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    totals_at_checkpoint: list[int] = []
    goal = await make_goal(ledger, target=10**9)

    async def checkpoint() -> None:
        totals_at_checkpoint.append((await ledger.goals.progress(GUILD, goal.id)).total)

    monkeypatch.setattr(db, "checkpoint", checkpoint)
    await asyncio.gather(*(pledge(ledger, goal, member=n, coins=1) for n in range(50)))
    await ledger.stop()  # waits for a checkpoint in flight
    assert totals_at_checkpoint and totals_at_checkpoint[-1] == 50  # after the commit


# -- leaderboards ------------------------------------------------------------------------


async def test_leaderboard_periods_for_a_goal_and_the_server(ledger: Ledger, clock: Clock) -> None:
    a = await make_goal(ledger, "A")
    b = await make_goal(ledger, "B")
    await pledge(ledger, a, member=1, coins=100)  # Wed 13 May, week 20
    clock.advance(days=5)  # Mon 18 May, week 21
    await pledge(ledger, a, member=2, coins=60)
    await pledge(ledger, b, member=1, coins=10)
    clock.advance(days=14)  # Mon 1 June, week 23
    await pledge(ledger, b, member=3, coins=70)

    def board(page: Any) -> list[tuple[int, int, int]]:
        return [(r.rank, r.member_id, r.coins) for r in page.items]

    assert board(await ledger.standings.leaderboard(GUILD, a.id, "all")) == [
        (1, 1, 100),
        (2, 2, 60),
    ]
    assert board(await ledger.standings.leaderboard(GUILD, None, "all")) == [
        (1, 1, 110),
        (2, 3, 70),
        (3, 2, 60),
    ]
    assert board(await ledger.standings.leaderboard(GUILD, None, "month")) == [(1, 3, 70)]
    assert board(await ledger.standings.leaderboard(GUILD, None, "week")) == [(1, 3, 70)]
    assert board(await ledger.standings.leaderboard(GUILD, a.id, "month")) == []
    clock.advance(days=-14)  # back in week 21, May
    assert board(await ledger.standings.leaderboard(GUILD, None, "week")) == [
        (1, 2, 60),
        (2, 1, 10),
    ]
    assert board(await ledger.standings.leaderboard(GUILD, None, "month")) == [
        (1, 1, 110),
        (2, 2, 60),
    ]
    assert (await ledger.standings.rank(GUILD, None, "week", 1)) is not None
    assert (await ledger.standings.rank(GUILD, None, "week", 3)) is None
    assert board(await ledger.standings.leaderboard(OTHER_GUILD, None, "all")) == []
    with pytest.raises(InvalidInput):
        await ledger.standings.leaderboard(GUILD, None, "year")  # type: ignore[arg-type]


async def test_all_time_boards_and_ranks_read_their_index_not_the_whole_bucket(
    ledger: Ledger, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All-time boards grow without bound: their reads must stay index lookups
    (member_totals_rank_all) however many members pledged."""
    goal = await make_goal(ledger)
    await pledge(ledger, goal, member=1, coins=5)
    plans: list[str] = []
    fetch = {"lookup": db.lookup, "lookup_one": db.lookup_one}

    def recording(name: str) -> Any:
        async def run(sql: str, params: Any = ()) -> Any:
            if "member_totals" in sql:
                rows = await fetch["lookup"]("EXPLAIN QUERY PLAN " + sql, params)
                plans.append(" | ".join(row["detail"] for row in rows))
            return await fetch[name](sql, params)

        return run

    monkeypatch.setattr(db, "lookup", recording("lookup"))
    monkeypatch.setattr(db, "lookup_one", recording("lookup_one"))
    for scope in (goal.id, None):
        await ledger.standings.leaderboard(GUILD, scope, "all")
        assert await ledger.standings.rank(GUILD, scope, "all", 1) is not None
    assert len(plans) == 4
    for plan in plans:
        assert "member_totals_rank_all" in plan and "TEMP B-TREE" not in plan, plan


async def test_leaderboard_pages_ties_and_own_rank(ledger: Ledger) -> None:
    goal = await make_goal(ledger, target=10**9)
    # 25 members; members 100..104 tie on 500 coins and reach it in order 104, 102, 100, 103, 101.
    for member in range(1, 21):
        await pledge(ledger, goal, member=member, coins=member * 10)
    for member in (104, 102, 100, 103, 101):
        await pledge(ledger, goal, member=member, coins=500)
    expected = [104, 102, 100, 103, 101, *range(20, 0, -1)]
    pages = [
        await ledger.standings.leaderboard(GUILD, goal.id, "all", offset=o, limit=10)
        for o in (0, 10, 20)
    ]
    assert [p.total for p in pages] == [25, 25, 25]
    assert pages[0].pages() == 3 and pages[0].pages(25) == 1
    assert [len(p.items) for p in pages] == [10, 10, 5]
    ranked = [row for page in pages for row in page.items]
    assert [row.member_id for row in ranked] == expected
    assert [row.rank for row in ranked] == list(range(1, 26))
    for row in ranked:
        assert await ledger.standings.rank(GUILD, goal.id, "all", row.member_id) == row
    assert await ledger.standings.rank(GUILD, goal.id, "all", 999) is None
    # The tie order is stable: asking again gives the same order.
    again = await ledger.standings.leaderboard(GUILD, goal.id, "all", limit=5)
    assert [r.member_id for r in again.items] == expected[:5]
    # A tied member who pledges again moves up past the others.
    await pledge(ledger, goal, member=101, coins=1)
    top = await ledger.standings.leaderboard(GUILD, goal.id, "all", limit=2)
    assert [r.member_id for r in top.items] == [101, 104]
    empty = await ledger.standings.leaderboard(GUILD, goal.id, "all", offset=100)
    assert empty.items == () and empty.total == 25
    with pytest.raises(ValueError):
        await ledger.standings.leaderboard(GUILD, goal.id, "all", limit=0)


# -- history -----------------------------------------------------------------------------


async def test_history_newest_first_with_voids_and_a_member_filter(ledger: Ledger) -> None:
    goal = await make_goal(ledger)
    first = await pledge(ledger, goal, member=1, coins=10)
    await pledge(ledger, goal, member=2, coins=20)
    await pledge(ledger, goal, member=1, coins=30)
    void = await ledger.voids.cancel(
        GUILD, first.entry_id, reason="dup", moderator_id=MOD, interaction_id=iid()
    )
    everything = await history(ledger, goal.id)
    assert everything.total == 4
    assert [(r.kind, r.member_id, r.coins) for r in everything.items] == [
        ("void", 1, -10),
        ("contribution", 1, 30),
        ("contribution", 2, 20),
        ("contribution", 1, 10),
    ]
    assert everything.items[0].voids == first.entry_id and everything.items[0].reason == "dup"
    assert everything.items[0].moderator_id == MOD
    assert everything.items[3].voided_by == void.entry_id
    mine = await history(ledger, goal.id, member_id=1, offset=1, limit=2)
    assert mine.total == 3 and [r.coins for r in mine.items] == [30, 10]
    nobody = await history(ledger, goal.id, member_id=404)
    assert nobody.total == 0 and nobody.items == ()


async def test_history_brings_the_goal_and_keeps_other_servers_out(
    ledger: Ledger,
) -> None:
    goal = await make_goal(ledger, "Birthday LIVE")
    await pledge(ledger, goal, member=1, coins=10)
    found, page = await ledger.history.page(GUILD, goal.id, member_id=1)
    assert found == await ledger.goals.lookup(GUILD, goal.id)
    assert page.total == 1 and [r.coins for r in page.items] == [10]
    with pytest.raises(NotFound):
        await ledger.history.page(OTHER_GUILD, goal.id)
    with pytest.raises(NotFound):
        await ledger.history.page(GUILD, 404)


# -- closing -----------------------------------------------------------------------------


async def test_closing_gives_a_summary_and_closes_once(ledger: Ledger, clock: Clock) -> None:
    goal = await make_goal(ledger, target=1000)
    for member, coins in [(1, 100), (2, 300), (3, 200), (4, 50), (2, 10)]:
        await pledge(ledger, goal, member=member, coins=coins)
    summary = await ledger.goals.close(GUILD, goal.id, closed_by=MOD)
    assert (summary.total, summary.contributors, summary.percent) == (660, 4, 66)
    assert [(r.rank, r.member_id, r.coins) for r in summary.top] == [
        (1, 2, 310),
        (2, 3, 200),
        (3, 1, 100),
    ]
    assert summary.goal.closed and summary.goal.closed_reason == CLOSED_BY_MODERATOR
    assert summary.goal.closed_by == MOD and summary.goal.closed_at == clock.now
    assert summary.remaining == 340 and not summary.completed
    with pytest.raises(Conflict, match=r"goals\.already_closed"):
        await ledger.goals.close(GUILD, goal.id, closed_by=MOD)
    with pytest.raises(ValueError):
        await ledger.goals.close(GUILD, goal.id, closed_by=MOD, reason="bored")  # type: ignore[arg-type]


async def test_deadlines_close_goals_even_ones_that_fell_due_while_down(
    db: Database, clock: Clock
) -> None:
    async with Ledger(db, clock=clock) as ledger:
        overdue = await make_goal(ledger, "Overdue", deadline=clock.now + dt.timedelta(hours=1))
        later = await make_goal(ledger, "Later", deadline=clock.now + dt.timedelta(days=3))
        await make_goal(ledger, "Forever")
        await pledge(ledger, overdue, member=1, coins=400)
        assert await ledger.goals.close_due() == []
        assert await ledger.goals.next_deadline() == overdue.deadline
    # The bot is down for a day; a new process starts.
    clock.advance(days=1)
    async with Ledger(db, clock=clock) as ledger:
        assert await ledger.goals.next_deadline() == overdue.deadline  # already past: close now
        summaries = await ledger.goals.close_due()
        assert [s.goal.id for s in summaries] == [overdue.id]
        assert summaries[0].total == 400 and summaries[0].goal.closed_reason == CLOSED_BY_DEADLINE
        assert summaries[0].goal.closed_by is None
        assert await ledger.goals.close_due() == []
        assert await ledger.goals.next_deadline() == later.deadline
        clock.advance(days=2)
        assert [s.goal.id for s in await ledger.goals.close_due()] == [later.id]
        assert await ledger.goals.next_deadline() is None


# -- export ------------------------------------------------------------------------------


async def test_export_round_trips_and_neutralises_formulas(ledger: Ledger) -> None:
    goal = await make_goal(ledger, 'Gifts, "big" ones')
    entry = await pledge(ledger, goal, member=1, coins=500)
    await pledge(ledger, goal, member=2, coins=7)
    await ledger.voids.cancel(
        GUILD,
        entry.entry_id,
        reason='=HYPERLINK("http://evil.example","click")',
        moderator_id=MOD,
        interaction_id=iid(),
    )
    _, text = await ledger.history.export_csv(GUILD, goal.id)
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["kind"] for row in rows] == ["contribution", "contribution", "void"]
    assert [int(row["coins"]) for row in rows] == [500, 7, -500]
    assert sum(int(row["coins"]) for row in rows) == 7
    assert rows[2]["reason"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[2]["voids_entry"] == str(entry.entry_id)
    assert rows[0]["voided_by_entry"] == rows[2]["entry_id"]
    assert rows[0]["goal_name"] == 'Gifts, "big" ones'
    assert rows[0]["time_utc"] == "2026-05-13T12:00:00Z"
    assert rows[1]["reason"] == "" and rows[1]["moderator_id"] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
async def test_every_formula_start_is_neutralised(ledger: Ledger, start: str) -> None:
    goal = await make_goal(ledger, f"{start}SUM(A1) goal")
    await pledge(ledger, goal, member=1, coins=5)
    _, text = await ledger.history.export_csv(GUILD, goal.id)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][10].startswith("'")


# -- consistency and guards --------------------------------------------------------------


async def test_check_consistency_finds_tampered_totals(
    ledger: Ledger, db: Database, clock: Clock
) -> None:
    a = await make_goal(ledger, "A", target=100)
    b = await make_goal(ledger, "B")
    entry = await pledge(ledger, a, member=1, coins=60)
    await pledge(ledger, b, member=2, coins=5)
    clock.advance(days=8)
    await pledge(ledger, a, member=2, coins=7)
    await ledger.voids.cancel(
        GUILD, entry.entry_id, reason="r", moderator_id=MOD, interaction_id=iid()
    )
    assert await ledger.audit.check_consistency() == []
    assert await ledger.audit.check_consistency(GUILD) == []
    async with raw(db) as conn:
        conn.execute(
            "UPDATE scope_totals SET coins = coins + 1 WHERE guild_id = ? AND goal_id = ?"
            " AND period = 'all'",
            (GUILD, a.id),
        )
        conn.execute(
            "UPDATE member_totals SET coins = 99 WHERE goal_id = 0 AND member_id = 2"
            " AND period = 'all'"
        )
    problems = await ledger.audit.check_consistency()
    assert len(problems) == 2, problems
    assert any(f"goal #{a.id} period all" in p for p in problems)
    assert any("server period all member 2" in p for p in problems)
    assert await ledger.audit.check_consistency(OTHER_GUILD) == []


async def test_check_consistency_finds_missing_and_extra_total_rows(
    ledger: Ledger, db: Database
) -> None:
    goal = await make_goal(ledger)
    await pledge(ledger, goal, member=1, coins=30)
    await pledge(ledger, goal, member=2, coins=40)
    async with raw(db) as conn:
        conn.execute("DELETE FROM member_totals WHERE member_id = 1 AND period = 'all'")
    problems = await ledger.audit.check_consistency()
    assert len(problems) == 2 and all(
        "member 1: stored (coins, entries, last entry) missing" in p for p in problems
    )
    async with raw(db) as conn:
        conn.execute(
            "INSERT INTO member_totals VALUES"
            " (?, ?, 'all', 1, 30, 1, 1), (?, 0, 'all', 1, 30, 1, 1)",
            (GUILD, goal.id, GUILD),
        )
        conn.execute(
            "INSERT INTO member_totals VALUES (?, ?, 'all', 77, 5, 1, 1)", (GUILD, goal.id)
        )
        conn.execute("INSERT INTO scope_totals VALUES (?, 0, '1999-01', 5, 1, 1)", (GUILD,))
    assert await ledger.audit.check_consistency() == [
        "1 member totals have no ledger rows behind them",
        "1 totals have no ledger rows behind them",
    ]
    assert await ledger.audit.check_consistency(OTHER_GUILD) == []


async def test_check_consistency_finds_a_missing_milestone(ledger: Ledger, db: Database) -> None:
    goal = await make_goal(ledger, target=100)
    await pledge(ledger, goal, member=1, coins=30)
    async with raw(db) as conn:
        conn.execute("DROP TRIGGER goal_milestones_no_delete")
        conn.execute("DELETE FROM goal_milestones")
    assert await ledger.audit.check_consistency() == [
        f"goal #{goal.id} (guild {GUILD}) has reached 25% but no milestone is recorded"
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger SET coins = 1",
        "DELETE FROM ledger",
        "UPDATE goal_milestones SET total = 0",
        "DELETE FROM goal_milestones",
        "UPDATE goals SET closed_at = NULL, closed_reason = NULL",  # reopening a closed goal
        "UPDATE goals SET target = 5",
        # A contribution to a closed goal, or one over the limit.
        "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week, created_at,"
        " interaction_id) SELECT guild_id, goal_id, 1, 'contribution', 5, '2026-05', '2026-W20',"
        " '2026-05-13T12:00:00.000000+00:00', 1 FROM goals",
        "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week, created_at,"
        " interaction_id) VALUES (111, 1, 1, 'contribution', 1000001, '2026-05', '2026-W20',"
        " '2026-05-13T12:00:00.000000+00:00', 1)",
        # A void that does not match the row it cancels.
        "INSERT INTO ledger (guild_id, goal_id, member_id, kind, coins, month, week, created_at,"
        " interaction_id, voids, moderator_id, reason) SELECT guild_id, goal_id, member_id,"
        " 'void', -1, month, week, created_at, 2, entry_id, 9, 'r' FROM ledger",
    ],
)
async def test_the_database_itself_guards_the_ledger(
    ledger: Ledger, db: Database, sql: str
) -> None:
    goal = await make_goal(ledger)
    closed = await make_goal(ledger, "Closed")
    await pledge(ledger, goal, member=1, coins=300)  # records the 25 % milestone
    await pledge(ledger, closed, member=1, coins=30)
    await ledger.goals.close(GUILD, closed.id, closed_by=MOD)
    async with raw(db) as conn:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)
    assert await ledger.audit.check_consistency() == []


# -- server settings ---------------------------------------------------------------------


async def test_server_settings_default_and_partial_updates(db: Database) -> None:
    store = GuildSettingsStore(db)
    empty = await store.get(GUILD)
    assert (empty.announce_channel_id, empty.moderator_role_id) == (None, None)
    first = await store.update(GUILD, announce_channel_id=50, updated_by=MOD)
    assert (first.announce_channel_id, first.moderator_role_id, first.updated_by) == (50, None, MOD)
    second = await store.update(GUILD, moderator_role_id=70, updated_by=MOD + 1)
    assert (second.announce_channel_id, second.moderator_role_id) == (50, 70)
    assert second.updated_by == MOD + 1 and second.updated_at is not None
    assert (await store.get(OTHER_GUILD)).announce_channel_id is None


async def test_a_setting_can_be_cleared_but_not_set_and_cleared_at_once(db: Database) -> None:
    store = GuildSettingsStore(db)
    await store.update(GUILD, announce_channel_id=50, moderator_role_id=70, updated_by=MOD)
    cleared = await store.update(GUILD, clear=("announce-channel",), updated_by=MOD)
    assert (cleared.announce_channel_id, cleared.moderator_role_id) == (None, 70)
    with pytest.raises(InvalidInput, match="moderator-role"):
        await store.update(GUILD, moderator_role_id=80, clear=("moderator-role",), updated_by=MOD)
    with pytest.raises(InvalidInput):
        await store.update(GUILD, clear=("nickname",), updated_by=MOD)  # type: ignore[arg-type]
    kept = await store.get(GUILD)
    assert (kept.announce_channel_id, kept.moderator_role_id) == (None, 70)
    fresh = await store.update(OTHER_GUILD, clear=("moderator-role",), updated_by=MOD)
    assert (fresh.announce_channel_id, fresh.moderator_role_id) == (None, None)
