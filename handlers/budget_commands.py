"""`/budget` and the Approve / Reject buttons of budget requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.budget import messages, render
from warroom_bot.budget import service as budget
from warroom_bot.campaigns.render import help_message
from warroom_bot.core.blocks import notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.parsing import did_you_mean
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers.context import amended, reply, require_campaign
from warroom_bot.models import ApprovalRequest, Campaign, ChangeKind

USAGE = {
    ChangeKind.SPEND: "/budget spend <category> <amount> [note] [--over]",
    ChangeKind.MOVE: "/budget move <amount> <from> <to> [reason]",
    ChangeKind.ADD: "/budget add <amount> <category> [reason]",
    ChangeKind.CUT: "/budget cut <amount> <category> [reason]",
    ChangeKind.RESERVE: "/budget reserve <amount> <category> [reason]",
}
ALL_USAGE = " · ".join([messages.PLAN_USAGE, *USAGE.values()])


def parse_change(kind: ChangeKind, words: list[str]) -> budget.Change:
    """The words after the verb, in each verb's order (the README's budget table)."""
    over = "--over" in words
    words = [word for word in words if word != "--over"]
    needed = 3 if kind == ChangeKind.MOVE else 2
    if len(words) < needed:
        raise UserError(f"`{kind}` needs more than that.", usage=USAGE[kind])
    with amended(usage=USAGE[kind]):
        if kind == ChangeKind.SPEND:
            source, amount, target, rest = words[0], words[1], None, words[2:]
        elif kind == ChangeKind.MOVE:
            amount, source, target, rest = words[0], words[1], words[2], words[3:]
        elif kind == ChangeKind.ADD:
            amount, source, target, rest = words[0], None, words[1], words[2:]
        elif kind == ChangeKind.CUT:
            amount, source, target, rest = words[0], words[1], None, words[2:]
        else:  # reserve: released from the reserve into a category
            amount, source, target, rest = words[0], budget.RESERVE_LINE, words[1], words[2:]
        fen = budget.fen(amount)
    if over and kind != ChangeKind.SPEND:
        raise UserError("`--over` only goes with `spend`.", usage=USAGE[kind])
    return budget.Change(
        kind,
        fen,
        from_line=source.lower() if source else None,
        to_line=target.lower() if target else None,
        reason=" ".join(rest)[:300] or None,
        over=over,
    )


async def budget_command(ack: AsyncAck, command: dict[str, Any], runtime: Runtime, campaign: Campaign | None) -> None:
    words = command.get("text", "").split()
    verb = words[0].lower() if words else ""
    if verb == "help":
        await reply(ack, help_message("/budget"))
        return
    campaign = require_campaign(campaign)
    user_id, now = command["user_id"], runtime.clock.now()
    with messages.explained():
        async with runtime.transaction() as session:
            if not verb:
                answer = render.table(campaign, await budget.lines_of(session, stored_id(campaign)), now)
            elif verb == ChangeKind.PLAN:
                planned = await budget.plan(session, campaign=campaign, args=words[1:], user_id=user_id, now=now)
                await messages.announce(session, planned, now=now)
                answer = notice(":white_check_mark: Budget planned; `/budget` shows it.")
            elif verb in USAGE:
                change = parse_change(ChangeKind(verb), words[1:])
                result = await budget.request(session, campaign=campaign, change=change, user_id=user_id, now=now)
                await messages.announce(session, result, now=now)
                if isinstance(result, budget.Requested):
                    answer = notice(await _request_sent(session, campaign, result.request, now))
                else:
                    answer = notice(f":white_check_mark: Done: {render.change_notice(result.entry).text}")
            else:
                hint = did_you_mean(verb, [ChangeKind.PLAN, *USAGE, "help"])
                raise UserError(f"`{words[0]}` is not a /budget command.{hint}", usage=ALL_USAGE)
    await reply(ack, answer)


async def _request_sent(session: AsyncSession, campaign: Campaign, request: ApprovalRequest, now: datetime) -> str:
    """What the requester is told, with the reason when the change alone was below the threshold."""
    sent = f":hourglass: Request #{request.id} sent to the finance approver and the commander"
    limit = budget.approval_limit(campaign, await budget.lines_of(session, stored_id(campaign)))
    if request.kind not in budget.PLAN_CHANGES or request.amount > limit:
        return sent + "."
    today = await budget.changed_today(session, campaign, request.requested_by, now) + request.amount
    return (
        f"{sent}: with your other changes today it comes to {render.yuan(today)}, "
        f"above the approval threshold of {render.yuan(limit)} a person may change in a day."
    )


async def _decide(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime, approve: bool) -> None:
    """Committed before Slack hears back; a refusal (not an approver, already decided) goes to the tapper."""
    now = runtime.clock.now()
    with messages.explained():
        async with runtime.transaction() as session:
            decided = await budget.decide(
                session, request_id=int(action["value"]), user_id=body["user"]["id"], approve=approve, now=now
            )
            await messages.announce(session, decided, now=now)
    await ack()


async def approve_tapped(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime) -> None:
    await _decide(ack, body, action, runtime, approve=True)


async def reject_tapped(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime) -> None:
    await _decide(ack, body, action, runtime, approve=False)
