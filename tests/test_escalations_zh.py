"""Escalations in a campaign that speaks Chinese (`config lang zh-CN`): the channel card, the DM
page and its notification text, the thread, the buttons' answers, the list, the modals and errors.
The English tests (test_escalations.py) pin the English texts; these check that a Chinese team
reads Chinese."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId, CallbackId
from warroom_bot.devtools.driver import ANA, BEN, CHANNEL, COMMANDER, OTHER, SlackDriver
from warroom_bot.devtools.standin import Call
from warroom_bot.models import Campaign

RAISE = "red SKU-9 库存低于安全线"
HEADLINE = "红色 #1 SKU-9 库存低于安全线"


@pytest.fixture
async def chinese_roster(bot: SlackDriver, campaign: Campaign, with_roster: Callable[[], Awaitable[None]]) -> Campaign:
    """A campaign in Chinese with its roster, Ana on tier 1 (Ben her backup)."""
    await bot.ephemeral("config lang zh-CN")
    await with_roster()
    await bot.ephemeral(f"role tier1 <@{ANA}> <@{BEN}>")
    await bot.tick()
    return campaign


def posts(bot: SlackDriver, channel: str) -> list[Call]:
    return [call for call in bot.standin.ok_calls("chat.postMessage") if call.args["channel"] == channel]


def card_post(bot: SlackDriver) -> Call:
    return next(call for call in posts(bot, CHANNEL) if HEADLINE in call.args["text"] and "thread_ts" not in call.args)


def thread(bot: SlackDriver, post: Call) -> list[str]:
    return [
        call.args["text"]
        for call in bot.standin.ok_calls("chat.postMessage")
        if call.args.get("thread_ts") == post.response["ts"]
    ]


def button_texts(message: dict[str, Any]) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def shown(bot: SlackDriver, call: Call) -> dict[str, Any]:
    return bot.standin.messages[(call.response["channel"], call.response["ts"])]


def latin_words(text: str) -> list[str]:
    """Words in Latin letters outside mentions, emoji codes, code spans and `SKU-9`: what is left
    untranslated."""
    text = re.sub(r"<[^<>]*>|:[a-z_]+:|`[^`]*`|SKU-9", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


async def test_a_chinese_campaign_gets_a_chinese_card_page_and_thread(
    bot: SlackDriver, chinese_roster: Campaign
) -> None:
    answer = await bot.ephemeral(RAISE, command="/escalate")
    await bot.tick()
    assert f"已发起 *{HEADLINE}*，处理进展见消息串。" in answer

    post = card_post(bot)
    assert post.args["text"] == f"{HEADLINE} —— 等待确认"
    blocks = json.dumps(post.args["blocks"], ensure_ascii=False)
    assert f"等待确认 · 由 <@{COMMANDER}> 发起" in blocks
    assert button_texts(post.args) == ["确认", "解决"]

    (page,) = posts(bot, ANA)
    assert page.args["text"] == f"{HEADLINE} —— 请在 5分钟内确认"
    assert button_texts(page.args) == ["确认", "解决"]
    assert latin_words(page.args["text"]) == []

    assert thread(bot, post) == [f"由 <@{COMMANDER}> 发起。", f"已呼叫 <@{ANA}>（一线主责），请在 5分钟内确认。"]
    for text in [answer, *thread(bot, post)]:
        assert latin_words(text) == [], text


async def test_an_ack_tap_in_chinese_updates_the_copies_and_a_second_tap_is_refused_in_chinese(
    bot: SlackDriver, chinese_roster: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral(RAISE, command="/escalate")
    await bot.tick()
    (page,) = posts(bot, ANA)
    clock.advance(timedelta(seconds=130))
    assert (await bot.tap(page, ActionId.ACKNOWLEDGE, ANA)).status_code == 200
    await bot.tick()

    post = card_post(bot)
    for copy in (post, page):
        now_shown = shown(bot, copy)
        assert f"<@{ANA}> 于 <!date^" in json.dumps(now_shown["blocks"], ensure_ascii=False)
        assert "确认，响应时长 2分10秒" in now_shown["text"]
        assert button_texts(now_shown) == ["解决"]
    assert f"<@{ANA}> 已确认，响应时长 2分10秒。" in thread(bot, post)

    # The same tap again from a phone still showing the old page: refused, in Chinese.
    assert (await bot.tap(page, ActionId.ACKNOWLEDGE, ANA, stale=True)).status_code == 200
    await bot.tick()
    refusal = bot.standin.ok_calls("response_url")[-1].args["text"]
    assert f"这条消息已过期。#1 已由 <@{ANA}> 确认。未做任何更改。" in refusal

    clock.advance(timedelta(minutes=1))
    double = await bot.ephemeral("ack 1", command="/escalate", user=OTHER)
    assert f"#1 已由 <@{ANA}> 确认（1分钟前）；未做任何更改。" in double


async def test_resolve_list_and_the_exhausted_alert_in_chinese(
    bot: SlackDriver, chinese_roster: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config escalation.repeat 0")
    await bot.ephemeral("config ack.yellow 1m")
    await bot.ephemeral(RAISE, command="/escalate")
    await bot.ephemeral("yellow 投放消耗过快", command="/escalate")
    await bot.tick()
    clock.advance(timedelta(minutes=12))
    listing = (await bot.command("list", command="/escalate")).json()
    assert listing["text"] == "未解决的升级：红色 1 起、黄色 1 起（最久未确认 12分钟）"
    assert "*黄色 #2 投放消耗过快* —— " in listing["blocks"][0]["text"]["text"]

    for _ in range(4):  # the yellow one climbs: Ana, Ben, the commander, then nobody is left
        clock.advance(timedelta(minutes=1))
        await bot.tick()
    alert = [call for call in posts(bot, CHANNEL) if call.args["text"].startswith("<!here>")]
    assert any("黄色 #2 投放消耗过快 无人确认：整条响应链都已呼叫过。" in call.args["text"] for call in alert)

    answer = await bot.ephemeral("resolve 1 已从华东仓补货", command="/escalate", user=ANA)
    assert f"#1 已由 <@{ANA}> 解决。" in answer
    await bot.tick()
    post = card_post(bot)
    assert any(
        line.startswith(f"<@{ANA}> 已解决，历时 ") and "备注：已从华东仓补货" in line for line in thread(bot, post)
    )
    assert button_texts(shown(bot, post)) == []


async def test_the_raise_and_resolve_modals_are_in_chinese(bot: SlackDriver, chinese_roster: Campaign) -> None:
    await bot.command("", command="/escalate")
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert view["title"]["text"] == "发起升级"
    labels = [block["label"]["text"] for block in view["blocks"]]
    assert labels == ["级别", "摘要", "影响范围或 KPI", "详情", "应急预案"]
    options = [option["text"]["text"] for option in view["blocks"][0]["element"]["options"]]
    assert options == ["红色（紧急）", "橙色（高）", "黄色（中）", "蓝色（低）"]

    await bot.ephemeral(RAISE, command="/escalate")
    await bot.tick()
    (page,) = posts(bot, ANA)
    assert (await bot.tap(page, ActionId.RESOLVE, ANA)).status_code == 200
    await bot.tick()
    resolve = (await bot.standin.wait_for("views.open"))[-1].args["view"]
    assert resolve["callback_id"] == CallbackId.RESOLVE_ESCALATION
    assert (resolve["title"]["text"], resolve["submit"]["text"]) == ("解决 #1", "解决")
    assert resolve["blocks"][1]["label"]["text"] == "是怎么解决的？"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("purple 出问题了", "`purple` 不是有效的严重级别"),
        ("red", "升级需要写摘要"),
        ("ack 99", "本活动没有 #99 号升级"),
        ("ack seven", "`seven` 不是升级编号"),
        ("red " + "x" * 201, "摘要最多 200 个字（现在有 201 个）"),
    ],
)
async def test_bad_escalate_commands_are_answered_in_chinese(
    bot: SlackDriver, chinese_roster: Campaign, text: str, problem: str
) -> None:
    answer = await bot.ephemeral(text, command="/escalate")
    assert problem in answer


async def test_a_bad_severity_gives_the_chinese_usage(bot: SlackDriver, chinese_roster: Campaign) -> None:
    answer = await bot.ephemeral("purple 出问题了", command="/escalate")
    assert "用法：`/escalate <blue|yellow|orange|red 或 蓝|黄|橙|红> [plan:<key>] <摘要>" in answer
    assert "/escalate resolve <编号> [备注]" in answer
    typo = await bot.ephemeral("lst", command="/escalate")
    assert "`lst` 既不是升级级别，也不是 /escalate 的子命令。是不是要写 `list`？" in typo
    assert "用法：" in typo


async def test_a_chinese_severity_word_raises_it(bot: SlackDriver, chinese_roster: Campaign) -> None:
    answer = await bot.ephemeral("橙 支付页变慢", command="/escalate")
    assert "已发起 *橙色 #1 支付页变慢*" in answer


async def test_a_bad_role_is_explained_in_chinese(bot: SlackDriver, chinese_roster: Campaign) -> None:
    answer = await bot.ephemeral(f"role tier9 <@{ANA}>")
    assert "`tier9` 不是已知的角色。" in answer and "角色：" in answer
    answer = await bot.ephemeral(f"role lead:marketin <@{ANA}>")
    assert "不是已知的部门。是不是要写 `marketing`？部门：" in answer
