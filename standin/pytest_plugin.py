"""pytest fixture: a started stand-in with discord.py redirected to it.

Load it from the repository's root conftest (``pytest_plugins =
["standin.pytest_plugin"]``) or import the fixture into a conftest
(``from standin.pytest_plugin import standin  # noqa: F401``). At teardown the
test fails if the bot did anything Discord would have refused
(``violations``) or called a route the stand-in does not know
(``unhandled``). A test that provokes violations on purpose clears
``standin.violations`` after asserting on them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from standin.redirect import redirect_discord, restore_discord
from standin.server import StandIn


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    redirect_discord(server.api_base, server.gateway_url)
    try:
        yield server
    finally:
        restore_discord()
        await server.close()
    problems = [f"violation: {v}" for v in server.violations]
    problems += [f"unhandled route: {u}" for u in server.unhandled]
    assert not problems, "the stand-in saw problems:\n" + "\n".join(problems)
