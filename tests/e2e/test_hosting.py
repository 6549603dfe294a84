"""What a host relies on, through the stand-in: repeated deliveries, health, metrics."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest
from aiohttp import web
from world import Server

from coinhelp.errors import ConfigError
from coinhelp_discord.bot import CoinhelpBot
from coinhelp_discord.web import ROUTE_SETS, WebServer


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


async def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of GET `url`."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in metrics.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return 0.0


async def test_healthz_and_metrics_follow_the_bot(server: Server) -> None:
    web = WebServer(server.bot, "127.0.0.1", 0)
    await web.start()
    base = f"http://127.0.0.1:{web.port}"
    try:
        status, kind, body = await get(f"{base}/healthz")
        assert status == 200 and kind.startswith("application/json")
        assert json.loads(body) == {"status": "ok", "gateway": "connected", "database": "ok"}

        await server.run(server.alice, "goal list")
        await server.run(server.alice, "goal show", goal="no such goal")
        status, kind, metrics = await get(f"{base}/metrics")
        assert status == 200 and kind.startswith("text/plain")
        ok = {"type": "command", "command": "goal list", "outcome": "ok"}
        told = {"type": "command", "command": "goal show", "outcome": "user_error"}
        assert sample(metrics, "coinhelp_interactions_total", **ok) == 1
        assert sample(metrics, "coinhelp_interactions_total", **told) == 1
        assert sample(metrics, "coinhelp_interactions_received_total", type="command") == 2
        count = "coinhelp_interaction_seconds_count"
        assert sample(metrics, count, type="command", command="goal list") == 1
        assert sample(metrics, "coinhelp_gateway_connected") == 1
        assert sample(metrics, "coinhelp_guilds") == 1

        await server.run(server.mod, "goal create", name="Birthday", target=100)
        await server.run(server.alice, "goal contribute", goal="Birthday", coins=5)
        _, _, metrics = await get(f"{base}/metrics")
        assert sample(metrics, "coinhelp_pledges_total") == 1
        assert sample(metrics, "coinhelp_database_seconds_count", operation="write") >= 1

        await server.standin.close()  # Discord goes away
        await server.standin.wait_for(
            lambda: not server.bot.gateway_connected, what="the bot to notice", follow_bot=False
        )
        status, _, body = await get(f"{base}/healthz")
        assert status == 503
        assert json.loads(body)["gateway"] == "disconnected"
    finally:
        await web.close()


async def test_a_new_page_is_one_more_route_set(server: Server) -> None:
    def hello_routes(bot: CoinhelpBot) -> list[web.RouteDef]:
        async def hello(request: web.Request) -> web.Response:
            return web.Response(text=f"{len(bot.guilds)} servers")

        return [web.get("/hello", hello)]

    server_with_page = WebServer(server.bot, "127.0.0.1", 0, [*ROUTE_SETS, hello_routes])
    await server_with_page.start()
    try:
        base = f"http://127.0.0.1:{server_with_page.port}"
        assert (await get(f"{base}/hello"))[2] == "1 servers"
        assert (await get(f"{base}/healthz"))[0] == 200
    finally:
        await server_with_page.close()


async def test_a_taken_port_is_one_clear_error(server: Server) -> None:
    first = WebServer(server.bot, "127.0.0.1", 0)
    await first.start()
    try:
        second = WebServer(server.bot, "127.0.0.1", first.port)
        with pytest.raises(ConfigError, match=rf"127\.0\.0\.1:{first.port} is in use"):
            await second.start()
    finally:
        await first.close()
