"""What the digest reads about key moments: those passed since the last digest, and each KPI's
change across them (for a cumulative KPI, what it gained since the moment against what it gained
in as long before it; for a gauge, its level at the moment and now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.db import stored_id
from warroom_bot.metrics import service as metrics
from warroom_bot.models import Campaign, KeyMoment, KpiKind


@dataclass(frozen=True)
class KpiChange:
    label: str
    unit: str
    kind: str
    before: float | None  # as long before the moment as now is after it (cumulative KPIs)
    at_moment: float | None
    now: float | None


@dataclass(frozen=True)
class MomentChange:
    title: str
    at: str  # HH:MM, local
    kpis: list[KpiChange]


async def moments_to_report(session: AsyncSession, campaign: Campaign, now: datetime) -> list[KeyMoment]:
    """Key moments that happened since the last digest (whose KPI change the digest notes)."""
    query = (
        select(KeyMoment)
        .where(
            col(KeyMoment.campaign_id) == stored_id(campaign),
            col(KeyMoment.report_at).is_not(None),
            col(KeyMoment.report_at) < now,
        )
        .order_by(col(KeyMoment.report_at))
    )
    return list((await session.exec(query)).all())


async def reported(session: AsyncSession, campaign: Campaign, now: datetime) -> None:
    """The digest posted has noted the moments passed: the next one does not again."""
    await session.exec(
        update(KeyMoment)
        .where(
            col(KeyMoment.campaign_id) == stored_id(campaign),
            col(KeyMoment.report_at).is_not(None),
            col(KeyMoment.report_at) < now,
        )
        .values(report_at=None)
    )


async def moment_changes(
    session: AsyncSession, campaign: Campaign, moments: list[KeyMoment], now: datetime
) -> list[MomentChange]:
    if not moments:
        return []
    kpis = await metrics.kpis_of(session, stored_id(campaign))
    changes = []
    for moment in moments:
        occurred = moment.report_at
        assert occurred is not None  # listed by moments_to_report
        kpi_changes = []
        for kpi in kpis:
            kpi_id = stored_id(kpi)
            at_moment = await metrics.value_at(session, kpi_id, occurred)
            latest = await metrics.value_at(session, kpi_id, now)
            before = None
            if kpi.kind == KpiKind.CUMULATIVE:
                before = await metrics.value_at(session, kpi_id, occurred - (now - occurred))
            kpi_changes.append(KpiChange(kpi.label, kpi.unit, kpi.kind, before, at_moment, latest))
        changes.append(MomentChange(moment.title, moment.at, kpi_changes))
    return changes
