"""The war-room wall as data, every text already in the campaign's language: the campaign's phase
and countdown, the overall light, one tile per KPI (value, goal, attainment, light, change over the
last hour, today's sparkline against the target to date), the worst dimensions, the open
escalations, the budget's burn, today's tasks and the next key moment, and the time of the latest reading. The templates only place it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.budget.render import burn_figures
from warroom_bot.campaigns.calendar import day_bounds, local_date, next_local
from warroom_bot.campaigns.render import phase_label, role_label
from warroom_bot.campaigns.roster import is_role
from warroom_bot.core.blocks import ago
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import local_datetime, tr
from warroom_bot.core.parsing import parse_clock_time
from warroom_bot.core.people import People
from warroom_bot.digest.snapshot import snapshot
from warroom_bot.escalations import views as escalation_views
from warroom_bot.escalations.render import severity_tag, status_word
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.chart import Series, series
from warroom_bot.metrics.render import amount, goal, kpi_name, light_word, lower_is_better, percent, score
from warroom_bot.metrics.status import KpiStatus
from warroom_bot.models import Campaign, Kpi, KpiKind, Phase
from warroom_bot.tasks import service as tasks
from warroom_bot.tasks.render import completion_line

SPARK_WIDTH, SPARK_HEIGHT = 300.0, 60.0
MAX_ESCALATIONS = 8


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    goal: str
    score: str
    light: str  # green, yellow, red, purple or none: the tile's colour
    light_word: str
    change: str  # over the last hour: `▲ ¥120.0k`
    actual_points: str  # SVG polyline points, today's readings
    target_points: str  # SVG polyline points, today's target to date
    now_point: tuple[float, float] | None  # the latest reading's point (a dot: one reading draws no line)
    worst: list[str] = field(default_factory=list)  # `South 71.2% red`
    stale: bool = False


@dataclass(frozen=True)
class Line:
    severity: str
    text: str


@dataclass(frozen=True)
class Board:
    name: str
    phase: str
    clock: str  # `starts in 2d 4h`, `62% elapsed · ends in 9h`
    overall: str
    overall_word: str
    tiles: list[Tile]
    escalations: list[Line]
    escalations_summary: str
    budget: str | None
    budget_used: float | None  # percent of the plan spent (at most 100: the bar's length)
    budget_elapsed: float | None  # percent of the campaign elapsed (the bar's marker)
    latest_reading: str
    updated: str
    tasks: list[Line] = field(default_factory=list)  # today's open tasks, overdue first (severity: `late` or ``)
    tasks_summary: str = ""  # today's on-time figures
    next_moment: str | None = None  # `Flash sale at 10:00 · in 45m`
    labels: dict[str, str] = field(default_factory=dict)


async def board(session: AsyncSession, campaign: Campaign, now: datetime, people: People) -> Board:
    snap = await snapshot(session, campaign, now)
    kpis = {kpi.key: kpi for kpi in await metrics.kpis_of(session, stored_id(campaign))}
    tiles = [await _tile(session, campaign, kpis[status.key], status, now) for status in snap.kpis]
    unresolved = escalation_views.real(await escalation_views.open_escalations(session, stored_id(campaign)))
    names = await people.names([e.acknowledged_by for e in unresolved if e.acknowledged_by])
    lines = [
        Line(
            e.severity,
            tr(
                "{severity} #{number} {summary} · {age} · {status}",
                severity=severity_tag(e.severity),
                number=e.number,
                summary=e.summary,
                age=ago(now - e.raised_at),
                status=tr("acknowledged by {name}", name=names.get(e.acknowledged_by, e.acknowledged_by))
                if e.acknowledged_by
                else status_word(e.status),
            ),
        )
        for e in unresolved[:MAX_ESCALATIONS]
    ]
    latest = max((status.latest_at for status in snap.kpis if status.latest_at), default=None)
    today = await _today(session, campaign, now, people)
    burn = snap.budget
    return Board(
        name=campaign.name,
        phase=phase_label(campaign.phase),
        clock=_clock(campaign, now),
        overall=snap.overall or "none",
        overall_word=light_word(snap.overall),
        tiles=tiles,
        escalations=lines,
        escalations_summary=tr("{count} open", count=snap.escalations.open),
        budget=burn_figures(burn) if burn else None,
        budget_used=round(min(burn.used, 1.0) * 100, 1) if burn else None,
        budget_elapsed=round(min(burn.elapsed, 1.0) * 100, 1) if burn else None,
        latest_reading=local_datetime(latest, campaign.timezone) if latest else "—",
        updated=local_datetime(now, campaign.timezone),
        tasks=today,
        tasks_summary=completion_line(tr("Today's tasks"), snap.tasks_today, mark=False)
        if snap.tasks_today.due
        else "",
        next_moment=await _next_moment(session, campaign, now),
        labels={
            "tasks": tr("Today's tasks"),
            "no_tasks": tr("No open tasks today."),
            "escalations": tr("Open escalations"),
            "budget": tr("Budget"),
            "latest": tr("Latest reading"),
            "updated": tr("Updated"),
            "none": tr("None."),
            "no_budget": tr("No budget plan yet."),
            "today": tr("today"),
        },
    )


MAX_TASKS = 6


async def _today(session: AsyncSession, campaign: Campaign, now: datetime, people: People) -> list[Line]:
    """Open tasks due by the end of today (overdue ones first), as the wall lists them: a person by
    the name Slack gives, a role as people read it."""
    _, end = day_bounds(campaign, local_date(campaign, now))
    due = [task for task in await tasks.open_tasks(session, stored_id(campaign), now) if task.due_at < end]
    names = await people.names([task.owner for task in due if not is_role(task.owner)])
    return [
        Line(
            "late" if task.due_at < now else "",
            tr(
                "#{id} {title} · {owner} · {due}",
                id=task.id,
                title=task.title,
                owner=names.get(task.owner, role_label(task.owner)),
                due=local_datetime(task.due_at, campaign.timezone, "time"),
            ),
        )
        for task in due[:MAX_TASKS]
    ]


async def _next_moment(session: AsyncSession, campaign: Campaign, now: datetime) -> str | None:
    """The next key moment of the sale, and how far off it is."""
    _, moments = await tasks.schedules(session, stored_id(campaign))
    if not moments or campaign.phase not in tasks.SCHEDULED_PHASES:
        return None
    at, soonest = min(
        ((next_local(parse_clock_time(moment.at), campaign, now), moment) for moment in moments),
        key=lambda upcoming: upcoming[0],
    )
    return tr("Next: {title} at {time} · in {left}", title=soonest.title, time=soonest.at, left=_span(at - now))


def _clock(campaign: Campaign, now: datetime) -> str:
    """Before the sale, the countdown; during it, the share elapsed and the time left."""
    if now < campaign.starts_at:
        return tr("starts in {left}", left=_span(campaign.starts_at - now))
    if campaign.phase in (Phase.WRAPUP, Phase.CLOSED) or now >= campaign.ends_at:
        return tr("ended {when}", when=local_datetime(campaign.ends_at, campaign.timezone))
    return tr(
        "{share} elapsed · ends in {left}", share=f"{campaign.elapsed(now):.0%}", left=_span(campaign.ends_at - now)
    )


def _span(delta: timedelta) -> str:
    """`2d 4h`, `9h 5m`, `12m`: to the minute, two units at most."""
    minutes = int(delta.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [(days, tr("{n}d", n=days)), (hours, tr("{n}h", n=hours)), (mins, tr("{n}m", n=mins))]
    shown = [text for count, text in parts if count]
    return " ".join(shown[:2]) or tr("{n}m", n=0)


async def _tile(session: AsyncSession, campaign: Campaign, kpi: Kpi, status: KpiStatus, now: datetime) -> Tile:
    try:
        actual, target = await series(session, campaign, kpi, now)
    except UserError:  # no readings yet
        actual, target = [], []
    midnight, _ = day_bounds(campaign, local_date(campaign, now))
    today = [point for point in actual if point[0] >= midnight]
    goal_today = [point for point in target if point[0] >= midnight]
    lower = lower_is_better(status)
    actual_points = _points(today, goal_today, midnight, now)
    return Tile(
        label=kpi_name(status.label),
        value=amount(status.value, status.unit),
        goal=_goal(status),
        score=score(status),
        light=status.light or "none",
        light_word=light_word(status.light),
        change=_hour_change(actual, now, status.unit),
        actual_points=" ".join(f"{x},{y}" for x, y in actual_points),
        target_points=" ".join(f"{x},{y}" for x, y in _points(goal_today, today, midnight, now)),
        now_point=actual_points[-1] if actual_points else None,
        worst=[
            tr(
                "{dimension} {attainment} {light}",
                dimension=d.dimension,
                attainment=percent(d.attainment, lower=lower),
                light=light_word(d.light),
            )
            for d in status.worst_dimensions[:2]
        ],
        stale=status.stale,
    )


def _goal(status: KpiStatus) -> str:
    """`to date: ¥6.55m`, `limit 40 to date` (cumulative), `safety line 1,000`, `limit 3 s` (gauges)."""
    if status.kind != KpiKind.CUMULATIVE:
        return goal(status)
    if lower_is_better(status):
        return tr("{goal} to date", goal=goal(status))
    return tr("to date: {goal}", goal=goal(status))


def _hour_change(actual: Series, now: datetime, unit: str) -> str:
    """The change since the newest reading an hour ago or more: `▲ ¥120.0k in 1h`, `no change`."""
    if not actual:
        return ""
    before = [value for at, value in actual if at <= now - timedelta(hours=1)]
    if not before:
        return ""
    delta = actual[-1][1] - before[-1]
    if delta == 0:
        return tr("no change in 1h")
    return tr("{arrow} {amount} in 1h", arrow="▲" if delta > 0 else "▼", amount=amount(abs(delta), unit))


def _points(line: Series, other: Series, start: datetime, now: datetime) -> list[tuple[float, float]]:
    """The points of `line` in the sparkline's box, on the scale `line` and `other` share (x:
    midnight to now)."""
    if not line:
        return []
    values = [value for _, value in line + other]
    low, high = min(0.0, *values), max(values) or 1.0
    span = max((now - start).total_seconds(), 1.0)

    def x(at: datetime) -> float:
        return SPARK_WIDTH * min(max((at - start).total_seconds() / span, 0.0), 1.0)

    def y(value: float) -> float:
        return SPARK_HEIGHT - SPARK_HEIGHT * (value - low) / ((high - low) or 1.0)

    return [(round(x(at), 1), round(y(value), 1)) for at, value in line]
