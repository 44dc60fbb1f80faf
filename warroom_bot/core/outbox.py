"""The outbox: Slack messages written with the change that caused them, delivered afterwards.

`enqueue` adds a row inside the caller's transaction, so a message exists if and only if the change
committed. `OutboxSender` delivers rows in id order and is woken right after a commit and by every
scheduler tick:

- a row is claimed with a conditional update (pending, or sending with an expired lease, to
  sending), so exactly one worker sends it even with several replicas on one database;
- 429 (honouring Retry-After), 5xx, timeouts and refused connections put the row back with a
  later `next_attempt_at`; any other Slack error is final and the row is marked failed;
- while a row waits, later rows for the same channel wait too, so a channel sees its messages in
  the order they were written; a thread reply waits for its parent's `ts`, an update for its
  target's.

A crash between Slack accepting a message and the row being marked sent is the one window in which a
message can be sent twice (after the lease expires); everything else is delivered exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core import telemetry
from warroom_bot.core.blocks import Message
from warroom_bot.core.clock import Clock
from warroom_bot.core.db import Sessions, stored_id
from warroom_bot.models import OutboxMessage, OutboxStatus, Priority

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=5)
MAX_PACING_WAIT = 2.0  # seconds a drain waits for a paced channel before leaving it to the next tick
WORKSPACE_LIMIT_CHANNELS = 3  # 429s from this many channels within a second pause every channel
ENQUEUED = "warroom.outbox.enqueued"  # the session.info key `enqueue` sets


async def enqueue(
    session: AsyncSession,
    message: Message,
    *,
    now: datetime,
    channel: str,
    campaign_id: int | None = None,
    thread_of: OutboxMessage | None = None,
    thread_ts: str | None = None,
    updates: OutboxMessage | None = None,
    priority: Priority | None = None,
) -> OutboxMessage:
    """Add a message to the caller's transaction: a post to `channel` (a channel or user id), a
    reply in the thread of `thread_of` (one of ours) or of `thread_ts` (someone's message), or an
    in-place `chat.update` of `updates`. `priority` defaults to urgent for an update (a tapped
    button redrawn), else normal."""
    if priority is None:
        priority = Priority.URGENT if updates is not None else Priority.NORMAL
    row = OutboxMessage(
        campaign_id=campaign_id,
        method="chat.update" if updates is not None else "chat.postMessage",
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        thread_of_id=thread_of.id if thread_of is not None else None,
        thread_ts=thread_ts,
        updates_id=updates.id if updates is not None else None,
        priority=priority,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    session.info[ENQUEUED] = True
    return row


def enqueued_in(session: AsyncSession) -> bool:
    """Whether `enqueue` added a message to this session's transaction."""
    return session.info.get(ENQUEUED, False)


class _Retry(Exception):
    def __init__(self, reason: str, delay: timedelta | None, *, rate_limited: bool = False) -> None:
        super().__init__(reason)
        self.delay = delay
        self.rate_limited = rate_limited


@dataclass
class _Pacing:
    """Slack's pacing of one channel, in this process: about one message a second, short bursts
    allowed (a token bucket of `burst` messages refilled at `rate` a second)."""

    rate: float
    burst: int
    tokens: float = 0.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds until the channel may take a message (0: now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass(frozen=True)
class _Head:
    """The oldest undelivered message of a channel, and the most urgent priority waiting there."""

    row: OutboxMessage
    parent: OutboxMessage | None
    priority: int


class OutboxSender:
    """Delivers the outbox: several channels at once (`concurrency`), each channel's messages one at
    a time in the order they were written, the channel with the most urgent message first."""

    def __init__(
        self,
        sessions: Sessions,
        client: AsyncWebClient,
        clock: Clock,
        *,
        concurrency: int = 8,
        channel_rate: float = 1.0,
        channel_burst: int = 4,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._clock = clock
        self._concurrency = concurrency
        self._channel_rate, self._channel_burst = channel_rate, channel_burst
        self._pacing: dict[str, _Pacing] = {}
        self._rate_limited: dict[str, float] = {}  # channel -> when its last 429 came (monotonic)
        self._paused_until = 0.0  # every channel waits (a workspace-wide 429)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Deliver soon, without waiting for the next tick (call after committing a message)."""
        self._woken.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain_until_quiet())
        else:
            self._again = True

    async def _drain_until_quiet(self) -> None:
        self._again = True
        while self._again:
            self._again = False
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; the next tick tries again")
                return

    async def close(self, grace: float = 5.0) -> None:
        """Let a woken delivery under way finish within `grace` seconds, then stop. (A delivery
        started by the tick is the scheduler's to wait for: see `scheduler.Ticker.stop`.)"""
        if self._task is not None:
            _done, pending = await asyncio.wait({self._task}, timeout=grace)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def drain(self) -> int:
        """Send every message that is due; return how many were settled (sent, or failed for good).

        Each delivery is a task for one channel's oldest message; whenever one ends, the most
        urgent channel that is due and not busy gets the free slot, so a page written during a
        fan-out of digests is the next message to go."""
        async with self._lock:
            settled = 0
            busy: dict[asyncio.Task[bool], str] = {}
            while True:
                self._woken.clear()
                heads, soonest = await self._due_heads(exclude=set(busy.values()))
                for head in heads[: self._concurrency - len(busy)]:
                    self._pace(head.row.channel).take()
                    busy[asyncio.create_task(self._deliver_head(head))] = head.row.channel
                if not busy:
                    if soonest is None or soonest > MAX_PACING_WAIT:
                        return settled
                    await asyncio.sleep(soonest)  # a channel paced for a moment: wait rather than leave it to the tick
                    continue
                woken = asyncio.create_task(self._woken.wait())
                done, _ = await asyncio.wait({*busy, woken}, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                for task in done & busy.keys():
                    del busy[task]
                    settled += task.result()

    def _pace(self, channel: str) -> _Pacing:
        return self._pacing.setdefault(
            channel, _Pacing(self._channel_rate, self._channel_burst, float(self._channel_burst), time.monotonic())
        )

    async def _due_heads(self, exclude: set[str]) -> tuple[list[_Head], float | None]:
        """Each channel's oldest undelivered message that may go now, most urgent channel first; and
        how long until the soonest channel held back only by pacing may take one."""
        now, moment = self._clock.now(), time.monotonic()
        if moment < self._paused_until:
            return [], self._paused_until - moment
        undelivered = col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
        async with self._sessions() as session:
            per_channel = (
                await session.exec(
                    select(OutboxMessage.channel, func.min(OutboxMessage.id), func.min(OutboxMessage.priority))
                    .where(undelivered)
                    .group_by(col(OutboxMessage.channel))
                )
            ).all()
            urgency = {first: priority for channel, first, priority in per_channel if channel not in exclude}
            rows = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(urgency)))).all()
            needed = {row.thread_of_id or row.updates_id for row in rows} - {None}
            parents = (
                {p.id: p for p in (await session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(needed))))}
                if needed
                else {}
            )
        heads, soonest = [], None
        for row in rows:
            parent = parents.get(row.thread_of_id or row.updates_id or 0)
            if not self._is_due(row, parent, now):
                continue
            wait = self._pace(row.channel).wait(moment)
            if wait > 0:
                soonest = wait if soonest is None else min(soonest, wait)
                continue
            heads.append(_Head(row, parent, urgency[stored_id(row)]))
        heads.sort(key=lambda head: (head.priority, head.row.id))
        return heads, soonest

    async def _deliver_head(self, head: _Head) -> bool:
        row = head.row
        if not await self._claim(row, self._clock.now()):
            return False
        return await self._deliver(row, head.parent)

    @staticmethod
    def _is_due(row: OutboxMessage, parent: OutboxMessage | None, now: datetime) -> bool:
        if parent is not None and parent.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            return False
        if row.status == OutboxStatus.SENDING:
            return row.claimed_until is not None and row.claimed_until <= now
        return row.next_attempt_at <= now

    async def _claim(self, row: OutboxMessage, now: datetime) -> bool:
        async with self._sessions() as session:
            result = await session.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == row.id,
                    or_(
                        col(OutboxMessage.status) == OutboxStatus.PENDING,
                        (col(OutboxMessage.status) == OutboxStatus.SENDING) & (col(OutboxMessage.claimed_until) <= now),
                    ),
                )
                .values(
                    status=OutboxStatus.SENDING,
                    claimed_until=now + self._clock.real(LEASE),
                    attempts=col(OutboxMessage.attempts) + 1,
                )
            )
            await session.commit()
        row.attempts += 1
        return result.rowcount == 1

    def _rate_limited_at(self, channel: str, retry_after: timedelta | None) -> None:
        """A 429 for `channel`; when several channels get one within a second, the limit is the
        workspace's: every channel waits (Retry-After, else a second)."""
        moment = time.monotonic()
        self._rate_limited = {c: at for c, at in self._rate_limited.items() if moment - at < 1.0}
        self._rate_limited[channel] = moment
        if len(self._rate_limited) >= WORKSPACE_LIMIT_CHANNELS:
            wait = retry_after.total_seconds() if retry_after else 1.0
            self._paused_until = max(self._paused_until, moment + wait)
            telemetry.RATE_LIMITED.labels(scope="workspace").inc()
        else:
            telemetry.RATE_LIMITED.labels(scope="channel").inc()

    async def _deliver(self, row: OutboxMessage, parent: OutboxMessage | None) -> bool:
        """Send one claimed row and record the outcome; True if it is settled (sent or failed for good)."""
        if row.method == "chat.update" and (parent is None or parent.status != OutboxStatus.SENT):
            await self._finish(row, status=OutboxStatus.FAILED, last_error="the message to update was never sent")
            telemetry.DELIVERIES.labels(outcome="failed").inc()
            return True
        try:
            response = await self._send(row, parent)
        except _Retry as retry:
            if retry.rate_limited:
                self._rate_limited_at(row.channel, retry.delay)
            telemetry.DELIVERIES.labels(outcome="retried").inc()
            delay = retry.delay or min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
            log.warning("outbox message %s not delivered (%s); retrying in %s", row.id, retry, delay)
            await self._finish(
                row,
                status=OutboxStatus.PENDING,
                next_attempt_at=self._clock.now() + self._clock.real(delay),
                last_error=str(retry),
            )
            return False
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            log.error("outbox message %s refused by Slack (%s); giving up", row.id, code)
            await self._finish(row, status=OutboxStatus.FAILED, last_error=code)
            telemetry.DELIVERIES.labels(outcome="failed").inc()
            return True
        telemetry.DELIVERIES.labels(outcome="sent").inc()
        telemetry.DELIVERY_LATENCY.labels(priority=Priority(row.priority).name.lower()).observe(
            (self._clock.now() - row.created_at).total_seconds()
        )
        await self._finish(
            row,
            status=OutboxStatus.SENT,
            sent_at=self._clock.now(),
            ts=response["ts"],
            sent_channel=response["channel"],
            last_error=None,
        )
        return True

    async def _send(self, row: OutboxMessage, parent: OutboxMessage | None) -> dict[str, Any]:
        try:
            if row.method == "chat.update":
                # _deliver checked that the parent was sent, and a sent row has its channel and ts
                assert parent is not None and parent.sent_channel is not None and parent.ts is not None
                response = await self._client.chat_update(
                    channel=parent.sent_channel, ts=parent.ts, text=row.text, blocks=row.blocks
                )
            else:
                thread_ts = parent.ts if parent is not None and parent.status == OutboxStatus.SENT else row.thread_ts
                response = await self._client.chat_postMessage(
                    channel=row.channel,
                    text=row.text,
                    blocks=row.blocks,
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as error:
            status = error.response.status_code
            if status == 429:
                retry_after = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
                delay = timedelta(seconds=int(retry_after)) if str(retry_after).isdigit() else None
                raise _Retry("rate limited (429)", delay, rate_limited=True) from error
            if status >= 500:
                raise _Retry(f"Slack answered {status}", None) from error
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise _Retry(f"{type(error).__name__}: {error}", None) from error
        return {"ts": response["ts"], "channel": response["channel"]}

    async def _finish(self, row: OutboxMessage, **values: Any) -> None:
        async with self._sessions() as session:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.status) == OutboxStatus.SENDING)
                .values(claimed_until=None, **values)
            )
            await session.commit()
