"""A campaign's pull source: fetched before each digest; a failing one is named, never skipped.

The stand-in BI endpoint is on loopback, so these tests turn WARROOM_PULL_ALLOW_PRIVATE on (in the
environment, where both the service and `/warroom config` read it); tests/test_pull_hostile.py checks
the address guard with it off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import select

from warroom_bot.core.clock import ManualClock
from warroom_bot.devtools.driver import LIVE_LINE, SlackDriver, kpi_line
from warroom_bot.metrics import pull
from warroom_bot.models import Campaign, Reading


@pytest.fixture(autouse=True)
def private_sources_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the `settings` fixture reads the environment."""
    monkeypatch.setenv("WARROOM_PULL_ALLOW_PRIVATE", "true")


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
    await bot.ephemeral(f"start {LIVE_LINE}")
    await bot.ephemeral("target gmv 4m")
    assert f"`pull.url` is now `{endpoint.url}`" in await bot.ephemeral(f"config pull.url <{endpoint.url}>")
    await bot.tick()  # schedules the first slot, 13:00
    (campaign,) = await bot.campaigns()
    return campaign


async def settled_digest(bot: SlackDriver, before: int) -> dict[str, Any]:
    """The next digest to reach the channel, once the background pulls the tick started are done."""
    await pull.puller(bot.runtime).settle()
    async with asyncio.timeout(10):
        while len(bot.digests()) == before:
            await asyncio.sleep(0.01)
    return bot.digests()[-1]


async def next_digest(bot: SlackDriver, clock: ManualClock) -> dict[str, Any]:
    """Move to the next slot and tick: a campaign with a pull source has its digest posted by a
    background task the tick starts."""
    before = len(bot.digests())
    clock.advance(timedelta(hours=1))
    await bot.tick()
    return await settled_digest(bot, before)


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
        (500, {"error": "boom"}, 0.0, "it answered with an HTTP error status"),
        (404, {"error": "boom"}, 0.0, "it answered with an HTTP error status"),
        (200, "<html>maintenance</html>", 0.0, "it did not answer JSON"),
        (200, {"rows": []}, 0.0, "its JSON has no list of readings"),
        (
            200,
            [{"kpi": "gmv", "value": 5}, {"kpi": "sales", "value": 1}],
            0.0,
            "1 of its readings are not valid (row 2: its `kpi` is not a KPI of this campaign)",
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
    assert "HTTP 5" not in posted["text"] and "HTTP 4" not in posted["text"]  # a category, not the status
    assert "sales" not in posted["text"] and "boom" not in posted["text"]  # nothing the source sent
    assert "¥1.00m vs" in kpi_line(posted, "GMV")  # the digest still came, with what was known
    async with bot.runtime.sessions() as session:
        sources = {reading.source for reading in (await session.exec(select(Reading))).all()}
    assert sources == {"slack"}  # nothing of a bad answer was stored


async def test_a_pull_url_must_be_a_url(bot: SlackDriver) -> None:
    await bot.ephemeral(f"start {LIVE_LINE}")
    assert "not a URL" in await bot.ephemeral("config pull.url ftp://example")
    assert "`pull.url` is now `none`" in await bot.ephemeral("config pull.url none")


async def test_a_batch_is_stored_whole_or_not_at_all_and_rows_are_named_by_number_only(
    bot: SlackDriver, pulling: Campaign, endpoint: BiEndpoint, clock: ManualClock
) -> None:
    endpoint.body = [
        {"kpi": "gmv", "value": 1_000_000},
        {"kpi": "gmv", "value": "<script>SECRET-VALUE</script>"},
        {"kpi": "gmv", "value": 5, "at": "SECRET-TIME"},
        {"kpi": "gmv", "value": 5, "dimension": "SECRET-" * 20},
        "SECRET-ROW",
    ]
    posted = await next_digest(bot, clock)
    assert "4 of its readings are not valid (row 2: its `value` is not a number the KPI takes)" in posted["text"]
    assert "SECRET" not in str(posted)
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Reading))).all() == []  # not even row 1

    for row, kind in [
        ({"kpi": "gmv", "value": 5, "at": "SECRET-TIME"}, "its `at` is not a time"),
        ({"kpi": "gmv", "value": 5, "dimension": "SECRET-" * 20}, "its `dimension` is longer than 60 characters"),
        ("SECRET-ROW", "it is not an object"),
    ]:
        endpoint.body = [{"kpi": "gmv", "value": 1}, row]
        posted = await next_digest(bot, clock)
        assert f"1 of its readings are not valid (row 2: {kind}" in posted["text"]
        assert "SECRET" not in str(posted)


