"""Per-server settings: where announcements go and which role counts as moderator.

Stored in `guild_settings` (migration 0001). A server that never ran
`/coinhelp config` has the defaults: no announcement channel (announcements
go to the channel the goal was created in) and no moderator role (only
members with Manage Server are moderators).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from coinhelp.db import Database

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    announce_channel_id: int | None = None
    moderator_role_id: int | None = None
    updated_by: int | None = None
    updated_at: dt.datetime | None = None


class GuildSettingsStore:
    """Reads and changes the settings of each server."""

    def __init__(self, db: Database, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it never set any."""
        row = await self._db.fetchone(
            "SELECT announce_channel_id, moderator_role_id, updated_by, updated_at"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=guild_id,
            announce_channel_id=row["announce_channel_id"],
            moderator_role_id=row["moderator_role_id"],
            updated_by=row["updated_by"],
            updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        )

    async def update(
        self,
        guild_id: int,
        *,
        announce_channel_id: int | None = None,
        moderator_role_id: int | None = None,
        updated_by: int,
    ) -> GuildSettings:
        """Change the settings given (None leaves a setting as it is); returns them all."""
        now = self._clock().astimezone(dt.UTC).isoformat(timespec="seconds")
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO guild_settings"
                " (guild_id, announce_channel_id, moderator_role_id, updated_by, updated_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET"
                " announce_channel_id = COALESCE(excluded.announce_channel_id,"
                " announce_channel_id),"
                " moderator_role_id = COALESCE(excluded.moderator_role_id, moderator_role_id),"
                " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (guild_id, announce_channel_id, moderator_role_id, updated_by, now),
            )
        log.info(
            "guild %s: settings changed by %s (announce channel %s, moderator role %s)",
            guild_id,
            updated_by,
            announce_channel_id,
            moderator_role_id,
        )
        return await self.get(guild_id)
