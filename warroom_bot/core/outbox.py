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
import random
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
from warroom_bot.core.pacing import SlackPacing
from warroom_bot.models import OutboxMessage, OutboxStatus, Priority

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=5)
MAX_PACING_WAIT = 2.0  # seconds a drain waits for a paced channel before leaving it to the next tick
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


@dataclass(frozen=True)
class _Head:
    """The oldest undelivered message of a channel, and the most urgent priority waiting there."""

    row: OutboxMessage
    parent: OutboxMessage | None
    priority: int
    more: bool  # the channel has other messages waiting behind this one


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
        self._pacing = SlackPacing(channel_rate, channel_burst)
        self._salt = random.random()
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
            busy: dict[asyncio.Task[bool], _Head] = {}
            waiting: list[_Head] = []  # found by the last look, not started yet (most urgent first)
            soonest: float | None = None
            look = True
            while True:
                if look and len(busy) < self._concurrency:
                    # Look again only when a slot is free and something may have changed: a new
                    # message (a wake), or the last look's channels all started.
                    self._woken.clear()
                    waiting, soonest = await self._due_heads(exclude={head.row.channel for head in busy.values()})
                    look = False
                moment = time.monotonic()
                while waiting and len(busy) < self._concurrency:
                    head = waiting.pop(0)
                    if self._pacing.wait(head.row.channel, moment) > 0:
                        look = True  # paced since the look found it: the next look says for how long
                        continue
                    self._pacing.take(head.row.channel)
                    busy[asyncio.create_task(self._deliver_head(head))] = head
                if not busy:
                    if look:
                        continue
                    if soonest is None or soonest > MAX_PACING_WAIT:
                        return settled
                    await asyncio.sleep(soonest)  # a channel paced for a moment: wait rather than leave it to the tick
                    look = True
                    continue
                waiters: set[asyncio.Future[Any]] = set(busy)
                woken = None if self._woken.is_set() else asyncio.ensure_future(self._woken.wait())
                if woken is not None:
                    waiters.add(woken)
                done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                if woken is not None:
                    woken.cancel()
                for task in [task for task in busy if task in done]:
                    finished = busy.pop(task)
                    settled += task.result()
                    # A channel with more waiting may now offer a more urgent message than those found.
                    look = look or finished.more
                look = look or self._woken.is_set() or not waiting

    async def _due_heads(self, exclude: set[str]) -> tuple[list[_Head], float | None]:
        """Each channel's oldest undelivered message that may go now, most urgent channel first; and
        how long until the soonest channel held back only by pacing may take one."""
        now, moment = self._clock.now(), time.monotonic()
        if (paused := self._pacing.paused_for(moment)) > 0:
            return [], paused
        undelivered = col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
        async with self._sessions() as session:
            per_channel = (
                await session.exec(
                    select(
                        OutboxMessage.channel,
                        func.min(OutboxMessage.id),
                        func.min(OutboxMessage.priority),
                        func.count(),
                    )
                    .where(undelivered)
                    .group_by(col(OutboxMessage.channel))
                )
            ).all()
            urgency = {
                first: (priority, count > 1)
                for channel, first, priority, count in per_channel
                if channel not in exclude
            }
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
            wait = self._pacing.wait(row.channel, moment)
            if wait > 0:
                soonest = wait if soonest is None else min(soonest, wait)
                continue
            heads.append(_Head(row, parent, *urgency[stored_id(row)]))
        # Most urgent first; among equals, in an order of this process's own, so that replicas
        # sharing the outbox start on different channels instead of racing for the same ones.
        heads.sort(key=lambda head: (head.priority, hash((self._salt, head.row.channel))))
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
                scope = self._pacing.rate_limited(row.channel, retry.delay, time.monotonic())
                telemetry.RATE_LIMITED.labels(scope=scope).inc()
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
