"""The database file is checked before anything is written, and held by one process."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coinhelp.db import Database, load_migrations
from coinhelp.dbfile import APPLICATION_ID, ProcessLock
from coinhelp.errors import ConfigError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sqlite_file(path: Path, *, journal: str, version: int, application_id: int = 0) -> Path:
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA journal_mode = {journal}")
        raw.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        raw.execute(f"PRAGMA user_version = {version}")
        raw.execute(f"PRAGMA application_id = {application_id}")
    raw.close()
    return path


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".lock"))


async def test_random_bytes_are_refused_naming_the_file_and_left_as_they_were(
    tmp_path: Path,
) -> None:
    path = tmp_path / "coinhelp.db"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(ConfigError, match=r"coinhelp\.db' is not a SQLite database"):
        await Database.open(path)
    assert digest(path) == before
    assert folder_listing(path) == ["coinhelp.db"]


@pytest.mark.parametrize("journal", ["wal", "delete"])
async def test_a_newer_schema_is_refused_and_the_file_is_unchanged(
    tmp_path: Path, journal: str
) -> None:
    newer = len(load_migrations()) + 1
    path = sqlite_file(tmp_path / "future.db", journal=journal, version=newer)
    before = digest(path)
    with pytest.raises(ConfigError, match=rf"future\.db' is at schema version {newer}, newer"):
        await Database.open(path)
    assert digest(path) == before
    assert folder_listing(path) == ["future.db"]  # no -wal or -shm left behind


async def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "other.db", journal="delete", version=1, application_id=42)
    with pytest.raises(ConfigError, match="another program's SQLite database"):
        await Database.open(path)
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as raw:
        raw.execute("CREATE TABLE notes(text)")
    raw.close()
    with pytest.raises(ConfigError, match="not coinhelp's"):
        await Database.open(plain)


async def test_an_empty_file_becomes_a_database_marked_as_coinhelps(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    raw.close()


async def test_a_database_from_before_the_application_id_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await Database.open(path, migrations=load_migrations()[:1])
    await db.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA application_id = 0")
    raw.close()
    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(load_migrations())
    finally:
        await db.close()


async def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        await Database.open(tmp_path)


def test_a_second_process_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "coinhelp.db"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(path)],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        held = rf"coinhelp\.db' is in use by another coinhelp process \(pid {child.pid}\)"
        with pytest.raises(ConfigError, match=held):
            ProcessLock(path).acquire()
    finally:
        child.communicate("", timeout=30)
    lock = ProcessLock(path)
    lock.acquire()
    lock.release()


HOLD_THE_LOCK = """
import sys
from pathlib import Path
from coinhelp.dbfile import ProcessLock
ProcessLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
sys.stdin.read()
"""


async def test_databases_in_one_process_share_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "coinhelp.db"
    first = await Database.open(path)
    second = await Database.open(path)
    await first.close()
    assert not lock_is_free(path)  # the second one still holds it
    await second.close()
    assert lock_is_free(path)


def lock_is_free(path: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-c", HOLD_THE_LOCK, str(path)],
        input="",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


async def test_a_refused_open_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "coinhelp.db"
    path.write_bytes(b"not a database, not at all")
    with pytest.raises(ConfigError):
        await Database.open(path)
    assert lock_is_free(path)
