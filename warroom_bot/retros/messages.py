"""What the retrospective says in Slack: each outcome of `retros.service` and `actions.service`
rendered and enqueued.

Called by the caller of the service, in the same transaction, so a message is written with the
change that causes it (the outbox guarantee).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.actions.service import AlreadyClosed, Closed
from warroom_bot.campaigns import messages as campaign_messages
from warroom_bot.core.blocks import mention
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.core.ids import BlockId, action_item_block
from warroom_bot.core.outbox import enqueue
from warroom_bot.models import OutboxMessage, Priority
from warroom_bot.retros import render
from warroom_bot.retros.schedule import Prompted, Reminded, Summarized
from warroom_bot.retros.service import BadAnswer, BadItem, Form, Saved

ANSWER_BLOCKS = {
    "targets_vs_actual": BlockId.TARGETS_VS_ACTUAL,
    "problems": BlockId.PROBLEMS,
    "adjustments": BlockId.ADJUSTMENTS,
}

Outcome = Prompted | Reminded | Summarized | Saved | Closed


async def announce(session: AsyncSession, outcome: Outcome | None, *, now: datetime) -> None:
    """Enqueue what `outcome` tells the channel or the people it concerns (nothing for None)."""
    if isinstance(outcome, Prompted):
        await _prompted(session, outcome, now)
    elif isinstance(outcome, Reminded):
        reminder = render.reminder(outcome.campaign, outcome.retro_day)
        for user_id in outcome.users:
            await enqueue(
                session, reminder, now=now, channel=user_id, campaign_id=outcome.campaign.id, priority=Priority.BULK
            )
    elif isinstance(outcome, Summarized):
        campaign = outcome.campaign
        summary = render.summary(campaign, outcome.review)
        await enqueue(
            session, summary, now=now, channel=campaign.channel_id, campaign_id=campaign.id, priority=Priority.BULK
        )
    elif isinstance(outcome, Saved):
        await _saved(session, outcome, now)
    elif isinstance(outcome, Closed):
        campaign = outcome.campaign
        closed = render.item_closed(outcome.item)
        await enqueue(session, closed, now=now, channel=campaign.channel_id, campaign_id=campaign.id)


async def _prompted(session: AsyncSession, prompted: Prompted, now: datetime) -> None:
    """Post the prompt; the figures it shows are kept with the day (the modal starts from them)."""
    campaign, retro_day = prompted.campaign, prompted.retro_day
    figures = prompted.figures
    retro_day.figures = render.figures(figures)
    post = await enqueue(
        session,
        render.prompt(campaign, retro_day, prompted.answered),
        now=now,
        channel=campaign.channel_id,
        campaign_id=campaign.id,
        priority=Priority.BULK,
    )
    retro_day.prompt_message_id = post.id
    session.add(retro_day)


async def _saved(session: AsyncSession, saved: Saved, now: datetime) -> None:
    """Redraw the day's prompt, if one was posted, with who has answered now."""
    campaign, retro_day = saved.campaign, saved.retro_day
    if retro_day is None or retro_day.prompt_message_id is None:
        return
    prompt = await session.get(OutboxMessage, retro_day.prompt_message_id)
    await enqueue(
        session,
        render.prompt(campaign, retro_day, saved.answered),
        now=now,
        channel=campaign.channel_id,
        campaign_id=campaign.id,
        updates=prompt,
    )


def modal(form: Form) -> dict[str, Any]:
    """The retro modal; a day without a prompt starts from its figures as they are now."""
    if form.live is not None:
        live = form.live
        form = dataclasses.replace(form, figures=render.figures(live))
    return render.modal(form)


def refusal(error: UserError) -> UserError:
    """A refusal of the retro's service as its user sees it: beside the modal input it concerns,
    or naming who got there first (or who may)."""
    if isinstance(error, BadAnswer):
        return UserError(error.message, field=ANSWER_BLOCKS[error.step])
    if isinstance(error, BadItem):
        return UserError(error.message, field=action_item_block(error.index, error.part))
    if isinstance(error, AlreadyClosed):
        return UserError(
            tr("Action item #{id} was already closed by {user}.", id=error.item.id, user=mention(error.item.closed_by))
        )
    return campaign_messages.refusal(error)
