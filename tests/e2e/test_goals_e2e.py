"""/goal as members and moderators use it, through the Discord stand-in."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import logging
import re
from pathlib import Path

import pytest
from world import Server, start_bot, stop_bot

from coinhelp.db import Database
from coinhelp.goals.ledger import Ledger
from standin import StandIn


async def create(server: Server, name: str = "Birthday LIVE", target: int = 1000, **extra):
    return await server.run(server.mod, "goal create", name=name, target=target, **extra)


def entry_id(text: str) -> int:
    match = re.search(r"Entry #(\d+)", text)
    assert match, text
    return int(match.group(1))


async def test_a_goal_from_creation_to_summary(server: Server) -> None:
    next_year = dt.datetime.now(dt.UTC).year + 1
    deadline = dt.datetime(next_year, 12, 24, 20, 0, tzinfo=dt.UTC)
    created = await create(server, deadline=f"{next_year}-12-24 20:00", creator="@mia")
    assert not created.ephemeral
    assert "New goal: Birthday LIVE" in created.text
    assert f"<t:{int(deadline.timestamp())}:f>" in created.text  # a Discord timestamp

    pledged = await server.run(server.alice, "goal contribute", goal="Birthday LIVE", coins=300)
    assert "now 300 / 1,000 coins (30%)" in pledged.content
    milestone = await server.standin.wait_for_message(server.general)
    assert "25% reached" in milestone.text

    shown = await server.run(server.bob, "goal show", goal="Birthday LIVE")
    text = shown.text
    assert "▰" in text and "30%" in text and "700 to go" in text and "**Contributors:** 1" in text
    assert "about $" in text and "Estimate" in text

    closed = await server.run(server.mod, "goal close", goal="Birthday LIVE")
    assert closed.ephemeral
    summary = await server.standin.wait_for_message(server.general)
    assert "Goal closed: Birthday LIVE" in summary.text and f"<@{server.alice.id}>" in summary.text

    late = await server.run(server.bob, "goal contribute", goal="Birthday LIVE", coins=5)
    assert late.ephemeral and "closed" in late.content.lower()
    listed = await server.run(server.bob, "goal list")
    assert "No open goals" in listed.text


async def test_goal_autocomplete_offers_this_servers_goals_only(server: Server) -> None:
    await create(server, name="Birthday LIVE")
    await create(server, name="Anniversary")
    other = server.standin.add_guild("Elsewhere")
    other_mod = other.add_member("om", permissions=1 << 5)
    elsewhere = await server.standin.slash(
        other, other_mod, "goal create", name="Birthday secret", target=10
    )
    await elsewhere.response()

    choices = await server.standin.autocomplete(
        server.guild, server.alice, "goal contribute", focused="goal", goal="bir"
    )
    assert [c["name"].split(" · ")[0] for c in choices] == ["Birthday LIVE"]


async def test_another_servers_goal_id_is_unknown_here(server: Server) -> None:
    other = server.standin.add_guild("Elsewhere")
    other_mod = other.add_member("om", permissions=1 << 5)
    theirs = await (
        await server.standin.slash(other, other_mod, "goal create", name="Theirs", target=10)
    ).response()
    goal_id = re.search(r"goal #(\d+)", theirs.text).group(1)

    for command, extra in [
        ("goal contribute", {"coins": 5}),
        ("goal show", {}),
        ("goal leaderboard", {}),
        ("goal history", {}),
    ]:
        handle = await server.run(server.alice, command, goal=goal_id, **extra)
        assert handle.ephemeral and "no such goal" in handle.content.lower(), command
    assert await server.bot.ledger.audit.check_consistency() == []


@pytest.mark.parametrize("ref", ["0", "#0", "99999", str(2**63)])
async def test_an_id_that_names_no_goal_is_refused_by_every_goal_command(
    server: Server, ref: str
) -> None:
    await create(server)
    await server.run(server.alice, "goal contribute", goal="Birthday LIVE", coins=5)
    for command, extra in [
        ("goal contribute", {"coins": 5}),
        ("goal show", {}),
        ("goal leaderboard", {}),  # "0" is not the whole server's board
        ("goal history", {}),
    ]:
        handle = await server.run(server.alice, command, goal=ref, **extra)
        assert handle.ephemeral and "no such goal" in handle.content.lower(), (command, ref)
    shown = await server.run(server.bob, "goal show", goal="Birthday LIVE")
    assert "**Contributors:** 1" in shown.text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"deadline": "2001-01-01"}, "past"),
        ({"deadline": "next friday"}, "2026-12-24"),
        ({"name": "   "}, "name"),
        ({"name": "two\nlines"}, "name"),
    ],
)
async def test_bad_goal_options_are_refused_and_nothing_is_created(
    server: Server, options: dict, expected: str
) -> None:
    handle = await create(server, **options)
    assert handle.ephemeral and expected in handle.content, handle.content
    assert await server.bot.ledger.goals.listing(server.guild.id) == []


async def test_a_second_open_goal_with_the_same_name_is_refused(server: Server) -> None:
    await create(server, name="Birthday LIVE")
    again = await create(server, name="birthday live")
    assert again.ephemeral and "already" in again.content


async def test_members_cannot_run_moderator_goal_commands(server: Server) -> None:
    await create(server)
    for command, options in [
        ("goal create", {"name": "Mine", "target": 5}),
        ("goal close", {"goal": "Birthday LIVE"}),
        ("goal export", {"goal": "Birthday LIVE"}),
        ("goal void", {"entry": 1, "reason": "nope"}),
    ]:
        handle = await server.run(server.alice, command, **options)
        assert handle.ephemeral and "Only moderators" in handle.content, command
    assert len(await server.bot.ledger.goals.listing(server.guild.id)) == 1


async def test_void_cancels_a_pledge_once_and_history_shows_both_rows(server: Server) -> None:
    await create(server)
    pledged = await server.run(server.alice, "goal contribute", goal="Birthday LIVE", coins=400)
    entry = entry_id(pledged.content)

    voided = await server.run(server.mod, "goal void", entry=entry, reason="typo, meant 40")
    assert "New total: 0 / 1,000" in voided.content
    again = await server.run(server.mod, "goal void", entry=entry, reason="again")
    assert again.ephemeral and "already" in again.content.lower()
    void_id = int(re.search(r"void entry #(\d+)", voided.content).group(1))
    of_void = await server.run(server.mod, "goal void", entry=void_id, reason="x")
    assert of_void.ephemeral
    unknown = await server.run(server.mod, "goal void", entry=999999, reason="x")
    assert unknown.ephemeral

    history = await server.run(server.bob, "goal history", goal="Birthday LIVE")
    assert f"#{entry}" in history.text and f"void of #{entry}" in history.text
    mine = await (
        await server.standin.slash(
            server.guild,
            server.bob,
            "goal history",
            options={"goal": "Birthday LIVE", "member": server.bob},
        )
    ).response()
    assert "has no rows" in mine.text


async def test_history_pages_turn_to_the_older_rows(server: Server) -> None:
    await create(server, target=10_000_000)
    entries = []
    for n in range(12):
        pledged = await server.run(
            server.alice, "goal contribute", goal="Birthday LIVE", coins=n + 1
        )
        entries.append(entry_id(pledged.content))

    history = await server.run(server.bob, "goal history", goal="Birthday LIVE")
    assert f"#{entries[-1]}`" in history.text and f"#{entries[1]}`" not in history.text
    assert "page 1 of 2" in history.text and "12 rows" in history.text

    turned = await (await history.click("▶", member=server.bob)).response()
    text = turned.message.text
    assert f"#{entries[1]}`" in text and f"#{entries[0]}`" in text
    assert f"#{entries[-1]}`" not in text and "page 2 of 2" in text
    assert "Ledger · Birthday LIVE" in text


async def test_a_list_that_shrank_to_one_page_turns_to_it_without_buttons(server: Server) -> None:
    for n in range(11):
        await create(server, name=f"Goal {n:02d}")
    listed = await server.run(server.alice, "goal list")
    assert "Open goals (1/2)" in listed.text and [b.label for b in listed.buttons][-1] == "▶"
    for n in range(2):
        await server.run(server.mod, "goal close", goal=f"Goal {n:02d}")

    turned = await (await listed.click("▶")).response()
    assert "Open goals" in turned.message.text and "(2/2)" not in turned.message.text
    assert "Goal 10" in turned.message.text and "Goal 00" not in turned.message.text
    assert turned.message.buttons == []


async def test_leaderboard_pages_for_the_caller_only_and_shows_their_rank(server: Server) -> None:
    await create(server, target=10_000_000)
    members = [server.guild.add_member(f"fan{n:02d}") for n in range(12)]
    for n, member in enumerate(members):
        await server.run(member, "goal contribute", goal="Birthday LIVE", coins=100 + n)

    board = await server.run(members[0], "goal leaderboard", goal="Birthday LIVE")
    assert not board.ephemeral
    assert f"**1.** <@{members[11].id}> · 111 coins" in board.text
    assert "Your rank: **#12** with 100 coins" in board.text
    assert "page 1 of 2" in board.text

    stranger = await (await board.click("▶", member=server.bob)).response()
    assert stranger.ephemeral and "belong to the person" in stranger.content

    turned = await (await board.click("▶")).response()
    assert f"**11.** <@{members[1].id}>" in turned.message.text
    assert "page 2 of 2" in turned.message.text

    week = await server.run(server.bob, "goal leaderboard", period="week")
    assert "whole server · this week" in week.text
    assert "You haven't pledged this week yet." in week.text


async def test_export_is_a_csv_with_every_ledger_row(server: Server) -> None:
    await create(server, name="=HYPERLINK(1)")
    first = await server.run(server.alice, "goal contribute", goal="=HYPERLINK(1)", coins=10)
    await server.run(server.bob, "goal contribute", goal="=HYPERLINK(1)", coins=20)
    await server.run(server.mod, "goal void", entry=entry_id(first.content), reason="-test")

    exported = await server.run(server.mod, "goal export", goal="=HYPERLINK(1)")
    filename, data = exported.attachments[0]
    assert filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["kind"] for row in rows].count("void") == 1 and len(rows) == 3
    assert all(not row["goal_name"].startswith("=") for row in rows)


async def test_many_pledges_at_once_give_exact_totals_and_each_milestone_once(
    server: Server,
) -> None:
    await create(server, target=30_000)
    members = [server.guild.add_member(f"fan{n}") for n in range(30)]
    sends = [
        server.standin.slash(
            server.guild,
            members[n % 30],
            "goal contribute",
            goal="Birthday LIVE",
            coins=100,
            channel=server.general,
        )
        for n in range(300)
    ]
    handles = await asyncio.gather(*sends)
    answers = await asyncio.gather(*(handle.response() for handle in handles))
    assert all("pledged **100** coins" in a.content for a in answers)

    progress = await server.bot.ledger.goals.progress(server.guild.id, 1)
    assert progress.total == 30_000 and progress.contributors == 30
    for percent in (25, 50, 75):
        await server.standin.wait_for_message(
            server.general, lambda m, p=percent: f"{p}% reached" in m.text
        )
    await server.standin.wait_for_message(server.general, lambda m: "Goal reached" in m.text)
    milestones = [m for m in server.standin.messages(server.general) if "reached" in m.text]
    assert len(milestones) == 4
    assert await server.bot.ledger.audit.check_consistency() == []


class EventOnLog(logging.Handler):
    """Sets `event` when a record containing `text` is logged."""

    def __init__(self, text: str, event: asyncio.Event) -> None:
        super().__init__(logging.WARNING)
        self.text, self.event = text, event

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.event.set()


async def test_announcements_go_to_the_configured_channel_and_a_blocked_one_is_logged(
    server: Server,
) -> None:
    await server.run(server.mod, "coinhelp config", announce_channel=server.announcements)
    await create(server, target=100)
    await server.run(server.alice, "goal contribute", goal="Birthday LIVE", coins=30)
    posted = await server.standin.wait_for_message(server.announcements)
    assert "25% reached" in posted.text

    configured = await server.run(server.mod, "coinhelp config", announce_channel=server.muted)
    assert "can't post" in configured.text
    logged = asyncio.Event()
    watcher = EventOnLog("could not announce", logged)
    logging.getLogger("coinhelp.goals").addHandler(watcher)
    try:
        pledged = await server.run(server.bob, "goal contribute", goal="Birthday LIVE", coins=30)
        await asyncio.wait_for(logged.wait(), 10)
    finally:
        logging.getLogger("coinhelp.goals").removeHandler(watcher)
    assert "now 60 / 100" in pledged.content
    assert (await server.bot.ledger.goals.progress(server.guild.id, 1)).total == 60


async def test_a_goal_that_fell_due_while_the_bot_was_down_is_closed_at_start(
    standin: StandIn, tmp_path
) -> None:
    guild = standin.add_guild("Fans")
    db_path = tmp_path / "coinhelp.db"
    db = await Database.open(db_path)
    ledger = Ledger(db, clock=lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    async with ledger:
        await ledger.goals.create(
            guild.id,
            name="New year",
            target=100,
            creator=None,
            description=None,
            deadline="2026-01-02 00:00",
            channel_id=guild.default_channel.id,
            created_by=1,
        )
    await db.close()

    bot, task = await start_bot(standin, db_path)
    try:
        summary = await standin.wait_for_message(guild.default_channel)
        assert "Goal closed: New year" in summary.text and "deadline has passed" in summary.text
    finally:
        await stop_bot(bot, task)


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("goal contribute", [("goal", 3, "Birthday LIVE"), ("coins", 4, 0)], "1"),
        ("goal contribute", [("goal", 3, "Birthday LIVE"), ("coins", 4, -50)], "1"),
        ("goal contribute", [("goal", 3, "Birthday LIVE"), ("coins", 10, 2.5)], "whole"),
        ("goal contribute", [("goal", 3, "Birthday LIVE"), ("coins", 4, 10**12)], "1,000,000"),
        ("goal create", [("name", 3, "Huge"), ("target", 4, 10**11)], "10,000,000,000"),
        ("goal create", [("name", 3, "Negative"), ("target", 4, -5)], "target"),
        ("goal create", [("name", 3, "x" * 150), ("target", 4, 10)], "100"),
    ],
)
async def test_values_discords_client_would_never_send_are_still_refused(
    server: Server, command: str, options: list, expected: str
) -> None:
    """Discord's client enforces option ranges; the bot must hold even if a payload doesn't."""
    await create(server)
    raw = [{"name": name, "type": kind, "value": value} for name, kind, value in options]
    handle = await (
        await server.standin.slash(
            server.guild, server.mod, command, raw_options=raw, channel=server.general
        )
    ).response()
    assert handle.ephemeral and expected in handle.content, handle.content
    assert "reference" not in handle.content  # a clear message, not a crash
    assert (await server.bot.ledger.goals.progress(server.guild.id, 1)).total == 0
    assert len(await server.bot.ledger.goals.listing(server.guild.id)) == 1


async def test_leaderboard_pages_still_turn_after_the_bot_restarts(
    standin: StandIn, tmp_path: Path
) -> None:
    """Page buttons carry their state: the bot keeps nothing per message, so a
    leaderboard posted before a restart still turns, showing current totals."""
    guild = standin.add_guild("Restarts")
    fans = [guild.add_member(f"fan{n:02d}") for n in range(12)]
    db_path = tmp_path / "coinhelp.db"
    bot, task = await start_bot(standin, db_path)
    try:
        goal = await bot.ledger.goals.create(
            guild.id,
            name="Birthday LIVE",
            target=10_000,
            deadline=None,
            creator=None,
            description=None,
            channel_id=guild.default_channel.id,
            created_by=fans[0].id,
        )
        for n, fan in enumerate(fans):
            await bot.ledger.pledges.contribute(
                guild.id, goal.id, member_id=fan.id, coins=10 + n, interaction_id=1000 + n
            )
        board = await standin.slash(guild, fans[0], "goal leaderboard", goal=str(goal.id))
        await board.response()
        assert "page 1 of 2" in board.text
        assert [button.label for button in board.buttons] == ["◀", "1 / 2", "▶"]
        assert [button.disabled for button in board.buttons] == [True, True, False]
    finally:
        await stop_bot(bot, task)

    bot, task = await start_bot(standin, db_path)
    try:
        latecomer = guild.add_member("latecomer")
        await bot.ledger.pledges.contribute(
            guild.id, goal.id, member_id=latecomer.id, coins=1, interaction_id=2000
        )
        turned = await (await board.click("▶")).response()
        assert "page 2 of 2" in turned.message.text
        assert f"<@{latecomer.id}> · 1 coins" in turned.message.text  # current, not a snapshot
        assert [button.disabled for button in turned.message.buttons] == [False, True, True]
        back = await (await board.click("◀", message=turned.message)).response()
        assert "page 1 of 2" in back.message.text
    finally:
        await stop_bot(bot, task)
