"""Lights that act: the alert rules, evaluated on every reading, whatever door it came in by.

Every reading moves its KPI and dimension's `LatestReading.version` on (`metrics.service.ingest`).
The scheduler's `alert_check` lists the KPIs with versions their `KpiAlert` rows have not seen, or
whose `check_at` has come (a hold running out, no data), and `check` evaluates one KPI: the KPI as
a whole (unless it is a gauge read only by dimension: then the whole is its worst dimension, which
is judged on its own) and each dimension with a target of its own.

For each of them the rules keep the light they last acted on. A different light acts once it has
held for `alert.hold` (readings in a row, or a time). Then, by `alert.<light>`: a light getting worse
raises an escalation (or, at `notify`, posts a notice naming the KPI's owner), at most one open per
KPI and dimension: while it is open every new reading is a line in its thread, a worse light raises
its severity in place, and green again is `recovered` (resolved by itself with `alert.autoresolve`).
During the sale a KPI with no new reading for `alert.nodata` is announced once.

Exactly once across replicas: the KPI row is locked (PostgreSQL skips a KPI another worker is
checking), and every `KpiAlert` row is written back with a conditional update on what this worker
read, before anything else is written; a worker that lost that race rolls back (`Lost`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from sqlalchemy import and_, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import config
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.roster import COMMANDER
from warroom_bot.core import due, i18n
from warroom_bot.core.db import stored_id
from warroom_bot.escalations import service as escalations
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.status import (
    LIGHTS,
    KpiStatus,
    as_reading,
    dimension_statuses,
    for_dimension,
    kpi_status,
    share_to_date,
)
from warroom_bot.models import Campaign, Escalation, Kpi, KpiAlert, KpiKind, LatestReading, Phase, Severity
from warroom_bot.plans import service as plans

WATCHED = (Phase.WARMUP, Phase.LIVE, Phase.EXTENSION)  # lights act from warm-up to the end of the sale
SALE = (Phase.LIVE, Phase.EXTENSION)  # no data is worth a notice only while the sale runs
GREEN = "green"


class Lost(Exception):
    """Another worker checked the same KPI meanwhile: this worker's check is rolled back."""


@dataclass
class Notice:
    """A channel post naming the KPI's owner: `kind` is `light` (a light at `notify`, or green again
    after one), or `nodata` (no reading for `alert.nodata`)."""

    kind: str
    status: KpiStatus
    dimension: str = ""
    owner: list[str] = field(default_factory=list)  # the owner's user ids (primary, backup)
    owner_role: str = COMMANDER  # `lead:<department>`, `commander`, or a user id


@dataclass
class Checked:
    """What checking one KPI did: escalation outcomes to publish, and notices."""

    campaign: Campaign
    kpi: Kpi
    escalations: list[escalations.Outcome] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    offers: list[Escalation] = field(default_factory=list)  # recovered: Resolve offered to whoever acknowledged

    def __bool__(self) -> bool:
        return bool(self.escalations or self.notices or self.offers)


@dataclass
class _State:
    """A `KpiAlert` row as this check reads and changes it (written back by `_claim`)."""

    id: int
    seen_version: int
    light: str | None
    pending_light: str | None
    pending_since: datetime | None
    pending_readings: int
    bad_since: datetime | None
    escalation_id: int | None
    silent_since: datetime | None
    check_at: datetime | None

    @classmethod
    def of(cls, row: KpiAlert) -> _State:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class _Unit:
    """The KPI as a whole (`dimension` "") or one dimension: where it stands and how many readings
    it has had (`version`), with the time of the newest."""

    dimension: str
    status: KpiStatus
    version: int
    at: datetime | None


