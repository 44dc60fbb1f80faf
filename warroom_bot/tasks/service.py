"""Tasks: adding, closing and listing them, the countdown's milestones, recurring tasks, key
moments, and the on-time completion rate.

A task is due at a moment; a due written as a date alone (or `T-7`) is due at `END_OF_DAY` local.
The owner is a person or a role (`lead:<department>`, `commander`), whose primary holder is told.
The service changes state and says what happened (`Added`, `Closed`); `tasks.messages` words it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.calendar import at_local, local_date
from warroom_bot.campaigns.config import countdown_time
from warroom_bot.campaigns.roster import COMMANDER, LEAD, Roster, is_role
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import parse_clock_time, parse_local_datetime
from warroom_bot.models import Campaign, KeyMoment, MilestoneTemplate, Phase, Task, TaskKind, TaskSeries, TaskState
from warroom_bot.tasks.template import SHIPPED, Milestone, parse_countdown

COUNTDOWN_AHEAD = timedelta(days=3)  # a campaign started at least this long before launch gets the milestones
END_OF_DAY = time(18, 0)  # a due date written without a time
ON_THE_DAY_LEAD = timedelta(hours=1)  # the owner's reminder on the day comes at least this long before the due time
OCCURRENCE_WINDOW = timedelta(hours=1)  # an occurrence of a recurring task is done on time within this
HOURLY = "hour"
MAX_TITLE = 200
MAX_REASON = 300
MAX_OPEN_TASKS = 500  # per campaign, not counting occurrences
MAX_SCHEDULES = 20  # recurring tasks, and key moments, per campaign
SCHEDULED_PHASES = (Phase.LIVE, Phase.EXTENSION)  # when recurring tasks and key moments happen

Schedule = TypeVar("Schedule", TaskSeries, KeyMoment)  # what `/warroom task every` and `moment` make

_TODAY = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1}


def launch_day(campaign: Campaign) -> date:
    return local_date(campaign, campaign.starts_at)


def parse_due(text: str, campaign: Campaign, now: datetime) -> datetime:
    """A due time as people write it, in the campaign's zone: `T-7` or `T-7 14:00` (days before the
    live period's first day), `2026-11-03` or `2026-11-03 14:00`, `today 17:00`, `tomorrow`, or
    `17:00` (the next time it is 17:00). A day without a time is due at `END_OF_DAY`."""
    words = text.strip()
    counted = parse_countdown(words)
    if counted is not None:
        days, clock = counted
        return at_local(campaign, launch_day(campaign) + timedelta(days=days), clock or END_OF_DAY)
    first, _, rest = words.partition(" ")
    if first.lower() in _TODAY:
        clock = parse_clock_time(rest) if rest.strip() else END_OF_DAY
        return at_local(campaign, local_date(campaign, now) + timedelta(days=_TODAY[first.lower()]), clock)
    if re.fullmatch(r"\d{1,2}:\d{2}", words):
        due = at_local(campaign, local_date(campaign, now), parse_clock_time(words))
        return due if due > now else due + timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):
        words = f"{words} {END_OF_DAY:%H:%M}"
    try:
        return parse_local_datetime(words, ZoneInfo(campaign.timezone))
    except UserError:
        raise UserError(
            tr(
                "`{text}` is not a due time: write `T-7` (days before launch), `2026-11-03`, "
                "`2026-11-03 14:00`, `tomorrow` or `17:00`.",
                text=text,
            )
        ) from None


def parse_every(text: str) -> str:
    """A recurring task's rhythm: `hour` (每小时), or a time of day, `09:00`."""
    word = text.strip().lower()
    if word in {HOURLY, "hourly", "每小时", "每小時"}:
        return HOURLY
    try:
        return f"{parse_clock_time(word):%H:%M}"
    except UserError:
        raise UserError(
            tr("`{text}` is not when a task recurs: write `hour`, or a time of day like `09:00`.", text=text)
        ) from None


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise UserError(tr("A task needs a title."))
    if len(title) > MAX_TITLE:
        raise UserError(tr("A title can be at most {most} characters.", most=MAX_TITLE))
    return title


