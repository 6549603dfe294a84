"""What a host relies on, through the stand-in: repeated deliveries, health, metrics."""

from __future__ import annotations

import logging

import pytest
from world import Server


async def test_an_interaction_delivered_twice_is_answered_once_and_quietly(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="coinhelp")
    handle = await server.run(server.alice, "goal list")
    answers_before = len(server.standin.requests)
    # What Discord replays after a RESUME: the very same INTERACTION_CREATE.
    server.standin.gateway.dispatch("INTERACTION_CREATE", handle.payload)
    await server.standin.sync_bot()
    again = await server.run(server.alice, "goal list")  # and the bot still answers
    assert again.kind == "message"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    repeat = [r for r in caplog.records if "delivered again" in r.getMessage()]
    assert [r.levelno for r in repeat] == [logging.DEBUG]
    # Nothing was sent for the repeat: only the new command's answer.
    assert len(server.standin.requests) == answers_before + 1