async def due_checks(session: AsyncSession, now: datetime) -> list[due.Due]:
    """KPIs with readings the rules have not seen, and KPIs whose `check_at` has come."""
    watched = and_(col(Campaign.phase).in_(WATCHED), col(Kpi.removed_at).is_(None))
    unseen = (
        select(LatestReading.kpi_id, literal(None))
        .join(Kpi, col(Kpi.id) == LatestReading.kpi_id)
        .join(Campaign, col(Campaign.id) == Kpi.campaign_id)
        .outerjoin(
            KpiAlert,
            and_(col(KpiAlert.kpi_id) == LatestReading.kpi_id, col(KpiAlert.dimension) == LatestReading.dimension),
        )
        .where(watched, or_(col(KpiAlert.id).is_(None), col(KpiAlert.seen_version) != LatestReading.version))
        .distinct()
    )
    timed = (
        select(KpiAlert.kpi_id, KpiAlert.check_at)
        .join(Kpi, col(Kpi.id) == KpiAlert.kpi_id)
        .join(Campaign, col(Campaign.id) == Kpi.campaign_id)
        .where(watched, col(KpiAlert.check_at) <= now)
    )
    found: dict[int, datetime | None] = {}
    for kpi_id, at in [*(await session.exec(unseen)).all(), *(await session.exec(timed)).all()]:
        found[kpi_id] = found.get(kpi_id) or at
    return due.listed(found.items())


Describe = Callable[[KpiStatus, str], str]


async def check(session: AsyncSession, *, kpi_id: int, now: datetime, describe: Describe) -> Checked | None:
    """Evaluate the alert rules of one KPI; None if another worker is at it or nothing is to be done.
    `describe` words the summary of an escalation a light raises (`alerts.render.summary`: this
    module writes no text)."""
    if not await due.lock(session, Kpi, kpi_id):
        return None
    kpi = await session.get(Kpi, kpi_id, populate_existing=True)
    campaign = await session.get(Campaign, kpi.campaign_id) if kpi is not None else None
    if kpi is None or campaign is None or kpi.removed_at is not None or campaign.phase not in WATCHED:
        return None
    units = await _units(session, campaign, kpi, now)
    states = await _states(session, campaign, kpi, [unit.dimension for unit in units])
    checked = Checked(campaign, kpi)
    changes = [_Judged(unit, states[unit.dimension], campaign, now) for unit in units]
    whole = next(judged for judged in changes if judged.unit.dimension == "")
    whole.watch_silence(campaign, now, checked)
    for judged in changes:
        await _claim(session, judged)
    owner_role = kpi.owner or COMMANDER
    roster = await campaigns.roster(session, stored_id(campaign))
    owner = [responder.user_id for responder in escalations.owners(campaign, roster, owner_role)]
    for judged in changes:
        await _act(session, judged, checked, owner_role, now, describe)
    for notice in checked.notices:
        notice.owner, notice.owner_role = owner, owner_role
    return checked


async def _units(session: AsyncSession, campaign: Campaign, kpi: Kpi, now: datetime) -> list[_Unit]:
    """The KPI as a whole and every dimension it has readings of (those without a target have no light).
    A reading is judged against the target to date at the time it was taken, not when it is checked."""
    kpi_id = stored_id(kpi)
    latest = (await metrics.latest(session, [kpi_id]))[kpi_id]
    targets = (await metrics.dimension_targets(session, [kpi_id]))[kpi_id]
    thresholds = config.light_thresholds(campaign.config)
    taken = min(max((reading.at for reading in latest.values()), default=now), now)
    status = kpi_status(kpi, campaign, taken, latest, targets, {}, thresholds)
    if config.alert_forecast(campaign.config):
        status = await _with_forecast(session, campaign, kpi, status, taken, thresholds[2])
    lit = {
        d.dimension: for_dimension(status, d)
        for name, reading in latest.items()
        for d in dimension_statuses(
            kpi, share_to_date(kpi, campaign, min(reading.at, now)), {name: reading}, targets, thresholds
        )
    }
    whole_version = latest[""].version if "" in latest else sum(reading.version for reading in latest.values())
    if "" not in latest and kpi.kind == KpiKind.GAUGE:
        status = replace(status, light=None)  # its worst dimension, which has a light of its own
    units = [_Unit("", status, whole_version, status.latest_at)]
    for dimension, reading in latest.items():
        if dimension:
            unlit = replace(status, light=None, worst_dimensions=[])  # no target: read, but no light
            units.append(_Unit(dimension, lit.get(dimension, unlit), reading.version, reading.at))
    return units


