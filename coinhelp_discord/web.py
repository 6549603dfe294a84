"""The bot's small web server: /healthz and /metrics, and room for more pages.

It runs in the bot's process and event loop (aiohttp, which discord.py
already brings), on COINHELP_WEB_HOST:COINHELP_WEB_PORT; port 0 in the
settings turns it off. Pages come in route sets: a function that takes the
bot and returns aiohttp routes. `ROUTE_SETS` lists them, like the bot's
EXTENSIONS; a new page (the goal overlay) adds its function there.

    /healthz   200 while the gateway is connected and the database answers,
               503 otherwise; a small JSON body says which part is down
    /metrics   Prometheus text format (metrics.py)
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from coinhelp.errors import ConfigError

if TYPE_CHECKING:
    from coinhelp_discord.bot import CoinhelpBot

RouteSet = Callable[["CoinhelpBot"], Iterable[web.AbstractRouteDef]]


def health_routes(bot: CoinhelpBot) -> list[web.RouteDef]:
    async def healthz(request: web.Request) -> web.Response:
        gateway = bot.gateway_connected
        database = await bot.database_answers()
        healthy = gateway and database
        body = {
            "status": "ok" if healthy else "unavailable",
            "gateway": "connected" if gateway else "disconnected",
            "database": "ok" if database else "not answering",
        }
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics(request: web.Request) -> web.Response:
        body = generate_latest(bot.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/metrics", metrics)]


ROUTE_SETS: tuple[RouteSet, ...] = (health_routes,)


class WebServer:
    """The web server of one bot. `await start()`, `await close()`.

    `port=0` here binds a free port (read it from `port` after start); the
    settings' "0 means off" is the caller's decision (see launcher.built_bot).
    """

    def __init__(
        self,
        bot: CoinhelpBot,
        host: str,
        port: int,
        route_sets: Sequence[RouteSet] = ROUTE_SETS,
    ) -> None:
        self.host = host
        self.app = web.Application()
        for route_set in route_sets:
            self.app.add_routes(route_set(bot))
        self._requested_port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Serve, or raise ConfigError naming the address if it cannot be bound."""
        runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise ConfigError(
                f"the web server's address {self.host}:{self._requested_port} {why}; "
                "set COINHELP_WEB_HOST / COINHELP_WEB_PORT (0 turns the web server off)"
            ) from None
        self._runner = runner

    @property
    def port(self) -> int:
        if self._runner is None:
            raise RuntimeError("the web server is not started")
        address = self._runner.addresses[0]
        return int(address[1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
