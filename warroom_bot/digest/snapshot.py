"""The digest's read model: where every KPI stands, with the open escalations, the budget burn, the
action items due, today's task figures and the key moments passed since the last digest, as data
(the status JSON serves it; `digest.render` makes the message)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.actions import service as actions
from warroom_bot.budget import views as budget_views
from warroom_bot.budget.views import BudgetBurn
from warroom_bot.campaigns.config import alert_nodata, light_thresholds
from warroom_bot.core.db import stored_id
from warroom_bot.escalations import views as escalation_views
from warroom_bot.escalations.views import EscalationSummary
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.status import LIGHTS, KpiStatus, kpi_status
from warroom_bot.models import Campaign, Kpi
from warroom_bot.tasks import service as tasks
from warroom_bot.tasks import views as task_views
from warroom_bot.tasks.service import Completion
from warroom_bot.tasks.views import MomentChange


@dataclass(frozen=True)
class DueAction:
    """An open action item due today or overdue, as the digest shows it."""

    id: int
    action: str
    owner: str
    due: str
    overdue: bool


@dataclass(frozen=True)
class SourceProblem:
    """Why the pull source's readings are not in this digest: its URL as shown (`outbound_urls.shown`)
    and what went wrong, as a category (`pull.NO_ANSWER`, a row number and field…)."""

    url: str
    reason: str


@dataclass(frozen=True)
class OpenAlert:
    """An unresolved escalation a KPI's light raised, as the status shows it beside the KPI."""

    kpi: str
    dimension: str
    light: str | None
    number: int
    severity: str
    status: str


@dataclass(frozen=True)
class Snapshot:
    campaign_name: str
    campaign_id: int
    timezone: str
    phase: str
    at: datetime
    kpis: list[KpiStatus]
    escalations: EscalationSummary
    budget: BudgetBurn | None = None
    source_problem: SourceProblem | None = None
    actions_due: list[DueAction] = field(default_factory=list)
    alerts: list[OpenAlert] = field(default_factory=list)
    tasks_today: Completion = field(default_factory=Completion)
    moments: list[MomentChange] = field(default_factory=list)  # key moments passed since the last digest

    @property
    def overall(self) -> str | None:
        """The worst KPI's light."""
        lights = [status.light for status in self.kpis if status.light]
        return max(lights, key=LIGHTS.index) if lights else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "overall": self.overall, "at": self.at.isoformat()}


async def snapshot(
    session: AsyncSession, campaign: Campaign, now: datetime, source_problem: SourceProblem | None = None
) -> Snapshot:
    """Where every KPI stands now; reads the latest values only, never the history."""
    kpis = await metrics.kpis_of(session, stored_id(campaign))
    ids = [stored_id(kpi) for kpi in kpis]
    latest = await metrics.latest(session, ids)
    targets = await metrics.dimension_targets(session, ids)
    previous = (campaign.last_digest or {}).get("kpis", {})
    thresholds = light_thresholds(campaign.config)
    unresolved = await escalation_views.open_escalations(session, stored_id(campaign))
    keys = {kpi.id: kpi.key for kpi in kpis}
    burn = await budget_views.burn_of(session, campaign, now)
    today = actions.local_today(campaign, now)
    passed = await task_views.moments_to_report(session, campaign, now)
    return Snapshot(
        campaign_name=campaign.name,
        campaign_id=stored_id(campaign),
        timezone=campaign.timezone,
        phase=campaign.phase,
        at=now,
        kpis=[
            await _with_outlook(
                session,
                campaign,
                kpi,
                kpi_status(kpi, campaign, now, latest[id_], targets[id_], previous.get(kpi.key, {}), thresholds),
                now,
            )
            for kpi, id_ in zip(kpis, ids, strict=True)
        ],
        escalations=escalation_views.summarize(unresolved, now),
        alerts=[
            OpenAlert(keys[e.kpi_id], e.dimension or "", e.light, e.number, e.severity, e.status)
            for e in unresolved
            if e.kpi_id in keys
        ],
        budget=burn,
        source_problem=source_problem,
        actions_due=[
            DueAction(stored_id(item), item.action, item.owner, item.due.isoformat(), item.due < today)
            for item in await actions.due_by(session, campaign, now)
        ],
        tasks_today=await tasks.day_completion(session, campaign, today, now),
        moments=await task_views.moment_changes(session, campaign, passed, now),
    )


async def _with_outlook(
    session: AsyncSession, campaign: Campaign, kpi: Kpi, status: KpiStatus, now: datetime
) -> KpiStatus:
    """The status with its landing forecast, and marked stale after `alert.nodata` without a reading."""
    silence = alert_nodata(campaign.config)
    stale = silence is not None and status.latest_at is not None and now - status.latest_at >= silence
    forecast = await metrics.forecast(session, campaign, kpi, status.value, now)
    return replace(status, stale=stale, forecast=forecast)
