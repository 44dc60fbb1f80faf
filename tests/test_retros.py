"""The daily retrospective end to end: the prompt, the modal, the reminder, the summary, action items."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlmodel import select

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId, ActionItemPart, BlockId, action_item_block
from warroom_bot.devtools.driver import (
    ANA,
    BEN,
    CHANNEL,
    CHO,
    COMMANDER,
    OTHER,
    SHANGHAI,
    SlackDriver,
    action_item,
    button,
    local,
)
from warroom_bot.devtools.slack_requests import SignedRequest
from warroom_bot.devtools.standin import Call
from warroom_bot.models import ActionItem, ActionStatus, Campaign, RetroEntry

StartLive = Callable[..., Awaitable[Campaign]]
Staff = Callable[[], Awaitable[None]]
WriteRetro = Callable[..., Awaitable[dict[str, Any]]]


def prompts(bot: SlackDriver) -> list[Call]:
    return [
        c
        for c in bot.standin.ok_calls("chat.postMessage")
        if c.args["channel"] == CHANNEL and c.args["text"].startswith("Daily retro")
    ]


def dms_to(bot: SlackDriver, user: str) -> list[Call]:
    return bot.posts(channel=user)


def posts_starting(bot: SlackDriver, prefix: str) -> list[str]:
    return [
        c.args["text"]
        for c in bot.standin.ok_calls("chat.postMessage")
        if c.args["channel"] == CHANNEL and c.args["text"].startswith(prefix)
    ]


def write_button(message: dict[str, Any]) -> dict[str, Any]:
    return button(message, ActionId.WRITE_RETRO)[0]


async def open_retro(bot: SlackDriver, message_call: Call, user: str) -> dict[str, Any]:
    """Tap Write my retro on a prompt or reminder; the modal Slack was asked to open."""
    return await bot.open_form(message_call, ActionId.WRITE_RETRO, user)


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    return {
        block["block_id"]: block["element"].get("initial_value")
        or block["element"].get("initial_user")
        or block["element"].get("initial_date")
        for block in view["blocks"]
        if block["type"] == "input"
    }


async def entries(bot: SlackDriver) -> list[RetroEntry]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(RetroEntry).order_by(RetroEntry.id))).all())


async def action_items(bot: SlackDriver) -> list[ActionItem]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(ActionItem).order_by(ActionItem.id))).all())


def done_tap(bot: SlackDriver, listing: dict[str, Any], user: str) -> SignedRequest:
    """`user` tapping Done on the (only) action item of an `/warroom actions` listing."""
    return bot.tap_request(listing, ActionId.CLOSE_ACTION_ITEM, user, channel=CHANNEL, ts="1700000000.000100")


@pytest.mark.parametrize("zone", [SHANGHAI, "America/New_York"])
async def test_the_prompt_comes_at_21_00_local_with_the_days_figures(
    bot: SlackDriver, clock: ManualClock, zone: str, start_live: StartLive
) -> None:
    await start_live(zone)
    await bot.ephemeral("target gmv 1000000")
    await bot.ephemeral("metric gmv 250000")
    await bot.ephemeral("red Payment gateway timeouts", command="/escalate")

    clock.set(local("2026-11-10T20:59:59", zone))
    await bot.tick()
    assert prompts(bot) == []

    clock.set(local("2026-11-10T21:00", zone))
    await bot.tick()
    (prompt,) = prompts(bot)
    assert prompt.args["text"].startswith("Daily retro of Double 11, Tue 10 Nov: how did the day go?")
    figures = json.dumps(prompt.args["blocks"], ensure_ascii=False)
    assert "GMV: ¥250.0k vs" in figures
    assert "Escalations raised: 1 (1 red); none acknowledged" in figures
    assert write_button(prompt.args)["text"]["text"] == "Write my retro"

    clock.set(local("2026-11-11T20:59", zone))
    await bot.tick()
    assert len(prompts(bot)) == 1
    clock.set(local("2026-11-11T21:00", zone))
    await bot.tick()
    assert [p.args["text"][:35] for p in prompts(bot)][1] == "Daily retro of Double 11, Wed 11 No"


async def test_no_prompt_in_warm_up_or_after_closing(bot: SlackDriver, clock: ManualClock, with_roster: Staff) -> None:
    clock.set(local("2026-11-09T10:00"))
    await bot.ephemeral('start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
    for moment in ("2026-11-09T20:00", "2026-11-09T21:00", "2026-11-09T21:30"):
        clock.set(local(moment))
        await bot.tick()
    assert prompts(bot) == []

    clock.set(local("2026-11-10T20:00"))
    await bot.ephemeral("phase live --force")
    await bot.tick()
    clock.set(local("2026-11-10T21:00"))
    await bot.tick()
    assert len(prompts(bot)) == 1

    await with_roster()
    await bot.ephemeral("phase closed")
    for moment in ("2026-11-10T22:00", "2026-11-11T09:00", "2026-11-11T21:00", "2026-11-12T09:00"):
        clock.set(local(moment))
        await bot.tick()
    assert len(prompts(bot)) == 1
    assert [dms_to(bot, user) for user in (ANA, BEN, CHO)] == [[], [], []]  # the reminder was cancelled
    assert posts_starting(bot, "Retro summary") == []  # and so was the summary


async def test_one_reminder_goes_only_to_roster_members_who_have_not_answered(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: WriteRetro
) -> None:
    await write_retro(await open_retro(bot, prompt, ANA), ANA)
    await write_retro(await open_retro(bot, prompt, OTHER), OTHER)  # answered, but not on the roster

    clock.set(local("2026-11-10T21:59"))
    await bot.tick()
    assert [dms_to(bot, user) for user in (ANA, BEN, CHO, COMMANDER)] == [[], [], [], []]

    clock.set(local("2026-11-10T22:00"))
    await bot.tick()
    for user in (BEN, CHO, COMMANDER):
        (reminder,) = dms_to(bot, user)
        assert reminder.args["text"].startswith("Reminder: your retro of Double 11 for Tue 10 Nov is not written yet")
        assert write_button(reminder.args)["text"]["text"] == "Write my retro"
    assert dms_to(bot, ANA) == [] and dms_to(bot, OTHER) == []

    clock.set(local("2026-11-10T23:30"))
    await bot.tick()
    assert len(dms_to(bot, BEN)) == 1, "one reminder only"

    # The reminder's button opens the same day's modal.
    view = await open_retro(bot, dms_to(bot, BEN)[0], BEN)
    await write_retro(view, BEN)
    assert {(e.user_id, e.day.isoformat()) for e in await entries(bot)} == {
        (ANA, "2026-11-10"),
        (OTHER, "2026-11-10"),
        (BEN, "2026-11-10"),
    }
    shown = bot.standin.messages[(prompt.response["channel"], prompt.response["ts"])]
    assert shown["text"].endswith(f"Answered (3): <@{ANA}>, <@{OTHER}>, <@{BEN}>")


async def test_no_reminder_in_quiet_hours_it_waits_for_their_end(
    bot: SlackDriver, clock: ManualClock, start_live: StartLive, with_roster: Staff
) -> None:
    await start_live()
    await with_roster()
    await bot.ephemeral("config quiet 21:30-07:30")
    clock.set(local("2026-11-10T21:00"))
    await bot.tick()
    clock.set(local("2026-11-10T22:00"))
    await bot.tick()
    assert dms_to(bot, BEN) == []
    clock.set(local("2026-11-11T07:29"))
    await bot.tick()
    assert dms_to(bot, BEN) == []
    clock.set(local("2026-11-11T07:30"))
    await bot.tick()
    assert len(dms_to(bot, BEN)) == 1


async def test_the_morning_summary_and_the_action_items_it_created(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: WriteRetro
) -> None:
    await write_retro(
        await open_retro(bot, prompt, ANA),
        ANA,
        problems="SKU-9 sold out at 22:00 (safety stock too low)\nCourier pickup late in the South",
        adjustments="Raise SKU-9 safety stock to 5,000",
        items=[action_item(ANA, "2026-11-11")],
    )
    await write_retro(
        await open_retro(bot, prompt, BEN),
        BEN,
        problems="Coupon banner <!channel> broke on iOS",
        adjustments="Ship the banner fix before 10:00",
        items=[action_item(CHO, "2026-11-13", action="Fix the iOS banner")],
    )

    clock.set(local("2026-11-11T08:59"))
    await bot.tick()
    assert posts_starting(bot, "Retro summary") == []
    clock.set(local("2026-11-11T09:00"))
    await bot.tick()
    (summary,) = [c for c in bot.standin.ok_calls("chat.postMessage") if c.args["text"].startswith("Retro summary")]
    assert summary.args["text"] == (
        "Retro summary of Double 11, Tue 10 Nov: 2 answered, 3 problems, 2 adjustments, 2 action items."
    )
    body = "\n".join(block["text"]["text"] for block in summary.args["blocks"] if block["type"] == "section")
    assert f"Answered (2): <@{ANA}>, <@{BEN}>. No answer from: <@{CHO}>, <@{COMMANDER}>." in body
    assert (
        "*Problems, by department*\n*marketing*\n• Coupon banner &lt;!channel&gt; broke on iOS (<@U0BEN00001>)\n"
        "*supply chain*\n• SKU-9 sold out at 22:00 (safety stock too low) (<@U0ANA00001>)\n"
        "• Courier pickup late in the South (<@U0ANA00001>)"
    ) in body
    assert f"• Raise SKU-9 safety stock to 5,000 (<@{ANA}>)" in body
    first, second = await action_items(bot)
    assert f"#{first.id} Move 2,000 units from the East warehouse — <@{ANA}>, due Wed 11 Nov" in body
    assert f"#{second.id} Fix the iOS banner — <@{CHO}>, due Fri 13 Nov" in body
    clock.set(local("2026-11-11T10:00"))
    await bot.tick()
    assert len(posts_starting(bot, "Retro summary")) == 1, "posted once"

    # The digest lists the open item due today, not the one due later.
    await bot.ephemeral("digest")
    await bot.tick()
    digest = [c for c in bot.standin.ok_calls("chat.postMessage") if "— status" in c.args["text"]][-1]
    assert "1 action item due today." in digest.args["text"]
    assert f"#{first.id} Move 2,000 units" in json.dumps(digest.args["blocks"])
    assert "Fix the iOS banner" not in json.dumps(digest.args["blocks"])


async def test_owners_close_action_items_from_the_list(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: WriteRetro
) -> None:
    await write_retro(await open_retro(bot, prompt, ANA), ANA, items=[action_item(BEN, "2026-11-12")])
    (open_item,) = await action_items(bot)

    response = await bot.command("actions", user=BEN)
    listing = response.json()
    assert listing["text"] == f"1 open action item: #{open_item.id} Move 2,000 units from the East warehouse"

    async def tap(user: str) -> None:
        assert (await bot.send(done_tap(bot, listing, user))).status_code == 200
        await bot.tick()

    await tap(OTHER)
    refusal = bot.standin.ok_calls("response_url")[-1].args
    assert (
        "Only the commander or whoever started the campaign may close another person's action item" in refusal["text"]
    )
    assert (await action_items(bot))[0].status == ActionStatus.OPEN

    await tap(BEN)
    (closed,) = await action_items(bot)
    assert (closed.status, closed.closed_by) == (ActionStatus.DONE, BEN)
    redrawn = bot.standin.ok_calls("response_url")[-1].args
    assert redrawn["replace_original"] is True and redrawn["text"] == "No open action items."
    assert posts_starting(bot, f"Action item #{closed.id} done: Move 2,000 units")

    await tap(BEN)  # a second tap on the stale list
    assert (
        f"Action item #{closed.id} was already closed by <@{BEN}>."
        in bot.standin.ok_calls("response_url")[-1].args["text"]
    )


async def test_editing_replaces_the_entry_and_says_so(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: WriteRetro
) -> None:
    first = await write_retro(await open_retro(bot, prompt, ANA), ANA, items=[action_item(ANA, "2026-11-11")])
    assert first["response_action"] == "update"
    assert "Your retro for Tue 10 Nov is saved. Thank you!" in json.dumps(first["view"])

    clock.set(local("2026-11-10T23:10"))
    view = await open_retro(bot, prompt, ANA)
    prefilled = initial_values(view)
    assert prefilled[BlockId.PROBLEMS] == "SKU-9 sold out at 22:00"
    assert prefilled[action_item_block(1, ActionItemPart.OWNER)] == ANA
    assert "saving replaces it" in json.dumps(view)

    second = await write_retro(
        view, ANA, problems="SKU-9 and SKU-12 sold out", items=[action_item(BEN, "2026-11-12", action="Reorder")]
    )
    assert "It replaced the one you wrote at Tue 10 Nov 21:00." in json.dumps(second["view"])
    (entry,) = await entries(bot)
    assert (entry.problems, entry.edited_at) == ("SKU-9 and SKU-12 sold out", local("2026-11-10T23:10"))
    assert [(i.action, i.owner) for i in await action_items(bot)] == [("Reorder", BEN)]


async def test_an_unwritten_retro_opens_with_the_days_figures(
    bot: SlackDriver, clock: ManualClock, start_live: StartLive
) -> None:
    await start_live()
    await bot.ephemeral("metric orders 1200")
    response = await bot.command("retro")
    assert response.status_code == 200
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert initial_values(view)[BlockId.TARGETS_VS_ACTUAL].startswith("Orders: 1,200 vs")
    assert json.loads(view["private_metadata"].rpartition("|")[0])["day"] == "2026-11-10"  # sealed: context|hmac


@pytest.mark.parametrize(
    ("fields", "block", "message"),
    [
        ({"problems": "   "}, BlockId.PROBLEMS, "Write the problems and their causes (or write `none`)."),
        (
            {"items": [action_item("U0NOBODY01", "2026-11-12")]},
            "item1.owner",
            "U0NOBODY01 is not a person in this Slack workspace",
        ),
        ({"items": [action_item(ANA, "2026-11-09")]}, "item1.due", "Mon 09 Nov is in the past; pick today or later."),
        (
            {"items": [{ActionItemPart.PROBLEM: "Late couriers", ActionItemPart.OWNER: ANA}]},
            "item1.action",
            "Action item 1 needs its action too.",
        ),
    ],
)
async def test_a_bad_retro_is_refused_beside_its_field_and_nothing_is_stored(
    bot: SlackDriver,
    clock: ManualClock,
    fields: dict[str, Any],
    block: str,
    message: str,
    prompt: Call,
    write_retro: WriteRetro,
) -> None:
    answer = await write_retro(await open_retro(bot, prompt, ANA), ANA, **fields)
    assert answer["response_action"] == "errors"
    assert message in answer["errors"][block]
    assert await entries(bot) == [] and await action_items(bot) == []


async def test_a_double_submitted_retro_and_a_double_tap_on_done_count_once(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: WriteRetro
) -> None:
    view = await open_retro(bot, prompt, ANA)
    await asyncio.gather(
        write_retro(view, ANA, items=[action_item(BEN, "2026-11-12")]),
        write_retro(view, ANA, items=[action_item(BEN, "2026-11-12")]),
    )
    assert len(await entries(bot)) == 1
    (open_item,) = await action_items(bot)

    listing = (await bot.command("actions", user=BEN)).json()
    done = done_tap(bot, listing, BEN)
    await asyncio.gather(bot.send(done), bot.send(done))
    await bot.tick()
    assert (await action_items(bot))[0].status == ActionStatus.DONE
    assert len(posts_starting(bot, f"Action item #{open_item.id} done")) == 1


# -- in Chinese (`/warroom config lang zh-CN`) -----------------------------------------------------------------


async def test_the_retro_in_chinese_prompt_form_reminder_summary_and_action_items(
    bot: SlackDriver, clock: ManualClock, start_live: StartLive, with_roster: Staff, write_retro: WriteRetro
) -> None:
    await start_live()
    await with_roster()
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("red Payment gateway timeouts", command="/escalate")
    clock.set(local("2026-11-10T21:00"))
    await bot.tick()
    (prompt,) = bot.posts("每日复盘", channel=CHANNEL)
    assert prompt.args["text"].startswith("Double 11 每日复盘（11月10日 周二）：今天打得怎么样？")
    assert write_button(prompt.args)["text"]["text"] == "写复盘"
    shown = json.dumps(prompt.args["blocks"], ensure_ascii=False)
    assert "每日复盘 —— 11月10日 周二" in shown and "*当日数据*" in shown and "复盘三步：" in shown
    assert "发起升级：1 起（红色 1 起）；均未确认" in shown
    assert "Daily retro" not in shown and "Escalations raised" not in shown

    view = await open_retro(bot, prompt, ANA)
    assert view["title"]["text"] == "复盘 11月10日 周二" and view["submit"]["text"] == "保存"
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels[:8] == [
        "1. 目标与实际对比",
        "2. 问题及原因",
        "3. 明日调整",
        "问题",
        "原因",
        "改进措施",
        "负责人",
        "截止日期",
    ]
    placeholders = json.dumps(view["blocks"], ensure_ascii=False)
    assert "出了什么问题，原因是什么" in placeholders and "从华东仓调拨 2,000 件" in placeholders
    assert "*待办 1*（选填）" in placeholders

    refused = await write_retro(view, ANA, problems="  ")
    assert refused["errors"][BlockId.PROBLEMS] == "请填写问题及原因（没有就写「无」）。"
    past = await write_retro(view, ANA, items=[action_item(ANA, "2026-11-09")])
    assert "11月9日 周一 已经过去" in past["errors"]["item1.due"]
    saved = await write_retro(view, ANA, items=[action_item(ANA, "2026-11-11")])
    done = json.dumps(saved["view"], ensure_ascii=False)
    assert "你 11月10日 周二 的复盘已保存，辛苦了！ 待办 1 项：#" in done and "复盘已保存" in done

    clock.set(local("2026-11-10T22:00"))
    await bot.tick()
    (reminder,) = dms_to(bot, BEN)
    assert reminder.args["text"] == "提醒：你还没有填写 Double 11 11月10日 周二 的复盘，只需两分钟。"

    clock.set(local("2026-11-11T09:00"))
    await bot.tick()
    (summary,) = bot.posts("复盘汇总", channel=CHANNEL)
    assert summary.args["text"] == "Double 11 复盘汇总（11月10日 周二）：1 人已填写，问题 1 个，调整 1 项，待办 1 项。"
    body = "\n".join(block["text"]["text"] for block in summary.args["blocks"] if block["type"] == "section")
    assert f"已填写（1 人）：<@{ANA}>。 未填写：<@{BEN}>、<@{CHO}>、<@{COMMANDER}>。" in body
    assert "*问题（按部门）*\n*供应链*\n• SKU-9 sold out at 22:00" in body
    assert "*今日调整*" in body and "*新增待办*" in body
    (item,) = await action_items(bot)
    assert f"#{item.id} Move 2,000 units from the East warehouse —— <@{ANA}>，11月11日 周三 截止" in body

    listing = (await bot.command("actions", user=ANA)).json()
    assert listing["text"] == f"未完成的待办 1 项：#{item.id} Move 2,000 units from the East warehouse"
    assert button(listing, ActionId.CLOSE_ACTION_ITEM)[0]["text"]["text"] == "完成"
    await bot.ephemeral("digest")
    await bot.tick()
    digest = bot.posts("战报", channel=CHANNEL)[-1]
    assert "今日到期待办 1 项。" in digest.args["text"]
    assert "*今日到期的待办*" in json.dumps(digest.args["blocks"], ensure_ascii=False)

    await bot.send(done_tap(bot, listing, ANA))
    await bot.tick()
    assert bot.posts(f"待办 #{item.id} 已完成：", channel=CHANNEL)
    await bot.send(done_tap(bot, listing, ANA))
    assert f"待办 #{item.id} 已由 <@{ANA}> 关闭。" in bot.standin.ok_calls("response_url")[-1].args["text"]
