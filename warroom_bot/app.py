"""`create_app()`: the FastAPI service with Bolt, the REST API and the scheduler wired together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy import text

import handlers
from scheduler import Ticker
from warroom_bot import __version__, api
from warroom_bot.clock import Clock
from warroom_bot.db import UNAVAILABLE, UNAVAILABLE_ERRORS, unavailable, upgrade_async
from warroom_bot.runtime import Runtime
from warroom_bot.settings import Settings
from warroom_bot.slack import create_bolt_app

log = logging.getLogger(__name__)


class Service:
    """The runtime, the Bolt app and the scheduler; started and stopped as one (HTTP or Socket Mode)."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.runtime = Runtime.build(settings, clock)
        self.bolt: AsyncApp = create_bolt_app(settings, self.runtime.client)
        handlers.register(self.bolt, self.runtime)
        self.ticker = Ticker(self.runtime)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        """Migrate the database, start the tick, and on exit stop it all cleanly."""
        await upgrade_async(self.runtime.settings.database_url)
        self.ticker.start()
        self.runtime.outbox.wake()
        try:
            yield self
        finally:
            await self.ticker.stop()
            await self.runtime.outbox.close()
            await self.runtime.engine.dispose()
            log.info("warroom-bot stopped cleanly")


async def _database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    """503 and a retry hint for the database being locked or out of reach; other errors stay 500s."""
    if not unavailable(error):
        raise error
    log.warning("database unavailable: %s", error)
    return JSONResponse({"detail": UNAVAILABLE}, status_code=503, headers={"Retry-After": "2"})


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    service = Service(settings, clock)
    slack_handler = AsyncSlackRequestHandler(service.bolt)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with service.running():
            yield

    app = FastAPI(title="warroom-bot", version=__version__, lifespan=lifespan)
    app.state.runtime = service.runtime
    app.state.service = service
    app.include_router(api.router)
    for error_type in UNAVAILABLE_ERRORS:
        app.add_exception_handler(error_type, _database_unavailable)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request):  # type: ignore[no-untyped-def]
        """Slash commands, interactivity and events: one URL, verified and routed by Bolt."""
        return await slack_handler.handle(request)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        """The process can reach its database."""
        try:
            async with service.runtime.sessions() as session:
                await session.exec(text("SELECT 1"))
        except Exception as error:
            return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app
