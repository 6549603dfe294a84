"""Log lines: plain or JSON, never colour codes off a terminal, the server they are about."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from coinhelp_discord.deliveries import InteractionDeliveries, RecentIds
from coinhelp_discord.logs import setup_logging

log = logging.getLogger("coinhelp.test")


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_plain_lines_have_no_colour_codes_off_a_terminal(restore_root: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, "plain", stream)
    log.warning("pledge %s failed", 7, extra={"guild_id": 42, "reference": "ab12cd34"})
    line = stream.getvalue()
    assert "\x1b[" not in line
    assert line.rstrip().endswith("coinhelp.test: pledge 7 failed guild_id=42 reference=ab12cd34")


def test_json_lines_carry_the_fields_and_the_traceback(restore_root: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, "json", stream)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("unexpected error", extra={"guild_id": 42, "reference": "ab12cd34"})
    log.info("plain news")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "ERROR" and first["logger"] == "coinhelp.test"
    assert first["message"] == "unexpected error"
    assert first["guild_id"] == 42 and first["reference"] == "ab12cd34"
    assert "ValueError: boom" in first["exception"]
    assert second["message"] == "plain news" and "guild_id" not in second


def test_discord_voice_notes_are_dropped(restore_root: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, "plain", stream)
    discord_log = logging.getLogger("discord.client")
    discord_log.warning("PyNaCl is not installed, voice will NOT be supported")
    assert stream.getvalue() == ""


async def test_what_an_interaction_starts_logs_its_guild(restore_root: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, "json", stream)
    started: list[asyncio.Task[None]] = []

    async def command() -> None:
        log.info("inside the command")

    def discord_parser(data: dict[str, object]) -> None:
        started.append(asyncio.get_running_loop().create_task(command()))

    parse = InteractionDeliveries().wrap(discord_parser)
    parse({"id": "1", "guild_id": "42", "type": 2})
    log.info("outside")
    await asyncio.gather(*started)
    lines = {entry["message"]: entry for entry in map(json.loads, stream.getvalue().splitlines())}
    assert lines["inside the command"]["guild_id"] == 42
    assert "guild_id" not in lines["outside"]


def test_a_repeated_delivery_is_parsed_once() -> None:
    parsed: list[str] = []
    received: list[str] = []
    deliveries = InteractionDeliveries(on_received=lambda data: received.append(str(data["id"])))
    parse = deliveries.wrap(lambda data: parsed.append(str(data["id"])))
    for interaction_id in ("1", "2", "1", "3", "2"):
        parse({"id": interaction_id, "type": 2})
    assert parsed == ["1", "2", "3"] == received


def test_recent_ids_forget_after_the_token_lifetime_and_beyond_the_limit() -> None:
    now = [0.0]
    recent = RecentIds(keep_for=900, limit=3, clock=lambda: now[0])
    assert recent.first_time(1) and not recent.first_time(1)
    now[0] = 901
    assert recent.first_time(1)  # the first sighting expired
    for item in (2, 3, 4):
        assert recent.first_time(item)
    assert len(recent) == 3
    assert recent.first_time(1)  # pushed out by the limit
