"""SQLite runs in WAL mode with a busy timeout and foreign keys; migrations apply from empty."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.conftest import SlackDriver
from warroom_bot.db import SQLITE_BUSY_TIMEOUT_MS, alembic_config

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def test_migrations_applied_from_empty(bot: SlackDriver) -> None:
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("SELECT version_num FROM alembic_version"))).scalar() == HEAD


async def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(bot: SlackDriver) -> None:
    if bot.runtime.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.exec(text("PRAGMA busy_timeout"))).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (await session.exec(text("PRAGMA foreign_keys"))).scalar() == 1