def reminder_after(campaign: Campaign, due_at: datetime, after: datetime) -> datetime | None:
    """The owner's next reminder after `after`: the day before the due day at `countdown.time`, and
    the due day at that time (or `ON_THE_DAY_LEAD` before the due time, if that is earlier)."""
    clock = countdown_time(campaign.config)
    day = local_date(campaign, due_at)
    candidates = [
        at_local(campaign, day - timedelta(days=1), clock),
        min(at_local(campaign, day, clock), due_at - ON_THE_DAY_LEAD),
    ]
    return next((moment for moment in candidates if after < moment < due_at), None)


# -- who owns it ---------------------------------------------------------------------------------------


def holder_of(roster: Roster, campaign: Campaign, owner: str) -> str:
    """Who is told about a task: its person, or whoever answers for its role."""
    return roster.answering_for(owner, campaign.created_by) if is_role(owner) else owner


def department_of(owner: str, roster: Roster) -> str:
    """The department a task counts for in the figures (`supply chain`, as `Roster.departments`
    writes them): its role's, else its owner's on the roster (`others` when not on it)."""
    if owner.startswith(LEAD):
        return owner.removeprefix(LEAD).replace("_", " ")
    if owner == COMMANDER:
        return COMMANDER
    return roster.departments().get(owner, "others")


# -- adding and closing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """A task added by `user_id`: its owner's holder is told when that is someone else."""

    campaign: Campaign
    task: Task
    user_id: str
    holder: str


async def add(
    session: AsyncSession, *, campaign: Campaign, title: str, owner: str, due_at: datetime, user_id: str, now: datetime
) -> Added:
    """Add a task due in the future; the owner is reminded the day before and on the day, and an
    open one past its due time is raised to the commander."""
    _check_open(campaign)
    title = _title(title)
    if due_at <= now:
        raise UserError(tr("That due time has passed; give one in the future."))
    count = select(func.count()).where(
        col(Task.campaign_id) == stored_id(campaign),
        col(Task.state) == TaskState.OPEN,
        col(Task.kind) != TaskKind.OCCURRENCE,
    )
    if (await session.exec(count)).one() >= MAX_OPEN_TASKS:
        raise UserError(tr("This campaign has {most} open tasks already; close some first.", most=MAX_OPEN_TASKS))
    task = _task(campaign, TaskKind.TASK, title, owner, due_at, user_id, now)
    session.add(task)
    await session.flush()
    roster = await campaigns.roster(session, stored_id(campaign))
    return Added(campaign, task, user_id, holder_of(roster, campaign, owner))


def _task(
    campaign: Campaign, kind: TaskKind, title: str, owner: str, due_at: datetime, user_id: str, now: datetime
) -> Task:
    due_later = due_at > now
    return Task(
        campaign_id=stored_id(campaign),
        kind=kind,
        title=title,
        owner=owner,
        due_at=due_at,
        created_by=user_id,
        created_at=now,
        remind_at=reminder_after(campaign, due_at, now) if due_later else None,
        overdue_at=due_at if due_later else None,
    )


def _check_open(campaign: Campaign) -> None:
    if campaign.phase == Phase.CLOSED:
        raise UserError(tr("That campaign is closed; its tasks can no longer change."))


@dataclass(frozen=True)
class Closed:
    """A task done, or skipped with a reason, by `task.closed_by`."""

    campaign: Campaign
    task: Task


class AlreadyClosed(UserError):
    """Someone closed the task first; `task` says who and when."""

    def __init__(self, task: Task) -> None:
        super().__init__(tr("Task #{id} was already closed; nothing was changed.", id=task.id))
        self.task = task


async def close(
    session: AsyncSession,
    *,
    task_id: int,
    user_id: str,
    now: datetime,
    campaign_id: int | None = None,
    skip_reason: str | None = None,
) -> Closed:
    """Mark a task done, or skipped with `skip_reason`: its owner (a holder of its role) or a campaign
    manager may. `campaign_id`, when given (a command in a channel), must be the task's campaign."""
    task = await session.get(Task, task_id)
    if task is None or (campaign_id is not None and task.campaign_id != campaign_id):
        raise UserError(tr("There is no task #{id} in this campaign; `/warroom tasks` lists them.", id=task_id))
    campaign = await campaigns.get(session, task.campaign_id)
    _check_open(campaign)
    roster = await campaigns.roster(session, task.campaign_id)
    if user_id != task.owner and user_id not in roster.people(task.owner):
        (await campaigns.managers(session, campaign)).check(user_id, N_("close another person's task"))
    if skip_reason is not None:
        skip_reason = " ".join(skip_reason.split())
        if not skip_reason:
            raise UserError(tr("Say why the task is skipped."))
        if len(skip_reason) > MAX_REASON:
            raise UserError(tr("A reason can be at most {most} characters.", most=MAX_REASON))
    state = TaskState.DONE if skip_reason is None else TaskState.SKIPPED
    closed = await session.exec(
        update(Task)
        .where(col(Task.id) == task_id, col(Task.state) == TaskState.OPEN)
        .values(state=state, skip_reason=skip_reason, closed_by=user_id, closed_at=now, remind_at=None, overdue_at=None)
    )
    await session.refresh(task)
    if closed.rowcount != 1:
        raise AlreadyClosed(task)
    return Closed(campaign, task)


