"""A war room in Simplified Chinese, end to end: everything a person reads (help, status, a
malformed command's error, the digest, an escalation's channel post and page, the budget table,
the retro form, the report) is Chinese, apart from names, numbers, mentions and what sits in code
spans (KPI keys, commands). Any English sentence left untranslated shows up here as its words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import ANA, BEN, CHANNEL, CHO, COMMANDER, SlackDriver, in_process, local
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Phase

# Words that stay as they are in a Chinese war room: abbreviations, the time zone, the bot's own
# name, and the ASCII keys people type (phases, KPIs, budget categories), shown beside their Chinese.
KEPT = set(
    [
        "GMV",
        "ROI",
        "SKU",
        "UTC",
        "KPI",
        "CRM",
        "ERP",
        "MTTA",
        "MTTR",
        "JSON",
        "Markdown",
        "Asia",
        "Shanghai",
        "warroom",
        "bot",
        "Slack",
    ]
)
KEYS = {phase.value for phase in Phase} | set(
    ["gmv", "orders", "inventory", "online", "offline", "materials", "reserve"]
)
KEYS |= set(["low", "medium", "high", "critical"])  # the severities' English aliases, listed in help


def english_words(text: str) -> list[str]:
    """The words of `text` in Latin letters (3 or more), outside code spans, mentions, links,
    dates, emoji codes and the names kept."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)  # <@U…>, <!date…>, <https://…|…>
    text = re.sub(r":[a-z0-9_+-]+:", " ", text)  # :red_circle:
    text = re.sub(r"\bSKU-\d+\b|@[a-z]+\b|/warroom [a-z]+|/(escalate|budget)\b", " ", text)  # names, commands
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in KEPT | KEYS]


