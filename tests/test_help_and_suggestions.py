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
