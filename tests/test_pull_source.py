"""A campaign's pull source: fetched before each digest; a failing one is named, never skipped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import select

from models import Campaign, Reading
from tests.conftest import SlackDriver
from tests.test_digest import LIVE, digests, kpi_line
from warroom_bot import pull
from warroom_bot.clock import ManualClock


class BiEndpoint:
    """A stand-in BI endpoint on loopback: answers `body` with `status`, after `delay` seconds."""

    def __init__(self) -> None:
        self.body: Any = {"readings": []}
        self.status = 200
        self.delay = 0.0
        self.hits = 0
        self.url = ""

    async def handle(self, _request: web.Request) -> web.StreamResponse:
        self.hits += 1
        await asyncio.sleep(self.delay)
        if isinstance(self.body, str):
            return web.Response(text=self.body, status=self.status)
        return web.json_response(self.body, status=self.status)


@pytest.fixture
async def endpoint() -> AsyncIterator[BiEndpoint]:
    bi = BiEndpoint()
    app = web.Application()
    app.router.add_get("/readings", bi.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    bi.url = f"http://127.0.0.1:{runner.addresses[0][1]}/readings"
    yield bi
    await runner.cleanup()


@pytest.fixture
async def pulling(bot: SlackDriver, endpoint: BiEndpoint) -> Campaign:
    await bot.ephemeral(f"start {LIVE}")
    await bot.ephemeral("target gmv 4m")
    assert f"`pull.url` is now `{endpoint.url}`" in await bot.ephemeral(f"config pull.url <{endpoint.url}>")
    await bot.tick()  # schedules the first slot, 13:00
    (campaign,) = await bot.campaigns()
    return campaign


async def next_digest(bot: SlackDriver, clock: ManualClock) -> dict[str, Any]:
    clock.advance(timedelta(hours=1))
    await bot.tick()
    return digests(bot.standin)[-1]


async def test_readings_from_the_pull_source_are_in_the_digest(
    bot: SlackDriver, pulling: Campaign, endpoint: BiEndpoint, clock: ManualClock
) -> None:
    endpoint.body = {"readings": [{"kpi": "gmv", "value": 1_300_000, "dimension": ""}]}
    posted = await next_digest(bot, clock)
    assert endpoint.hits == 1
    assert "¥1.30m vs ¥1.08m to date" in kpi_line(posted, "GMV")  # 13 of 48 hours: 1.083m due
    assert "Pull source" not in posted["text"]


@pytest.mark.parametrize(
    ("status", "body", "delay", "problem"),
    [
        (500, {"error": "boom"}, 0.0, "it answered HTTP 500"),
        (200, "<html>maintenance</html>", 0.0, "it did not answer JSON"),
        (200, {"rows": []}, 0.0, "its JSON has no list of readings"),
        (
            200,
            [{"kpi": "gmv", "value": 5}, {"kpi": "sales", "value": 1}],
            0.0,
            "1 of its readings are not valid (row 2",
        ),
        (200, [], 1.0, "no answer within 0.2 s"),
    ],
)
async def test_a_failing_pull_source_is_named_in_the_digest(
    bot: SlackDriver,
    pulling: Campaign,
    endpoint: BiEndpoint,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    body: Any,
    delay: float,
    problem: str,
) -> None:
    monkeypatch.setattr(pull, "PULL_TIMEOUT_SECONDS", 0.2)
    endpoint.status, endpoint.body, endpoint.delay = status, body, delay
    await bot.ephemeral("metric gmv 1m")
    posted = await next_digest(bot, clock)

    assert f"Pull source {endpoint.url} failed: {problem}" in posted["text"]
    assert problem in posted["blocks"][1]["text"]["text"]
    assert "¥1.00m vs" in kpi_line(posted, "GMV")  # the digest still came, with what was known
    async with bot.runtime.sessions() as session:
        sources = {reading.source for reading in (await session.exec(select(Reading))).all()}
    assert sources == {"slack"}  # nothing of a bad answer was stored


async def test_a_pull_url_must_be_a_url(bot: SlackDriver) -> None:
    await bot.ephemeral(f"start {LIVE}")
    assert "not a URL" in await bot.ephemeral("config pull.url ftp://example")
    assert "`pull.url` is now `none`" in await bot.ephemeral("config pull.url none")
