-- why: pledges kept six leaderboard index entries up to date each; only all-time boards, which grow without bound, keep one now.
-- Every pledge moved an entry in member_totals_rank for each of its six
-- buckets (goal and server; all time, month, week): half of a pledge's write
-- cost at a million ledger rows. A month's or week's board holds only the
-- members who pledged in it, so it is read through the primary key
-- (guild_id, goal_id, period, ...) and sorted: well under a millisecond for a
-- thousand members. All-time boards keep an index; queries name their period
-- as the literal 'all' so that SQLite can use it.
DROP INDEX member_totals_rank;
CREATE INDEX member_totals_rank_all
    ON member_totals (guild_id, goal_id, coins DESC, last_entry) WHERE period = 'all';
