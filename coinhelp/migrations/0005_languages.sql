-- why: each language's text of an FAQ entry is versioned on its own, and a server has a language for its announcements.
-- SQLite cannot change a primary key in place: the versions move to a table
-- keyed by language too; every existing version is English.
CREATE TABLE faq_texts (
    guild_id      INTEGER NOT NULL,
    key           TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 50),
    language      TEXT NOT NULL CHECK (language IN ('en', 'es', 'pt-BR', 'id', 'de', 'fr')),
    version       INTEGER NOT NULL CHECK (version >= 1),
    action        TEXT NOT NULL CHECK (action IN ('set', 'remove', 'reset', 'revert', 'import')),
    status        TEXT NOT NULL CHECK (status IN ('edited', 'hidden', 'curated')),
    title         TEXT,
    aliases       TEXT,            -- JSON list of strings
    body          TEXT,
    editor_id     INTEGER NOT NULL,
    created_at    TEXT NOT NULL,   -- UTC, ISO 8601
    reverted_from INTEGER,         -- for action 'revert': the version restored
    PRIMARY KEY (guild_id, key, language, version),
    CHECK ((status = 'edited') = (title IS NOT NULL AND aliases IS NOT NULL AND body IS NOT NULL)),
    CHECK ((action = 'revert') = (reverted_from IS NOT NULL))
) STRICT;

INSERT INTO faq_texts
    (guild_id, key, language, version, action, status, title, aliases, body,
     editor_id, created_at, reverted_from)
SELECT guild_id, key, 'en', version, action, status, title, aliases, body,
       editor_id, created_at, reverted_from
FROM faq_versions;

DROP TABLE faq_versions;

CREATE TRIGGER faq_texts_no_update BEFORE UPDATE ON faq_texts
BEGIN
    SELECT RAISE(ABORT, 'faq_texts is append-only');
END;

CREATE TRIGGER faq_texts_no_delete BEFORE DELETE ON faq_texts
BEGIN
    SELECT RAISE(ABORT, 'faq_texts is append-only');
END;

ALTER TABLE guild_settings ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('en', 'es', 'pt-BR', 'id', 'de', 'fr'));
