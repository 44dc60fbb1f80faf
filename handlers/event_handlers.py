"""Events: `@warroom` in a war room answers with the status digest in the mention's thread."""

from __future__ import annotations

from typing import Any

from warroom_bot.core import events
from warroom_bot.core.blocks import notice
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.outbox import enqueue
from warroom_bot.core.runtime import Runtime
from warroom_bot.digest import render
from warroom_bot.digest.snapshot import snapshot
from warroom_bot.models import Campaign

NO_CAMPAIGN = N_("This channel has no campaign yet; start one with `/warroom start`.")


async def app_mentioned(
    body: dict[str, Any], event: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    """Bolt acknowledges events itself; the reply goes through the outbox, once per event id."""
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        if not await events.first_delivery(session, event_id=body["event_id"], now=now):
            return
        answer = render.digest(await snapshot(session, campaign, now)) if campaign else notice(tr(NO_CAMPAIGN))
        await enqueue(
            session,
            answer,
            now=now,
            channel=event["channel"],
            campaign_id=campaign.id if campaign else None,
            thread_ts=event.get("thread_ts") or event["ts"],
        )
