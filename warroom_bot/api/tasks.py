"""The REST API's tasks: every milestone, task and occurrence of a recurring task, with the on-time
figures of today and of the whole campaign."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from warroom_bot.api.deps import CampaignId, Session, Token, runtime_of, visible_campaign
from warroom_bot.campaigns.calendar import local_date
from warroom_bot.core.db import stored_id
from warroom_bot.core.runtime import Runtime
from warroom_bot.models import Task, TaskState
from warroom_bot.tasks import service as tasks
from warroom_bot.tasks.service import Completion

router = APIRouter(prefix="/api", tags=["tasks"])


class TaskOut(BaseModel):
    id: int
    kind: str = Field(description="milestone, task, or occurrence (of a recurring task)")
    title: str
    owner: str = Field(description="a Slack user id, or a role: lead:<department>, commander")
    due_at: datetime
    notes: str
    state: str = Field(description="open, done, or skipped")
    skip_reason: str | None
    closed_by: str | None
    closed_at: datetime | None
    on_time: bool | None = Field(description="done by its due time; None when skipped, or open and not yet due")


class CompletionOut(BaseModel):
    due: int = Field(description="tasks due so far")
    on_time: int
    late: int
    missed: int = Field(description="due and still open")
    skipped: int
    rate: float | None = Field(description="on time ÷ (due − skipped); the playbooks' target is 0.95")

    @classmethod
    def of(cls, figures: Completion) -> CompletionOut:
        return cls(
            due=figures.due,
            on_time=figures.on_time,
            late=figures.late,
            missed=figures.missed,
            skipped=figures.skipped,
            rate=figures.rate,
        )


class TasksOut(BaseModel):
    tasks: list[TaskOut]
    today: CompletionOut = Field(description="the tasks due today (the campaign's local day) so far")
    overall: CompletionOut = Field(description="every task due so far")


@router.get("/campaigns/{campaign_id}/tasks", response_model=TasksOut)
async def list_tasks(
    campaign_id: CampaignId, session: Session, token: Token, runtime: Annotated[Runtime, Depends(runtime_of)]
) -> TasksOut:
    """Every task of the campaign by due time, and how many were done on time."""
    campaign = await visible_campaign(session, token, campaign_id)
    now = runtime.clock.now()
    every = await tasks.all_tasks(session, stored_id(campaign))
    return TasksOut(
        tasks=[
            TaskOut(
                **task.model_dump(
                    include={
                        "id",
                        "kind",
                        "title",
                        "owner",
                        "due_at",
                        "notes",
                        "state",
                        "skip_reason",
                        "closed_by",
                        "closed_at",
                    }
                ),
                on_time=_on_time(task, now),
            )
            for task in every
        ],
        today=CompletionOut.of(await tasks.day_completion(session, campaign, local_date(campaign, now), now)),
        overall=CompletionOut.of(tasks.completion(every, now)),
    )


def _on_time(task: Task, now: datetime) -> bool | None:
    if task.state == TaskState.SKIPPED or (task.state == TaskState.OPEN and task.due_at > now):
        return None
    return task.state == TaskState.DONE and task.closed_at is not None and task.closed_at <= task.due_at
