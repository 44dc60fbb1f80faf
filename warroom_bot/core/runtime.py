"""What every listener, job and API route shares: settings, clock, database, Slack client, outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core import telemetry
from warroom_bot.core.clock import Clock, ScaledClock, SystemClock
from warroom_bot.core.db import Sessions, create_engine, create_sessions, own_pool_possible
from warroom_bot.core.outbox import OutboxSender, enqueued_in
from warroom_bot.core.people import People
from warroom_bot.core.settings import Settings
from warroom_bot.core.slack import create_client


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: Sessions
    client: AsyncWebClient
    outbox: OutboxSender
    people: People
    # The scheduler's due work and the outbox use their own connection pool (`background`): under a
    # burst of slash commands they never queue for a connection behind the requests.
    background_engine: AsyncEngine

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        if clock is None and settings.simulated_start is not None:
            clock = ScaledClock(settings.simulated_start, settings.simulated_speed, anchor=settings.simulated_anchor)
        clock = clock or SystemClock()
        engine = create_engine(settings.database_url)
        background_engine = create_engine(settings.database_url) if own_pool_possible(engine) else engine
        client = create_client(settings)
        outbox = OutboxSender(
            create_sessions(background_engine),
            client,
            clock,
            concurrency=settings.outbox_concurrency,
            channel_rate=settings.outbox_channel_rate,
        )
        people = People(client, clock)
        return cls(settings, clock, engine, create_sessions(engine), client, outbox, people, background_engine)

    def background(self) -> Runtime:
        """This runtime on the background pool, for the scheduler's jobs."""
        return replace(self, engine=self.background_engine, sessions=create_sessions(self.background_engine))

    async def dispose(self) -> None:
        """Close every pooled connection (at shutdown)."""
        await self.engine.dispose()
        await self.background_engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and then, if it enqueued messages, wakes the outbox."""
        async with self.sessions() as session:
            with telemetry.DB_WAIT.time():
                await session.connection()
            yield session
            await session.commit()
            if enqueued_in(session):
                self.outbox.wake()
