"""SQLite runs in WAL mode with a busy timeout and foreign keys; migrations apply from empty, and
replicas starting together take turns."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from tests.conftest import SlackDriver, connect_directly
from warroom_bot.core.db import (
    LOCK_TIMEOUT_MS,
    MIGRATION_LOCK_KEY,
    alembic_config,
    create_engine,
    upgrade,
    upgrade_async,
)

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def test_migrations_applied_from_empty(bot: SlackDriver) -> None:
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("SELECT version_num FROM alembic_version"))).scalar() == HEAD


async def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(bot: SlackDriver) -> None:
    if bot.runtime.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.exec(text("PRAGMA busy_timeout"))).scalar() == LOCK_TIMEOUT_MS
        assert (await session.exec(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_replica_waits_for_another_replicas_migration_however_long_it_takes(database_url: str) -> None:
    """The service's short lock_timeout must not make a starting replica give up on the migration lock."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; on SQLite replicas wait on a lock file, without a timeout")
    other_replica = await connect_directly(database_url)
    try:
        async with other_replica.transaction():
            await other_replica.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
            migrating = asyncio.create_task(upgrade_async(database_url))
            await asyncio.sleep(LOCK_TIMEOUT_MS / 1000 + 1)
            assert not migrating.done()  # still waiting its turn, not failed
    finally:
        await other_replica.close()
    await migrating
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar() == HEAD
    await engine.dispose()


def test_the_migrations_build_the_schema_the_models_describe(tmp_path) -> None:
    """A model changed without its migration (or a migration written by hand that misses something)
    would pass every test on a fresh database built from the models; this compares the two."""
    upgrade(f"sqlite+aiosqlite:///{tmp_path}/migrated.db")
    engine = sa.create_engine(f"sqlite:///{tmp_path}/migrated.db")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []
