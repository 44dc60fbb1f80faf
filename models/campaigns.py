"""A campaign, its roster and audit trail; API tokens, handled Slack events and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from warroom_bot.models.enums import OutboxStatus, Phase, Priority
from warroom_bot.models.types import enum_column, utc_column


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
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()
    phase: Phase = enum_column(Phase, 16)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    escalation_seq: int = Field(default=0, description="the last escalation number handed out (#1, #2, …)")
    next_digest_at: datetime | None = utc_column(nullable=True, index=True)
    last_digest: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    next_retro_at: datetime | None = utc_column(nullable=True, index=True)
    next_countdown_at: datetime | None = utc_column(nullable=True, index=True)

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
    updated_at: datetime = utc_column()


class AuditEntry(SQLModel, table=True):
    """A change to how a campaign is run (its KPIs and targets, roster, settings, phase): who, when,
    what, and the value before and after. Kept for the campaign's life; shown in the report and API."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    at: datetime = utc_column()
    user_id: str = Field(max_length=32)
    subject: str = Field(max_length=120)
    old: str | None = Field(default=None, max_length=600)
    new: str | None = Field(default=None, max_length=600)


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API, stored only as its SHA-256 hash.

    A token with a `campaign_id` sees and changes that campaign only; one without is an admin token.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    created_at: datetime = utc_column()
    last_used_at: datetime | None = utc_column(nullable=True)


class WallLink(SQLModel, table=True):
    """A read-only link to a campaign's war-room wall (`/warroom wall`), stored only as its hash;
    dead once revoked or once the campaign is closed."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    revoked_at: datetime | None = utc_column(nullable=True)


class SlackEvent(SQLModel, table=True):
    """An Events API delivery already handled: Slack retries one it thinks was lost (with
    `X-Slack-Retry-Num`), and the retry must not be handled twice."""

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = utc_column(index=True)


class OutboxMessage(SQLModel, table=True):
    """A Slack message that a domain change caused, written in the same transaction as the change.

    The sender delivers it afterwards and records the `ts` Slack gave it, so that later updates
    (`chat.update`) and thread replies can refer to it.
    """

    __table_args__ = (sa.Index("ix_outboxmessage_status_channel", "status", "channel"),)

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
    status: OutboxStatus = enum_column(OutboxStatus, 16, default=OutboxStatus.PENDING)
    priority: int = Field(
        default=Priority.NORMAL, sa_column=Column(sa.SmallInteger, nullable=False, server_default="1")
    )
    attempts: int = 0
    next_attempt_at: datetime = utc_column(index=True)
    claimed_until: datetime | None = utc_column(nullable=True)
    last_error: str | None = None
    created_at: datetime = utc_column()
    sent_at: datetime | None = utc_column(nullable=True)
    sent_channel: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)
