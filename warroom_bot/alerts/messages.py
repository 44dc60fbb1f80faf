"""The Slack messages a check of the alert rules causes, written to the outbox in its transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.alerts import render
from warroom_bot.alerts.service import Checked
from warroom_bot.core.outbox import enqueue
from warroom_bot.escalations import messages as escalation_messages
from warroom_bot.models import Priority


async def publish(session: AsyncSession, checked: Checked, *, now: datetime) -> None:
    """Escalations raised, noted or resolved; notices in the channel; Resolve offered on recovery.
    Quiet hours hold digests, not these."""
    campaign = checked.campaign
    for outcome in checked.escalations:
        await escalation_messages.publish(session, outcome, now=now)
    for notice in checked.notices:
        await enqueue(
            session,
            render.notice(notice, campaign.timezone, now),
            now=now,
            channel=campaign.channel_id,
            campaign_id=campaign.id,
            priority=Priority.URGENT,
        )
    for escalation in checked.offers:
        await escalation_messages.offer_resolve(session, escalation, campaign, now=now)
