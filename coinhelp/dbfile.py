"""The database file before it is opened for writing: is it coinhelp's, and is it free?

`check_database_file` reads the file and writes nothing: a file that is not a
SQLite database, is another program's, or was written by a newer coinhelp is
refused with one sentence naming it, and stays byte for byte as it was (the
writer's first PRAGMA would switch a rollback-journal file to WAL, changing
its header, before migrations could even look at the version).

`ProcessLock` keeps a second process off the same file. Two bots on one
SQLite file would each keep pledges correct, but each caches the FAQ, so an
edit made through one would never show in the other. The lock is an
exclusive `flock` on `<database>.lock` beside it, held while the database is
open; the kernel drops it when the process ends, however it ends, so a
leftover lock file after a crash blocks nothing. (Not on Windows, which has
no flock: there the lock is skipped.)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import ClassVar

from coinhelp.errors import ConfigError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x436F696E
"""Written into the SQLite header (`PRAGMA application_id`, "Coin" in ASCII) of every
database coinhelp migrates, so that another program's database is told apart."""
RESTORE_HINT = "point COINHELP_DB at coinhelp's database, or restore one from a backup"


def check_database_file(path: Path, latest_version: int) -> None:
    """Raise ConfigError, naming `path`, unless it is missing, empty, or a coinhelp
    database at `latest_version` or older. Only reads the file."""
    if path.is_dir():
        raise ConfigError(f"the database {str(path)!r} is a folder, not a file; {RESTORE_HINT}")
    if not path.exists():
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ConfigError(f"cannot read the database {str(path)!r}: {exc.strerror}") from None
    if not header:
        return  # an empty file is an empty database
    if header != SQLITE_HEADER:
        raise ConfigError(f"{str(path)!r} is not a SQLite database; {RESTORE_HINT}")
    version, application_id, tables = _read_header(path)
    if application_id not in (0, APPLICATION_ID):
        raise ConfigError(
            f"{str(path)!r} is another program's SQLite database "
            f"(application id {application_id:#x}); {RESTORE_HINT}"
        )
    # Databases from before the application id: coinhelp's first migration makes `meta`.
    if application_id == 0 and tables and (version == 0 or "meta" not in tables):
        raise ConfigError(f"{str(path)!r} is a SQLite database, but not coinhelp's; {RESTORE_HINT}")
    if version > latest_version:
        raise ConfigError(
            f"the database {str(path)!r} is at schema version {version}, newer than this "
            f"coinhelp ({latest_version}); upgrade coinhelp, or restore a backup taken "
            "before the upgrade"
        )


def _read_header(path: Path) -> tuple[int, int, set[str]]:
    """Schema version, application id and table names. A read-write connection that
    only reads: a read-only one would leave -wal and -shm files behind."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot open the database {str(path)!r}: {exc}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise ConfigError(
            f"{str(path)!r} is not a usable SQLite database ({exc}); {RESTORE_HINT}"
        ) from None
    finally:
        conn.close()
    return int(version), int(application_id), tables


class ProcessLock:
    """An exclusive lock on `<database>.lock`: one coinhelp process per database file.

    Within one process the lock is shared: every Database opened on the same
    file (the benchmark opens a second one beside the bot's) holds it, and the
    last to close lets go. flock alone would refuse the second one too.
    """

    _held: ClassVar[dict[Path, tuple[int, int]]] = {}
    """Lock files this process holds: their descriptor and how many holders."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._key = self.path.resolve()
        self._holding = False

    def acquire(self) -> None:
        """Take the lock, or raise ConfigError naming the database (and the holder's pid)."""
        if fcntl is None or self._holding:
            return
        if self._key in self._held:
            fd, holders = self._held[self._key]
            self._held[self._key] = (fd, holders + 1)
            self._holding = True
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(
                f"cannot create the lock file {str(self.path)!r}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise ConfigError(
                f"the database {str(self.database)!r} is in use by another coinhelp process "
                f"(pid {holder}); stop that one first, or give this one its own COINHELP_DB"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._held[self._key] = (fd, 1)
        self._holding = True

    def release(self) -> None:
        """Let go of the lock. The file stays: removing it could let two processes
        lock two different files of the same name."""
        if not self._holding:
            return
        self._holding = False
        fd, holders = self._held.pop(self._key)
        if holders > 1:
            self._held[self._key] = (fd, holders - 1)
            return
        with contextlib.suppress(OSError):
            os.close(fd)
