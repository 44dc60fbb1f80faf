"""Escalations, the pages they sent, and their timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from warroom_bot.models.enums import EscalationStatus, EventKind, Severity
from warroom_bot.models.types import enum_column, utc_column


class Escalation(SQLModel, table=True):
    """A problem raised in a campaign, and where its response chain stands.

    `step` and `round` say who was paged last (see `warroom_bot.escalations.service`); `next_step_at` is the
    deadline after which the tick pages the next person, None once nobody needs paging.
    """

    __table_args__ = (sa.UniqueConstraint("campaign_id", "number", name="uq_escalation_number"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    number: int
    severity: Severity = enum_column(Severity, 16)
    summary: str = Field(max_length=200)
    area: str | None = Field(default=None, max_length=80)
    details: str | None = Field(default=None, max_length=2000)
    raised_by: str = Field(max_length=32)
    raised_at: datetime = utc_column()
    status: EscalationStatus = enum_column(EscalationStatus, 16, default=EscalationStatus.OPEN)
    step: int = 0
    round: int = 0
    next_step_at: datetime | None = utc_column(nullable=True, index=True)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = utc_column(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=32)
    resolved_at: datetime | None = utc_column(nullable=True)
    resolution_note: str | None = Field(default=None, max_length=500)
    channel_message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    # Raised by a KPI's light (`warroom_bot.alerts`): the KPI and dimension, the owner paged first,
    # the first bad reading (time to detect) and when the light was green again (time to recover).
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id")
    dimension: str | None = Field(default=None, max_length=60)
    light: str | None = Field(default=None, max_length=8)
    owner: str | None = Field(default=None, max_length=40)
    bad_since: datetime | None = utc_column(nullable=True)
    recovered_at: datetime | None = utc_column(nullable=True)


class EscalationPage(SQLModel, table=True):
    """One person paged for an escalation, and the DM that paged them (updated in place on ack)."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    user_id: str = Field(max_length=32)
    responder: str = Field(max_length=48)
    paged_at: datetime = utc_column()
    message_id: int = Field(foreign_key="outboxmessage.id")


class EscalationEvent(SQLModel, table=True):
    """What happened to an escalation, as data: `kind` (raised, roster, paged, repeated, acknowledged,
    resolved, exhausted, note), who did it, and its details in `data` (the paged user, the responder,
    the deadline …). Rendered when read: a line in its Slack thread, an entry of the REST timeline."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime = utc_column()
    kind: EventKind = enum_column(EventKind, 24)
    actor: str | None = Field(default=None, max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
