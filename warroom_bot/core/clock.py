"""The one source of "now" for every service, so tests move time instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Campaign time. Deadlines, digest slots and retro prompts are in it; durations of the real
    world (a sending lease, a server's Retry-After) are converted with `real()`."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def real(self, duration: timedelta) -> timedelta:
        """How long a wall-clock `duration` lasts on this clock."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def real(self, duration: timedelta) -> timedelta:
        return duration


class ManualClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def real(self, duration: timedelta) -> timedelta:
        return duration

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment.astimezone(UTC)
        return self._now


class ScaledClock:
    """Simulated time: `start` at the wall-clock moment `anchor` (Unix seconds, default now), running
    `speed` times faster; `skip_to` jumps ahead over hours in which nothing happens (the demo).

    Processes given the same start, speed and anchor share one simulated time (the replica tests)."""

    def __init__(self, start: datetime, speed: float, *, anchor: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs an aware datetime")
        self.speed = speed
        self._start = start.astimezone(UTC)
        self._anchor = time.time() if anchor is None else anchor
        self._skipped = timedelta()

    def now(self) -> datetime:
        return self._start + self._skipped + timedelta(seconds=(time.time() - self._anchor) * self.speed)

    def real(self, duration: timedelta) -> timedelta:
        return duration * self.speed

    def restart(self) -> None:
        """Show `start` again from now on (once whatever had to be set up first is ready)."""
        self._anchor = time.time()
        self._skipped = timedelta()

    def skip_to(self, moment: datetime) -> None:
        ahead = moment - self.now()
        if ahead > timedelta():
            self._skipped += ahead

    def real_seconds_until(self, moment: datetime) -> float:
        return max((moment - self.now()).total_seconds() / self.speed, 0.0)