def readable(value: Any) -> list[str]:
    """Every text a person reads in a message or a view: `text` fields, labels, placeholders."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("text", "title", "label", "placeholder", "submit", "close") and isinstance(item, str):
                found.append(item)
            elif key not in ("action_id", "block_id", "callback_id", "value", "private_metadata", "url", "type"):
                found += readable(item)
    elif isinstance(value, list):
        for item in value:
            found += readable(item)
    return found


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    """The service with WARROOM_LANG=zh-CN, so the campaign started below speaks Chinese."""
    async with in_process(settings.model_copy(update={"default_language": "zh-CN"}), clock, standin) as driver:
        yield driver


async def test_a_chinese_war_room_reads_chinese_from_help_to_report(bot: SlackDriver, clock: ManualClock) -> None:
    read: list[tuple[str, str]] = []  # (where, text) of every answer and message

    async def ask(text: str, command: str = "/warroom") -> str:
        answer = await bot.ephemeral(text, command=command)
        read.append((f"{command} {text}", answer))
        return answer

    for user, name in ((ANA, "ana"), (BEN, "ben"), (CHO, "cho"), (COMMANDER, "mei")):
        bot.standin.add_user(user, name)
    clock.set(local("2026-11-10T20:30"))
    await ask('start "双11大促" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
    await bot.tick()  # schedules the first digest and retro prompt
    await ask(f"role tier1 <@{ANA}> <@{BEN}>")
    await ask(f"role finance <@{CHO}>")
    await ask("target gmv 1200万")
    await ask("metric gmv 300万")
    await ask("metric inventory 3100")
    await ask("help")
    await ask("status")
    await ask("phase sideways")  # a malformed command: its error and usage line
    await ask("plan 50万", "/budget")
    await ask("spend 线上推广 12万 搜索广告", "/budget")
    await ask("", "/budget")
    await ask("红 SKU-9 库存低于安全线", "/escalate")
    await ask("list", "/escalate")
    clock.set(local("2026-11-10T21:00"))
    await bot.tick()  # the 21:00 digest and retro prompt
    (prompt,) = bot.posts("每日复盘", channel=CHANNEL)
    view = await bot.open_form(prompt, ActionId.WRITE_RETRO, ANA)
    read += [("the retro form", text) for text in readable(view)]
    await ask("report")

    for call in bot.standin.calls:
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            read += [(f"{call.method} to {call.args.get('channel')}", text) for text in readable(call.args)]
        elif call.method == "files.uploadV2" or call.method.startswith("files."):
            read += [(call.method, str(call.args.get("initial_comment") or ""))]
    campaign_id = (await bot.campaigns())[0].id
    headers = await bot.bearer(campaign_id)
    for format in ("md", "html"):
        report = await bot.http.get(f"/api/campaigns/{campaign_id}/report", params={"format": format}, headers=headers)
        assert report.status_code == 200
        body = re.sub(r"<style.*?</style>|<[^>]+>", " ", report.text, flags=re.S) if format == "html" else report.text
        read += [(f"report.{format}", line) for line in body.splitlines()]

    assert len(read) > 60
    english = [f"{where}: {words} in {text[:200]!r}" for where, text in read if (words := english_words(text))]
    assert not english, "English left in a Chinese war room:\n" + "\n".join(english)


async def test_a_chinese_countdown_and_its_tasks_read_chinese(bot: SlackDriver, clock: ManualClock) -> None:
    """Started 20 days ahead: the milestones, a task's life (added, reminded, overdue, done), the
    countdown and go/no-go; then during the sale a recurring task, a key moment and the digest's figures."""
    read: list[tuple[str, str]] = []

    async def ask(text: str, user: str = COMMANDER) -> dict[str, Any]:
        answer = (await bot.command(text, user=user)).json()
        read.extend((f"/warroom {text}", shown) for shown in [answer["text"], *readable(answer.get("blocks", []))])
        return answer

    for user, name in ((ANA, "ana"), (BEN, "ben"), (COMMANDER, "mei")):
        bot.standin.add_user(user, name)
    clock.set(local("2026-10-21T12:00"))
    await ask('start "双11大促" 2026-11-10T00:00 2026-11-12T00:00 Asia/Shanghai')
    await ask(f"role lead:marketing <@{BEN}>")
    await ask(f'task add "门店海报" <@{ANA}> T-17')
    await ask('task add "主图" 市场 明天 17:00')
    listing = await ask("tasks")
    assert "未完成的任务（15 项）" in listing["text"] + str(listing["blocks"])
    await ask("task skip 3 代理商负责")
    await ask("task done 99")
    for moment in ("2026-10-22T10:00", "2026-10-23T10:00", "2026-10-24T10:00", "2026-10-24T18:00"):
        clock.set(local(moment))
        await bot.tick()
    await ask("task done 14", user=ANA)
    clock.set(local("2026-11-09T10:00"))
    await bot.tick()
    assert bot.posts("开售决策", channel=CHANNEL)

    clock.set(local("2026-11-10T08:30"))
    await ask("phase live")
    await ask(f'task every 09:00 "检查门店物料" <@{ANA}>')
    await ask('moment 10:00 "限时秒杀"')
    await ask("metric gmv 100万")
    for moment in ("2026-11-10T08:45", "2026-11-10T09:00", "2026-11-10T09:45", "2026-11-10T10:00"):
        clock.set(local(moment))
        await bot.tick()
    await ask("metric gmv 180万")
    clock.set(local("2026-11-10T11:00"))
    await bot.tick()
    assert bot.posts("即将开始", channel=CHANNEL) and bot.posts("检查门店物料", channel=ANA)

    for call in bot.standin.calls:
        if call.method in ("chat.postMessage", "chat.update"):
            read += [(f"{call.method} to {call.args.get('channel')}", text) for text in readable(call.args)]
    campaign_id = (await bot.campaigns())[0].id
    report = await bot.http.get(f"/api/campaigns/{campaign_id}/report", headers=await bot.bearer(campaign_id))
    read += [("report", line) for line in report.text.splitlines() if "里程碑" in line or "|" in line]
    digest = bot.posts("战报", channel=CHANNEL)[-1]
    assert "限时秒杀" in str(digest.args["blocks"]) and "今日任务" in str(digest.args["blocks"])
    english = [f"{where}: {words} in {text[:200]!r}" for where, text in read if (words := english_words(text))]
    assert not english, "English left in a Chinese countdown:\n" + "\n".join(english)
