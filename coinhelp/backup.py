"""Copy the live database to a backup file, safely, while the bot runs.

    python -m coinhelp.backup coinhelp.db backups/coinhelp-2026-11-22.db

Uses SQLite's online backup API: the copy is one consistent snapshot that
includes every committed pledge (WAL contents too), and the bot keeps
writing meanwhile. Copying the .db file with `cp` is NOT safe while the bot
runs: the newest transactions may still be in the -wal file.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path


def backup(source: Path, target: Path) -> int:
    """Copy `source` to `target` (which must not exist); return the schema version."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        version = int(dst.execute("PRAGMA user_version").fetchone()[0])
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        target.unlink()
        raise RuntimeError(f"the copy failed its integrity check: {check}")
    return version


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m coinhelp.backup SOURCE.db TARGET.db", file=sys.stderr)
        return 2
    try:
        version = backup(Path(args[0]), Path(args[1]))
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {args[0]} to {args[1]} (schema version {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
