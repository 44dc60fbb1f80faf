"""The status digest: every KPI against its target to date, with a light; and its hourly schedule.

Attainment is actual / target-to-date (target / actual when lower is better). A cumulative KPI's
target to date is its campaign target times the elapsed share of the live period, linear or
following an hourly weight curve; a gauge is compared with its threshold as it stands.

Digest slots are hour boundaries in the campaign's time zone (every 1 or 2 hours, outside quiet
hours) during warm-up, live and extension. `campaign.next_digest_at` holds the next slot; the tick
claims it with a conditional update that also moves it to the next slot after now, so each slot is
posted once across replicas, and after downtime one catch-up digest is posted, not one per hour.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.budget import views as budget_views
from warroom_bot.budget.views import BudgetBurn
from warroom_bot.campaigns.config import digest_every, in_window, light_thresholds, pull_url, quiet_hours
from warroom_bot.core.errors import UserError
from warroom_bot.escalations import views as escalation_views
from warroom_bot.escalations.views import EscalationSummary
from warroom_bot.metrics import messages, pull
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.pull import Pulled
from warroom_bot.models import Campaign, Direction, Kpi, KpiKind, Phase
from warroom_bot.retros import actions

if TYPE_CHECKING:
    from warroom_bot.core.runtime import Runtime

log = logging.getLogger(__name__)

DIGEST_PHASES = (Phase.WARMUP, Phase.LIVE, Phase.EXTENSION)
LIGHTS = ("green", "yellow", "red", "purple")  # best to worst
WORST_DIMENSIONS = 3


def light(attainment: float | None, thresholds: tuple[float, float, float]) -> str | None:
    """green ≥ 90 %, yellow 80–90 %, red 60–80 %, purple < 60 % (thresholds per campaign)."""
    if attainment is None:
        return None
    green, yellow, red = thresholds
    percent = attainment * 100
    if percent >= green:
        return "green"
    if percent >= yellow:
        return "yellow"
    return "red" if percent >= red else "purple"


def elapsed_share(campaign: Campaign, kpi: Kpi, now: datetime) -> float:
    """How much of the live period's target should be reached by `now` (0 to 1)."""
    if not kpi.hourly_weights or not campaign.starts_at < now < campaign.ends_at:
        return campaign.elapsed(now)
    zone = ZoneInfo(campaign.timezone)
    done = total = 0.0
    hour = campaign.starts_at
    while hour < campaign.ends_at:
        step = min(hour + timedelta(hours=1), campaign.ends_at)
        weight = kpi.hourly_weights[hour.astimezone(zone).hour] * ((step - hour) / timedelta(hours=1))
        total += weight
        done += weight * min(max((now - hour) / (step - hour), 0.0), 1.0)
        hour = step
    return done / total if total else 0.0


def attainment(kpi: Kpi, actual: float | None, target: float | None) -> float | None:
    if actual is None or not target:
        return None
    if kpi.direction == Direction.LOWER:
        return target / actual if actual > 0 else float("inf")
    return actual / target


@dataclass(frozen=True)
class DimensionStatus:
    dimension: str
    value: float
    attainment: float
    light: str


@dataclass(frozen=True)
class KpiStatus:
    key: str
    label: str
    unit: str
    kind: str
    value: float | None
    target_to_date: float | None
    attainment: float | None
    light: str | None
    previous_value: float | None
    previous_light: str | None
    worst_dimensions: list[DimensionStatus] = field(default_factory=list)
    direction: str = Direction.HIGHER

    @property
    def worsened(self) -> bool:
        return (
            self.light is not None
            and self.previous_light is not None
            and LIGHTS.index(self.light) > LIGHTS.index(self.previous_light)
        )


@dataclass(frozen=True)
class DueAction:
    """An open action item due today or overdue, as the digest shows it."""

    id: int
    action: str
    owner: str
    due: str
    overdue: bool


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
    source_problem: str | None = None
    actions_due: list[DueAction] = field(default_factory=list)

    @property
    def overall(self) -> str | None:
        """The worst KPI's light."""
        lights = [status.light for status in self.kpis if status.light]
        return max(lights, key=LIGHTS.index) if lights else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "overall": self.overall, "at": self.at.isoformat()}


