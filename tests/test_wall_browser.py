"""The war-room wall in a real browser: Debian's Chromium, headless, driven by Playwright, against
the service listening on loopback (uvicorn, as `warroom serve` runs it).

Checked: the first render from `/warroom wall`'s link shows the campaign's KPIs; `/warroom metric
gmv 777777` appears on the open page within 5 s without a reload; the page says it is stale while
the service is down and recovers by itself once it is back; a revoked link gets 404.

Without Chromium the test skips and says how to install it; with WARROOM_REQUIRE_BROWSER=1 (CI) it
fails instead. WARROOM_WALL_SCREENSHOT=docs/wall.png saves the 1920×1080 screenshot the README shows.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.test_transcript_browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from warroom_bot.app import create_app
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import ANA, BEN, COMMANDER, SHANGHAI, SlackDriver, local
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.server import server_config

pytestmark = pytest.mark.slow
# Whether the GMV tile shows a value (the board is redrawn, so it is looked up afresh each time).
GMV_SHOWS = """value => [...document.querySelectorAll('article.tile')]
    .some(tile => tile.querySelector('h2').textContent === 'GMV' && tile.querySelector('.value').textContent === value)"""
LINK = re.compile(r"http://127\.0\.0\.1:\d+/wall/wall_[A-Za-z0-9_-]+")


@asynccontextmanager
async def listening(app: object, port: int = 0) -> AsyncIterator[uvicorn.Server]:
    """uvicorn serving `app` on loopback (its lifespan run by the caller), until the block ends."""
    config = server_config(app, "127.0.0.1", port)
    config.lifespan = "off"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        await task


def port_of(server: uvicorn.Server) -> int:
    return int(server.servers[0].sockets[0].getsockname()[1])


async def test_the_wall_shows_the_kpis_and_a_new_reading_within_five_seconds(
    settings: Settings, clock: ManualClock, standin: SlackStandIn, tmp_path: Path
) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    app = create_app(settings, clock)
    async with app.router.lifespan_context(app), listening(app) as server:
        port = port_of(server)
        app.state.runtime.settings.public_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            bot = SlackDriver(http, standin=standin, runtime=app.state.runtime)
            link = await a_live_campaign(bot, clock)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
                    errors: list[str] = []
                    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
                    await page.goto(link, wait_until="load")
                    tiles = page.locator("article.tile h2")
                    assert "GMV" in await tiles.all_inner_texts()
                    assert await page.locator("h1").inner_text() == "Double 11"
                    shot = Path(os.environ.get("WARROOM_WALL_SCREENSHOT", tmp_path / "wall.png"))
                    await page.screenshot(path=str(shot))

                    await bot.ephemeral("metric gmv 777777")
                    await page.wait_for_function(GMV_SHOWS, arg="¥777.8k", timeout=5000)
                    assert page.url == link  # no reload: the board was redrawn in place

                    assert errors == [], errors
                finally:
                    await browser.close()

            await bot.ephemeral("wall revoke")
            assert (await http.get(link.removeprefix(f"http://127.0.0.1:{port}"))).status_code == 404


async def test_the_wall_says_it_is_stale_while_the_service_is_down_and_recovers(
    settings: Settings, clock: ManualClock, standin: SlackStandIn
) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        async with listening(app) as server:
            port = port_of(server)
            app.state.runtime.settings.public_url = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                link = await a_live_campaign(SlackDriver(http, standin=standin, runtime=app.state.runtime), clock)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1920, "height": 1080})
                async with listening(app, port):
                    await page.goto(link, wait_until="load")
                    assert await page.locator("#stale").is_hidden()
                # The service is down: within the stale limit (15 s) and a poll, the page says so.
                await page.wait_for_selector("#stale", state="visible", timeout=20_000)
                async with listening(app, port) as server:
                    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                        bot = SlackDriver(http, standin=standin, runtime=app.state.runtime)
                        await bot.ephemeral("metric gmv 888888")
                    await page.wait_for_selector("#stale", state="hidden", timeout=5000)
                    await page.wait_for_function(
                        "() => document.querySelector('#board').textContent.includes('¥888.9k')", timeout=5000
                    )
            finally:
                await browser.close()


async def a_live_campaign(bot: SlackDriver, clock: ManualClock) -> str:
    """A live Double 11 with targets, a day of hourly readings (through the REST API), an
    escalation, a budget, two tasks and a key moment; the wall's link."""
    bot.standin.add_user(BEN, "ben")
    clock.set(local("2026-11-11T14:20", SHANGHAI))
    await bot.ephemeral('start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
    for command in (
        f"role lead:supply_chain <@{ANA}>",
        f"role tier1 <@{BEN}>",
        "target gmv 10m",
        "target orders 50000",
        "target visitors 1500000",
        "target inventory 1000",
        "target complaints 60",
    ):
        await bot.ephemeral(command)
    (campaign,) = await bot.campaigns()
    readings = []
    for hour in range(15):  # midnight to 14:00: a fifth of the day's sales in the first hour, then steady
        at = local(f"2026-11-11T{hour:02d}:10", SHANGHAI).isoformat()
        share = 0.2 + 0.8 * hour / 14
        readings += [
            {"kpi": "gmv", "value": round(5_200_000 * share), "at": at},
            {"kpi": "orders", "value": round(26_100 * share), "at": at},
            {"kpi": "visitors", "value": round(800_000 * share), "at": at},
            {"kpi": "inventory", "value": 1500 - 57 * hour, "at": at},
            {"kpi": "response_time", "value": 0.6 + 0.02 * (hour % 5), "at": at},
            {"kpi": "complaints", "value": hour, "at": at},
        ]
    readings.append({"kpi": "inventory", "value": 420, "dimension": "South", "at": readings[-1]["at"]})
    sent = await bot.http.post(
        f"/api/campaigns/{campaign.id}/metrics", json={"readings": readings}, headers=await bot.bearer(campaign.id)
    )
    assert sent.status_code == 200, sent.text
    await bot.ephemeral("plan 500k", command="/budget")
    await bot.ephemeral("spend online 210k search ads", command="/budget")
    await bot.ephemeral("orange Courier pickups late in the North", command="/escalate")
    await bot.ephemeral("ack 1", command="/escalate", user=BEN)
    bot.standin.add_user(ANA, "ana")
    await bot.ephemeral(f'task add "Recount SKU-9 in the South warehouse" <@{ANA}> 15:00')
    await bot.ephemeral('task add "Brief the evening shift" lead:customer_service 18:00')
    await bot.ephemeral('moment 20:00 "Evening flash sale"')
    answer = await bot.ephemeral("wall", user=COMMANDER)
    found = LINK.search(answer)
    assert found, answer
    return found.group(0)
