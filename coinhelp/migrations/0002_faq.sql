-- why: each server's FAQ edits (overrides, hidden curated entries, own entries) as append-only versions.
-- The current state of (guild_id, key) is its highest version. `status` is what
-- that version leaves the server showing: 'edited' (this row's title, aliases
-- and body), 'hidden' (nothing: a hidden curated entry or a deleted own entry)
-- or 'curated' (the curated text again, after a reset).
CREATE TABLE faq_versions (
    guild_id      INTEGER NOT NULL,
    key           TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 50),
    version       INTEGER NOT NULL CHECK (version >= 1),
    action        TEXT NOT NULL CHECK (action IN ('set', 'remove', 'reset', 'revert', 'import')),
    status        TEXT NOT NULL CHECK (status IN ('edited', 'hidden', 'curated')),
    title         TEXT,
    aliases       TEXT,            -- JSON list of strings
    body          TEXT,
    editor_id     INTEGER NOT NULL,
    created_at    TEXT NOT NULL,   -- UTC, ISO 8601
    reverted_from INTEGER,         -- for action 'revert': the version restored
    PRIMARY KEY (guild_id, key, version),
    CHECK ((status = 'edited') = (title IS NOT NULL AND aliases IS NOT NULL AND body IS NOT NULL)),
    CHECK ((action = 'revert') = (reverted_from IS NOT NULL))
) STRICT;

-- History is never rewritten: edits only ever add a version.
CREATE TRIGGER faq_versions_no_update BEFORE UPDATE ON faq_versions
BEGIN
    SELECT RAISE(ABORT, 'faq_versions is append-only');
END;

CREATE TRIGGER faq_versions_no_delete BEFORE DELETE ON faq_versions
BEGIN
    SELECT RAISE(ABORT, 'faq_versions is append-only');
END;