def _status(
    kpi: Kpi,
    campaign: Campaign,
    now: datetime,
    by_dimension: dict[str, Any],
    dimension_targets: dict[str, float],
    previous: dict[str, Any],
    thresholds: tuple[float, float, float],
) -> KpiStatus:
    cumulative = kpi.kind == KpiKind.CUMULATIVE
    share = elapsed_share(campaign, kpi, now) if cumulative else 1.0
    overall = by_dimension.get("")
    if overall is not None:
        value: float | None = overall.value
    elif by_dimension:
        values = [reading.value for reading in by_dimension.values()]
        worst = max if kpi.direction == Direction.LOWER else min
        value = sum(values) if cumulative else worst(values)
    else:
        value = None
    target_to_date = kpi.target * share if kpi.target is not None and (share or not cumulative) else None
    reached = attainment(kpi, value, target_to_date)
    dimensions = []
    for name, reading in by_dimension.items():
        goal = dimension_targets.get(name, 0.0) * share if cumulative else kpi.target
        reached_there = attainment(kpi, reading.value, goal)
        if name and reached_there is not None:
            dimensions.append(
                DimensionStatus(name, reading.value, reached_there, light(reached_there, thresholds) or "")
            )
    dimensions.sort(key=lambda d: d.attainment)
    return KpiStatus(
        key=kpi.key,
        label=kpi.label,
        unit=kpi.unit,
        kind=kpi.kind,
        value=value,
        target_to_date=target_to_date,
        attainment=reached,
        light=light(reached, thresholds),
        previous_value=previous.get("value"),
        previous_light=previous.get("light"),
        worst_dimensions=[d for d in dimensions if d.light != "green"][:WORST_DIMENSIONS],
        direction=kpi.direction,
    )


async def snapshot(
    session: AsyncSession, campaign: Campaign, now: datetime, source_problem: str | None = None
) -> Snapshot:
    """Where every KPI stands now; reads the latest values only, never the history."""
    kpis = await metrics.kpis_of(session, campaign.id)
    ids = [kpi.id for kpi in kpis if kpi.id is not None]
    latest = await metrics.latest(session, ids)
    targets = await metrics.dimension_targets(session, ids)
    previous = (campaign.last_digest or {}).get("kpis", {})
    thresholds = light_thresholds(campaign.config)
    escalations = await escalation_views.open_summary(session, campaign.id or 0, now)
    burn = await budget_views.burn_of(session, campaign, now)
    today = actions.local_today(campaign, now)
    return Snapshot(
        campaign_name=campaign.name,
        campaign_id=campaign.id or 0,
        timezone=campaign.timezone,
        phase=campaign.phase,
        at=now,
        kpis=[
            _status(kpi, campaign, now, latest[kpi.id], targets[kpi.id], previous.get(kpi.key, {}), thresholds)
            for kpi in kpis
            if kpi.id is not None
        ],
        escalations=escalations,
        budget=burn,
        source_problem=source_problem,
        actions_due=[
            DueAction(item.id or 0, item.action, item.owner, item.due.isoformat(), item.due < today)
            for item in await actions.due_by(session, campaign, now)
        ],
    )


async def pull_for(runtime: Runtime, campaign: Campaign) -> Pulled | None:
    """Fetch the campaign's pull source, if it has one (call outside any transaction; never raises)."""
    url = pull_url(campaign.config)
    return await pull.puller(runtime).fetch(url) if url else None


async def _store_pulled(session: AsyncSession, campaign: Campaign, pulled: Pulled, now: datetime) -> str | None:
    """Store what the pull source answered; the sentence naming its failure, if it failed."""
    problem = pulled.problem or await _store_rows(session, campaign, pulled.rows, now)
    if problem is None:
        return None
    return f"Pull source {pull.shown(pulled.url)} failed: {problem}. Its readings are not in this digest."


async def _store_rows(session: AsyncSession, campaign: Campaign, rows: list[Any], now: datetime) -> str | None:
    """Store pulled readings, all or none; what is wrong with them when none are stored.

    The problem never repeats what the source sent (it is shown in the channel): a row number and
    the kind of problem. The whole batch is checked before anything is written, and the SAVEPOINT
    then opens with the insert: on SQLite a transaction that reads first and writes later cannot
    wait for the write lock (another connection writing in between fails it at once with "database
    is locked"), while one whose first statement writes waits for the lock like any other."""
    if len(rows) > metrics.MAX_BATCH:
        return f"it answered {len(rows):,} readings, more than the {metrics.MAX_BATCH:,} a batch may hold"
    kpis = await metrics.kpis_of(session, campaign.id)
    try:
        readings = metrics.validate(rows, kpis, now=now, source="pull")
    except metrics.BatchRejected as rejected:
        first = rejected.errors[0]
        what = _row_problem(rows[first.row - 1], kpis, now)
        return f"{len(rejected.errors)} of its readings are not valid (row {first.row}: {what})"
    except Exception:
        log.warning("pulled readings of campaign %s could not be checked", campaign.id, exc_info=True)
        return "its readings could not be read"
    if readings:
        try:
            async with session.begin_nested():
                await metrics.ingest(session, readings)
        except (IntegrityError, DataError):  # the savepoint is rolled back: nothing of the batch stays
            log.warning("pulled readings of campaign %s could not be stored", campaign.id, exc_info=True)
            return "its readings could not be stored"
    return None


