"""Fixtures that run the real service the way Slack drives it.

`bot` starts the FastAPI app (lifespan and all: migrations, scheduler, outbox) on a fresh database,
with its Slack client pointed at an in-process stand-in, and sends it signed requests in Slack's own
shapes. Time is a `ManualClock` the test moves; the scheduler's own tick is slowed to an hour so
that tests decide when due work runs (`bot.tick()`), except where a test checks the scheduler itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlmodel import select

from warroom_bot.app import create_app
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.runtime import Runtime
from warroom_bot.core.settings import Settings, load_settings
from warroom_bot.devtools.slack_requests import SignedRequest, SlackRequestFactory
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Campaign, OutboxMessage
from warroom_bot.scheduler.jobs import tick

SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0WARROOM1"
COMMANDER = "U0COMMAND1"
OTHER = "U0OTHER001"
START_LINE = '"Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai'


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    """The Slack stand-in; when the test ends, every message the bot sent it is checked for mentions
    that Slack would no longer resolve, so each flow the suite drives checks its own renderers."""
    server = await SlackStandIn().start()
    yield server
    await server.stop()
    broken = [(call.method, token) for call in server.calls for token in broken_mentions(call.args)]
    assert not broken, f"mentions Slack would not resolve: {broken}"


_SPECIAL_TOKEN = re.compile(r"<([@!#])([^<>]*)>")
_VALID_TOKEN = {
    "@": re.compile(r"[UW][A-Z0-9]{2,20}(\|[^|]*)?"),
    "!": re.compile(r"(here|channel|everyone)(\|[^|]*)?|date\^\d+\^[^|]*(\|.*)?|subteam\^[A-Z0-9]+(\|.*)?"),
    "#": re.compile(r"C[A-Z0-9]{2,20}(\|[^|]*)?"),
}
_BARE_USER_ID = re.compile(r"(?<![<\w])@[UW][A-Z0-9]{8,}\b")


def broken_mentions(payload: object) -> list[str]:
    """Tokens in a Slack payload's text that are meant as mentions but that Slack would show as
    plain text: `<@u0dan>` (case changed), `@U0DAN0001` (brackets lost), `<!Here>`."""
    text = json.dumps(payload, ensure_ascii=False)
    broken = [
        match.group(0)
        for match in _SPECIAL_TOKEN.finditer(text)
        if not _VALID_TOKEN[match.group(1)].fullmatch(match.group(2))
    ]
    return broken + _BARE_USER_ID.findall(text)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 9, 12, 0, tzinfo=UTC))


POSTGRES_VARIABLE = "WARROOM_TEST_POSTGRES_URL"


def pytest_report_header() -> str:
    server = os.environ.get(POSTGRES_VARIABLE)
    if server:
        return f"databases: SQLite and PostgreSQL at {make_url(server).render_as_string(hide_password=True)}"
    return f"databases: SQLite only; the PostgreSQL runs are skipped ({POSTGRES_VARIABLE} is not set)"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """A fresh, empty database for each test: an SQLite file, and a new PostgreSQL database when
    WARROOM_TEST_POSTGRES_URL names a server (`.ci/run` starts one); every test runs on both."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/warroom.db"
        return
    server = os.environ.get(POSTGRES_VARIABLE)
    if not server:
        pytest.skip(f"PostgreSQL run skipped: no server ({POSTGRES_VARIABLE} is not set; .ci/run starts one)")
    name = f"warroom_test_{uuid.uuid4().hex[:12]}"
    connection = await connect_directly(server)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        yield make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    finally:
        await _drop(connection, name)
        await connection.close()


async def connect_directly(database_url: str) -> asyncpg.Connection:
    """A plain asyncpg connection to the PostgreSQL database `database_url` names, outside the
    service's engine: for creating test databases, or holding locks as another client would."""
    return await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


async def _drop(connection: asyncpg.Connection, name: str) -> None:
    """Drop a test database. An autovacuum worker (the superuser's) may still be on it for a moment,
    and a non-superuser role may not terminate it: wait for it rather than fail the test."""
    for _ in range(50):
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except asyncpg.exceptions.InsufficientPrivilegeError:
            await asyncio.sleep(0.1)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn) -> Settings:
    return load_settings(
        database_url=database_url,
        slack_api_url=standin.api_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        tick_seconds=3600,
    )


class SlackDriver:
    """Sends what Slack would send to `/slack/events`, and reads back what the service stored."""

    def __init__(self, app: FastAPI, http: httpx.AsyncClient, standin: SlackStandIn) -> None:
        self.app = app
        self.http = http
        self.standin = standin
        self.runtime: Runtime = app.state.runtime
        self.requests = SlackRequestFactory(SIGNING_SECRET, response_url_base=standin.url + "response/")

    async def send(self, request: SignedRequest) -> httpx.Response:
        return await self.http.post("/slack/events", content=request.body, headers=request.headers)

    async def command(
        self, text: str, *, user: str = COMMANDER, channel: str = CHANNEL, command: str = "/warroom"
    ) -> httpx.Response:
        return await self.send(self.requests.slash_command(command, text, user_id=user, channel_id=channel))

    async def ephemeral(self, text: str, **kwargs: Any) -> str:
        """Run a command and return the text of the answer only the caller sees."""
        response = await self.command(text, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["response_type"] == "ephemeral"
        return body["text"]

    async def tick(self) -> None:
        await tick(self.runtime)

    async def campaigns(self) -> list[Campaign]:
        async with self.runtime.sessions() as session:
            return list((await session.exec(select(Campaign))).all())

    async def outbox(self) -> list[OutboxMessage]:
        async with self.runtime.sessions() as session:
            return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def running(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as http:
            yield SlackDriver(app, http, standin)


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    async for driver in running(settings, clock, standin):
        yield driver


@pytest.fixture
async def campaign(bot: SlackDriver) -> Campaign:
    """A campaign started in CHANNEL by COMMANDER, its announcement delivered."""
    await bot.ephemeral(f"start {START_LINE}")
    await bot.standin.wait_for("chat.postMessage")
    (started,) = await bot.campaigns()
    return started
