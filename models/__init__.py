"""Database tables and the enums stored in them.

This package imports nothing from the rest of warroom-bot: services, handlers, the scheduler and the
REST API all depend on it, never the other way round.

Every datetime is stored as UTC and comes back timezone-aware (see `UTCDateTime`); a campaign's own
time zone is only used to display times and to compute its schedule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Column, Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned timezone-aware.

    SQLite has no time zone support, so storing naive UTC everywhere keeps the value identical on
    SQLite and PostgreSQL, and comparisons in SQL (``next_attempt_at <= :now``) stay correct.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return (value if value.tzinfo is UTC else value.astimezone(UTC)).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Phase(StrEnum):
    """Where a campaign stands; `closed` is final."""

    WARMUP = "warmup"
    LIVE = "live"
    EXTENSION = "extension"
    WRAPUP = "wrapup"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """How people write it in a sentence: `warm-up`, `wrap-up` (`warmup` is the command's word)."""
        return {"warmup": "warm-up", "wrapup": "wrap-up"}.get(self.value, self.value)


class Severity(StrEnum):
    """Escalation severities, lowest to highest."""

    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


class EscalationStatus(StrEnum):
    """`open` until someone acknowledges; `exhausted` when the whole response chain was paged in
    vain (it can still be acknowledged); `resolved` is final."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"
    RESOLVED = "resolved"


class KpiKind(StrEnum):
    """Cumulative KPIs (GMV, orders) are compared with their target to date; gauges (inventory,
    response time) with their threshold as they stand now."""

    CUMULATIVE = "cumulative"
    GAUGE = "gauge"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Campaign(SQLModel, table=True):
    """A campaign and the channel that is its war room.

    At most one campaign that is not closed may be bound to a channel (a partial unique index).
    """

    __table_args__ = (
        sa.Index(
            "uq_campaign_open_per_channel",
            "channel_id",
            unique=True,
            sqlite_where=sa.text("phase != 'closed'"),
            postgresql_where=sa.text("phase != 'closed'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    timezone: str = Field(max_length=64)
    starts_at: datetime = _utc_column()
    ends_at: datetime = _utc_column()
    phase: str = Field(max_length=16)
    created_by: str = Field(max_length=32)
    created_at: datetime = _utc_column()
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    escalation_seq: int = Field(default=0, description="the last escalation number handed out (#1, #2, …)")
    next_digest_at: datetime | None = _utc_column(nullable=True, index=True)
    last_digest: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    next_retro_at: datetime | None = _utc_column(nullable=True, index=True)

    def elapsed(self, now: datetime) -> float:
        """The share of the live period behind `now`, from 0 before it to 1 after it."""
        return min(max((now - self.starts_at) / (self.ends_at - self.starts_at), 0.0), 1.0)


class RoleAssignment(SQLModel, table=True):
    """Who holds a role in a campaign: a primary and an optional backup (the "A/B roles")."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "role", name="uq_role_per_campaign"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    role: str = Field(max_length=48)
    primary_user: str = Field(max_length=32)
    backup_user: str | None = Field(default=None, max_length=32)
    updated_by: str = Field(max_length=32)
    updated_at: datetime = _utc_column()


class OutboxMessage(SQLModel, table=True):
    """A Slack message that a domain change caused, written in the same transaction as the change.

    The sender delivers it afterwards and records the `ts` Slack gave it, so that later updates
    (`chat.update`) and thread replies can refer to it.
    """

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    method: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    text: str
    blocks: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    thread_of_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    thread_ts: str | None = Field(
        default=None, max_length=32, description="a reply in the thread of a person's message"
    )
    updates_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _utc_column(index=True)
    claimed_until: datetime | None = _utc_column(nullable=True)
    last_error: str | None = None
    created_at: datetime = _utc_column()
    sent_at: datetime | None = _utc_column(nullable=True)
    sent_channel: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API, stored only as its SHA-256 hash.

    A token with a `campaign_id` sees and changes that campaign only; one without is an admin token.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    created_at: datetime = _utc_column()
    last_used_at: datetime | None = _utc_column(nullable=True)


class Escalation(SQLModel, table=True):
    """A problem raised in a campaign, and where its response chain stands.

    `step` and `round` say who was paged last (see `warroom_bot.escalations.service`); `next_step_at` is the
    deadline after which the tick pages the next person, None once nobody needs paging.
    """

    __table_args__ = (sa.UniqueConstraint("campaign_id", "number", name="uq_escalation_number"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    number: int
    severity: str = Field(max_length=16)
    summary: str = Field(max_length=200)
    area: str | None = Field(default=None, max_length=80)
    details: str | None = Field(default=None, max_length=2000)
    raised_by: str = Field(max_length=32)
    raised_at: datetime = _utc_column()
    status: str = Field(default=EscalationStatus.OPEN, max_length=16)
    step: int = 0
    round: int = 0
    next_step_at: datetime | None = _utc_column(nullable=True, index=True)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = _utc_column(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = _utc_column(nullable=True)
    resolution_note: str | None = Field(default=None, max_length=500)
    channel_message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")


class EscalationPage(SQLModel, table=True):
    """One person paged for an escalation, and the DM that paged them (updated in place on ack)."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    user_id: str = Field(max_length=32)
    responder: str = Field(max_length=48)
    paged_at: datetime = _utc_column()
    message_id: int = Field(foreign_key="outboxmessage.id")


class EscalationEvent(SQLModel, table=True):
    """What happened to an escalation, as data: `kind` (raised, roster, paged, repeated, acknowledged,
    resolved, exhausted, note), who did it, and its details in `data` (the paged user, the responder,
    the deadline …). Rendered when read: a line in its Slack thread, an entry of the REST timeline."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime = _utc_column()
    kind: str = Field(max_length=24)
    actor: str | None = Field(default=None, max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Kpi(SQLModel, table=True):
    """A KPI of a campaign: its campaign target (cumulative) or threshold (gauge), and how to read it."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "key", name="uq_kpi_key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    key: str = Field(max_length=32)
    label: str = Field(max_length=60)
    unit: str = Field(default="", max_length=12)
    kind: str = Field(max_length=16)
    direction: str = Field(max_length=8)
    target: float | None = None
    hourly_weights: list[float] | None = Field(default=None, sa_column=Column(JSON))
    position: int = 0
    removed_at: datetime | None = _utc_column(nullable=True)  # removed KPIs keep their readings


class DimensionTarget(SQLModel, table=True):
    """A cumulative KPI's target for one dimension (a region, a channel, a SKU)."""

    __table_args__ = (sa.UniqueConstraint("kpi_id", "dimension", name="uq_dimension_target"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    dimension: str = Field(max_length=60)
    target: float


class Reading(SQLModel, table=True):
    """A KPI's value at a moment: for a cumulative KPI its running total to date, for a gauge its
    level. `dimension` is empty for the KPI as a whole."""

    __table_args__ = (sa.Index("ix_reading_kpi_dimension_at", "kpi_id", "dimension", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id")
    dimension: str = Field(default="", max_length=60)
    at: datetime = _utc_column()
    value: float
    source: str = Field(max_length=16)


class LatestReading(SQLModel, table=True):
    """The newest reading of each KPI and dimension, kept up to date on ingestion so that a digest
    costs the same however long the history grows."""

    kpi_id: int = Field(foreign_key="kpi.id", primary_key=True)
    dimension: str = Field(default="", max_length=60, primary_key=True)
    at: datetime = _utc_column()
    value: float


class BudgetLine(SQLModel, table=True):
    """A budget category of a campaign (or its reserve, `name == "reserve"`): planned and spent, in
    minor units (fen) so that no yuan is lost to floating point. Changed only by conditional updates."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "name", name="uq_budget_line"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    name: str = Field(max_length=32)
    planned: int = Field(sa_column=Column(sa.BigInteger, nullable=False))
    spent: int = Field(default=0, sa_column=Column(sa.BigInteger, nullable=False, server_default="0"))


class LedgerEntry(SQLModel, table=True):
    """One budget change, append-only: who, when, what, why, and every line's balance after it."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    at: datetime = _utc_column()
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    amount: int = Field(sa_column=Column(sa.BigInteger, nullable=False))
    from_line: str | None = Field(default=None, max_length=32)
    to_line: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=300)
    approved_by: str | None = Field(default=None, max_length=32)
    balances: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ApprovalRequest(SQLModel, table=True):
    """A budget change waiting for the finance approver or the commander; applied when approved.
    `message_ids` are the outbox rows of its copies (channel post and DMs), updated on a decision."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: str = Field(max_length=16)
    amount: int = Field(sa_column=Column(sa.BigInteger, nullable=False))
    from_line: str | None = Field(default=None, max_length=32)
    to_line: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=300)
    requested_by: str = Field(max_length=32)
    requested_at: datetime = _utc_column()
    expires_at: datetime = _utc_column(index=True)
    status: str = Field(default=ApprovalStatus.PENDING, max_length=16)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = _utc_column(nullable=True)
    message_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class RetroDay(SQLModel, table=True):
    """One day of a campaign's daily retrospective: the prompt posted, the figures it showed, and the
    reminder and morning summary still due (None once done or cancelled)."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "day", name="uq_retro_day"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    day: date
    figures: str
    prompted_at: datetime = _utc_column()
    prompt_message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    remind_at: datetime | None = _utc_column(nullable=True, index=True)
    summary_at: datetime | None = _utc_column(nullable=True, index=True)


class RetroEntry(SQLModel, table=True):
    """One person's retrospective of one day, in the playbook's three steps; editing replaces it."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "day", "user_id", name="uq_retro_entry"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    day: date
    user_id: str = Field(max_length=32)
    targets_vs_actual: str = Field(max_length=3000)
    problems: str = Field(max_length=3000)
    adjustments: str = Field(max_length=3000)
    submitted_at: datetime = _utc_column()
    edited_at: datetime | None = _utc_column(nullable=True)


class ActionItem(SQLModel, table=True):
    """An improvement action that came out of a retrospective: problem, cause, action, owner, due."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    entry_id: int = Field(foreign_key="retroentry.id", index=True)
    problem: str = Field(max_length=300)
    cause: str = Field(default="", max_length=300)
    action: str = Field(max_length=300)
    owner: str = Field(max_length=32)
    due: date
    created_at: datetime = _utc_column()
    status: str = Field(default=ActionStatus.OPEN, max_length=8)
    closed_by: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = _utc_column(nullable=True)


class AuditEntry(SQLModel, table=True):
    """A change to how a campaign is run (its KPIs and targets, roster, settings, phase): who, when,
    what, and the value before and after. Kept for the campaign's life; shown in the report and API."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    at: datetime = _utc_column()
    user_id: str = Field(max_length=32)
    subject: str = Field(max_length=120)
    old: str | None = Field(default=None, max_length=600)
    new: str | None = Field(default=None, max_length=600)


class SlackEvent(SQLModel, table=True):
    """An Events API delivery already handled: Slack retries one it thinks was lost (with
    `X-Slack-Retry-Num`), and the retry must not be handled twice."""

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _utc_column(index=True)
