"""What tasks do on their own, each a due time in the database claimed with `core.due.claim` (so
that it happens once across replicas):

- `task.remind_at`: the owner's reminder, the day before the due day and on it (at `countdown.time`);
  `task.overdue_at`: an open task past its due time is raised to the commander, once. In quiet hours
  both wait for their end (a reminder that would then come after the due time is dropped).
- `taskseries.next_at`: the next occurrence of a recurring task, during the live and extension
  phases: it is created and its owner gets a DM with a Done button, quiet hours or not (the team
  chose that time). An hourly task has no occurrences in quiet hours. One not done within
  `OCCURRENCE_WINDOW` is missed: counted in the figures, never chased.
- `keymoment.remind_at`: `moment.lead` before each occurrence of a key moment, the channel is told,
  quiet hours or not; the first digest after the moment notes the KPIs' change across it.
- `campaign.next_countdown_at`: during warm-up, at `countdown.time` each day, the countdown post
  (days to launch, milestones done, due this week, overdue); the day before launch, the go/no-go.

Each says what happened (`Reminded`, `Overdue`, `Occurred`, `MomentComing`, `Countdown`);
`tasks.messages` words it. The scheduler lists the campaigns with any of it due in one query
(`due_campaigns`) and does each campaign's due work in turn (`due_work`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, literal_column, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.calendar import local_date, next_local, quiet_until
from warroom_bot.campaigns.config import countdown_time, in_window, moment_lead, quiet_hours
from warroom_bot.campaigns.roster import Roster
from warroom_bot.core import due
from warroom_bot.core.parsing import parse_clock_time
from warroom_bot.models import Campaign, KeyMoment, Phase, Task, TaskKind, TaskSeries, TaskState
from warroom_bot.tasks.service import (
    HOURLY,
    OCCURRENCE_WINDOW,
    SCHEDULED_PHASES,
    Schedule,
    holder_of,
    launch_day,
    reminder_after,
)

# -- reminders and overdue tasks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reminded:
    """The owner's reminder (`holder` gets a DM): the day before the due day, or on it."""

    campaign: Campaign
    task: Task
    holder: str
    on_the_day: bool


@dataclass(frozen=True)
class Overdue:
    """An open task past its due time, raised to the commanders (and told in the channel)."""

    campaign: Campaign
    task: Task
    holder: str
    commanders: list[str]


async def keep_on_time(session: AsyncSession, task_id: int, now: datetime) -> list[Reminded | Overdue]:
    """Claim the task's due reminder and overdue raise; what this worker claimed."""
    task = await session.get(Task, task_id, populate_existing=True)
    if task is None or task.state != TaskState.OPEN:
        return []
    campaign = await session.get(Campaign, task.campaign_id)
    if campaign is None or campaign.phase == Phase.CLOSED:
        return []
    quiet_end = quiet_until(campaign, now)
    roster = await campaigns.roster(session, task.campaign_id)
    holder = holder_of(roster, campaign, task.owner)
    told: list[Reminded | Overdue] = []
    if task.remind_at is not None and task.remind_at <= now:
        if quiet_end is not None:
            following = quiet_end if quiet_end < task.due_at else None
        else:
            following = reminder_after(campaign, task.due_at, now)
        if await due.claim(session, task, "remind_at", now, remind_at=following) and quiet_end is None:
            on_the_day = local_date(campaign, now) == local_date(campaign, task.due_at)
            told.append(Reminded(campaign, task, holder, on_the_day))
    overdue = task.overdue_at is not None and task.overdue_at <= now
    if overdue and await due.claim(session, task, "overdue_at", now, overdue_at=quiet_end) and quiet_end is None:
        told.append(Overdue(campaign, task, holder, roster.commanders(campaign.created_by)))
    return told


# -- recurring tasks -----------------------------------------------------------------------------------


def next_occurrence(series: TaskSeries, campaign: Campaign, after: datetime) -> datetime:
    """The first occurrence strictly after `after`: a local time each day, or each local hour
    outside the quiet hours (stepping in UTC, so a DST change neither skips nor doubles an hour of
    real time)."""
    if series.every != HOURLY:
        return next_local(parse_clock_time(series.every), campaign, after)
    zone, window = ZoneInfo(campaign.timezone), quiet_hours(campaign.config)
    moment = after.astimezone(zone).replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    for _ in range(48):
        moment += timedelta(hours=1)
        if not in_window(moment.astimezone(zone).time(), window):
            break
    return moment