async def open_tasks(session: AsyncSession, campaign_id: int, now: datetime) -> list[Task]:
    """Open tasks, overdue first, then by due time; an occurrence of a recurring task past its window
    is missed (counted in the figures), not listed."""
    query = (
        select(Task)
        .where(
            col(Task.campaign_id) == campaign_id,
            col(Task.state) == TaskState.OPEN,
            (col(Task.kind) != TaskKind.OCCURRENCE) | (col(Task.due_at) > now),
        )
        .order_by(col(Task.due_at), col(Task.id))
    )
    return list((await session.exec(query)).all())


async def tasks_due(session: AsyncSession, campaign_id: int, start: datetime, end: datetime) -> list[Task]:
    """Every task due in [start, end), whatever its state."""
    query = (
        select(Task)
        .where(col(Task.campaign_id) == campaign_id, col(Task.due_at) >= start, col(Task.due_at) < end)
        .order_by(col(Task.due_at), col(Task.id))
    )
    return list((await session.exec(query)).all())


async def all_tasks(session: AsyncSession, campaign_id: int) -> list[Task]:
    query = select(Task).where(col(Task.campaign_id) == campaign_id).order_by(col(Task.due_at), col(Task.id))
    return list((await session.exec(query)).all())


# -- the countdown's milestones ------------------------------------------------------------------------


async def template_in_force(session: AsyncSession) -> list[Milestone]:
    """The team's template if one was loaded (as written), else the shipped one in the current language."""
    stored = (await session.exec(select(MilestoneTemplate))).first()
    if stored is not None:
        return [Milestone.model_validate(item) for item in stored.milestones]
    return [milestone.localised() for milestone in SHIPPED]


async def replace_template(session: AsyncSession, milestones: list[Milestone], now: datetime) -> None:
    """Make `milestones` the team's countdown template (for campaigns started from now on)."""
    stored = (await session.exec(select(MilestoneTemplate))).first() or MilestoneTemplate(updated_at=now)
    stored.milestones = [milestone.model_dump(mode="json") for milestone in milestones]
    stored.updated_at = now
    session.add(stored)


async def add_milestones(session: AsyncSession, campaign: Campaign, now: datetime) -> list[Task]:
    """The template's milestones for a campaign started `COUNTDOWN_AHEAD` or more before launch.

    A milestone already past its due time is listed (overdue) for the team to close or skip, but
    neither reminded nor raised: nobody should be paged about the weeks before the room opened."""
    if campaign.starts_at - now < COUNTDOWN_AHEAD:
        return []
    milestones = []
    for milestone in await template_in_force(session):
        days, clock = milestone.countdown
        due_at = at_local(campaign, launch_day(campaign) + timedelta(days=days), clock or END_OF_DAY)
        task = _task(campaign, TaskKind.MILESTONE, milestone.title, milestone.owner, due_at, campaign.created_by, now)
        task.notes = milestone.notes
        milestones.append(task)
    session.add_all(milestones)
    await session.flush()
    return milestones


# -- recurring tasks and key moments -------------------------------------------------------------------


async def _may_schedule(
    session: AsyncSession, model: type[Schedule], campaign: Campaign, user_id: str, action: str
) -> None:
    """A manager may add a recurring task or a key moment to an open campaign, up to `MAX_SCHEDULES`."""
    _check_open(campaign)
    (await campaigns.managers(session, campaign)).check(user_id, action)
    count = select(func.count()).where(col(model.campaign_id) == stored_id(campaign), col(model.stopped_at).is_(None))
    if (await session.exec(count)).one() >= MAX_SCHEDULES:
        raise UserError(tr("This campaign has {most} already; stop one first.", most=MAX_SCHEDULES))


