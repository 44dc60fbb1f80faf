"""The README's "Who may do what" table, row by row: each guarded action is refused, with a reason
and no change, for everyone it does not name, and done for everyone it does."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import select

from warroom_bot.core.ids import ActionId
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, SlackDriver
from warroom_bot.models import ApprovalRequest, BudgetLine, Campaign, RoleAssignment

STARTER = COMMANDER  # conftest's `campaign` is started by COMMANDER
CHIEF, CHIEF_BACKUP, FINANCE, STRANGER = "U0CHIEF001", "U0CHIEFBAK", "U0FINANCE1", "U0STRANGER"
MANAGERS = (STARTER, CHIEF, CHIEF_BACKUP)
EVERYONE = (*MANAGERS, FINANCE, STRANGER)


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


async def phase(bot: SlackDriver) -> object:
    (campaign,) = await bot.campaigns()
    return campaign.phase


async def tier1(bot: SlackDriver) -> object:
    async with bot.runtime.sessions() as session:
        roles = (await session.exec(select(RoleAssignment).where(RoleAssignment.role == "tier1"))).all()
    return [(role.primary_user, role.updated_by) for role in roles]


async def ack_red(bot: SlackDriver) -> object:
    (campaign,) = await bot.campaigns()
    return campaign.config.get("ack.red")


async def budget_planned(bot: SlackDriver) -> object:
    async with bot.runtime.sessions() as session:
        return sum(line.planned for line in (await session.exec(select(BudgetLine))).all())


Effect = Callable[[SlackDriver], Awaitable[object]]
# Each guarded row: the command, who may, and what it changes, read back, with the value once done
# (a callable of the user: a role records who set it).
ROWS: dict[str, tuple[str, str, tuple[str, ...], Effect, Callable[[str], object]]] = {
    "phase": ("/warroom", "phase live --force", MANAGERS, phase, lambda _user: "live"),
    "role": ("/warroom", "role tier1 <@U0TIER1001>", MANAGERS, tier1, lambda user: [("U0TIER1001", user)]),
    "config": ("/warroom", "config ack.red 3m", MANAGERS, ack_red, lambda _user: "3m"),
    "plan": ("/budget", "plan 1m", (*MANAGERS, FINANCE), budget_planned, lambda _user: 100_000_000),
}


@pytest.mark.parametrize("row", ROWS)
async def test_campaign_changes_are_refused_to_those_the_table_does_not_name(
    bot: SlackDriver, staffed: Campaign, row: str
) -> None:
    command, text, allowed, _effect, _done = ROWS[row]
    before = await snapshot(bot)
    for user in (user for user in EVERYONE if user not in allowed):
        assert "Only the" in await bot.ephemeral(text, command=command, user=user), user
        assert await snapshot(bot) == before, user


@pytest.mark.parametrize(("row", "user"), [(row, user) for row, spec in ROWS.items() for user in spec[2]])
async def test_campaign_changes_are_done_by_those_the_table_names(
    bot: SlackDriver, staffed: Campaign, row: str, user: str
) -> None:
    command, text, _allowed, effect, done = ROWS[row]
    assert await effect(bot) != done(user)
    answer = await bot.ephemeral(text, command=command, user=user)
    assert "Only the" not in answer and ":warning:" not in answer, answer
    assert await effect(bot) == done(user), answer


@pytest.mark.parametrize("decider", [FINANCE, CHIEF, CHIEF_BACKUP])
async def test_budget_requests_are_decided_only_by_finance_or_the_commander(
    bot: SlackDriver, staffed: Campaign, decider: str
) -> None:
    await bot.ephemeral("plan 1m", command="/budget", user=FINANCE)
    await bot.ephemeral("reserve 10k online", command="/budget", user=STRANGER)
    await bot.tick()
    (request,) = bot.posts("Budget request #1", channel=CHANNEL)  # the channel copy, which anyone may tap
    before = await snapshot(bot)

    for user, refusal in (
        (STRANGER, "You asked for this change, so another approver must decide it"),  # the requester
        (STARTER, "Only the finance approver or the commander"),  # a starter who is no longer commander
    ):
        assert (await bot.tap(request, ActionId.APPROVE, user)).status_code == 200
        await bot.tick()
        assert refusal in bot.standin.ok_calls("response_url")[-1].args["text"]
        assert await snapshot(bot) == before, user
    assert (await bot.tap(request, ActionId.APPROVE, decider)).status_code == 200
    await bot.tick()
    async with bot.runtime.sessions() as session:
        (decided,) = (await session.exec(select(ApprovalRequest))).all()
    assert decided.decided_by == decider
    async with bot.runtime.sessions() as session:
        reserve = (await session.exec(select(BudgetLine).where(BudgetLine.name == "reserve"))).one()
    assert reserve.planned == 10_000_000 - 1_000_000  # the release was applied
