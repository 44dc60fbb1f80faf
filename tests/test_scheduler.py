"""The scheduler itself runs the tick: due work is picked up without anyone asking."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import START_LINE, in_process
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import OutboxStatus


async def test_the_scheduler_tick_delivers_a_message_that_is_due(
    settings: Settings, clock: ManualClock, standin: SlackStandIn
) -> None:
    fast = settings.model_copy(update={"tick_seconds": 0.2})
    standin.fail(500, times=2, method="chat.postMessage")  # the first delivery and its one in-client retry
    async with in_process(fast, clock, standin) as bot:
        await bot.ephemeral(f"start {START_LINE}")
        while [(row.status, row.attempts) for row in await bot.outbox()] != [(OutboxStatus.PENDING, 1)]:
            await asyncio.sleep(0.01)  # wait for the first delivery and its in-client retry to fail
        assert standin.ok_calls("chat.postMessage") == []
        clock.advance(timedelta(minutes=1))
        await standin.wait_for("chat.postMessage", within=3)
