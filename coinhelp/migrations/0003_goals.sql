-- why: pooled gifting goals: goals, the append-only coin ledger, milestones reached, and totals kept by trigger.
-- Ids (goal_id, entry_id) are global; every query also filters by guild_id,
-- so another server's id behaves exactly like an unknown one.
-- Times are UTC ISO 8601 text with microseconds ('2026-05-01T12:00:00.000000+00:00'),
-- so text order is time order.

CREATE TABLE goals (
    goal_id       INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key      TEXT NOT NULL,   -- NFKC + case-folded name, for lookups and uniqueness
    target        INTEGER NOT NULL CHECK (target BETWEEN 1 AND 10000000000),
    deadline      TEXT,
    creator       TEXT CHECK (creator IS NULL OR length(creator) BETWEEN 1 AND 100),
    description   TEXT CHECK (description IS NULL OR length(description) BETWEEN 1 AND 1000),
    channel_id    INTEGER NOT NULL,
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    closed_by     INTEGER,         -- NULL when the deadline closed it
    closed_reason TEXT CHECK (closed_reason IN ('closed by moderator', 'deadline')),
    CHECK ((closed_at IS NULL) = (closed_reason IS NULL)),
    CHECK (closed_reason IS NOT 'closed by moderator' OR closed_by IS NOT NULL)
) STRICT;

-- Two open goals of one server never share a name; closed ones may (a yearly "Birthday LIVE").
CREATE UNIQUE INDEX goals_open_name ON goals (guild_id, name_key) WHERE closed_at IS NULL;
CREATE INDEX goals_guild ON goals (guild_id, closed_at);
CREATE INDEX goals_due ON goals (deadline) WHERE closed_at IS NULL AND deadline IS NOT NULL;

-- A goal closes once and for good; its server and target never change.
CREATE TRIGGER goals_closing_is_final BEFORE UPDATE ON goals
WHEN OLD.closed_at IS NOT NULL OR NEW.guild_id IS NOT OLD.guild_id OR NEW.target IS NOT OLD.target
BEGIN
    SELECT RAISE(ABORT, 'a goal closes once; its server and target never change');
END;

-- The ledger: never updated, never deleted. A contribution adds coins; a void
-- row cancels exactly one contribution and stores its coins negated, so a
-- plain SUM(coins) is the total. A void counts in the voided row's month and
-- week (it corrects that period), and carries that row's member.
CREATE TABLE ledger (
    entry_id       INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    goal_id        INTEGER NOT NULL REFERENCES goals (goal_id),
    member_id      INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('contribution', 'void')),
    coins          INTEGER NOT NULL,
    month          TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    week           TEXT NOT NULL CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
    created_at     TEXT NOT NULL,
    interaction_id INTEGER NOT NULL UNIQUE,   -- one Discord interaction counts once
    voids          INTEGER REFERENCES ledger (entry_id),   -- unique: see ledger_voids
    moderator_id   INTEGER,
    reason         TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    CHECK (kind = 'void' OR (coins BETWEEN 1 AND 1000000 AND voids IS NULL AND moderator_id IS NULL
                             AND reason IS NULL AND month = substr(created_at, 1, 7))),
    CHECK (kind = 'contribution' OR (coins BETWEEN -1000000 AND -1 AND voids IS NOT NULL
                                     AND moderator_id IS NOT NULL AND reason IS NOT NULL))
) STRICT;

-- A row is voided at most once. Partial, so the planner's statistics count
-- only void rows (a plain UNIQUE over a mostly-NULL column made ANALYZE
-- believe every lookup matches the whole ledger).
CREATE UNIQUE INDEX ledger_voids ON ledger (voids) WHERE voids IS NOT NULL;
CREATE INDEX ledger_goal ON ledger (goal_id);
CREATE INDEX ledger_goal_member ON ledger (goal_id, member_id);

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

-- The code checks these first and explains; the database refuses anyway.
CREATE TRIGGER ledger_contribution_needs_open_goal BEFORE INSERT ON ledger
WHEN NEW.kind = 'contribution'
BEGIN
    SELECT RAISE(ABORT, 'contributions go to an open goal of the same server')
    WHERE NOT EXISTS (
        SELECT 1 FROM goals
        WHERE goal_id = NEW.goal_id AND guild_id = NEW.guild_id AND closed_at IS NULL
    );
END;

CREATE TRIGGER ledger_void_cancels_one_contribution BEFORE INSERT ON ledger
WHEN NEW.kind = 'void'
BEGIN
    SELECT RAISE(ABORT, 'a void cancels one contribution: same server, goal, member, coins, period')
    WHERE NOT EXISTS (
        SELECT 1 FROM ledger AS c
        WHERE c.entry_id = NEW.voids AND c.kind = 'contribution'
          AND c.guild_id = NEW.guild_id AND c.goal_id = NEW.goal_id
          AND c.member_id = NEW.member_id AND c.coins = -NEW.coins
          AND c.month = NEW.month AND c.week = NEW.week
    );
END;

