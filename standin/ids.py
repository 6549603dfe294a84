"""Snowflake ids and timestamps the way Discord makes them.

A snowflake is ``(milliseconds since 2015-01-01) << 22`` plus worker, process
and increment bits. discord.py derives ``created_at`` from it, and Discord's
ordering (message history, ``before``/``after``) relies on ids increasing, so
ids here are time-based and strictly increasing within the process.
"""

from __future__ import annotations

import datetime
import threading
import time

DISCORD_EPOCH_MS = 1_420_070_400_000

_lock = threading.Lock()
_last = 0


def next_id() -> int:
    """A fresh, strictly increasing, time-based snowflake."""
    global _last
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    candidate = (ms << 22) | (1 << 17)
    with _lock:
        if candidate <= _last:
            candidate = _last + 1
        _last = candidate
    return candidate


def snowflake_time(snowflake: int) -> datetime.datetime:
    """When a snowflake was made (UTC)."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso(moment: datetime.datetime) -> str:
    """Discord's ISO-8601 timestamp format (``2024-01-01T12:00:00.000000+00:00``)."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
