"""A campaign's language: English unless WARROOM_LANG or the start form says otherwise, and
`/warroom config lang` switches everything a person reads from the next answer on (that answer too)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from warroom_bot.campaigns import config
from warroom_bot.campaigns.render import LANGUAGE_BLOCK
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import CallbackId
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, OTHER, START_LINE, SlackDriver, form_values, in_process
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Campaign


@pytest.fixture
async def chinese_bot(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    """The service with WARROOM_LANG=zh-CN: new campaigns speak Chinese."""
    chinese = settings.model_copy(update={"default_language": "zh-CN"})
    async with in_process(chinese, clock, standin) as driver:
        yield driver


async def _open_start_form(bot: SlackDriver) -> dict[str, Any]:
    assert (await bot.command("start")).status_code == 200
    (opened,) = await bot.standin.wait_for("views.open")
    view: dict[str, Any] = opened.args["view"]
    assert view["callback_id"] == CallbackId.START_CAMPAIGN
    return view


def _language_select(view: dict[str, Any]) -> dict[str, Any]:
    (block,) = [block for block in view["blocks"] if block.get("block_id") == LANGUAGE_BLOCK]
    element: dict[str, Any] = block["element"]
    return element


async def test_without_warroom_lang_a_campaign_speaks_english(bot: SlackDriver, settings: Settings) -> None:
    assert settings.default_language == "en"
    answer = await bot.ephemeral(f"start {START_LINE}")
    assert "Started *Double 11*; you are its commander." in answer
    (campaign,) = await bot.campaigns()
    assert config.language(campaign.config) == "en" and "lang" not in campaign.config
    (post,) = await bot.standin.wait_for("chat.postMessage")
    assert "Campaign Double 11 starts in this channel" in post.args["text"]
    assert "the campaign war room" in await bot.ephemeral("help")


async def test_config_lang_answers_in_the_new_language_and_the_campaign_then_speaks_it(
    bot: SlackDriver, campaign: Campaign
) -> None:
    answer = await bot.ephemeral("config lang zh-CN")
    assert answer == ":white_check_mark: `lang` 已设为 `zh-CN`。"
    (stored,) = await bot.campaigns()
    assert stored.config == {"lang": "zh-CN"}
    posts = await bot.standin.wait_for("chat.postMessage", 2)
    assert f"<@{COMMANDER}> 修改了设置 lang：`en` → `zh-CN`。" in posts[1].args["text"]

    blocks = (await bot.command("help")).json()["blocks"]  # the text, a fallback, stops at 4,000 characters
    help_text = "\n".join(block["text"]["text"] for block in blocks)
    assert "*/warroom* —— 活动作战室" in help_text and "`/warroom start`" in help_text
    assert "`lang <en|zh-CN>` —— 作战室消息使用的语言（默认 `en`）" in help_text
    assert "`ack.red <时长>` —— 红色升级的确认时限" in help_text
    assert "*/budget* —— 活动预算" in help_text and "*/escalate* —— 需要有人立即处理时" in help_text

    assert "一线 现由 <@U0PRIMARY1> 担任。" in await bot.ephemeral("role tier1 <@U0PRIMARY1> <@U0BACKUP01>")
    posts = await bot.standin.wait_for("chat.postMessage", 3)
    assert "角色 一线：主责 <@U0PRIMARY1>，备岗 <@U0BACKUP01>" in posts[2].args["text"]
    status = json.dumps((await bot.command("status")).json()["blocks"], ensure_ascii=False)
    assert f"• *指挥官*：<@{COMMANDER}>" in status
    assert "• *一线*：<@U0PRIMARY1>（备岗 <@U0BACKUP01>）" in status
    assert "`lang` zh-CN" in status

    settings = await bot.ephemeral("config")
    assert "*Double 11 的设置* —— 用 `/warroom config <设置项> <值>` 修改：" in settings
    assert "• `lang` `zh-CN` —— 作战室消息使用的语言" in settings


@pytest.mark.parametrize(
    ("text", "problem", "usage"),
    [
        ("role tier1", "`role` 需要一个角色和一位主责，备岗可选。", "用法：`/warroom role <角色> @主责 [@备岗]`"),
        ("role tier1 <@U0X1> <@U0X1>", "备岗必须是主责以外的人。", "用法：`/warroom role <角色> @主责 [@备岗]`"),
        ("phase party", "`party` 不是有效的阶段", "用法：`/warroom phase <warmup|live|extension|wrapup|closed>"),
        ("config ack.red", "`config` 需要一个设置项和一个值。", "用法：`/warroom config <设置项> <值>`"),
        ("config digest.every 3h", "`3h` 不是有效的战报频率", "用法：`/warroom config digest.every <1h|2h>`"),
        ("config ack.red soon", "", "用法：`/warroom config ack.red <时长>`"),
        ("start Double", "`start` 需要活动名称、开始时间和结束时间，时区可选。", '用法：`/warroom start "<活动名称>"'),
    ],
)
async def test_a_malformed_command_is_answered_in_chinese_with_its_usage(
    bot: SlackDriver, campaign: Campaign, text: str, problem: str, usage: str
) -> None:
    await bot.ephemeral("config lang zh-CN")
    answer = await bot.ephemeral(text)
    assert answer.startswith(":warning: ")
    assert problem in answer and usage in answer


async def test_refusals_and_phases_are_worded_in_chinese(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang 中文")
    assert "`launch` 不是 /warroom 的子命令" in await bot.ephemeral("launch")
    early = await bot.ephemeral("phase live")
    assert "正式期将于 11月10日 周二 20:00（Asia/Shanghai）开始，还有 1d" in early
    assert "只有指挥官或活动发起人（" in await bot.ephemeral("phase wrapup", user=OTHER)
    assert "阶段已切换为 *正式*。" in await bot.ephemeral("phase live --force")
    assert "活动已处于正式阶段，未做任何更改。" in await bot.ephemeral("phase live")
    posts = await bot.standin.wait_for("chat.postMessage", 3)
    assert f"Double 11：<@{COMMANDER}> 将阶段从预热切换为正式。" in posts[2].args["text"]
    assert "本频道已有进行中的活动 *Double 11*" in await bot.ephemeral(f"start {START_LINE}")
    assert "`colour` 不是可用的设置项。" in await bot.ephemeral("config colour blue")

    # Back to English: that answer is in English already.
    assert await bot.ephemeral("config lang en") == ":white_check_mark: `lang` is now `en`."
    assert "the campaign war room" in await bot.ephemeral("help")


async def test_outside_a_campaign_the_default_language_answers(chinese_bot: SlackDriver) -> None:
    assert "本频道没有进行中的活动" in await chinese_bot.ephemeral("status")
    assert "*/warroom* —— 活动作战室" in await chinese_bot.ephemeral("help")


async def test_the_start_form_offers_the_language_and_starts_the_campaign_in_the_one_chosen(bot: SlackDriver) -> None:
    view = await _open_start_form(bot)
    select = _language_select(view)
    assert [(option["value"], option["text"]["text"]) for option in select["options"]] == [
        ("en", "English"),
        ("zh-CN", "简体中文"),
    ]
    assert select["initial_option"]["value"] == "en"

    answers = {"name": "618", "starts": "2026-11-10T20:00", "ends": "2026-11-12T00:00", LANGUAGE_BLOCK: "zh-CN"}
    response = await bot.submit(view, answers, COMMANDER)
    assert response.status_code == 200 and response.content in (b"", b"null")
    (campaign,) = await bot.campaigns()
    assert campaign.config == {"lang": "zh-CN"}
    (post,) = await bot.standin.wait_for("chat.postMessage")
    assert post.args["channel"] == CHANNEL
    assert post.args["text"].startswith("活动 618 在本频道开启：11月10日 周二 20:00 至 11月12日 周四 00:00（UTC）")
    assert "作战室已开启：618" in json.dumps(post.args["blocks"], ensure_ascii=False)
    assert "一线" in await bot.ephemeral("role tier1 <@U0PRIMARY1>")


async def test_a_start_form_sent_without_the_select_starts_in_the_default_language(bot: SlackDriver) -> None:
    """A form opened before the select existed."""
    view = await _open_start_form(bot)
    view = {**view, "blocks": [block for block in view["blocks"] if block.get("block_id") != LANGUAGE_BLOCK]}
    answers = {"name": "618", "starts": "2026-11-10T20:00", "ends": "2026-11-12T00:00"}
    assert LANGUAGE_BLOCK not in form_values(view, answers)
    assert (await bot.submit(view, answers, COMMANDER)).status_code == 200
    (campaign,) = await bot.campaigns()
    assert config.language(campaign.config) == "en"


async def test_with_warroom_lang_zh_cn_a_new_campaign_speaks_chinese(chinese_bot: SlackDriver) -> None:
    view = await _open_start_form(chinese_bot)
    assert view["title"]["text"] == "开启活动"
    assert _language_select(view)["initial_option"]["value"] == "zh-CN"

    answer = await chinese_bot.ephemeral(f"start {START_LINE}")
    assert answer == ":white_check_mark: 已开启 *Double 11*，你是本次活动的指挥官。"
    (campaign,) = await chinese_bot.campaigns()
    assert campaign.config == {"lang": "zh-CN"}
    (post,) = await chinese_bot.standin.wait_for("chat.postMessage")
    opening = (
        "活动 Double 11 在本频道开启：11月10日 周二 20:00 至 11月12日 周四 00:00（Asia/Shanghai），当前为预热阶段。"
    )
    assert post.args["text"] == opening
    late = await chinese_bot.ephemeral('start "618" 2026-11-01T20:00 2026-11-12T00:00', channel="C0OTHERROOM")
    assert "未指定时区，以上时间按 UTC 计。" in late
    assert "正式期已于 11月1日 周日 20:00 开始（7d16h 前），因此活动直接进入 *正式* 阶段。" in late


async def test_phases_and_roles_may_be_typed_in_chinese(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    assert "阶段已切换为 *正式*。" in await bot.ephemeral("phase 正式 --force")
    assert "供应链负责人 现由 <@U0SUPPLY01> 担任。" in await bot.ephemeral("role 供应链负责人 <@U0SUPPLY01>")
    assert "一线 现由 <@U0PRIMARY1> 担任。" in await bot.ephemeral("role 一线 <@U0PRIMARY1>")
    (stored,) = await bot.campaigns()
    assert stored.phase == "live"
    status = json.dumps((await bot.command("status")).json()["blocks"], ensure_ascii=False)
    assert "• *供应链负责人*：<@U0SUPPLY01>" in status and "• *一线*：<@U0PRIMARY1>" in status


async def test_a_replayed_command_is_refused_in_the_campaigns_language(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    status = bot.requests.slash_command("/warroom", "status", user_id=COMMANDER, channel_id=CHANNEL)
    assert (await bot.send(status)).status_code == 200
    again = await bot.send(status)
    assert again.json() == {"response_type": "ephemeral", "text": ":warning: 此请求已经收到过，不会重复执行。"}
