import sqlite3
from pathlib import Path

import pytest

from coinhelp.db import Database, Migration, load_migrations
from coinhelp.errors import ConfigError


async def test_a_new_database_gets_every_migration_and_wal(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    try:
        assert await db.schema_version() == len(load_migrations())
        row = await db.fetchone("PRAGMA journal_mode")
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
        row = await db.fetchone("SELECT announce_channel_id FROM guild_settings")
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


async def test_a_write_that_raises_is_rolled_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "db.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.write() as conn:
                await conn.execute("INSERT INTO meta(key, value) VALUES ('half', 'written')")
                raise RuntimeError("boom")
        assert await db.get_meta("half") is None
    finally:
        await db.close()


def test_migration_files_are_numbered_and_say_why() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    for migration in migrations:
        assert migration.sql.startswith("-- why: "), migration.name
