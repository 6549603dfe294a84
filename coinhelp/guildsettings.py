"""Per-server settings: where announcements go, which role counts as moderator, its language.

Stored in `guild_settings` (migrations 0001 and 0005). A server that never ran
`/coinhelp config` has the defaults: no announcement channel (announcements
go to the channel the goal was created in), no moderator role (only members
with Manage Server are moderators) and no language (English, SPEC Languages).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from coinhelp.clock import Clock, utc_now
from coinhelp.db import Database
from coinhelp.errors import InvalidInput
from coinhelp.i18n import LANGUAGES, language_of

log = logging.getLogger(__name__)

Setting = Literal["announce-channel", "moderator-role", "language"]
SETTINGS: tuple[Setting, ...] = ("announce-channel", "moderator-role", "language")
"""The settings /coinhelp config can change or clear, by their option names."""


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    announce_channel_id: int | None = None
    moderator_role_id: int | None = None
    language: str | None = None  # one of coinhelp.i18n.LANGUAGES; None: English
    updated_by: int | None = None
    updated_at: dt.datetime | None = None


class GuildSettingsStore:
    """Reads and changes the settings of each server."""

    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults if it never set any."""
        row = await self._db.lookup_one(
            "SELECT announce_channel_id, moderator_role_id, language, updated_by, updated_at"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=guild_id,
            announce_channel_id=row["announce_channel_id"],
            moderator_role_id=row["moderator_role_id"],
            language=row["language"],
            updated_by=row["updated_by"],
            updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        )

    async def update(
        self,
        guild_id: int,
        *,
        announce_channel_id: int | None = None,
        moderator_role_id: int | None = None,
        language: str | None = None,
        clear: Collection[Setting] = (),
        updated_by: int,
    ) -> GuildSettings:
        """Change the settings given (None leaves a setting as it is) and put the
        ones in `clear` back to their defaults; returns them all. `language` is a
        supported language or a Discord locale of one ("es-419" is "es"). Raises
        InvalidInput for a setting both given and cleared, an unknown one, or a
        language coinhelp does not speak."""
        unknown = set(clear) - set(SETTINGS)
        if unknown:
            raise InvalidInput("settings.unknown", name=sorted(unknown)[0])
        given = {
            "announce-channel": announce_channel_id,
            "moderator-role": moderator_role_id,
            "language": language,
        }
        both = [name for name in clear if given[name] is not None]
        if both:
            raise InvalidInput("settings.set_and_clear", name=both[0])
        if language is not None:
            supported = language_of(language.strip())
            if supported is None:
                raise InvalidInput(
                    "settings.language_unsupported", language=language, languages=LANGUAGES
                )
            language = supported
        now = self._clock().astimezone(dt.UTC).isoformat(timespec="seconds")
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO guild_settings"
                " (guild_id, announce_channel_id, moderator_role_id, language, updated_by,"
                " updated_at) VALUES (:guild, :channel, :role, :language, :by, :now)"
                " ON CONFLICT (guild_id) DO UPDATE SET"
                " announce_channel_id = CASE WHEN :clear_channel THEN NULL"
                " ELSE COALESCE(excluded.announce_channel_id, announce_channel_id) END,"
                " moderator_role_id = CASE WHEN :clear_role THEN NULL"
                " ELSE COALESCE(excluded.moderator_role_id, moderator_role_id) END,"
                " language = CASE WHEN :clear_language THEN NULL"
                " ELSE COALESCE(excluded.language, language) END,"
                " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                {
                    "guild": guild_id,
                    "channel": announce_channel_id,
                    "role": moderator_role_id,
                    "language": language,
                    "by": updated_by,
                    "now": now,
                    "clear_channel": "announce-channel" in clear,
                    "clear_role": "moderator-role" in clear,
                    "clear_language": "language" in clear,
                },
            )
        log.info(
            "guild %s: settings changed by %s (announce channel %s, moderator role %s,"
            " language %s, cleared %s)",
            guild_id,
            updated_by,
            announce_channel_id,
            moderator_role_id,
            language,
            ", ".join(clear) or "nothing",
        )
        return await self.get(guild_id)
