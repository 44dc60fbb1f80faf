"""The Slack messages an escalation's changes cause, written to the outbox.

`publish` takes an outcome of `escalations.service` and, in the caller's session (so in the
transaction of the change), renders and enqueues what it means: the channel card of a new
escalation, a thread reply for each timeline event, a DM page for each `paged` event, the `@here`
alert and the commanders' DMs for an `exhausted` one, and the in-place update of every copy of
the card when the state changed; a plan's checklist in the thread (redrawn in place as its
steps are done, late, or the escalation resolved), and the DMs of a plan's start, a late step, a
resolve-by breach and an update nudge. `EscalationPage` rows and `Escalation.channel_message_id` point
at those messages (the copies to update later), so they are written here, beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.blocks import Message
from warroom_bot.core.db import stored_id
from warroom_bot.core.i18n import tr
from warroom_bot.core.outbox import enqueue
from warroom_bot.escalations import render
from warroom_bot.escalations.service import (
    Acknowledged,
    Exhausted,
    Noted,
    Outcome,
    Raised,
    Resolved,
    StepAlreadyDone,
    StepDone,
    StepLate,
    Unchanged,
    plan_steps,
)
from warroom_bot.models import Campaign, Escalation, EscalationEvent, EscalationPage, EventKind, OutboxMessage, Priority


async def publish(session: AsyncSession, outcome: Outcome, *, now: datetime) -> None:
    """Enqueue every message `outcome` causes, in the order Slack should show them."""
    escalation, campaign = outcome.escalation, outcome.campaign
    if isinstance(outcome, Raised):
        post = await enqueue(
            session,
            render.card(escalation, now=now, missing_tier1=outcome.missing_tier1),
            now=now,
            channel=campaign.channel_id,
            campaign_id=campaign.id,
            priority=Priority.URGENT,
        )
        escalation.channel_message_id = post.id
        session.add(escalation)
    else:
        post = await _channel_post(session, escalation.channel_message_id)
    for event in outcome.events:
        if event.kind == EventKind.PAGED:
            await _page(session, outcome, event, now)
        elif event.kind == EventKind.EXHAUSTED:
            alert = render.exhausted_alert(escalation, event.data["told"])
            for channel in (campaign.channel_id, *event.data["told"]):
                await enqueue(
                    session, alert, now=now, channel=channel, campaign_id=campaign.id, priority=Priority.URGENT
                )
        elif event.kind in DIRECT:
            draw, priority = DIRECT[event.kind]
            dm = draw(escalation, event.data)
            for user in event.data["told"] if "told" in event.data else [event.data["user"]]:
                await enqueue(session, dm, now=now, channel=user, campaign_id=campaign.id, priority=priority)
        await enqueue(
            session,
            render.thread_line(render.event_line(event)),
            now=now,
            channel=campaign.channel_id,
            campaign_id=campaign.id,
            thread_of=post,
        )
        if event.kind == EventKind.PLAN:
            await _post_checklist(session, outcome, post, now)
    if isinstance(outcome, (Exhausted, Acknowledged, Resolved)) or (isinstance(outcome, Noted) and outcome.worsened):
        await _update_copies(session, outcome, now)
    if escalation.checklist_message_id and isinstance(outcome, (StepDone, StepLate, Resolved)):
        await _redraw_checklist(session, outcome, now)


# What a timeline event says by DM, beside its thread line, to `told` (or the one `user`), and how
# soon: the news that a plan started never goes before a page.
DIRECT: dict[EventKind, tuple[Callable[[Escalation, dict[str, Any]], Message], Priority]] = {
    EventKind.PLAN: (render.plan_started_dm, Priority.NORMAL),
    EventKind.STEP_LATE: (render.step_late_dm, Priority.URGENT),
    EventKind.BREACHED: (render.breach_dm, Priority.URGENT),
    EventKind.NUDGED: (render.nudge, Priority.URGENT),
}


async def _post_checklist(session: AsyncSession, outcome: Outcome, post: OutboxMessage, now: datetime) -> None:
    escalation, campaign = outcome.escalation, outcome.campaign
    steps = await plan_steps(session, stored_id(escalation))
    checklist = await enqueue(
        session,
        render.checklist(escalation, steps, now=now),
        now=now,
        channel=campaign.channel_id,
        campaign_id=campaign.id,
        thread_of=post,
    )
    escalation.checklist_message_id = checklist.id
    session.add(escalation)


async def _redraw_checklist(session: AsyncSession, outcome: Outcome, now: datetime) -> None:
    escalation = outcome.escalation
    shown = await _channel_post(session, escalation.checklist_message_id)
    steps = await plan_steps(session, stored_id(escalation))
    await enqueue(
        session,
        render.checklist(escalation, steps, now=now),
        now=now,
        channel=shown.channel,
        campaign_id=outcome.campaign.id,
        updates=shown,
    )


async def offer_resolve(session: AsyncSession, escalation: Escalation, campaign: Campaign, *, now: datetime) -> None:
    """A light-raised escalation's KPI is green again: Resolve offered in its thread, and by DM to
    whoever acknowledged it."""
    offer = render.resolve_offer(escalation)
    post = await _channel_post(session, escalation.channel_message_id)
    await enqueue(session, offer, now=now, channel=campaign.channel_id, campaign_id=campaign.id, thread_of=post)
    if escalation.acknowledged_by:
        await enqueue(session, offer, now=now, channel=escalation.acknowledged_by, campaign_id=campaign.id)


def refusal(refused: Unchanged | StepAlreadyDone, now: datetime) -> str:
    """What to tell whoever tried a change the escalation's state no longer allows."""
    if isinstance(refused, StepAlreadyDone):
        return render.step_already(refused.step, now)
    if refused.stale:
        return tr(
            "This message was out of date. {state} Nothing was changed.",
            state=render.state_sentence(refused.escalation),
        )
    return render.already(refused.escalation, now)


async def _page(session: AsyncSession, outcome: Outcome, event: EscalationEvent, now: datetime) -> None:
    """DM the paged responder the card, and remember the DM as a copy to update."""
    deadline = timedelta(seconds=event.data["deadline_seconds"])
    dm = await enqueue(
        session,
        render.page(outcome.escalation, deadline=deadline, now=now),
        now=now,
        channel=event.data["user"],
        campaign_id=outcome.campaign.id,
        priority=Priority.URGENT,
    )
    session.add(
        EscalationPage(
            escalation_id=stored_id(outcome.escalation),
            user_id=event.data["user"],
            responder=event.data["responder"],
            paged_at=now,
            message_id=stored_id(dm),
        )
    )


async def _channel_post(session: AsyncSession, message_id: int | None) -> OutboxMessage:
    post = await session.get(OutboxMessage, message_id)
    assert post is not None
    return post


async def _update_copies(session: AsyncSession, outcome: Outcome, now: datetime) -> None:
    """Rewrite the channel post and every DM page in place to show the new state."""
    escalation = outcome.escalation
    page_ids = (
        await session.exec(select(EscalationPage.message_id).where(EscalationPage.escalation_id == escalation.id))
    ).all()
    copies = (
        await session.exec(
            select(OutboxMessage).where(col(OutboxMessage.id).in_([escalation.channel_message_id, *page_ids]))
        )
    ).all()
    card = render.card(escalation, now=now)
    for copy in copies:
        await enqueue(session, card, now=now, channel=copy.channel, campaign_id=outcome.campaign.id, updates=copy)
