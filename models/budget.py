"""The budget: its lines, the ledger of changes, and the changes waiting for approval."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from warroom_bot.models.enums import ApprovalStatus, ChangeKind
from warroom_bot.models.types import enum_column, utc_column


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
    at: datetime = utc_column()
    user_id: str = Field(max_length=32)
    kind: ChangeKind = enum_column(ChangeKind, 16)
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
    kind: ChangeKind = enum_column(ChangeKind, 16)
    amount: int = Field(sa_column=Column(sa.BigInteger, nullable=False))
    from_line: str | None = Field(default=None, max_length=32)
    to_line: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=300)
    requested_by: str = Field(max_length=32)
    requested_at: datetime = utc_column()
    expires_at: datetime = utc_column(index=True)
    status: ApprovalStatus = enum_column(ApprovalStatus, 16, default=ApprovalStatus.PENDING)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = utc_column(nullable=True)
    message_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