_ROW_FIELDS = ("kpi", "value", "at", "dimension")
_ROW_PROBLEMS = {
    "kpi": "its `kpi` is not a KPI of this campaign",
    "value": "its `value` is not a number the KPI takes",
    "at": "its `at` is not a time, or is in the future",
    "dimension": f"its `dimension` is longer than {metrics.MAX_DIMENSION} characters",
}


def _row_problem(row: object, kpis: list[Kpi], now: datetime) -> str:
    """Which field of a rejected row is wrong, found by checking it a field at a time."""
    if not isinstance(row, dict):
        return "it is not an object with `kpi` and `value`"
    for count, name in enumerate(_ROW_FIELDS, start=1):
        fields = {field: row.get(field) for field in _ROW_FIELDS[:count]}
        try:
            metrics.validate([{"value": 0, **fields}], kpis, now=now, source="pull")
        except UserError:
            return _ROW_PROBLEMS[name]
    return "it is not valid"


async def post(session: AsyncSession, campaign: Campaign, now: datetime, pulled: Pulled | None = None) -> Snapshot:
    """Post the digest in the channel and remember its lights, for the next one's "what changed"."""
    problem = await _store_pulled(session, campaign, pulled, now) if pulled else None
    current = await snapshot(session, campaign, now, problem)
    await messages.post_digest(session, campaign, current, now=now)
    campaign.last_digest = {
        "at": now.isoformat(),
        "kpis": {status.key: {"value": status.value, "light": status.light} for status in current.kpis},
    }
    session.add(campaign)
    return current


def next_slot(campaign: Campaign, after: datetime) -> datetime:
    """The first digest slot strictly after `after`: a local hour boundary on the cadence, not in
    quiet hours. Stepping 15 minutes in UTC finds it in every time zone and across DST changes."""
    zone = ZoneInfo(campaign.timezone)
    every = int(digest_every(campaign.config) / timedelta(hours=1))
    window = quiet_hours(campaign.config)
    utc = after.astimezone(UTC)
    moment = utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
    for _ in range(4 * 24 * 3):
        moment += timedelta(minutes=15)
        local = moment.astimezone(zone)
        if local.minute == 0 and local.hour % every == 0 and not in_window(local.time(), window):
            return moment
    raise ValueError("no digest slot in three days: the quiet hours cover the whole day")


async def due(session: AsyncSession, now: datetime) -> list[int]:
    """Campaigns whose slot has come, or that have none scheduled yet."""
    query = select(Campaign.id).where(
        col(Campaign.phase).in_(DIGEST_PHASES),
        (col(Campaign.next_digest_at).is_(None)) | (col(Campaign.next_digest_at) <= now),
    )
    return [campaign_id for campaign_id in (await session.exec(query)).all() if campaign_id is not None]


async def run_slot(session: AsyncSession, *, campaign_id: int, now: datetime, pulled: Pulled | None = None) -> bool:
    """Claim the campaign's due slot and post its digest; True if this worker posted it.

    A campaign with no slot yet (just started, or its cadence changed) is only scheduled."""
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None:
        return False
    seen = campaign.next_digest_at
    if seen is not None and seen > now:
        return False  # another worker claimed this slot after we listed it as due
    following = next_slot(campaign, now)
    unchanged = (
        col(Campaign.next_digest_at).is_(None)
        if seen is None
        else (col(Campaign.next_digest_at) == seen) & (col(Campaign.next_digest_at) <= now)
    )
    claimed = await session.exec(
        update(Campaign).where(col(Campaign.id) == campaign_id, unchanged).values(next_digest_at=following)
    )
    if claimed.rowcount != 1:
        return False
    campaign.next_digest_at = following
    if seen is None:
        return False
    await post(session, campaign, now, pulled)
    return True
