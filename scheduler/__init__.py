"""The clock of the service: APScheduler running one short recurring tick.

Deadlines live in domain rows (outbox `next_attempt_at`, and later digest slots, escalation steps
and retro prompts), not in APScheduler's job store: the tick picks up what is due and claims it
with a conditional update. So a restart loses nothing, a second replica doubles nothing, and
APScheduler's one-shot pitfalls (a 1 s misfire grace, job stores that must not be shared) do not
apply.
"""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.jobs import tick
from warroom_bot.runtime import Runtime


def create_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=runtime.settings.tick_seconds),
        args=[runtime],
        id="tick",
        misfire_grace_time=None,
        coalesce=True,
        max_instances=1,
    )
    return scheduler
