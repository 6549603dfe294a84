"""The SQLite database: connections, PRAGMAs and numbered migrations.

One write lock serialises every write transaction (transactions on a shared
aiosqlite connection are not isolated from each other). Most writes go through
aiosqlite's writer connection (`write()`); the pledge writer's batches go
whole to a connection on a thread of their own (`transaction()`): one trip
to a thread per batch rather than one per statement. Reads never wait behind
a write: WAL lets read-only connections see every committed transaction. The
hot reads (index lookups of a few microseconds) run directly on the event
loop, because a hop to aiosqlite's thread costs ten times the query; reads
that can take long (a full consistency check, an export) go through
`scan`. Another connection copies the write-ahead log into the
database file (`checkpoint`) beside the writers.

Durability: WAL with synchronous=FULL, so a transaction that returned from
COMMIT survives a process kill and a power cut alike. A pledge is
acknowledged only after its commit.

Before any of that, the file is checked (coinhelp.dbfile): it must be a
coinhelp database no newer than this code, and no other process may have it
open; otherwise opening fails with one sentence naming the file, before
anything is written.

Migrations are `migrations/NNNN_name.sql`; the first line of each says why it
exists. The schema version is SQLite's `user_version`; each migration and its
version bump run in one transaction, so an older database upgrades in place
or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from coinhelp.dbfile import APPLICATION_ID, ProcessLock, check_database_file
from coinhelp.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
Params = Mapping[str, Any] | Iterable[Any]
"""Query parameters: named (a mapping) or positional."""


def _bound(params: Params) -> Mapping[str, Any] | tuple[Any, ...]:
    return params if isinstance(params, Mapping) else tuple(params)


_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)
# The ledger's triggers touch many pages per transaction: SQLite's statement
# journal is kept in memory rather than in a temp file. SQLite copies the
# write-ahead log into the database file inside the COMMIT that passes
# wal_autocheckpoint pages; at the default (1,000) that was paid by every other
# batch of pledges before anyone was answered. The pledge writer starts
# `checkpoint()` after answering instead, on its own connection; the higher
# limit is the backstop that restarts the log when pledges never pause, and
# catches writes that come without pledges. The -wal file keeps its largest
# size until the bot stops (trimming it cost more than it saved). bench/
# measures the pledge path (README, Performance).
WRITER_PRAGMAS = ("PRAGMA temp_store = MEMORY", "PRAGMA wal_autocheckpoint = 10000")
READER_PRAGMAS = (*PRAGMAS[2:], "PRAGMA query_only = ON")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `directory`, ordered; versions must run 1, 2, 3 ..."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ConfigError(f"migration file {path.name!r} is not named NNNN_name.sql")
        migrations.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ConfigError(f"migration {migration.name} should be numbered {expected:04d}")
    return migrations


class Database:
    """The bot's database. Open with `await Database.open(path)`; close with `close()`.

    Five connections to one file, each for one reason:

    - `writer` (aiosqlite): every write transaction but the pledge batches
      (`write()`), one at a time under the write lock; it also migrates.
    - `batch_writer` (sqlite3 on a thread of its own): the pledge writer's
      batches, each run whole on that thread (`transaction()`), under the same
      lock: one trip to a thread per batch instead of one per statement.
    - `quick_reader` (sqlite3 on the event loop): the hot index lookups
      (`lookup`, `lookup_one`, `lookup_tuples`). They are async like every
      read, but answer at once without leaving the event loop, because a hop
      to a thread costs more than such a query: only reads that touch a few
      rows through an index may use them.
    - `reader` (aiosqlite): reads that may take long (a consistency check, an
      export), on its own thread so the bot keeps answering
      (`scan`).
    - `checkpointer` (aiosqlite): copies the write-ahead log into the file
      (`checkpoint()`) beside the writers, after the pledges are answered.

    WAL lets every reader see each committed transaction without waiting for
    a writer.
    """

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        quick_reader: sqlite3.Connection,
        checkpointer: aiosqlite.Connection,
        batch_writer: _ThreadConnection,
        lock: ProcessLock,
    ):
        self.path = path
        self._process_lock = lock
        self._writer = writer
        self._reader = reader
        self._quick_reader = quick_reader
        self._checkpointer = checkpointer
        self._batch_writer = batch_writer
        self._write_lock = asyncio.Lock()
        self._closed = False
        self.on_timing: Callable[[str, float], None] = _no_timing
        """Told the seconds of each write, transaction and in-thread read (the
        bot's metrics); the quick reads are not timed, to keep them quick."""

    @classmethod
    async def open(
        cls, path: Path | str, migrations: Sequence[Migration] | None = None
    ) -> Database:
        """Open (creating if needed) and migrate the database at `path`.

        Raises ConfigError, naming the file and writing nothing to it, when it is
        not a coinhelp database, is newer than this code, or is held by another
        process.
        """
        path = Path(path)
        if path.parent != Path() and not path.parent.exists():
            raise ConfigError(f"the folder for the database {str(path)!r} does not exist")
        migrations = load_migrations() if migrations is None else migrations
        lock = ProcessLock(path)
        lock.acquire()
        try:
            check_database_file(path, migrations[-1].version if migrations else 0)
            try:
                connections = await _connect_all(path, migrations)
            except ConfigError as exc:  # a failed migration: say which file
                raise ConfigError(f"{exc} (database {str(path)!r})") from exc.__cause__
        except sqlite3.DatabaseError as exc:
            lock.release()
            raise ConfigError(f"cannot open the database {str(path)!r}: {exc}") from None
        except BaseException:
            lock.release()
            raise
        return cls(path, *connections, lock)

    async def close(self) -> None:
        """Wait for the write in flight, then close every connection."""
        if self._closed:
            return
        async with self._write_lock:
            self._closed = True
            self._quick_reader.close()
            await self._checkpointer.close()
            await self._batch_writer.close()
            await self._reader.close()
            await self._writer.close()
            self._process_lock.release()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: `async with db.write() as conn: ...`.

        Commits when the block ends, rolls back if it raises. Only one write
        transaction runs at a time.
        """
        async with self._write_lock:
            if self._closed:
                raise RuntimeError("the database is closed")
            started = time.perf_counter()
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
                await self._writer.execute("COMMIT")
            except BaseException:
                # A COMMIT that fails (a full disk, a deferred constraint) leaves
                # the transaction open: without this, every later BEGIN would fail.
                if self._writer.in_transaction:
                    await self._writer.execute("ROLLBACK")
                raise
            finally:
                self.on_timing("write", time.perf_counter() - started)

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """One write transaction run whole on a thread: `work(conn)` between BEGIN
        IMMEDIATE and COMMIT (ROLLBACK if it raises); returns what `work` returns.

        For the pledge writer. Inside `write()` every statement is a trip to
        aiosqlite's thread and back, and on a busy event loop each way back
        waits behind every interaction that is ready to run; here a batch is
        one trip. `work` runs off the event loop: it may only use `conn` and
        its own data.
        """
        async with self._write_lock:
            if self._closed:
                raise RuntimeError("the database is closed")
            started = time.perf_counter()
            try:
                return await self._batch_writer.run(_transaction, work)
            finally:
                self.on_timing("transaction", time.perf_counter() - started)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, on a connection and a
        thread of its own: writes go on meanwhile (see WRITER_PRAGMAS)."""
        if not self._closed:
            await self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    async def lookup(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of a short read-only query: an index lookup.

        On SQLite it runs synchronously on the event loop, without a hop to a
        thread (which costs more than such a query); it is async because every
        read is (a server database answers over the network). Only for reads
        that touch a few rows through an index: anything that may scan many
        rows belongs in `scan`, or it stalls every other interaction.
        """
        return self._quick_reader.execute(sql, _bound(params)).fetchall()

    async def lookup_tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Like `lookup`, with rows as plain tuples: for a hot read that builds
        its own objects from the columns in order (cheaper than named rows)."""
        cursor = self._quick_reader.cursor()
        cursor.row_factory = None
        rows: list[tuple[Any, ...]] = cursor.execute(sql, _bound(params)).fetchall()
        return rows

    async def lookup_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row of a short read-only query (see `lookup`)."""
        row: sqlite3.Row | None = self._quick_reader.execute(sql, _bound(params)).fetchone()
        return row

    async def scan(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of a read that may take long, in a thread so the bot keeps answering."""
        started = time.perf_counter()
        try:
            return list(await self._reader.execute_fetchall(sql, _bound(params)))
        finally:
            self.on_timing("read_in_thread", time.perf_counter() - started)

    async def schema_version(self) -> int:
        row = await self.lookup_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def get_meta(self, key: str) -> str | None:
        row = await self.lookup_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def set_meta(self, key: str, value: str) -> None:
        async with self.write() as conn:
            await conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _no_timing(operation: str, seconds: float) -> None:
    pass


def _transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a failed COMMIT leaves it open (see write())
            conn.execute("ROLLBACK")
        raise
    return result


async def _connect_all(
    path: Path, migrations: Sequence[Migration]
) -> tuple[
    aiosqlite.Connection,
    aiosqlite.Connection,
    sqlite3.Connection,
    aiosqlite.Connection,
    _ThreadConnection,
]:
    """The five connections of a Database (see its docstring), the schema migrated;
    on failure, those already open are closed."""
    writer = await aiosqlite.connect(path, isolation_level=None)
    reader: aiosqlite.Connection | None = None
    quick_reader: sqlite3.Connection | None = None
    checkpointer: aiosqlite.Connection | None = None
    batch_writer: _ThreadConnection | None = None
    try:
        writer.row_factory = sqlite3.Row
        for pragma in (*PRAGMAS, *WRITER_PRAGMAS):
            await writer.execute(pragma)
        await migrate(writer, migrations)
        # Marks the file as coinhelp's (see coinhelp.dbfile); an int, not a parameter.
        await writer.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        reader = await aiosqlite.connect(path, isolation_level=None)
        reader.row_factory = sqlite3.Row
        for pragma in READER_PRAGMAS:
            await reader.execute(pragma)
        quick_reader = sqlite3.connect(path, isolation_level=None)
        quick_reader.row_factory = sqlite3.Row
        for pragma in READER_PRAGMAS:
            quick_reader.execute(pragma)
        checkpointer = await aiosqlite.connect(path, isolation_level=None)
        await checkpointer.execute("PRAGMA busy_timeout = 5000")
        batch_writer = await _ThreadConnection.open(path, (*PRAGMAS, *WRITER_PRAGMAS))
    except BaseException:
        await writer.close()
        if reader is not None:
            await reader.close()
        if quick_reader is not None:
            quick_reader.close()
        if checkpointer is not None:
            await checkpointer.close()
        if batch_writer is not None:
            await batch_writer.close()
        raise
    return writer, reader, quick_reader, checkpointer, batch_writer


class _ThreadConnection:
    """A plain sqlite3 connection that lives on one thread of its own: opened,
    used and closed there."""

    def __init__(self, thread: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        self._thread = thread
        self._conn = conn

    @classmethod
    async def open(cls, path: Path, pragmas: Iterable[str]) -> _ThreadConnection:
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coinhelp-batch-writer")

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                conn.row_factory = sqlite3.Row
                for pragma in pragmas:
                    conn.execute(pragma)
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            conn = await asyncio.get_running_loop().run_in_executor(thread, connect)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        return cls(thread, conn)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(conn, *args)` on the connection's thread.

        If the caller is cancelled meanwhile, this still waits for the call to
        end before passing the cancellation on, so that whoever holds the write
        lock keeps it while SQLite works.
        """
        done = asyncio.get_running_loop().run_in_executor(self._thread, function, self._conn, *args)
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            await asyncio.wait([done])
            raise

    async def close(self) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self._thread, self._conn.close)
        finally:
            self._thread.shutdown(wait=False)


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[Migration]) -> int:
    """Apply the migrations newer than the database; return the final version."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise ConfigError(
            f"the database is at schema version {current}, newer than this coinhelp ({latest}); "
            "upgrade coinhelp or restore a matching backup"
        )
    for migration in migrations:
        if migration.version <= current:
            continue
        log.info("migrating database to version %d (%s)", migration.version, migration.name)
        # executescript commits first and cannot be parameterised; the version is an int.
        script = f"BEGIN;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise ConfigError(f"database migration {migration.name} failed: {exc}") from exc
        current = migration.version
    return current
