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
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import did_you_mean
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers.context import amended, reply, require_campaign, speak_as_campaign_of
from warroom_bot.models import ApprovalRequest, Campaign, ChangeKind

USAGE = {  # translated where shown: `usage(kind)`
    ChangeKind.SPEND: N_("/budget spend <category> <amount> [note] [--over]"),
    ChangeKind.MOVE: N_("/budget move <amount> <from> <to> [reason]"),
    ChangeKind.ADD: N_("/budget add <amount> <category> [reason]"),
    ChangeKind.CUT: N_("/budget cut <amount> <category> [reason]"),
    ChangeKind.RESERVE: N_("/budget reserve <amount> <category> [reason]"),
}


def usage(kind: ChangeKind) -> str:
    return tr(USAGE[kind])


def all_usage() -> str:
    return " · ".join(tr(form) for form in [messages.PLAN_USAGE, *USAGE.values()])


def parse_change(kind: ChangeKind, words: list[str]) -> budget.Change:
    """The words after the verb, in each verb's order (the README's budget table)."""
    over = "--over" in words
    words = [word for word in words if word != "--over"]
    needed = 3 if kind == ChangeKind.MOVE else 2
    if len(words) < needed:
        raise UserError(tr("`{kind}` needs more than that.", kind=kind), usage=usage(kind))
    with amended(usage=usage(kind)):
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
        raise UserError(tr("`--over` only goes with `spend`."), usage=usage(kind))
    return budget.Change(
        kind,
        fen,
        from_line=budget.category_key(source) if source else None,
        to_line=budget.category_key(target) if target else None,
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
                answer = notice(tr(":white_check_mark: Budget planned; `/budget` shows it."))
            elif verb in USAGE:
                change = parse_change(ChangeKind(verb), words[1:])
                result = await budget.request(session, campaign=campaign, change=change, user_id=user_id, now=now)
                await messages.announce(session, result, now=now)
                if isinstance(result, budget.Requested):
                    answer = notice(await _request_sent(session, campaign, result.request, now))
                else:
                    done = render.change_notice(result.entry).text
                    answer = notice(tr(":white_check_mark: Done: {change}", change=done))
            else:
                hint = did_you_mean(verb, [ChangeKind.PLAN, *USAGE, "help"])
                raise UserError(
                    tr("`{word}` is not a /budget command.{hint}", word=words[0], hint=hint), usage=all_usage()
                )
    await reply(ack, answer)


async def _request_sent(session: AsyncSession, campaign: Campaign, request: ApprovalRequest, now: datetime) -> str:
    """What the requester is told, with the reason when the change alone was below the threshold."""
    limit = budget.approval_limit(campaign, await budget.lines_of(session, stored_id(campaign)))
    if request.kind not in budget.PLAN_CHANGES or request.amount > limit:
        return tr(":hourglass: Request #{id} sent to the finance approver and the commander.", id=request.id)
    today = await budget.changed_today(session, campaign, request.requested_by, now) + request.amount
    return tr(
        ":hourglass: Request #{id} sent to the finance approver and the commander: with your other changes "
        "today it comes to {today}, above the approval threshold of {limit} a person may change in a day.",
        id=request.id,
        today=render.money(today, exact=True),
        limit=render.money(limit, exact=True),
    )


async def _decide(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    campaign: Campaign | None,
    approve: bool,
) -> None:
    """Committed before Slack hears back; a refusal (not an approver, already decided) goes to the tapper."""
    now, request_id = runtime.clock.now(), int(action["value"])
    with messages.explained():
        async with runtime.transaction() as session:
            await speak_as_campaign_of(session, ApprovalRequest, request_id, campaign)
            decided = await budget.decide(
                session, request_id=request_id, user_id=body["user"]["id"], approve=approve, now=now
            )
            await messages.announce(session, decided, now=now)
    await ack()


async def approve_tapped(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    await _decide(ack, body, action, runtime, campaign, approve=True)


async def reject_tapped(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    await _decide(ack, body, action, runtime, campaign, approve=False)
