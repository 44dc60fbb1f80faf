"""The async database engine, sessions and migrations.

SQLite (the default) runs in WAL mode with a busy timeout so that the web requests, the scheduler's
tick and a second process can share one file; PostgreSQL is used when `DATABASE_URL` says so.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"
# How long a statement waits for a lock another connection holds (SQLite's busy timeout, PostgreSQL's
# lock_timeout): short enough that a slash command still answers (with UNAVAILABLE) inside Slack's 3 s.
LOCK_TIMEOUT_MS = 2000
# PostgreSQL's "lock_not_available", raised when lock_timeout runs out.
LOCK_NOT_AVAILABLE = "55P03"
# The PostgreSQL advisory lock replicas take turns on to migrate (see migrations/env.py); any number
# the database's other users do not take.
MIGRATION_LOCK_KEY = 0x57A2_2008

# aiosqlite gives each connection its own thread, and they all contend for the GIL: under the load
# bench 2 connections served 175 commands/s, 4 served 114 and SQLAlchemy's default of 15 about 150.
# SQLite takes one writer at a time anyway.
SQLITE_POOL_SIZE = 2

UNAVAILABLE = "The database is busy or out of reach for a moment; nothing was changed. Please try again."
# What the database being locked, restarted or cut off raises (asyncpg's refused connection is not wrapped).
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeoutError, ConnectionError)

Sessions = async_sessionmaker[AsyncSession]


class Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: Stored) -> int:
    """The primary key of a row read from the database or flushed to it (only a new row has none yet)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it has not been flushed to the database")
    return row.id


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        server_settings = {"lock_timeout": str(LOCK_TIMEOUT_MS)}
        return create_async_engine(url, pool_pre_ping=True, connect_args={"server_settings": server_settings})
    pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 0} if _sqlite_file(url) else {}
    engine = create_async_engine(url, connect_args={"timeout": LOCK_TIMEOUT_MS / 1000}, **pool)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _sqlite_file(url: URL) -> bool:
    """An SQLite database in a file, rather than in memory (which has its own pool and no lock file)."""
    return url.database not in (None, "", ":memory:")


def own_pool_possible(engine: AsyncEngine) -> bool:
    """Whether a second engine on `engine`'s URL reaches the same database (an in-memory SQLite
    database exists only inside its own engine)."""
    return engine.dialect.name != "sqlite" or _sqlite_file(engine.url)


def unavailable(error: BaseException) -> bool:
    """Whether `error` is the database being locked or out of reach: worth a retry, not a bug."""
    if isinstance(error, DBAPIError):
        locked = getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE
        return isinstance(error, OperationalError) or error.connection_invalidated or locked
    return isinstance(error, UNAVAILABLE_ERRORS)


def create_sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Apply every migration (`warroom db upgrade`; also run when the service starts).

    Replicas started together on a new database take turns, or both would create the same tables:
    on SQLite through a lock file beside the database, on PostgreSQL through an advisory lock taken
    in the migration's own transaction (see migrations/env.py)."""
    with _sqlite_migration_lock(database_url):
        command.upgrade(alembic_config(database_url), "head")


@contextmanager
def _sqlite_migration_lock(database_url: str) -> Iterator[None]:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not _sqlite_file(url):
        yield
        return
    with open(f"{url.database}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


async def upgrade_async(database_url: str) -> None:
    """`upgrade` from inside a running event loop (Alembic's async env needs a loop of its own),
    skipped when the database is already at the latest revision: the usual start, which then costs
    one query instead of Alembic's whole run."""
    if await _revision(database_url) != head_revision():
        await asyncio.to_thread(upgrade, database_url)


@functools.cache
def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


async def _revision(database_url: str) -> str | None:
    """The database's Alembic revision; None for a new database (or one that cannot say)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except DBAPIError:
        return None
    finally:
        await engine.dispose()