async def _with_forecast(
    session: AsyncSession, campaign: Campaign, kpi: Kpi, status: KpiStatus, now: datetime, red_line: float
) -> KpiStatus:
    """With `alert.forecast` on, a cumulative KPI forecast to land below the red line is at least red."""
    forecast = await metrics.forecast(session, campaign, kpi, status.value, now)
    if forecast is None or forecast * 100 >= red_line or status.light is None:
        return status
    return replace(status, light=max(status.light, "red", key=LIGHTS.index), forecast=forecast)


async def _states(session: AsyncSession, campaign: Campaign, kpi: Kpi, dimensions: list[str]) -> dict[str, _State]:
    """The `KpiAlert` row of each dimension, created (by whichever worker comes first) if missing."""
    kpi_id = stored_id(kpi)
    dialect = postgresql if session.bind is not None and session.bind.dialect.name == "postgresql" else sqlite
    missing = dialect.insert(KpiAlert).values(
        [{"campaign_id": stored_id(campaign), "kpi_id": kpi_id, "dimension": d, "seen_version": 0} for d in dimensions]
    )
    await session.exec(missing.on_conflict_do_nothing(index_elements=["kpi_id", "dimension"]))
    query = select(KpiAlert).where(KpiAlert.kpi_id == kpi_id, col(KpiAlert.dimension).in_(dimensions))
    rows = (await session.exec(query.execution_options(populate_existing=True))).all()
    return {row.dimension: _State.of(row) for row in rows}


class _Judged:
    """One unit judged: its new state (`state`), what it read before (`before`, for the claim), how
    many readings are new, and the light that now holds if it changed (`held`, from `was`)."""

    def __init__(self, unit: _Unit, state: _State, campaign: Campaign, now: datetime) -> None:
        self.unit, self.before = unit, _State(**state.__dict__)
        self.state = state
        self.new = max(unit.version - state.seen_version, 0)
        self.was = state.light or GREEN
        self.held: str | None = None
        state.seen_version = unit.version
        state.check_at = None
        light = unit.status.light
        if light is None:
            return
        if light != GREEN and state.bad_since is None:
            state.bad_since = unit.at or now  # the first bad reading: where the time to detect starts
        if light == self.was:
            state.pending_light, state.pending_since, state.pending_readings = None, None, 0
            return
        if state.pending_light != light:
            state.pending_light, state.pending_since, state.pending_readings = light, now, 0
        state.pending_readings += self.new
        hold = config.alert_hold(campaign.config)
        since = state.pending_since or now
        if hold.time is not None and now - since < hold.time:
            state.check_at = since + hold.time
            return
        if hold.time is None and state.pending_readings < hold.readings:
            return
        self.held = light
        state.light, state.pending_light, state.pending_since, state.pending_readings = light, None, None, 0
        if light == GREEN:
            state.bad_since = None

    @property
    def worse(self) -> bool:
        return self.held is not None and LIGHTS.index(self.held) > LIGHTS.index(self.was)

    def watch_silence(self, campaign: Campaign, now: datetime, checked: Checked) -> None:
        """No data: during the sale, a KPI with no reading for `alert.nodata` is announced once
        (until its next reading); before that moment, `check_at` brings the check back then."""
        silence, state, latest = config.alert_nodata(campaign.config), self.state, self.unit.at
        if self.new:
            state.silent_since = None
        if silence is None or latest is None or state.silent_since is not None:
            return
        quiet_until = max(latest, campaign.starts_at) + silence
        if quiet_until > now:
            state.check_at = min(filter(None, (state.check_at, quiet_until)))
        elif campaign.phase in SALE:
            state.silent_since = now
            checked.notices.append(Notice("nodata", self.unit.status))


