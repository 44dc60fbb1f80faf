"""The README's "Who may do what" table, row by row: each guarded action is refused, with a reason
and no change, for everyone it does not name, and done for everyone it does."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.conftest import COMMANDER, SlackDriver
from tests.test_budget import tap
from warroom_bot.core.ids import ActionId
from warroom_bot.models import ApprovalRequest, BudgetLine, Campaign, RoleAssignment

STARTER = COMMANDER  # conftest's `campaign` is started by COMMANDER
CHIEF, CHIEF_BACKUP, FINANCE, STRANGER = "U0CHIEF001", "U0CHIEFBAK", "U0FINANCE1", "U0STRANGER"
MANAGERS = (STARTER, CHIEF, CHIEF_BACKUP)


@pytest.fixture
async def staffed(bot: SlackDriver, campaign: Campaign) -> Campaign:
    """The starter hands the commander role to someone else and names a finance approver."""
    await bot.ephemeral(f"role commander <@{CHIEF}> <@{CHIEF_BACKUP}>")
    await bot.ephemeral(f"role finance <@{FINANCE}>")
    return campaign


async def snapshot(bot: SlackDriver) -> str:
    """Everything the guarded actions could change."""
    async with bot.runtime.sessions() as session:
        rows = [
            *(await session.exec(select(Campaign))).all(),
            *(await session.exec(select(RoleAssignment).order_by(RoleAssignment.id))).all(),
            *(await session.exec(select(BudgetLine).order_by(BudgetLine.id))).all(),
            *(await session.exec(select(ApprovalRequest).order_by(ApprovalRequest.id))).all(),
        ]
    return json.dumps([row.model_dump(mode="json") for row in rows], sort_keys=True)


@pytest.mark.parametrize(
    ("command", "text", "allowed", "refused"),
    [
        ("/warroom", "phase live --force", MANAGERS, (FINANCE, STRANGER)),
        ("/warroom", "role tier1 <@U0TIER1001>", MANAGERS, (FINANCE, STRANGER)),
        ("/warroom", "config ack.red 3m", MANAGERS, (FINANCE, STRANGER)),
        ("/budget", "plan 1m", (*MANAGERS, FINANCE), (STRANGER,)),
    ],
)
async def test_campaign_changes_only_by_those_the_table_names(
    bot: SlackDriver, staffed: Campaign, command: str, text: str, allowed: tuple, refused: tuple
) -> None:
    before = await snapshot(bot)
    for user in refused:
        assert "Only the" in await bot.ephemeral(text, command=command, user=user), user
        assert await snapshot(bot) == before, user
    for user in allowed:
        answer = await bot.ephemeral(text, command=command, user=user)
        assert "Only the" not in answer, (user, answer)
    assert await snapshot(bot) != before


@pytest.mark.parametrize("decider", [FINANCE, CHIEF, CHIEF_BACKUP])
async def test_budget_requests_are_decided_only_by_finance_or_the_commander(
    bot: SlackDriver, staffed: Campaign, decider: str
) -> None:
    await bot.ephemeral("plan 1m", command="/budget", user=FINANCE)
    await bot.ephemeral("reserve 10k online", command="/budget", user=STRANGER)
    await bot.tick()
    request = next(c for c in bot.standin.ok_calls("chat.postMessage") if "Budget request #1" in c.args["text"])
    before = await snapshot(bot)

    for user, refusal in (
        (STRANGER, "You asked for this change, so another approver must decide it"),  # the requester
        (STARTER, "Only the finance approver or the commander"),  # a starter who is no longer commander
    ):
        await tap(bot, request, ActionId.APPROVE, user)
        assert refusal in bot.standin.ok_calls("response_url")[-1].args["text"]
        assert await snapshot(bot) == before, user
    await tap(bot, request, ActionId.APPROVE, decider)
    async with bot.runtime.sessions() as session:
        (decided,) = (await session.exec(select(ApprovalRequest))).all()
    assert decided.decided_by == decider
