"""SQLite runs in WAL mode with a busy timeout and foreign keys; migrations apply from empty."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import SlackDriver
from warroom_bot.db import SQLITE_BUSY_TIMEOUT_MS


async def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(bot: SlackDriver) -> None:
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.exec(text("PRAGMA busy_timeout"))).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (await session.exec(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.exec(text("SELECT version_num FROM alembic_version"))).scalar() is not None
