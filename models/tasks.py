"""Tasks: the countdown's milestones, tasks people add, the occurrences of recurring tasks, and the
key moments of the sale (flash sales and the like)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from warroom_bot.models.enums import TaskKind, TaskState
from warroom_bot.models.types import enum_column, utc_column


class Task(SQLModel, table=True):
    """Something one owner must do by a time: a person (user id) or a role (`lead:<department>`).

    `remind_at` (the owner's next reminder) and `overdue_at` (when an open task is raised to the
    commander) are deadlines claimed by the tick; None once done or cancelled. An occurrence of a
    recurring task has neither: one not done in time is counted as missed, not chased."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: TaskKind = enum_column(TaskKind, 12)
    title: str = Field(max_length=200)
    owner: str = Field(max_length=48)
    due_at: datetime = utc_column(index=True)
    notes: str = Field(default="", max_length=500)
    state: TaskState = enum_column(TaskState, 8, default=TaskState.OPEN)
    skip_reason: str | None = Field(default=None, max_length=300)
    closed_by: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = utc_column(nullable=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    series_id: int | None = Field(default=None, foreign_key="taskseries.id", index=True)
    remind_at: datetime | None = utc_column(nullable=True, index=True)
    overdue_at: datetime | None = utc_column(nullable=True, index=True)


class TaskSeries(SQLModel, table=True):
    """A recurring task (`/warroom task every`): an occurrence each day at `every` (HH:MM, local) or
    each hour (`hour`) of the live and extension phases; `next_at` is the next one's time."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    title: str = Field(max_length=200)
    owner: str = Field(max_length=48)
    every: str = Field(max_length=8)
    next_at: datetime | None = utc_column(nullable=True, index=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    stopped_at: datetime | None = utc_column(nullable=True)


class KeyMoment(SQLModel, table=True):
    """A moment of each sale day (`/warroom moment`), at `at` (HH:MM, local): the channel is told
    `moment.lead` before it (`remind_at`, for the occurrence `occurs_at`), and the first digest
    after it notes the KPIs' change across it (`report_at`, None once reported)."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=48)
    at: str = Field(max_length=5)
    remind_at: datetime | None = utc_column(nullable=True, index=True)
    occurs_at: datetime | None = utc_column(nullable=True)
    report_at: datetime | None = utc_column(nullable=True)
    created_by: str = Field(max_length=32)
    created_at: datetime = utc_column()
    stopped_at: datetime | None = utc_column(nullable=True)


class MilestoneTemplate(SQLModel, table=True):
    """A team's countdown template (`warroom template load`), replacing the shipped one for campaigns
    started afterwards: the validated milestones, in order (one row)."""

    id: int | None = Field(default=None, primary_key=True)
    milestones: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = utc_column()