async def _due_on_sale(
    session: AsyncSession, model: type[Schedule], row_id: int, now: datetime
) -> tuple[Schedule, Campaign] | None:
    """A recurring task or key moment still running, its deadline come (or none scheduled yet),
    of a campaign on sale; None when another worker got there first or there is nothing to do."""
    row = await session.get(model, row_id, populate_existing=True)
    if row is None or row.stopped_at is not None:
        return None
    deadline = row.next_at if isinstance(row, TaskSeries) else row.remind_at
    if deadline is not None and deadline > now:
        return None
    campaign = await session.get(Campaign, row.campaign_id)
    if campaign is None or campaign.phase not in SCHEDULED_PHASES:
        return None
    return row, campaign


@dataclass(frozen=True)
class Occurred:
    """An occurrence made: `holder` gets a DM with a Done button (not when it is already missed)."""

    campaign: Campaign
    task: Task
    holder: str
    missed: bool


async def make_occurrence(session: AsyncSession, series_id: int, now: datetime) -> list[Occurred]:
    """Claim the recurring task's due occurrence and create it; a series with none scheduled (just
    made, or its campaign just went live) is only scheduled. After downtime one occurrence is made,
    for the time that was due, and counts as missed; the times in between are skipped."""
    running = await _due_on_sale(session, TaskSeries, series_id, now)
    if running is None:
        return []
    series, campaign = running
    seen = series.next_at
    following = next_occurrence(series, campaign, now)
    if not await due.claim(session, series, "next_at", now, next_at=following) or seen is None:
        return []
    task = Task(
        campaign_id=series.campaign_id,
        kind=TaskKind.OCCURRENCE,
        title=series.title,
        owner=series.owner,
        due_at=seen + OCCURRENCE_WINDOW,
        created_by=series.created_by,
        created_at=now,
        series_id=series.id,
    )
    session.add(task)
    await session.flush()
    roster = await campaigns.roster(session, series.campaign_id)
    return [Occurred(campaign, task, holder_of(roster, campaign, series.owner), missed=now >= task.due_at)]


# -- key moments ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MomentComing:
    """A key moment `moment.lead` away: the channel is told (naming `holder`, its owner, if any)."""

    campaign: Campaign
    moment: KeyMoment
    occurs_at: datetime
    holder: str | None


async def remind_moment(session: AsyncSession, moment_id: int, now: datetime) -> list[MomentComing]:
    """Claim the key moment's due reminder, and schedule the next occurrence's. The reminded
    occurrence is what the next digest after it reports on (`report_at`). A moment just made (or
    whose `moment.lead` changed) is only scheduled; one less than `moment.lead` away is reminded at once."""
    running = await _due_on_sale(session, KeyMoment, moment_id, now)
    if running is None:
        return []
    moment, campaign = running
    seen = moment.remind_at
    clock, lead = parse_clock_time(moment.at), moment_lead(campaign.config)
    occurs = moment.occurs_at if seen is not None and moment.occurs_at is not None else None
    following = next_local(clock, campaign, max(now, occurs) if occurs is not None else now)
    changes: dict[str, Any] = {"remind_at": max(following - lead, now), "occurs_at": following}
    if occurs is not None:
        changes["report_at"] = occurs
    if not await due.claim(session, moment, "remind_at", now, **changes) or occurs is None or occurs <= now:
        return []
    roster = await campaigns.roster(session, moment.campaign_id)
    holder = holder_of(roster, campaign, moment.owner) if moment.owner else None
    return [MomentComing(campaign, moment, occurs, holder)]


# -- the countdown -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """The day's countdown post: the tasks due before launch, and `days_left` to it (1: the go/no-go)."""

    campaign: Campaign
    days_left: int
    tasks: list[Task]
    roster: Roster
    now: datetime

    @property
    def go_no_go(self) -> bool:
        return self.days_left == 1


async def post_countdown(session: AsyncSession, campaign_id: int, now: datetime) -> list[Countdown]:
    """Claim the campaign's countdown post; the day's countdown if this worker claimed it and there
    is something to count (a campaign without tasks before launch gets no post)."""
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None:
        return []
    seen = campaign.next_countdown_at
    if seen is not None and seen > now:
        return []
    following = next_local(countdown_time(campaign.config), campaign, now)
    claimed = await due.claim(session, campaign, "next_countdown_at", now, next_countdown_at=following)
    if not claimed or seen is None or now >= campaign.starts_at:
        return []
    query = (
        select(Task)
        .where(
            col(Task.campaign_id) == campaign_id,
            col(Task.kind) != TaskKind.OCCURRENCE,
            col(Task.due_at) <= campaign.starts_at,
        )
        .order_by(col(Task.due_at), col(Task.id))
    )
    tasks = list((await session.exec(query)).all())
    if not tasks:
        return []
    days_left = (launch_day(campaign) - local_date(campaign, now)).days
    return [Countdown(campaign, days_left, tasks, await campaigns.roster(session, campaign_id), now)]


