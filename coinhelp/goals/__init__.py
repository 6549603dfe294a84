"""Pooled gifting goals on an append-only coin ledger.

Members pledge coins toward a server's goal; moderators open, correct and
close goals. The ledger (table `ledger`, migration 0003) is never updated or
deleted: a pledge is a `contribution` row, a correction a `void` row.

    ledger.py     Ledger: the parts below, composed; what the bot holds
    store.py      goals: create, find by id or name, list, close, deadlines
    pledges.py    the pledge writer: group commit, one interaction counts once
    voids.py      void rows that cancel a pledge
    standings.py  leaderboards and ranks
    history.py    a goal's ledger rows: pages, CSV export
    audit.py      the consistency check of the kept totals
    rules.py      pure rules: limits, names, deadlines, milestones, estimates
    prices.py     the coin price table behind dollar estimates
    values.py     the frozen values all of them return
    rows.py       stored form: times, shared SELECTs, rows into values

Errors raised to callers are UserErrors with keys "goals.<name>" (worded in
templates/errors/goals.j2): NotFound for an unknown goal or entry, or one of
another server (the same error, so nothing leaks); Conflict for a closed
goal, a second void, a void of a void, a reused interaction id, or a name
already taken by an open goal; InvalidInput for values out of range.
"""
