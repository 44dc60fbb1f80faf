"""The database locked or out of reach for a moment: Slack users and API clients get a clear answer,
nothing is half-applied, and everything works again once the database is back."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import START_LINE, SlackDriver, in_process
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Reading, RoleAssignment

UNAVAILABLE = "The database is busy or out of reach for a moment"


class CuttableProxy:
    """A loopback TCP proxy in front of the database server. `cut()` resets every connection and
    refuses new ones, as a network partition or a database restart would; `restore()` ends it."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def restore(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _pipe(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        self._open |= {client_writer, server_writer}
        try:
            await asyncio.gather(_copy(client_reader, server_writer), _copy(server_reader, client_writer))
        finally:
            for writer in (client_writer, server_writer):
                self._open.discard(writer)
                writer.transport.abort()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.transport.abort()


@pytest.fixture
async def proxied(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[tuple]:
    """The service reaching its PostgreSQL database through a `CuttableProxy`."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("only a database server can be out of reach; SQLite's nearest equivalent is the lock test")
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.restore()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        async with in_process(settings.model_copy(update={"database_url": through_proxy}), clock, standin) as bot:
            yield bot, proxy
    finally:
        if proxy._server is not None:
            proxy._server.close()


async def _roster(bot: SlackDriver) -> list[tuple[str, str]]:
    async with bot.runtime.sessions() as session:
        rows = (await session.exec(select(RoleAssignment))).all()
    return sorted((row.role, row.primary_user) for row in rows)


async def _readings(bot: SlackDriver) -> list[Reading]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(Reading))).all())


async def test_a_database_out_of_reach_gets_a_clear_answer_and_works_again_after(proxied: tuple) -> None:
    bot, proxy = proxied
    await bot.ephemeral(f"start {START_LINE}")
    (campaign,) = await bot.campaigns()
    headers = await bot.bearer(campaign.id)
    roster = await _roster(bot)

    await proxy.cut()
    assert UNAVAILABLE in await bot.ephemeral("role tier1 <@U0TIER1001>")
    batch = {"readings": [{"kpi": "gmv", "value": 1}]}
    response = await bot.http.post(f"/api/campaigns/{campaign.id}/metrics", json=batch, headers=headers)
    assert response.status_code == 503 and UNAVAILABLE in response.json()["detail"]
    assert response.headers["retry-after"]

    await proxy.restore()
    assert await _roster(bot) == roster  # nothing of the refused command was stored
    assert "tier1" in await bot.ephemeral("role tier1 <@U0TIER1001>")
    assert await _roster(bot) == sorted([*roster, ("tier1", "U0TIER1001")])
    response = await bot.http.post(f"/api/campaigns/{campaign.id}/metrics", json=batch, headers=headers)
    assert response.json() == {"stored": 1}


@asynccontextmanager
async def _another_writer_holding_locks(
    database_url: str, connect_directly: Callable[[str], Awaitable[asyncpg.Connection]]
) -> AsyncIterator[None]:
    """A second connection holding the write locks, as a long migration, backup or batch job would:
    on SQLite the whole file, on PostgreSQL the tables the test writes to."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    other = await connect_directly(database_url)
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE roleassignment, reading IN EXCLUSIVE MODE")
            yield
    finally:
        await other.close()


async def test_a_locked_database_gets_a_clear_answer_in_time_and_changes_nothing(
    bot: SlackDriver, settings: Settings, connect_directly: Callable[[str], Awaitable[asyncpg.Connection]]
) -> None:
    await bot.ephemeral(f"start {START_LINE}")
    (campaign,) = await bot.campaigns()
    headers = await bot.bearer(campaign.id)
    roster = await _roster(bot)

    async with _another_writer_holding_locks(settings.database_url, connect_directly):
        # Slack gives up after 3 s: the answer must come back before, not when the lock goes.
        answer = await asyncio.wait_for(bot.ephemeral("role tier1 <@U0TIER1001>"), timeout=3)
        assert UNAVAILABLE in answer
        batch = {"readings": [{"kpi": "gmv", "value": 1}]}
        sending = bot.http.post(f"/api/campaigns/{campaign.id}/metrics", json=batch, headers=headers)
        response = await asyncio.wait_for(sending, timeout=3)
        assert response.status_code == 503 and UNAVAILABLE in response.json()["detail"]

    assert await _roster(bot) == roster and await _readings(bot) == []
    assert "tier1" in await bot.ephemeral("role tier1 <@U0TIER1001>")
