"""KPIs, their dimension targets and their readings."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from warroom_bot.models.enums import Direction, KpiKind
from warroom_bot.models.types import enum_column, utc_column


class Kpi(SQLModel, table=True):
    """A KPI of a campaign: its campaign target (cumulative) or threshold (gauge), and how to read it."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "key", name="uq_kpi_key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    key: str = Field(max_length=32)
    label: str = Field(max_length=60)
    unit: str = Field(default="", max_length=12)
    kind: KpiKind = enum_column(KpiKind, 16)
    direction: Direction = enum_column(Direction, 8)
    target: float | None = None
    hourly_weights: list[float] | None = Field(default=None, sa_column=Column(JSON))
    position: int = 0
    # Who is told first when its light turns bad: `lead:<department>`, `commander` or a user id;
    # None: the default owner of its key (`metrics.service.DEFAULT_OWNERS`), else the commander.
    owner: str | None = Field(default=None, max_length=40)
    removed_at: datetime | None = utc_column(nullable=True)  # removed KPIs keep their readings


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
    at: datetime = utc_column()
    value: float
    source: str = Field(max_length=16)


class LatestReading(SQLModel, table=True):
    """The newest reading of each KPI and dimension, kept up to date on ingestion so that a digest
    costs the same however long the history grows."""

    kpi_id: int = Field(foreign_key="kpi.id", primary_key=True)
    dimension: str = Field(default="", max_length=60, primary_key=True)
    at: datetime = utc_column()
    value: float
    # How many readings of this KPI and dimension have been stored (the alert rules count the
    # readings they have not seen yet by it).
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class KpiAlert(SQLModel, table=True):
    """Where the alert rules stand for one KPI and dimension ("" for the KPI as a whole): the light
    they last acted on, a new light waiting to hold (`alert.hold`), the open escalation its light
    raised, and `check_at`, when to look again without a new reading (a hold running out, no data)."""

    __table_args__ = (sa.UniqueConstraint("kpi_id", "dimension", name="uq_kpi_alert"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kpi_id: int = Field(foreign_key="kpi.id")
    dimension: str = Field(default="", max_length=60)
    seen_version: int = 0
    light: str | None = Field(default=None, max_length=8)
    pending_light: str | None = Field(default=None, max_length=8)
    pending_since: datetime | None = utc_column(nullable=True)
    pending_readings: int = 0
    bad_since: datetime | None = utc_column(nullable=True)
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    silent_since: datetime | None = utc_column(nullable=True)  # no data: when the notice went out
    check_at: datetime | None = utc_column(nullable=True, index=True)