async def add_series(
    session: AsyncSession, *, campaign: Campaign, every: str, title: str, owner: str, user_id: str, now: datetime
) -> TaskSeries:
    """A recurring task: its occurrences start with the live period (the tick schedules the first)."""
    await _may_schedule(session, TaskSeries, campaign, user_id, N_("schedule recurring tasks"))
    series = TaskSeries(
        campaign_id=stored_id(campaign),
        title=_title(title),
        owner=owner,
        every=every,
        created_by=user_id,
        created_at=now,
    )
    session.add(series)
    await session.flush()
    return series


async def add_moment(
    session: AsyncSession, *, campaign: Campaign, at: time, title: str, owner: str | None, user_id: str, now: datetime
) -> KeyMoment:
    """A key moment of each sale day (the tick schedules its first reminder)."""
    await _may_schedule(session, KeyMoment, campaign, user_id, N_("schedule key moments"))
    moment = KeyMoment(
        campaign_id=stored_id(campaign),
        title=_title(title),
        owner=owner,
        at=f"{at:%H:%M}",
        created_by=user_id,
        created_at=now,
    )
    session.add(moment)
    await session.flush()
    return moment


async def schedules(session: AsyncSession, campaign_id: int) -> tuple[list[TaskSeries], list[KeyMoment]]:
    """The recurring tasks and key moments still running."""
    series = await session.exec(
        select(TaskSeries)
        .where(col(TaskSeries.campaign_id) == campaign_id, col(TaskSeries.stopped_at).is_(None))
        .order_by(col(TaskSeries.id))
    )
    moments = await session.exec(
        select(KeyMoment)
        .where(col(KeyMoment.campaign_id) == campaign_id, col(KeyMoment.stopped_at).is_(None))
        .order_by(col(KeyMoment.at), col(KeyMoment.id))
    )
    return list(series.all()), list(moments.all())


async def stop(
    session: AsyncSession, *, campaign: Campaign, moment: bool, row_id: int, user_id: str, now: datetime
) -> str:
    """Stop a recurring task (or a key moment, `moment`); occurrences already made stay. Its title."""
    (await campaigns.managers(session, campaign)).check(user_id, N_("stop recurring tasks and key moments"))
    row = await session.get(KeyMoment, row_id) if moment else await session.get(TaskSeries, row_id)
    if row is None or row.campaign_id != stored_id(campaign) or row.stopped_at is not None:
        raise UserError(tr("Nothing running has that number; `/warroom tasks` lists them."))
    row.stopped_at = now
    session.add(row)
    return row.title


# -- the figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """Tasks due so far: done on time, done late, skipped (with a reason), and still open past due
    (missed). The rate is the share done on time of those not skipped."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    skipped: int = 0
    missed: int = 0

    @property
    def rate(self) -> float | None:
        counted = self.due - self.skipped
        return self.on_time / counted if counted else None

    def __add__(self, other: Completion) -> Completion:
        return Completion(
            self.due + other.due,
            self.on_time + other.on_time,
            self.late + other.late,
            self.skipped + other.skipped,
            self.missed + other.missed,
        )


TARGET_RATE = 0.95  # the playbooks' on-time completion target


def completion(tasks: list[Task], now: datetime) -> Completion:
    """The figures of `tasks` that are due by `now` (later ones are not counted yet)."""
    due = [task for task in tasks if task.due_at <= now]
    return Completion(
        due=len(due),
        on_time=sum(
            1 for t in due if t.state == TaskState.DONE and t.closed_at is not None and t.closed_at <= t.due_at
        ),
        late=sum(1 for t in due if t.state == TaskState.DONE and t.closed_at is not None and t.closed_at > t.due_at),
        skipped=sum(1 for t in due if t.state == TaskState.SKIPPED),
        missed=sum(1 for t in due if t.state == TaskState.OPEN),
    )


async def day_completion(session: AsyncSession, campaign: Campaign, day: date, now: datetime) -> Completion:
    """The figures of the tasks due on a local day, as they stand at `now`."""
    start = at_local(campaign, day, time(0))
    end = at_local(campaign, day + timedelta(days=1), time(0))
    return completion(await tasks_due(session, stored_id(campaign), start, end), now)
