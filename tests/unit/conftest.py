"""Fixtures the unit tests share."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from coinhelp.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A new, migrated database in the test's own folder; closed afterwards."""
    database = await Database.open(tmp_path / "coinhelp.db")
    try:
        yield database
    finally:
        await database.close()
