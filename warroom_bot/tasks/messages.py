"""What tasks' outcomes tell Slack, enqueued in the caller's transaction (the outbox guarantee)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.blocks import Message
from warroom_bot.core.outbox import enqueue
from warroom_bot.models import Campaign, Priority, TaskKind
from warroom_bot.tasks import render
from warroom_bot.tasks.schedule import Countdown, MomentComing, Occurred, Overdue, Reminded
from warroom_bot.tasks.service import Added, Closed

Outcome = Added | Closed | Reminded | Overdue | Occurred | MomentComing | Countdown


async def announce(session: AsyncSession, outcome: Outcome | None, *, now: datetime) -> None:
    """Enqueue what `outcome` tells the channel or the people it concerns (nothing for None)."""
    if isinstance(outcome, Added):
        if outcome.holder != outcome.user_id:
            await _dm(
                session,
                outcome.campaign,
                outcome.holder,
                render.assigned(outcome.campaign, outcome.task, outcome.user_id),
                now,
            )
    elif isinstance(outcome, Closed):
        if outcome.task.kind != TaskKind.OCCURRENCE:  # an hourly check ticked off is not news for the room
            await _post(session, outcome.campaign, render.closed(outcome.task), now)
    elif isinstance(outcome, Reminded):
        reminder = render.reminder(outcome.campaign, outcome.task, outcome.on_the_day)
        await _dm(session, outcome.campaign, outcome.holder, reminder, now)
    elif isinstance(outcome, Overdue):
        raised = render.overdue(outcome.campaign, outcome.task, outcome.holder)
        await _post(session, outcome.campaign, raised, now)
        for user_id in outcome.commanders:
            await _dm(session, outcome.campaign, user_id, raised, now)
    elif isinstance(outcome, Occurred):
        if not outcome.missed:
            await _dm(session, outcome.campaign, outcome.holder, render.occurrence(outcome.campaign, outcome.task), now)
    elif isinstance(outcome, MomentComing):
        await _post(session, outcome.campaign, render.moment_coming(outcome), now)
    elif isinstance(outcome, Countdown):
        await _post(session, outcome.campaign, render.countdown(outcome), now, priority=Priority.BULK)


async def _post(
    session: AsyncSession, campaign: Campaign, message: Message, now: datetime, priority: Priority | None = None
) -> None:
    await enqueue(session, message, now=now, channel=campaign.channel_id, campaign_id=campaign.id, priority=priority)


async def _dm(session: AsyncSession, campaign: Campaign, user_id: str, message: Message, now: datetime) -> None:
    await enqueue(session, message, now=now, channel=user_id, campaign_id=campaign.id)
