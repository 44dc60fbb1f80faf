"""SQLite runs in WAL mode with a busy timeout and foreign keys; migrations apply from empty, and
replicas starting together take turns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from warroom_bot.core.db import (
    LOCK_TIMEOUT_MS,
    MIGRATION_LOCK_KEY,
    alembic_config,
    create_engine,
    upgrade_async,
)
from warroom_bot.core.settings import load_settings
from warroom_bot.devtools.driver import SIGNING_SECRET, START_LINE, SlackDriver, in_process
from warroom_bot.devtools.standin import SlackStandIn

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def test_migrations_applied_from_empty(empty_database_url: str, standin: SlackStandIn) -> None:
    """The service migrates a database with nothing in it as it starts (the other tests get a copy
    of a database migrated once per session)."""
    settings = load_settings(
        database_url=empty_database_url,
        slack_api_url=standin.api_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        tick_seconds=3600,
    )
    async with in_process(settings, standin=standin) as bot:
        async with bot.runtime.sessions() as session:
            assert (await session.exec(text("SELECT version_num FROM alembic_version"))).scalar() == HEAD
        assert "Started *Double 11*" in await bot.ephemeral(f"start {START_LINE}")


async def test_a_database_at_head_is_left_as_it_is_when_the_service_starts(database_url: str) -> None:
    """Each start runs the migrations; on the migrated copy every test gets, that finds nothing to do."""
    engine = create_engine(database_url)
    try:
        before = await _schema(engine)
        assert before[0] == HEAD
        await upgrade_async(database_url)
        assert await _schema(engine) == before
    finally:
        await engine.dispose()


async def _schema(engine: AsyncEngine) -> tuple[str, list[str]]:
    """The version and every table and column, as the database reports them."""

    def read(connection: sa.Connection) -> tuple[str, list[str]]:
        inspector = sa.inspect(connection)
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        columns = [
            f"{table}.{column['name']}"
            for table in inspector.get_table_names()
            for column in inspector.get_columns(table)
        ]
        return version, sorted(columns)

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(bot: SlackDriver) -> None:
    if bot.runtime.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    async with bot.runtime.sessions() as session:
        assert (await session.exec(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.exec(text("PRAGMA busy_timeout"))).scalar() == LOCK_TIMEOUT_MS
        assert (await session.exec(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_replica_waits_for_another_replicas_migration_however_long_it_takes(
    empty_database_url: str, connect_directly: Callable[[str], Awaitable[asyncpg.Connection]]
) -> None:
    """The service's short lock_timeout must not make a starting replica give up on the migration lock."""
    database_url = empty_database_url
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; on SQLite replicas wait on a lock file, without a timeout")
    other_replica = await connect_directly(database_url)
    try:
        async with other_replica.transaction():
            await other_replica.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
            migrating = asyncio.create_task(upgrade_async(database_url))
            async with asyncio.timeout(30):  # until the migration waits for the lock …
                while not await other_replica.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ):
                    await asyncio.sleep(0.01)
            await asyncio.sleep(LOCK_TIMEOUT_MS / 1000 + 0.5)  # … then past the service's lock timeout
            assert not migrating.done()  # still waiting its turn, not failed
    finally:
        await other_replica.close()
    await migrating
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar() == HEAD
    await engine.dispose()


async def test_the_migrations_build_the_schema_the_models_describe(empty_database_url: str) -> None:
    """A model changed without its migration (or a migration written by hand that misses something)
    would pass every test on a fresh database built from the models; this compares the two."""
    await upgrade_async(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []
