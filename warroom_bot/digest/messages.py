"""What the digest says in Slack: the status digest, rendered from its snapshot and
enqueued in the caller's transaction, so that it is posted if and only if the slot's claim and the
remembered lights are committed (the outbox guarantee)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.outbox import enqueue
from warroom_bot.digest import render
from warroom_bot.digest.snapshot import Snapshot
from warroom_bot.models import Campaign, OutboxMessage, Priority


async def post_digest(session: AsyncSession, campaign: Campaign, snapshot: Snapshot, *, now: datetime) -> OutboxMessage:
    """The status digest, posted in the campaign's channel."""
    return await enqueue(
        session,
        render.digest(snapshot),
        now=now,
        channel=campaign.channel_id,
        campaign_id=campaign.id,
        priority=Priority.BULK,
    )
