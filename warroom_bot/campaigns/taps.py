"""Where a button may be tapped: only on a message of the campaign its value names.

A button's value names what it acts on: an escalation, a budget request, an action item, a
campaign's retro day. The payload is signed, but nothing else binds the value to the message it sat
on, so a payload could name another campaign's escalation from this channel. A tap is taken only in
the channel of the campaign that owns the thing (a post there, or an answer only the tapper saw
there), or in a DM of someone the bot has written to for that campaign (a page, a request, a
reminder).
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.core.ids import ActionId, parse_retro_tap, parse_tap
from warroom_bot.models import ActionItem, ApprovalRequest, Campaign, Escalation, OutboxMessage, PlanStep

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


async def check_origin(session: AsyncSession, *, action_id: str, value: str, channel: str, user_id: str) -> None:
    """Refuse the tap (`UserError`) when its button names something of another campaign."""
    campaign_id = await _campaign_named(session, action_id, value)
    if campaign_id is None:
        return  # nothing found: the listener says so in its own words
    campaign = await session.get(Campaign, campaign_id)
    if campaign is not None and campaign.channel_id == channel:
        return
    # A DM: the bot posts to a person by their user id. Matching the message's `ts` instead would
    # refuse a tap that comes before the outbox has recorded the `ts` Slack gave it.
    sent_to_tapper = select(OutboxMessage.id).where(
        OutboxMessage.campaign_id == campaign_id, OutboxMessage.channel == user_id
    )
    if channel.startswith("D") and (await session.exec(sent_to_tapper.limit(1))).first() is not None:
        return
    raise UserError(tr("That button belongs to another campaign's message, so nothing was changed."))


async def _campaign_named(session: AsyncSession, action_id: str, value: str) -> int | None:
    try:
        if action_id in (ActionId.ACKNOWLEDGE, ActionId.RESOLVE, ActionId.POST_UPDATE):
            model: type[Escalation | ApprovalRequest | ActionItem | Campaign | PlanStep] = Escalation
            key = parse_tap(value)[0]
        elif action_id == ActionId.STEP_DONE:
            model, key = PlanStep, int(value)
        elif action_id in (ActionId.APPROVE, ActionId.REJECT):
            model, key = ApprovalRequest, int(value)
        elif action_id == ActionId.CLOSE_ACTION_ITEM:
            model, key = ActionItem, int(value)
        elif action_id == ActionId.WRITE_RETRO:
            model, key = Campaign, parse_retro_tap(value)[0]
        else:
            return None
    except ValueError:
        key = 0
    if not 0 < key <= MAX_ID:
        raise UserError(tr("That button is not one this bot made, so nothing was changed."))
    found = await session.get(model, key)
    if isinstance(found, Campaign):
        return found.id
    if isinstance(found, PlanStep):
        escalation = await session.get(Escalation, found.escalation_id)
        return escalation.campaign_id if escalation else None
    if isinstance(found, Escalation | ApprovalRequest | ActionItem):
        return found.campaign_id
    return None
