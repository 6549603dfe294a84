-- why: bot-wide key/value state (command-sync fingerprint) and per-server settings.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    announce_channel_id INTEGER,
    moderator_role_id   INTEGER,
    updated_by          INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
