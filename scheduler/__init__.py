"""The clock of the service: APScheduler running one short recurring tick.

Deadlines live in domain rows (outbox `next_attempt_at`, escalation `next_step_at`, and later digest
slots and retro prompts), not in APScheduler's job store: the tick picks up what is due and claims it
with a conditional update. So a restart loses nothing, a second replica doubles nothing, and
APScheduler's one-shot pitfalls (a 1 s misfire grace, job stores that must not be shared) do not
apply.
"""

from __future__ import annotations

import asyncio
import contextlib

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from warroom_bot.core.runtime import Runtime
from warroom_bot.scheduler.jobs import tick


class Ticker:
    """Runs `tick` every `WARROOM_TICK_SECONDS`, and on stop lets a tick under way finish."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._idle = asyncio.Event()
        self._idle.set()
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=runtime.settings.tick_seconds),
            id="tick",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    async def _tick(self) -> None:
        self._idle.clear()
        try:
            await tick(self._runtime)
        finally:
            self._idle.set()

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self, grace: float = 10.0) -> None:
        self.scheduler.shutdown(wait=False)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout=grace)
