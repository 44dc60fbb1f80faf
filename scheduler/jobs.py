"""What the tick does: each kind of due work in turn, one failure never stopping the rest."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from models import Campaign
from warroom_bot import digest, escalations
from warroom_bot.runtime import Runtime

log = logging.getLogger(__name__)


async def fire_escalation_steps(runtime: Runtime) -> None:
    """Page the next responder of every escalation whose deadline passed, each in its own transaction."""
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        due = await escalations.due(session, now)
    for escalation_id in due:
        try:
            async with runtime.transaction() as session:
                await escalations.advance(session, escalation_id=escalation_id, now=now)
        except Exception:
            log.exception("escalation %s: step failed; it is retried on the next tick", escalation_id)


async def post_due_digests(runtime: Runtime) -> None:
    """Post each campaign's digest whose slot has come (once, whoever claims it), each on its own."""
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        due = await digest.due(session, now)
    for campaign_id in due:
        try:
            async with runtime.sessions() as session:
                campaign = await session.get(Campaign, campaign_id)
            # Fetched outside the transaction; only the worker that claims the slot stores it.
            pulled = await digest.pull_for(campaign) if campaign and campaign.next_digest_at else None
            async with runtime.transaction() as session:
                await digest.run_slot(session, campaign_id=campaign_id, now=now, pulled=pulled)
        except Exception:
            log.exception("campaign %s: digest failed; it is retried on the next tick", campaign_id)


async def tick(runtime: Runtime) -> None:
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("escalations", lambda: fire_escalation_steps(runtime)),
        ("digests", lambda: post_due_digests(runtime)),
        ("outbox", runtime.outbox.drain),
    ]
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("tick step %s failed; it runs again on the next tick", name)
