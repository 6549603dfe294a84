"""The foundation, end to end: the real bot connects, answers, survives errors."""

from __future__ import annotations

import logging
import re

import pytest
from discord import app_commands
from world import Server, start_bot, stop_bot

from standin import StandIn


async def test_about_answers_privately_with_version_and_faq_count(server: Server) -> None:
    handle = await server.run(server.alice, "coinhelp about")
    assert handle.ephemeral
    text = handle.text
    assert "coinhelp 0.1.0" in text
    assert "FAQ entries in this server:** 16" in text
    assert re.search(r"Gateway latency:\*\* (\d+ ms|measuring…)", text)


async def test_commands_are_synced_once_and_not_again_when_unchanged(
    standin: StandIn, tmp_path
) -> None:
    standin.add_guild("Fans")
    db_path = tmp_path / "coinhelp.db"
    bot, task = await start_bot(standin, db_path)
    names = {command["name"] for command in standin.registered_commands()}
    await stop_bot(bot, task)
    assert names == {"coinhelp", "faq", "ask", "faqadmin", "goal"}
    assert standin.sync_count == 1

    bot, task = await start_bot(standin, db_path)
    await stop_bot(bot, task)
    assert standin.sync_count == 1, "a restart with the same commands must not sync again"


async def test_moderator_commands_are_hidden_by_default_permissions(server: Server) -> None:
    commands = {c["name"]: c for c in server.standin.registered_commands()}
    assert commands["faqadmin"]["default_member_permissions"] == str(1 << 5)  # Manage Server
    assert commands["faq"]["default_member_permissions"] is None


async def test_an_unexpected_error_gets_a_reference_and_the_bot_keeps_serving(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    @app_commands.command(name="explode", description="fails on purpose")
    async def explode(interaction) -> None:
        raise RuntimeError("kaboom")

    # A real command in the real tree, so the failure takes the production path.
    server.bot.tree.add_command(explode)
    await server.bot.tree.sync()

    with caplog.at_level(logging.ERROR, logger="coinhelp.errors"):
        handle = await server.run(server.alice, "explode")
    assert handle.ephemeral
    match = re.search(r"reference `([0-9a-f]{8})`", handle.content)
    assert match, handle.content
    assert "kaboom" not in handle.content and "Traceback" not in handle.content
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None, "the log line must carry the traceback"

    after = await server.run(server.bob, "coinhelp about")
    assert "coinhelp 0.1.0" in after.text


async def test_a_non_moderator_is_refused_config_in_code(server: Server) -> None:
    # Discord would hide the command; a member who runs it anyway is refused by the bot.
    handle = await server.run(server.alice, "coinhelp config", check_permissions=False)
    assert handle.ephemeral
    assert "Only moderators" in handle.content


async def test_config_without_options_shows_the_settings_and_with_options_saves_them(
    server: Server,
) -> None:
    defaults = await server.run(server.mod, "coinhelp config")
    assert defaults.ephemeral
    assert "the channel where each goal was created" in defaults.text
    assert "members with Manage Server are moderators" in defaults.text

    saved = await server.run(
        server.mod,
        "coinhelp config",
        announce_channel=server.announcements,
        moderator_role=server.helper_role,
    )
    assert "Settings saved" in saved.text
    shown = await server.run(server.mod, "coinhelp config")
    assert f"<#{server.announcements.id}>" in shown.text
    assert f"<@&{server.helper_role.id}>" in shown.text
    assert not shown.message.pings.any_mass_ping


async def test_config_clears_a_setting_back_to_its_default(server: Server) -> None:
    await server.run(
        server.mod,
        "coinhelp config",
        announce_channel=server.announcements,
        moderator_role=server.helper_role,
    )
    cleared = await server.run(server.mod, "coinhelp config", clear="moderator-role")
    assert cleared.ephemeral and "Settings saved" in cleared.text
    assert "members with Manage Server are moderators" in cleared.text
    assert f"<#{server.announcements.id}>" in cleared.text  # the other setting stays

    both = await server.run(
        server.mod, "coinhelp config", announce_channel=server.general, clear="announce-channel"
    )
    assert both.ephemeral and "not both" in both.content
    shown = await server.run(server.mod, "coinhelp config")
    assert f"<#{server.announcements.id}>" in shown.text  # the refused call changed nothing
