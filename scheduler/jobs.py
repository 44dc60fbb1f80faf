"""What the tick does: each kind of due work in turn, one failure never stopping the rest."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from warroom_bot.runtime import Runtime

log = logging.getLogger(__name__)


async def tick(runtime: Runtime) -> None:
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("outbox", runtime.outbox.drain),
    ]
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("tick step %s failed; it runs again on the next tick", name)