async def _claim(session: AsyncSession, judged: _Judged) -> None:
    """Write a unit's new state back, only if it is still what this worker read."""
    before, after = judged.before, judged.state
    claimed = await session.exec(
        update(KpiAlert)
        .where(
            col(KpiAlert.id) == before.id,
            col(KpiAlert.seen_version) == before.seen_version,
            col(KpiAlert.check_at).is_not_distinct_from(before.check_at),
        )
        .values(**{name: value for name, value in after.__dict__.items() if name != "id"})
    )
    if claimed.rowcount != 1:
        raise Lost(f"KpiAlert {before.id} was checked by another worker")


async def _act(
    session: AsyncSession, judged: _Judged, checked: Checked, owner: str, now: datetime, describe: Describe
) -> None:
    """What a unit's new reading or held light does (see the module's docstring)."""
    unit, state, campaign = judged.unit, judged.state, checked.campaign
    if unit.status.light is None or not (judged.new or judged.held):
        return
    reading = as_reading(unit.status, unit.dimension)
    open_one = await _open_escalation(session, state)
    action = config.alert_action(campaign.config, judged.held)
    severity = Severity(action) if action in set(Severity) else None
    if open_one is not None:
        if not judged.held and unit.status.light == GREEN:
            return  # a green reading not yet held: its thread waits for "recovered"
        noted = await escalations.note_reading(
            session,
            escalation_id=stored_id(open_one),
            light=state.light or GREEN,
            reading=reading,
            now=now,
            severity=severity if judged.worse else None,
            recovered=judged.held == GREEN,
        )
        if noted is not None:
            checked.escalations.append(noted)
            if judged.held == GREEN:
                await _recovered(session, noted.escalation, checked, now)
        return
    if judged.worse and severity is not None:
        with i18n.speaking(config.language(campaign.config)):  # the summary and plan are stored as words
            summary = describe(unit.status, unit.dimension)
            plan_key = config.alert_plans(campaign.config).get(checked.kpi.key)
            plan = await plans.named(session, plan_key) if plan_key else None
        raised = await escalations.raise_escalation(
            session,
            campaign_id=stored_id(campaign),
            severity=severity,
            summary=summary,
            user_id=escalations.AUTOMATIC,
            now=now,
            area=unit.status.key + (f" · {unit.dimension}" if unit.dimension else ""),
            source=escalations.LightSource(
                kpi_id=stored_id(checked.kpi),
                dimension=unit.dimension,
                light=judged.held or "",
                owner=owner,
                bad_since=state.bad_since or now,
                reading=reading,
            ),
            plan=plan,
        )
        checked.escalations.append(raised)
        await _link(session, state, stored_id(raised.escalation))
    elif judged.held and (
        (judged.worse and action == config.NOTIFY)
        or (judged.held == GREEN and config.alert_action(campaign.config, judged.was) == config.NOTIFY)
    ):
        checked.notices.append(Notice("light", unit.status, unit.dimension))


async def _open_escalation(session: AsyncSession, state: _State) -> Escalation | None:
    """The escalation this unit's light raised, while it is unresolved (else the link is dropped)."""
    if state.escalation_id is None:
        return None
    escalation = await session.get(Escalation, state.escalation_id)
    if escalation is not None and escalation.status in escalations.UNRESOLVED:
        return escalation
    await _link(session, state, None)
    return None


async def _link(session: AsyncSession, state: _State, escalation_id: int | None) -> None:
    state.escalation_id = escalation_id
    await session.exec(update(KpiAlert).where(col(KpiAlert.id) == state.id).values(escalation_id=escalation_id))


async def _recovered(session: AsyncSession, escalation: Escalation, checked: Checked, now: datetime) -> None:
    """Green again: resolved by itself with `alert.autoresolve`, else Resolve offered to whoever
    acknowledged it (in its thread while nobody has)."""
    if config.alert_autoresolve(checked.campaign.config):
        resolved = await escalations.resolve(
            session, escalation_id=stored_id(escalation), user_id=escalations.AUTOMATIC, now=now
        )
        checked.escalations.append(resolved)
    else:
        checked.offers.append(escalation)
