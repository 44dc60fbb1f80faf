"""Slack's pacing of `chat.postMessage`, as one process keeps it: about one message a second per
channel with short bursts (a token bucket per channel), and a pause of every channel when Slack
rate-limits the workspace (429s from several channels within a second)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

WORKSPACE_LIMIT_CHANNELS = 3  # 429s from this many channels within a second pause every channel


@dataclass
class _Bucket:
    tokens: float
    at: float


class SlackPacing:
    """Times are `time.monotonic()` seconds, passed in (the outbox reads the clock once per look)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, _Bucket] = {}
        self._rate_limited: dict[str, float] = {}  # channel -> when its last 429 came
        self._paused_until = 0.0

    def wait(self, channel: str, now: float) -> float:
        """Seconds until `channel` may take a message (0: now)."""
        bucket = self._buckets.setdefault(channel, _Bucket(float(self.burst), now))
        if now > bucket.at:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def take(self, channel: str) -> None:
        """A message is going to `channel` (call after `wait` said 0)."""
        self._buckets[channel].tokens -= 1

    def paused_for(self, now: float) -> float:
        """Seconds every channel still waits after a workspace-wide 429 (0: none)."""
        return max(0.0, self._paused_until - now)

    def rate_limited(self, channel: str, retry_after: timedelta | None, now: float) -> str:
        """A 429 for `channel` (the row itself waits for its Retry-After); when several channels
        got one within a second, the limit is the workspace's: every channel waits Retry-After (else
        a second). The scope, `channel` or `workspace`."""
        self._rate_limited = {c: at for c, at in self._rate_limited.items() if now - at < 1.0}
        self._rate_limited[channel] = now
        if len(self._rate_limited) < WORKSPACE_LIMIT_CHANNELS:
            return "channel"
        wait = retry_after.total_seconds() if retry_after else 1.0
        self._paused_until = max(self._paused_until, now + wait)
        return "workspace"
