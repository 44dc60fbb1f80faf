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
    # Its emergency plan (`warroom_bot.plans`), copied when it started: the key and title; the steps
    # are `PlanStep` rows, shown as a checklist in the thread (`checklist_message_id`).
    plan_key: str | None = Field(default=None, max_length=40)
    plan_title: str | None = Field(default=None, max_length=120)
    checklist_message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    # A rehearsal: labelled DRILL everywhere, never counted in the campaign's response times.
    drill: bool = Field(default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()))
    # Resolve-by (`resolve.<severity>`): the deadline, and when its breach was announced (once).
    resolve_by: datetime | None = utc_column(nullable=True, index=True)
    breached_at: datetime | None = utc_column(nullable=True)
    # Acknowledged and quiet for `update.<severity>`: whoever acknowledged it is nudged at this time.
    update_due_at: datetime | None = utc_column(nullable=True, index=True)
    # Raised from a message ("Escalate this message"): the message's permalink.
    source_link: str | None = Field(default=None, max_length=400)


class PlanStep(SQLModel, table=True):
    """One step of the plan running on an escalation: what to do, whose role, the time box (`due_at`,
    counted from when the plan started; None once its lateness was announced or it has none), and
    who marked it done and when."""

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    position: int
    text: str = Field(max_length=300)
    role: str | None = Field(default=None, max_length=40)
    within_seconds: int | None = None
    due_at: datetime | None = utc_column(nullable=True, index=True)
    late_at: datetime | None = utc_column(nullable=True)
    done_by: str | None = Field(default=None, max_length=32)
    done_at: datetime | None = utc_column(nullable=True)


class EmergencyPlan(SQLModel, table=True):
    """A team's own emergency plan (`warroom plans load`, `PUT /api/plans`), as validated data; the
    shipped plans live in code (`warroom_bot.plans.library`) and a team's plan of the same key
    replaces one."""

    key: str = Field(primary_key=True, max_length=40)
    position: int
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = utc_column()


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
