"""The war-room wall over HTTP: the link from `/warroom wall`, the page and its board, revocation,
closing, and what the page may load (tests/test_wall_browser.py opens it in Chromium)."""

from __future__ import annotations

import re

from tests.test_chinese_war_room import english_words
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import CHANNEL, OTHER, SlackDriver
from warroom_bot.models import Campaign

LINK = re.compile(r"(http://127\.0\.0\.1:3000(/wall/wall_[A-Za-z0-9_-]+))")


async def wall_path(bot: SlackDriver, **kwargs: object) -> str:
    answer = await bot.ephemeral("wall", **kwargs)  # type: ignore[arg-type]
    found = LINK.search(answer)
    assert found, answer
    return found.group(2)


async def test_the_link_opens_a_read_only_page_of_this_campaign(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("metric gmv 1234567")
    await bot.ephemeral("target gmv 10m")
    path = await wall_path(bot)
    page = await bot.http.get(path)
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    html = page.text
    assert "<h1>Double 11</h1>" in html and "GMV" in html and "¥1.23m" in html
    assert "<script>" not in html and "style=" not in html and "http" not in html.replace('lang="en"', "")
    board = (await bot.http.get(path + "/board")).json()
    assert set(board) == {"version", "html"} and "¥1.23m" in board["html"]
    weight = len(page.content)
    for name in ("wall.css", "wall.js"):
        weight += len((await bot.http.get(f"/wall/static/{name}")).content)
    assert weight < 200 * 1024


async def test_a_revoked_link_a_closed_campaign_and_a_wrong_token_are_404(bot: SlackDriver, campaign: Campaign) -> None:
    first, second = await wall_path(bot), await wall_path(bot)
    assert "Revoked 2 wall links" in await bot.ephemeral("wall revoke")
    for path in (first, second, first + "/board", "/wall/wall_nope", "/wall/" + "x" * 5000):
        assert (await bot.http.get(path)).status_code == 404, path
    third = await wall_path(bot)
    assert (await bot.http.get(third)).status_code == 200
    await bot.ephemeral("phase closed --force")
    assert (await bot.http.get(third)).status_code == 404


async def test_only_a_manager_makes_or_revokes_a_link(bot: SlackDriver, campaign: Campaign) -> None:
    refused = await bot.ephemeral("wall", user=OTHER)
    assert "Only the commander or whoever started the campaign may make or revoke the war-room wall's links" in refused
    assert "may make or revoke" in await bot.ephemeral("wall revoke", user=OTHER)


async def test_the_cli_prints_a_link(bot: SlackDriver, campaign: Campaign, settings: Settings) -> None:
    import asyncio

    from click.testing import CliRunner

    from warroom_bot.cli import main

    env = {"DATABASE_URL": settings.database_url, "WARROOM_PUBLIC_URL": "https://wall.example.com/"}
    result = await asyncio.to_thread(CliRunner().invoke, main, ["wall", "--campaign", str(campaign.id)], env=env)
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://wall.example.com/wall/wall_")
    assert (await bot.http.get(link.removeprefix("https://wall.example.com"))).status_code == 200


async def test_the_wall_speaks_the_campaigns_language(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("target gmv 10m")
    await bot.ephemeral("metric gmv 1234567")
    await bot.ephemeral("红 南区 SKU-9 跌破安全线", command="/escalate")
    html = (await bot.http.get(await wall_path(bot))).text
    assert 'lang="zh-CN"' in html and "成交额" in html and "未解决的升级" in html and "¥123.5万" in html
    shown = re.sub(r"<[^>]*>", " ", html.split("<body>")[1]).replace(campaign.name, "")  # the text a screen shows
    assert english_words(shown) == []
    assert CHANNEL not in html
