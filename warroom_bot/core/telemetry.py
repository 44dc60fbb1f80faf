"""What the service measures for `GET /metrics` (Prometheus): the outbox, Slack's rate limits, due
work's lateness, request latency. One registry per process; the README lists the names and what
to alert on."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.models import OutboxMessage, OutboxStatus, Priority

REGISTRY = CollectorRegistry(auto_describe=True)
# Seconds: from a tenth of a second (a page on an idle service) to minutes (a Slack outage).
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)

OUTBOX_DEPTH = Gauge("warroom_outbox_depth", "Messages waiting to be delivered", ["priority"], registry=REGISTRY)
OUTBOX_OLDEST_AGE = Gauge(
    "warroom_outbox_oldest_age_seconds",
    "Age of the oldest message waiting to be delivered",
    ["priority"],
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "warroom_outbox_deliveries", "Delivery attempts by outcome: sent, retried, failed", ["outcome"], registry=REGISTRY
)
RATE_LIMITED = Counter(
    "warroom_slack_rate_limited",
    "429 answers from Slack; scope=workspace when several channels got one within a second",
    ["scope"],
    registry=REGISTRY,
)
DELIVERY_LATENCY = Histogram(
    "warroom_outbox_latency_seconds",
    "From a message being written to Slack accepting it",
    ["priority"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
DUE_LATENESS = Histogram(
    "warroom_due_lateness_seconds",
    "From a deadline (an escalation step, a digest slot…) to its work being done",
    ["kind"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
REQUEST_LATENCY = Histogram(
    "warroom_request_seconds",
    "Time to answer an HTTP request, by route (`/slack/events` carries slash commands and taps)",
    ["route"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
DB_WAIT = Histogram(
    "warroom_db_connection_wait_seconds",
    "Time to get a database connection from the pool",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0),
    registry=REGISTRY,
)


async def sample_outbox(session: AsyncSession, now: datetime) -> None:
    """Set the outbox gauges from the table (at each scrape)."""
    rows = (
        await session.exec(
            select(OutboxMessage.priority, func.count(), func.min(OutboxMessage.created_at))
            .where(col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            .group_by(col(OutboxMessage.priority))
        )
    ).all()
    waiting = {priority: (count, oldest) for priority, count, oldest in rows}
    for priority in Priority:
        count, oldest = waiting.get(priority, (0, None))
        label = priority.name.lower()
        OUTBOX_DEPTH.labels(priority=label).set(count)
        OUTBOX_OLDEST_AGE.labels(priority=label).set((now - oldest).total_seconds() if oldest else 0.0)
