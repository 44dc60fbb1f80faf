"""Read-only views of a campaign's escalations: the open list, timelines, plan steps, MTTA and MTTR,
resolve-by deadlines met. Drills are rehearsals: they are listed, but never counted in a figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.escalations.service import UNRESOLVED
from warroom_bot.models import Escalation, EscalationEvent, EscalationStatus, PlanStep, Severity


async def open_escalations(session: AsyncSession, campaign_id: int) -> list[Escalation]:
    """Unresolved escalations, the unacknowledged first, oldest first within each group."""
    rows = (
        await session.exec(
            select(Escalation).where(Escalation.campaign_id == campaign_id, col(Escalation.status).in_(UNRESOLVED))
        )
    ).all()
    return sorted(rows, key=lambda e: (e.status == EscalationStatus.ACKNOWLEDGED, e.raised_at, e.number))


@dataclass(frozen=True)
class EscalationSummary:
    """The open escalations in numbers: how many of each severity (highest first, every severity
    listed), how many are still unacknowledged, how long the oldest of those has waited, and how
    many a KPI's light raised and how many are past their resolve-by deadline. Drills are left out."""

    open: int
    by_severity: dict[str, int]
    unacknowledged: int
    oldest_unacknowledged_seconds: int | None
    from_lights: int = 0  # raised by a KPI's light, not by a person
    breached: int = 0  # past their resolve-by deadline


def summarize(escalations: list[Escalation], now: datetime) -> EscalationSummary:
    """The summary of a list of open escalations, as it stands at `now` (ages to the second)."""
    escalations = real(escalations)
    waiting = [e.raised_at for e in escalations if e.acknowledged_at is None]
    return EscalationSummary(
        open=len(escalations),
        by_severity={
            str(severity): sum(e.severity == severity for e in escalations) for severity in reversed(Severity)
        },
        unacknowledged=len(waiting),
        oldest_unacknowledged_seconds=max(int((now - min(waiting)).total_seconds()), 0) if waiting else None,
        from_lights=sum(e.kpi_id is not None for e in escalations),
        breached=sum(e.breached_at is not None for e in escalations),
    )


def real(escalations: list[Escalation]) -> list[Escalation]:
    """The escalations that count in the campaign's figures: all but drills."""
    return [e for e in escalations if not e.drill]


async def open_summary(session: AsyncSession, campaign_id: int, now: datetime) -> EscalationSummary:
    """The campaign's open escalations in numbers, for the status and the digest."""
    return summarize(await open_escalations(session, campaign_id), now)


async def all_with_timeline(session: AsyncSession, campaign_id: int) -> list[tuple[Escalation, list[EscalationEvent]]]:
    escalations = (
        await session.exec(
            select(Escalation).where(Escalation.campaign_id == campaign_id).order_by(col(Escalation.number))
        )
    ).all()
    events = (
        await session.exec(
            select(EscalationEvent)
            .where(col(EscalationEvent.escalation_id).in_([e.id for e in escalations]))
            .order_by(col(EscalationEvent.id))
        )
    ).all()
    return [(e, [event for event in events if event.escalation_id == e.id]) for e in escalations]


async def plan_steps(session: AsyncSession, escalation_ids: list[int]) -> dict[int, list[PlanStep]]:
    """The plan steps of each escalation, in order (none for one without a plan)."""
    rows = (
        await session.exec(
            select(PlanStep)
            .where(col(PlanStep.escalation_id).in_(escalation_ids))
            .order_by(col(PlanStep.escalation_id), col(PlanStep.position))
        )
    ).all()
    steps: dict[int, list[PlanStep]] = {}
    for step in rows:
        steps.setdefault(step.escalation_id, []).append(step)
    return steps


@dataclass(frozen=True)
class ResponseTimes:
    """Mean time to acknowledge and to resolve, over the escalations of one severity; of those
    resolved that had a resolve-by deadline, how many were resolved by it."""

    severity: Severity
    raised: int
    acknowledged: int
    resolved: int
    mtta: timedelta | None
    mttr: timedelta | None
    with_deadline: int = 0
    met_deadline: int = 0


def _mean(spans: list[timedelta]) -> timedelta | None:
    return sum(spans, timedelta()) / len(spans) if spans else None


def mtta(escalations: list[Escalation]) -> timedelta | None:
    """Mean time to acknowledge over those acknowledged, drills left out (None when none was)."""
    return _mean([e.acknowledged_at - e.raised_at for e in real(escalations) if e.acknowledged_at])


def response_times(escalations: list[Escalation]) -> list[ResponseTimes]:
    """MTTA, MTTR and resolve-by deadlines met per severity, highest severity first; drills left out."""
    result = []
    for severity in reversed(Severity):
        group = [e for e in real(escalations) if e.severity == severity]
        if not group:
            continue
        to_resolve = [e.resolved_at - e.raised_at for e in group if e.resolved_at]
        acknowledged = sum(1 for e in group if e.acknowledged_at)
        timed = [e for e in group if e.resolved_at and e.resolve_by]
        met = sum(1 for e in timed if e.resolved_at and e.resolve_by and e.resolved_at <= e.resolve_by)
        result.append(
            ResponseTimes(
                severity, len(group), acknowledged, len(to_resolve), mtta(group), _mean(to_resolve), len(timed), met
            )
        )
    return result
