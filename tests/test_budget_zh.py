"""The budget and the KPIs in a campaign that speaks Chinese (`config lang zh-CN`): the table in 万,
the notices, a request card and its buttons, alerts, refusals, Chinese category names as input, and
the answers of `/warroom metric`, `target` and `kpi`. test_budget.py pins the English texts."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from warroom_bot.budget import service as budget
from warroom_bot.core.i18n import speaking
from warroom_bot.core.ids import ActionId
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, LIVE_LINE, OTHER, SlackDriver, kpi_line
from warroom_bot.devtools.standin import Call
from warroom_bot.metrics.render import amount
from warroom_bot.models import Campaign

FINANCE = "U0FINANCE1"


@pytest.fixture
async def chinese(bot: SlackDriver, campaign: Campaign) -> Campaign:
    assert "zh-CN" in await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral(f"role finance <@{FINANCE}>")
    await bot.tick()
    return campaign


@pytest.fixture
async def planned(bot: SlackDriver, chinese: Campaign) -> Campaign:
    assert "预算已制定" in await budget_command(bot, "plan 100万")
    return chinese


async def budget_command(bot: SlackDriver, text: str, user: str = COMMANDER) -> str:
    answer = await bot.ephemeral(text, command="/budget", user=user)
    await bot.tick()
    return answer


async def balances(bot: SlackDriver, campaign: Campaign) -> dict[str, tuple[int, int]]:
    async with bot.runtime.sessions() as session:
        return {line.name: (line.planned, line.spent) for line in await budget.lines_of(session, campaign.id)}


def shown(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        element["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_the_budget_table_is_chinese_with_amounts_in_wan(bot: SlackDriver, planned: Campaign) -> None:
    assert "`线上推广` ¥12万 — 搜索广告" in await budget_command(bot, "spend 线上推广 12万 搜索广告")
    table = (await bot.command("", command="/budget")).json()
    assert table["text"].startswith("预算：已用 13%（活动进度 0%）；预留金剩余 ¥10万")
    blocks = shown(table)
    assert "预算：已用 13%" in blocks and "*预算* · 预算" not in blocks
    for word in ("类目", "计划", "已花", "剩余", "已用", "线上推广", "线下活动", "物料"):
        assert word in blocks
    assert "¥45万" in blocks and "¥12万" in blocks and "¥33万" in blocks and "¥27万" in blocks
    assert "预留金剩余：¥10万" in blocks
    assert "450,000" not in blocks  # 万, as a Chinese team counts
    rows = next(block["text"]["text"] for block in table["blocks"] if "```" in block["text"]["text"])
    lines = rows.strip("`").splitlines()
    assert lines[1].startswith("线上推广    ") and lines[1].endswith("27%")
    assert len({columns(line) for line in lines}) == 1  # a Chinese character takes two columns: figures line up


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


async def test_chinese_category_names_are_aliases_of_the_ascii_keys(bot: SlackDriver, chinese: Campaign) -> None:
    await budget_command(bot, "plan ¥200万 线上推广=70% 线下活动=30% 预留金=15%")
    assert await balances(bot, chinese) == {
        "online": (119_000_000, 0),
        "offline": (51_000_000, 0),
        "reserve": (30_000_000, 0),
    }  # stored under the ASCII keys scripts and the API use
    assert "已完成" in await budget_command(bot, "spend 线上推广 5000")
    assert "已完成" in await budget_command(bot, "spend online 1万")
    assert "已完成" in await budget_command(bot, "move 1万 线下活动 线上推广")
    assert await balances(bot, chinese) == {
        "online": (120_000_000, 1_500_000),
        "offline": (50_000_000, 0),
        "reserve": (30_000_000, 0),
    }
    assert bot.posts(f"预算：<@{COMMANDER}> 调拨：`线下活动` → `线上推广` ¥1万。", channel=CHANNEL)
    async with bot.runtime.sessions() as session:
        entries = await budget.ledger(session, chinese.id)
    assert [(entry.from_line, entry.to_line) for entry in entries[1:]] == [
        ("online", None),
        ("online", None),
        ("offline", "online"),
    ]


async def test_refusals_are_chinese(bot: SlackDriver, planned: Campaign) -> None:
    bad_amount = await budget_command(bot, "spend 线上推广 很多")
    assert "`很多` 不是有效的金额" in bad_amount
    assert "用法：`/budget spend <类目> <金额> [备注] [--over]`" in bad_amount
    short = await budget_command(bot, "spend 物料 20万")
    assert "`物料` 仅剩 ¥18万，不足 ¥20万：未做任何变动" in short and "`--over`" in short
    unknown = await budget_command(bot, "spend 差旅 1k")
    assert "`差旅` 不是预算类目。现有类目：线上推广、线下活动、物料、预留金。" in unknown
    assert "`fly` 不是 /budget 的子命令" in await budget_command(bot, "fly 1k")
    assert "预算已经制定" in await budget_command(bot, "plan 200万")
    assert "`--over` 只能用于 `spend`" in await budget_command(bot, "cut 1万 线上推广 --over")


async def test_a_request_card_its_buttons_and_the_decision_are_chinese(bot: SlackDriver, planned: Campaign) -> None:
    answer = await budget_command(bot, "move 6万 线下活动 线上推广 直播间加投", user=OTHER)
    assert "申请 #1 已提交给财务审批人和指挥官" in answer
    requests = bot.posts("预算申请 #1")
    channel_copy = next(call for call in requests if call.args["channel"] == CHANNEL)
    assert channel_copy.args["text"] == (
        f"预算申请 #1：调拨 `线下活动` → `线上推广` ¥6万，申请人 <@{OTHER}>：等待财务审批人或指挥官审批。"
    )
    assert buttons(channel_copy.args) == ["批准", "驳回"]

    await bot.tap(channel_copy, ActionId.APPROVE, OTHER, stale=True)
    assert "这是你本人提交的申请" in bot.standin.ok_calls("response_url")[-1].args["text"]
    dm: Call = next(call for call in requests if call.args["channel"] == FINANCE)
    await bot.tap(dm, ActionId.APPROVE, FINANCE, stale=True)
    await bot.tick()
    message = bot.standin.messages[(channel_copy.response["channel"], channel_copy.response["ts"])]
    assert f"已由 <@{FINANCE}> 批准" in message["text"] and buttons(message) == []
    assert bot.posts(f"（<@{FINANCE}> 已批准）", channel=CHANNEL)
    await bot.tap(channel_copy, ActionId.REJECT, COMMANDER, stale=True)
    assert (
        f"预算申请 #1 已由 <@{FINANCE}> 批准，本次操作未做任何变动"
        in (bot.standin.ok_calls("response_url")[-1].args["text"])
    )


async def test_an_overspend_alert_is_chinese(bot: SlackDriver, planned: Campaign) -> None:
    await budget_command(bot, "spend 物料 18万")
    await budget_command(bot, "spend 物料 1万 --over")
    (alert,) = bot.posts("预算预警")
    assert alert.args["text"] == "预算预警：`物料`超出计划 5.6%（已花 ¥19万，计划 ¥18万）。"


async def test_metric_answers_and_errors_are_chinese(bot: SlackDriver) -> None:
    await bot.ephemeral(f"start {LIVE_LINE}")
    await bot.ephemeral("config lang zh-CN")
    assert "*成交额(GMV)* 的目标已设为 1200万。" in await bot.ephemeral("target gmv 1200万")
    assert "已记录 gmv = 4000000。" in await bot.ephemeral("metric gmv 4000000")
    lower = await bot.ephemeral("metric gmv 300万")
    assert "这比上一次的数值" in lower and "¥400万" in lower and "累计型指标" in lower
    bad = await bot.ephemeral("metric gmv 很多")
    assert "`很多` 不是有效的数字" in bad and "用法：`/warroom metric <指标> <数值> [维度]`" in bad
    assert "`sales` 不是本活动的指标" in await bot.ephemeral("metric sales 5")
    assert "`metric` 需要指标、数值，维度可选" in await bot.ephemeral("metric gmv")
    assert "已新增指标 `repeat_buyers`（累计型，越高越好）" in await bot.ephemeral(
        "kpi add repeat_buyers cumulative higher"
    )
    assert "已移除指标 `repeat_buyers`" in await bot.ephemeral("kpi remove repeat_buyers")
    await bot.tick()

    status = (await bot.command("status")).json()
    line = kpi_line(status, "成交额(GMV)")
    assert "¥300万" in line and "目标进度" in line
    for label in ("订单量", "客单价", "访客数", "转化率", "新客数", "库存", "响应时长", "客诉量"):
        assert f"*{label}*" in shown(status)


def test_amounts_in_chinese_count_in_wan_and_english_is_unchanged() -> None:
    assert (amount(1_235_000, "¥"), amount(35_200, "¥"), amount(7128, ""), amount(0.9, "s")) == (
        "¥1.24m",
        "¥35.2k",
        "7,128",
        "0.9 s",
    )
    with speaking("zh-CN"):
        assert amount(1_235_000, "¥") == "¥123.5万"
        assert amount(123_000_000, "¥") == "¥1.23亿"
        assert amount(1_234_567, "") == "123.5万"
        assert amount(7128, "") == "7,128"
        assert amount(0.9, "s") == "0.9秒"
