"""Whatever members type, every command answers in words, never with a crash reference."""

from __future__ import annotations

import pytest
from world import Server

HOSTILE = [
    " ",
    "0",
    "-1",
    "#99999999999999999999999",
    "@everyone @here",
    "{{ 7*7 }} {% raw %}",
    "**bold** `code` ||spoiler|| > quote",
    "\u202eevil\u202c right-to-left",
    "🎁" * 100,
    "a\nb",
    "'; DROP TABLE ledger; --",
    "x" * 100,
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_free_text_options_never_crash_a_command(server: Server, text: str) -> None:
    await server.run(server.mod, "goal create", name="Birthday LIVE", target=100)
    runs = [
        (server.alice, "faq", {"topic": text}),
        (server.alice, "ask", {"question": text}),
        (server.alice, "goal show", {"goal": text}),
        (server.alice, "goal contribute", {"goal": text, "coins": 1}),
        (server.alice, "goal history", {"goal": text}),
        (server.alice, "goal leaderboard", {"goal": text}),
        (server.mod, "goal create", {"name": text, "target": 10}),
        (server.mod, "goal void", {"entry": 1, "reason": text}),
        (server.mod, "faqadmin remove", {"key": text}),
        (server.mod, "faqadmin history", {"key": text}),
    ]
    for who, command, options in runs:
        handle = await server.run(who, command, **options)
        assert handle.text, (command, text)
        assert "Something went wrong" not in handle.text, (command, text, handle.text)
        assert not handle.message.pings.any_mass_ping

    for command, focused in [("faq", "topic"), ("goal show", "goal"), ("faqadmin set", "key")]:
        choices = await server.standin.autocomplete(
            server.guild, server.mod, command, focused=focused, **{focused: text}
        )
        assert len(choices) <= 25
    assert await server.bot.ledger.audit.check_consistency() == []
