import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from coinhelp.db import Database, Migration, load_migrations
from coinhelp.errors import ConfigError


async def test_a_new_database_gets_every_migration_and_wal(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    try:
        assert await db.schema_version() == len(load_migrations())
        row = await db.lookup_one("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
    finally:
        await db.close()


async def test_an_old_database_upgrades_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first = load_migrations()[:1]
    old = await Database.open(path, migrations=first)
    async with old.write() as conn:
        await conn.execute(
            "INSERT INTO guild_settings(guild_id, announce_channel_id, moderator_role_id,"
            " updated_by, updated_at) VALUES (1, 2, 3, 4, '2026-01-01T00:00:00+00:00')"
        )
    await old.set_meta("kept", "yes")
    await old.close()

    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(load_migrations()) > 1
        row = await db.lookup_one("SELECT announce_channel_id FROM guild_settings")
        assert row is not None and row[0] == 2
        assert await db.get_meta("kept") == "yes"
    finally:
        await db.close()


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.db"
    migrations = load_migrations()[:1]
    broken = [
        *migrations,
        Migration(2, "0002_broken", "CREATE TABLE half(x INTEGER);\nTHIS IS NOT SQL;"),
    ]
    with pytest.raises(ConfigError, match="0002_broken"):
        await Database.open(path, migrations=broken)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master")}
    assert "half" not in tables


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(ConfigError, match="newer than this coinhelp"):
        await Database.open(path)


async def test_a_write_that_raises_is_rolled_back(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO meta(key, value) VALUES ('half', 'written')")
            raise RuntimeError("boom")
    assert await db.get_meta("half") is None


async def test_a_transaction_commits_what_its_work_wrote_and_returns_its_result(
    db: Database,
) -> None:
    def work(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO meta(key, value) VALUES ('whole', 'batch')")
        return threading.get_ident()

    ran_on = await db.transaction(work)
    assert ran_on != threading.get_ident()  # off the event loop
    assert await db.get_meta("whole") == "batch"


async def test_a_transaction_that_raises_is_rolled_back_and_the_next_one_works(
    db: Database,
) -> None:
    def half(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES ('half', 'written')")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(sqlite3.OperationalError):
        await db.transaction(half)
    assert await db.get_meta("half") is None
    await db.transaction(lambda conn: conn.execute("INSERT INTO meta VALUES ('after', 'ok')"))
    await db.set_meta("then", "write() too")
    assert await db.get_meta("after") == "ok"
    assert await db.get_meta("then") == "write() too"


async def test_a_cancelled_transaction_keeps_the_write_lock_until_sqlite_is_done(
    db: Database,
) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES ('slow', 'done')")
        started.set()
        release.wait(10)

    task = asyncio.create_task(db.transaction(slow))
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    writer = asyncio.create_task(db.set_meta("next", "after"))
    await asyncio.sleep(0)
    assert not task.done() and not writer.done()  # both wait for SQLite
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    await writer
    assert await db.get_meta("slow") == "done"  # SQLite finished what it began
    assert await db.get_meta("next") == "after"


async def test_a_closed_database_refuses_a_transaction(db: Database) -> None:
    await db.close()
    with pytest.raises(RuntimeError, match="closed"):
        await db.transaction(lambda conn: None)


# A milestone for a goal that does not exist, checked only at COMMIT: the
# COMMIT fails and, unless rolled back, leaves the transaction open.
_FAILS_AT_COMMIT = (
    "PRAGMA defer_foreign_keys = ON",
    "INSERT INTO goal_milestones (goal_id, percent, entry_id, total, reached_at)"
    " VALUES (404, 25, 404, 1, '2026-01-01T00:00:00+00:00')",
)


async def test_a_transaction_whose_commit_fails_leaves_the_database_writable(db: Database) -> None:
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES ('lost', 'with it')")
        for sql in _FAILS_AT_COMMIT:
            conn.execute(sql)

    with pytest.raises(sqlite3.IntegrityError):
        await db.transaction(work)
    assert await db.get_meta("lost") is None
    await db.transaction(lambda conn: conn.execute("INSERT INTO meta VALUES ('next', 'ok')"))
    await db.set_meta("then", "write() too")
    assert await db.get_meta("next") == "ok"
    assert await db.get_meta("then") == "write() too"


async def test_a_write_whose_commit_fails_leaves_the_database_writable(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO meta(key, value) VALUES ('lost', 'with it')")
            for sql in _FAILS_AT_COMMIT:
                await conn.execute(sql)
    assert await db.get_meta("lost") is None
    await db.set_meta("next", "ok")
    await db.transaction(lambda conn: conn.execute("INSERT INTO meta VALUES ('then', 'ok')"))
    assert await db.get_meta("next") == "ok"
    assert await db.get_meta("then") == "ok"


def test_migration_files_are_numbered_and_say_why() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    for migration in migrations:
        assert migration.sql.startswith("-- why: "), migration.name