async def test_a_query_string_is_not_shown_or_logged(
    bot: SlackDriver, endpoint: BiEndpoint, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An API key in the query stays out of the channel and the log (a user name or password in the
    URL is refused when it is set: tests/test_pull_hostile.py)."""
    await bot.ephemeral(f"start {LIVE_LINE}")
    assert "SECRET-TOKEN" not in await bot.ephemeral(f"config pull.url {endpoint.url}?token=SECRET-TOKEN")
    assert "SECRET-TOKEN" not in await bot.ephemeral("status")
    (campaign,) = await bot.campaigns()
    for route in ("", "/audit"):
        served = await bot.http.get(f"/api/campaigns/{campaign.id}{route}", headers=await bot.bearer())
        assert served.status_code == 200 and "SECRET-TOKEN" not in served.text and "?…" in served.text
    await bot.tick()
    endpoint.status = 500
    with caplog.at_level("DEBUG"):
        posted = await next_digest(bot, clock)
    assert f"Pull source {endpoint.url}?… failed: it answered with an HTTP error status" in posted["text"]
    assert "SECRET-TOKEN" not in str(posted)
    assert "SECRET-TOKEN" not in caplog.text
    assert f"{endpoint.url}?…" in caplog.text  # the operator still sees which source failed


async def test_a_manual_digest_of_a_pulling_campaign_can_be_asked_for_once_a_minute(
    bot: SlackDriver, pulling: Campaign, endpoint: BiEndpoint, clock: ManualClock
) -> None:
    assert "Posting the status digest" in await bot.ephemeral("digest")
    refused = await bot.ephemeral("digest")
    assert "once every 1m: ask again in 60 s" in refused
    clock.advance(timedelta(seconds=59))
    assert "ask again in 1 s" in await bot.ephemeral("digest")
    clock.advance(timedelta(seconds=1))
    assert "Posting the status digest" in await bot.ephemeral("digest")
    async with asyncio.timeout(10):
        while len(bot.digests()) < 2:
            await asyncio.sleep(0.01)
    assert endpoint.hits == 2  # a refused request fetched nothing


@pytest.mark.parametrize(
    ("status", "body", "delay", "problem", "logged"),
    [
        (500, {"error": "boom"}, 0.0, "它返回了 HTTP 错误状态", "it answered with an HTTP error status"),
        (200, "<html>maintenance</html>", 0.0, "它返回的不是 JSON", "it did not answer JSON"),
        (200, {"rows": []}, 0.0, '它的 JSON 里没有数据列表（应为 {"readings": [...]}）', "its JSON has no list"),
        (200, [], 1.0, "0.2 秒内无响应", "no answer within 0.2 s"),
    ],
)
async def test_a_chinese_campaign_reads_why_its_pull_source_failed_in_chinese(
    bot: SlackDriver,
    pulling: Campaign,
    endpoint: BiEndpoint,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: Any,
    delay: float,
    problem: str,
    logged: str,
) -> None:
    """The digest says it in the campaign's language; the log keeps English for the operator."""
    await bot.ephemeral("config lang zh-CN")
    monkeypatch.setattr(pull, "PULL_TIMEOUT_SECONDS", 0.2)
    endpoint.status, endpoint.body, endpoint.delay = status, body, delay
    assert "正在频道里发布战报" in await bot.ephemeral("digest")
    await pull.puller(bot.runtime).settle()
    async with asyncio.timeout(10):
        while not bot.posts(f"数据源 {endpoint.url} 拉取失败"):
            await asyncio.sleep(0.01)
    (posted,) = bot.posts(f"数据源 {endpoint.url} 拉取失败")
    assert f"数据源 {endpoint.url} 拉取失败：{problem}" in posted.args["text"]
    assert logged in caplog.text
    assert "请 60 秒后再试" in await bot.ephemeral("digest")
