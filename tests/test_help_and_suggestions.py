"""Help for each of the three commands, and "did you mean" for every closed vocabulary a person types."""

from __future__ import annotations

import pytest

from warroom_bot.devtools.driver import SlackDriver
from warroom_bot.models import Campaign


async def test_warroom_help_lists_all_three_commands(bot: SlackDriver) -> None:
    answer = await bot.ephemeral("help")
    for command in ("/warroom start", "/escalate list", "/budget spend", "/budget reserve"):
        assert f"`{command}" in answer


@pytest.mark.parametrize(
    ("command", "own", "other"), [("/escalate", "/escalate ack", "/budget"), ("/budget", "/budget move", "/escalate")]
)
async def test_escalate_help_and_budget_help_answer_even_before_a_campaign(
    bot: SlackDriver, command: str, own: str, other: str
) -> None:
    answer = await bot.ephemeral("help", command=command)
    assert f"`{own}" in answer and f"`{other} " not in answer
    assert await bot.campaigns() == []


@pytest.mark.parametrize(
    ("command", "text", "suggestion"),
    [
        ("/warroom", "stauts", "status"),
        ("/warroom", "role teir2 <@U0DAN00001>", "tier2"),
        ("/warroom", "role lead:supplychain <@U0DAN00001>", "supply_chain"),
        ("/warroom", "role comander <@U0DAN00001>", "commander"),
        ("/warroom", "metric gvm 100", "gmv"),
        ("/warroom", "target ordres 100", "orders"),
        ("/warroom", "phase lve", "live"),
        ("/warroom", "config ack.rde 5m", "ack.red"),
        ("/escalate", "lsit", "list"),
        ("/budget", "spned online 5k", "spend"),
        ("/budget", "spend onlne 5k", "online"),
    ],
)
async def test_a_typo_gets_the_close_word_suggested_and_changes_nothing(
    bot: SlackDriver, campaign: Campaign, command: str, text: str, suggestion: str
) -> None:
    if command == "/budget":
        await bot.ephemeral("plan 1m", command="/budget")
    before = [(c.phase, c.config) for c in await bot.campaigns()]
    answer = await bot.ephemeral(text, command=command)
    assert f"Did you mean `{suggestion}`?" in answer
    assert [(c.phase, c.config) for c in await bot.campaigns()] == before


async def test_a_word_far_from_every_choice_gets_the_list_without_a_guess(bot: SlackDriver, campaign: Campaign) -> None:
    answer = await bot.ephemeral("role xyzzy <@U0DAN00001>")
    assert "Did you mean" not in answer and "Roles: commander, finance, tier1" in answer


async def test_help_in_chinese_keeps_commands_and_keywords_in_code(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    shown = (await bot.command("help")).json()["blocks"]  # the text, a notification's, is cut at 4,000
    answer = "\n".join(block["text"]["text"] for block in shown)
    for command in ("/warroom start", "/warroom config", "/escalate list", "/budget spend", "/budget reserve"):
        assert f"`{command}" in answer
    assert "切换活动阶段，也可直接写 预热/正式/返场/收尾/关闭" in answer and "`commander`（指挥官）" in answer
    assert "`approval.threshold <百分比|金额>` —— 单人每天无需审批即可调拨、追加或削减的额度（默认 `5%`）" in answer
    escalate = await bot.ephemeral("help", command="/escalate")
    assert escalate.startswith("*/escalate* —— 需要有人立即处理时") and "`/escalate ack <id>`" in escalate
    budget = await bot.ephemeral("help", command="/budget")
    assert budget.startswith("*/budget* —— 活动预算") and "`/budget plan <总额> [online=50%" in budget


async def test_a_typo_in_chinese_names_the_word_and_the_closest_command(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    answer = await bot.ephemeral("stauts")
    assert "`stauts` 不是 /warroom 的子命令。" in answer and "`status`" in answer and "`/warroom help`" in answer
    assert "`ack.rde` 不是可用的设置项。" in await bot.ephemeral("config ack.rde 5m")