# -- what is due ---------------------------------------------------------------------------------------

Outcome = Reminded | Overdue | Occurred | MomentComing | Countdown
Step = Callable[[AsyncSession, int, datetime], Awaitable[Sequence[Outcome]]]
# Each kind of task work, in the order a campaign's due work is done: the row it claims, and how.
STEPS: dict[str, Step] = {
    "occurrence": make_occurrence,
    "moment": remind_moment,
    "task": keep_on_time,
    "countdown": post_countdown,
}


def _due_rows(now: datetime, campaign_id: int | None = None) -> Select[str, int, int, datetime | None]:
    """(kind, row id, campaign id, deadline) of every row whose task work is due: a task's reminder
    or overdue raise, a recurring task's occurrence and a key moment's reminder during the sale (or
    none scheduled yet), the countdown post during warm-up. One query for all four, so that task
    work costs the scheduler one listing a tick."""
    on_sale = col(Campaign.phase).in_(SCHEDULED_PHASES)
    reminded = col(Task.remind_at) <= now
    parts: list[Any] = [
        select(
            literal_column("'task'").label("kind"),
            col(Task.id).label("row_id"),
            col(Task.campaign_id).label("campaign_id"),
            case((reminded, Task.remind_at), else_=Task.overdue_at).label("at"),
        ).where(col(Task.state) == TaskState.OPEN, reminded | (col(Task.overdue_at) <= now)),
        select(literal_column("'occurrence'"), col(TaskSeries.id), col(TaskSeries.campaign_id), col(TaskSeries.next_at))
        .join(Campaign, col(Campaign.id) == col(TaskSeries.campaign_id))
        .where(
            on_sale,
            col(TaskSeries.stopped_at).is_(None),
            col(TaskSeries.next_at).is_(None) | (col(TaskSeries.next_at) <= now),
        ),
        select(literal_column("'moment'"), col(KeyMoment.id), col(KeyMoment.campaign_id), col(KeyMoment.remind_at))
        .join(Campaign, col(Campaign.id) == col(KeyMoment.campaign_id))
        .where(
            on_sale,
            col(KeyMoment.stopped_at).is_(None),
            col(KeyMoment.remind_at).is_(None) | (col(KeyMoment.remind_at) <= now),
        ),
        select(
            literal_column("'countdown'"), col(Campaign.id), col(Campaign.id), col(Campaign.next_countdown_at)
        ).where(
            col(Campaign.phase) == Phase.WARMUP,
            col(Campaign.next_countdown_at).is_(None) | (col(Campaign.next_countdown_at) <= now),
        ),
    ]
    if campaign_id is not None:
        parts = [part.where(column == campaign_id) for part, column in zip(parts, _CAMPAIGN_COLUMNS, strict=True)]
    rows = union_all(*parts).subquery()
    return select(rows.c.kind, rows.c.row_id, rows.c.campaign_id, rows.c.at)


_CAMPAIGN_COLUMNS = (col(Task.campaign_id), col(TaskSeries.campaign_id), col(KeyMoment.campaign_id), col(Campaign.id))


async def due_campaigns(session: AsyncSession, now: datetime) -> list[due.Due]:
    """Campaigns with task work due, each with its earliest deadline (None: only scheduling)."""
    earliest: dict[int, datetime | None] = {}
    for _kind, _row_id, campaign_id, at in (await session.exec(_due_rows(now))).all():
        seen = earliest.get(campaign_id, at)
        earliest[campaign_id] = min(seen, at) if seen is not None and at is not None else None
    return [due.Due(campaign_id, at) for campaign_id, at in earliest.items()]


async def due_work(session: AsyncSession, campaign_id: int, now: datetime) -> list[tuple[Step, int]]:
    """The campaign's task work due now, in `STEPS` order: each step and the row it claims."""
    rows = (await session.exec(_due_rows(now, campaign_id))).all()
    order = list(STEPS)
    return [(STEPS[kind], row_id) for kind, row_id, _, _ in sorted(rows, key=lambda row: (order.index(row[0]), row[1]))]
