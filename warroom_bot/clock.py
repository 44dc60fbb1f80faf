"""The one source of "now" for every service, so tests move time instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment.astimezone(UTC)
        return self._now


class ScaledClock:
    """Simulated time running `speed` times faster than the wall clock from `start` (the demo);
    `skip_to` jumps ahead over hours in which nothing happens."""

    def __init__(self, start: datetime, speed: float) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs an aware datetime")
        self.speed = speed
        self._start = start.astimezone(UTC)
        self._origin = time.monotonic()
        self._skipped = timedelta()

    def now(self) -> datetime:
        return self._start + self._skipped + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)

    def restart(self) -> None:
        """Show `start` again from now on (once whatever had to be set up first is ready)."""
        self._origin = time.monotonic()
        self._skipped = timedelta()

    def skip_to(self, moment: datetime) -> None:
        ahead = moment - self.now()
        if ahead > timedelta():
            self._skipped += ahead

    def real_seconds_until(self, moment: datetime) -> float:
        return max((moment - self.now()).total_seconds() / self.speed, 0.0)
