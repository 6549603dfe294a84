"""Redirect discord.py to a loopback stand-in in a subprocess.

Python imports ``sitecustomize`` at start-up from the first ``sys.path`` entry
that has one; ``PYTHONPATH`` entries come before site-packages. So running
``PYTHONPATH=standin/boot COINHELP_STANDIN_URL=http://127.0.0.1:PORT python
bot.py`` points that bot's discord.py at the stand-in, with no change to the
bot. This file is self-contained: the ``standin`` package need not be on the
path yet when it runs.
"""

from __future__ import annotations

import os
import sys
import warnings


def _redirect(url: str) -> None:
    try:
        with warnings.catch_warnings():  # Python 3.11: discord.py imports the deprecated audioop
            warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
            import discord.gateway
            import discord.http
        import yarl
    except ImportError as exc:
        print(f"standin sitecustomize: cannot import discord.py ({exc})", file=sys.stderr)
        return
    base = url.rstrip("/")
    discord.http.Route.BASE = base + "/api/v10"
    gateway = "ws" + base.removeprefix("http") + "/gateway"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


_url = os.environ.get("COINHELP_STANDIN_URL")
if _url:
    _redirect(_url)
