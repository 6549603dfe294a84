from pathlib import Path

import pytest

from coinhelp.backup import backup, main
from coinhelp.db import Database


async def test_a_backup_taken_while_the_database_is_open_has_every_commit(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "live.db")
    try:
        for n in range(50):
            await db.set_meta(f"k{n}", str(n))
        # The bot is still running: the newest commits may live only in the WAL.
        target = tmp_path / "copy.db"
        assert main([str(tmp_path / "live.db"), str(target)]) == 0
        copy = await Database.open(target)
        try:
            assert await copy.get_meta("k49") == "49"
        finally:
            await copy.close()
    finally:
        await db.close()


def test_backup_refuses_to_overwrite_and_reports_a_missing_source(tmp_path: Path) -> None:
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"")
    with pytest.raises(FileNotFoundError):
        backup(tmp_path / "missing.db", tmp_path / "out.db")
    with pytest.raises(FileExistsError):
        backup(existing, existing)
    assert main([str(tmp_path / "missing.db"), str(tmp_path / "out.db")]) == 1
