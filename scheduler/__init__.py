"""The clock of the service: APScheduler running one short recurring job per kind of due work, and
one for the outbox.

Deadlines live in domain rows (outbox `next_attempt_at`, escalation `next_step_at`, digest slots,
retro prompts), not in APScheduler's job store: each job picks up what is due and claims it with a
conditional update. So a restart loses nothing, a second replica doubles nothing, and APScheduler's
one-shot pitfalls (a 1 s misfire grace, job stores that must not be shared) do not apply.

Each kind runs on its own every `WARROOM_TICK_SECONDS` (one run of a kind at a time): a fan-out of
200 digests, or a pull source that answers slowly, never delays an escalation step, which fires
within a tick of its deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from warroom_bot.core.runtime import Runtime
from warroom_bot.scheduler.jobs import DUE_WORK, HOUSEKEEPING_SECONDS, for_each_due, housekeeping

log = logging.getLogger(__name__)


class Ticker:
    """Runs each kind of due work and the outbox every `WARROOM_TICK_SECONDS`, each on its own, and
    the housekeeping every `HOUSEKEEPING_SECONDS`; on stop, lets the runs under way finish."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._running: dict[str, asyncio.Task[object]] = {}
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        tick = runtime.settings.tick_seconds
        jobs: list[tuple[str, Callable[[], Awaitable[object]], float]] = [
            *((work.name, partial(for_each_due, runtime, work), tick) for work in DUE_WORK),
            ("outbox", runtime.outbox.drain, tick),
            ("housekeeping", partial(housekeeping, runtime), HOUSEKEEPING_SECONDS),
        ]
        for name, job, seconds in jobs:
            self.scheduler.add_job(
                self._tracked(name, job),
                IntervalTrigger(seconds=seconds),
                id=name,
                name=name,
                misfire_grace_time=None,
                coalesce=True,
                max_instances=2,  # the second only sees that the first is still running (not a warning)
            )

    def _tracked(self, name: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """The job, skipped while its previous run goes on (a fan-out longer than a tick), remembered
        while it runs (for `stop`), its failure logged (it runs again on the next tick)."""

        async def run() -> None:
            task = asyncio.current_task()
            if name in self._running or task is None:
                return
            self._running[name] = task
            try:
                await job()
            except Exception:
                log.exception("%s failed; it runs again on the next tick", name)
            except asyncio.CancelledError:  # shutting down: the work is in the database, done after a restart
                log.info("%s stopped at shutdown", name)
            finally:
                del self._running[name]

        return run

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self, grace: float = 10.0) -> None:
        self.scheduler.shutdown(wait=False)
        if self._running:
            await asyncio.wait(set(self._running.values()), timeout=grace)
