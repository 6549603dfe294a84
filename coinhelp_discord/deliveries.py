"""Each interaction handled once, in the context of its server.

Discord may deliver one interaction twice (after a RESUME it replays events
whose receipt it did not see acknowledged). discord.py would run the command
again; the second answer is refused with 40060 ("already acknowledged") and
would be logged as an error, for what is normal. `InteractionDeliveries`
sits in front of discord.py's INTERACTION_CREATE handler: a repeat of an id
seen in the last 15 minutes (as long as an interaction's token lives) is
dropped with a DEBUG line.

The same hook sets `logs.current_guild` while discord.py dispatches the
interaction, so every task it starts for it logs the server's id (see
logs.py), and tells the metrics an interaction arrived.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from coinhelp_discord.logs import current_guild

log = logging.getLogger("coinhelp.deliveries")

TOKEN_LIFETIME = 15 * 60.0
"""Seconds an interaction can be answered; a repeat after that could not be anyway."""
MAX_REMEMBERED = 200_000
"""A bound on memory whatever the rate: ids beyond it are forgotten oldest first."""


class RecentIds:
    """Ids seen in the last `keep_for` seconds (at most `limit` of them)."""

    def __init__(
        self,
        keep_for: float = TOKEN_LIFETIME,
        limit: int = MAX_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep_for = keep_for
        self.limit = limit
        self.clock = clock
        self._seen: dict[int, float] = {}  # insertion order is arrival order

    def first_time(self, item: int) -> bool:
        """True the first time `item` is seen (within the window), False for a repeat."""
        now = self.clock()
        seen = self._seen
        while seen:
            oldest = next(iter(seen))
            if now - seen[oldest] <= self.keep_for and len(seen) < self.limit:
                break
            del seen[oldest]
        if item in seen:
            return False
        seen[item] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


Parser = Callable[[dict[str, Any]], None]


class InteractionDeliveries:
    """Wraps discord.py's INTERACTION_CREATE parser: repeats dropped, the guild set
    for logging, and `on_received(data)` called for each interaction handled."""

    def __init__(self, on_received: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.recent = RecentIds()
        self.on_received = on_received

    def install(self, parsers: dict[str, Parser]) -> None:
        """Put the wrapper in `parsers` (a discord.py ConnectionState's `parsers`)."""
        parsers["INTERACTION_CREATE"] = self.wrap(parsers["INTERACTION_CREATE"])

    def wrap(self, parse: Parser) -> Parser:
        def parse_once(data: dict[str, Any]) -> None:
            interaction_id = int(data["id"])
            if not self.recent.first_time(interaction_id):
                log.debug("interaction %s delivered again; already handled", interaction_id)
                return
            guild_id = data.get("guild_id")
            token = current_guild.set(int(guild_id) if guild_id is not None else None)
            try:
                if self.on_received is not None:
                    self.on_received(data)
                parse(data)
            finally:
                current_guild.reset(token)

        return parse_once
