"""Pointing an unmodified discord.py at the stand-in.

discord.py builds every REST URL from ``discord.http.Route.BASE`` and connects
the gateway to ``DiscordWebSocket.DEFAULT_GATEWAY`` (it does not always ask
``GET /gateway/bot``), so both are redirected. discord is imported here lazily:
the rest of the package never imports it.
"""

from __future__ import annotations

import warnings
from typing import Any

_original: dict[str, Any] = {}


def import_discord() -> None:
    """Import discord.py, quietly: on Python 3.11 its voice player imports the deprecated
    ``audioop`` module, which a test run with warnings as errors would turn into a failure."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
        import discord  # noqa: F401


def redirect_discord(api_base: str, gateway_url: str) -> None:
    """Make this process's discord.py talk to ``api_base`` and ``gateway_url``."""
    import_discord()
    import discord.gateway
    import discord.http
    import yarl

    _original.setdefault("base", discord.http.Route.BASE)
    _original.setdefault("gateway", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = api_base.rstrip("/")  # type: ignore[misc]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def restore_discord() -> None:
    """Undo :func:`redirect_discord` (back to Discord's real hosts)."""
    if not _original:
        return
    import discord.gateway
    import discord.http

    discord.http.Route.BASE = _original.pop("base")  # type: ignore[misc]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _original.pop("gateway")


def urls_for(standin_url: str) -> tuple[str, str]:
    """``(api_base, gateway_url)`` for a stand-in at ``http://127.0.0.1:PORT``."""
    base = standin_url.rstrip("/")
    gateway = "ws" + base.removeprefix("http") + "/gateway"
    return base + "/api/v10", gateway
