"""The sandbox: ``python bot.py --sandbox`` runs the real bot against a local Discord
stand-in, with a demo server and a terminal where a person types slash commands.

    app.py       run_sandbox(): stand-in, demo server, the bot, quiet logging
    session.py   the loop: a line in, an interaction out, the answer shown
    world.py     the demo server ("TikTok Fans") and finding members/channels by name
    catalog.py   the bot's registered commands as typeable paths with options
    parse.py     a typed line → a slash command with typed options, or a sandbox word
    show.py      messages, embeds, buttons and forms as terminal text
    console.py   reading lines off the event loop, writing, Tab completion
    complete.py  what Tab offers: names, options, the bot's own autocomplete
    errors.py    SandboxError and its children: messages for the person typing
"""

from __future__ import annotations

from sandbox.app import run_sandbox

__all__ = ["run_sandbox"]