-- Milestones reached: each (goal, percent) once, recorded in the transaction
-- of the pledge that crossed it. Never updated or deleted.
CREATE TABLE goal_milestones (
    goal_id    INTEGER NOT NULL REFERENCES goals (goal_id),
    percent    INTEGER NOT NULL CHECK (percent IN (25, 50, 75, 100)),
    entry_id   INTEGER NOT NULL REFERENCES ledger (entry_id),
    total      INTEGER NOT NULL,   -- the goal's total right after that pledge
    reached_at TEXT NOT NULL,
    PRIMARY KEY (goal_id, percent)
) STRICT;

CREATE TRIGGER goal_milestones_no_update BEFORE UPDATE ON goal_milestones
BEGIN
    SELECT RAISE(ABORT, 'milestones are append-only');
END;

CREATE TRIGGER goal_milestones_no_delete BEFORE DELETE ON goal_milestones
BEGIN
    SELECT RAISE(ABORT, 'milestones are append-only');
END;

-- Totals derived from the ledger, kept by the trigger below in the same
-- transaction as each ledger row (Ledger.check_consistency recomputes them).
-- Scope: goal_id is a goal, or 0 for the whole server. Period: 'all', a
-- month ('2026-05') or an ISO week ('2026-W19').
CREATE TABLE scope_totals (
    guild_id INTEGER NOT NULL,
    goal_id  INTEGER NOT NULL CHECK (goal_id >= 0),
    period   TEXT NOT NULL,
    coins    INTEGER NOT NULL CHECK (coins >= 0),
    members  INTEGER NOT NULL CHECK (members >= 0),   -- members whose coins here are > 0
    entries  INTEGER NOT NULL CHECK (entries >= 0),   -- ledger rows, voids included
    PRIMARY KEY (guild_id, goal_id, period)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_totals (
    guild_id   INTEGER NOT NULL,
    goal_id    INTEGER NOT NULL CHECK (goal_id >= 0),
    period     TEXT NOT NULL,
    member_id  INTEGER NOT NULL,
    coins      INTEGER NOT NULL CHECK (coins >= 0),
    entries    INTEGER NOT NULL CHECK (entries >= 0),
    last_entry INTEGER NOT NULL,   -- latest ledger row that changed it: breaks ties, earlier first
    PRIMARY KEY (guild_id, goal_id, period, member_id)
) STRICT, WITHOUT ROWID;

-- Leaderboard order; also answers "how many are ahead of me" with two range counts.
CREATE INDEX member_totals_rank
    ON member_totals (guild_id, goal_id, period, coins DESC, last_entry);

-- A CHECK is tested before an upsert turns into an update, so a negative
-- delta cannot go through an upsert: contributions upsert, voids update the
-- rows their contribution created (same buckets: a void carries its month and week).
CREATE TRIGGER ledger_contribution_adds_to_totals AFTER INSERT ON ledger
WHEN NEW.kind = 'contribution'
BEGIN
    -- Scope totals first: `members` needs the member's coins before this row.
    INSERT INTO scope_totals (guild_id, goal_id, period, coins, members, entries)
    SELECT NEW.guild_id, s.goal_id, p.period, NEW.coins, COALESCE(m.coins, 0) = 0, 1
    FROM (SELECT NEW.goal_id AS goal_id UNION ALL SELECT 0) AS s
    CROSS JOIN (SELECT 'all' AS period UNION ALL SELECT NEW.month UNION ALL SELECT NEW.week) AS p
    LEFT JOIN member_totals AS m
        ON m.guild_id = NEW.guild_id AND m.goal_id = s.goal_id
       AND m.period = p.period AND m.member_id = NEW.member_id
    WHERE true
    ON CONFLICT (guild_id, goal_id, period) DO UPDATE SET
        coins = coins + excluded.coins,
        members = members + excluded.members,
        entries = entries + 1;

    INSERT INTO member_totals (guild_id, goal_id, period, member_id, coins, entries, last_entry)
    SELECT NEW.guild_id, s.goal_id, p.period, NEW.member_id, NEW.coins, 1, NEW.entry_id
    FROM (SELECT NEW.goal_id AS goal_id UNION ALL SELECT 0) AS s
    CROSS JOIN (SELECT 'all' AS period UNION ALL SELECT NEW.month UNION ALL SELECT NEW.week) AS p
    WHERE true
    ON CONFLICT (guild_id, goal_id, period, member_id) DO UPDATE SET
        coins = coins + excluded.coins,
        entries = entries + 1,
        last_entry = max(last_entry, excluded.last_entry);
END;

CREATE TRIGGER ledger_void_subtracts_from_totals AFTER INSERT ON ledger
WHEN NEW.kind = 'void'
BEGIN
    UPDATE scope_totals SET
        coins = coins + NEW.coins,
        entries = entries + 1,
        members = members - (
            SELECT m.coins + NEW.coins = 0 FROM member_totals AS m
            WHERE m.guild_id = scope_totals.guild_id AND m.goal_id = scope_totals.goal_id
              AND m.period = scope_totals.period AND m.member_id = NEW.member_id
        )
    WHERE guild_id = NEW.guild_id AND goal_id IN (NEW.goal_id, 0)
      AND period IN ('all', NEW.month, NEW.week);

    UPDATE member_totals SET
        coins = coins + NEW.coins,
        entries = entries + 1,
        last_entry = max(last_entry, NEW.entry_id)
    WHERE guild_id = NEW.guild_id AND goal_id IN (NEW.goal_id, 0)
      AND period IN ('all', NEW.month, NEW.week) AND member_id = NEW.member_id;
END;
