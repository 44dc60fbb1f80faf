"""The daily retrospective: its days, entries and action items."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from warroom_bot.models.enums import ActionStatus
from warroom_bot.models.types import enum_column, utc_column


class RetroDay(SQLModel, table=True):
    """One day of a campaign's daily retrospective: the prompt posted, the figures it showed, and the
    reminder and morning summary still due (None once done or cancelled)."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "day", name="uq_retro_day"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    day: date
    figures: str
    prompted_at: datetime = utc_column()
    prompt_message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")
    remind_at: datetime | None = utc_column(nullable=True, index=True)
    summary_at: datetime | None = utc_column(nullable=True, index=True)


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
    submitted_at: datetime = utc_column()
    edited_at: datetime | None = utc_column(nullable=True)


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
    created_at: datetime = utc_column()
    status: ActionStatus = enum_column(ActionStatus, 8, default=ActionStatus.OPEN)
    closed_by: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = utc_column(nullable=True)
