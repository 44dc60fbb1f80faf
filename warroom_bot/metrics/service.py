"""KPIs and their readings: the default set, targets, and validated ingestion.

Every way in (`/warroom metric`, the REST batch, a CSV import) goes through `validate` and
`ingest`: a batch is checked whole and stored whole, or refused with one message per bad row.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import audit
from warroom_bot.campaigns.roster import COMMANDER, normalise_owner
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, in_chinese, tr
from warroom_bot.core.parsing import did_you_mean, parse_kpi_value
from warroom_bot.metrics.status import landing
from warroom_bot.models import Campaign, DimensionTarget, Direction, Kpi, KpiKind, LatestReading, Reading

MAX_BATCH = 10_000
MAX_DIMENSION = 60
FUTURE_TOLERANCE = timedelta(minutes=5)
KPI_USAGE = N_(
    '/warroom kpi add <key> <cumulative|gauge> <higher|lower> ["label"] · /warroom kpi remove <key> · '
    "/warroom kpi restore <key> · /warroom kpi curve <key> <24 hourly weights|linear> · "
    "/warroom kpi owner <key> <department|@person>"
)

# The default set offered at `/warroom start` (a team trims it with `/warroom kpi remove`). Labels
# are stored in English and shown through the catalog (`metrics.render.kpi_name`). Each belongs to
# the department whose lead is told first when its light turns bad (`/warroom kpi owner`).
DEFAULT_KPIS: list[dict[str, Any]] = [
    {
        "key": "gmv",
        "owner": "lead:sales",
        "label": N_("GMV"),
        "unit": "¥",
        "kind": KpiKind.CUMULATIVE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "orders",
        "owner": "lead:sales",
        "label": N_("Orders"),
        "kind": KpiKind.CUMULATIVE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "visitors",
        "owner": "lead:marketing",
        "label": N_("Visitors"),
        "kind": KpiKind.CUMULATIVE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "conversion",
        "owner": "lead:marketing",
        "label": N_("Conversion rate"),
        "unit": "%",
        "kind": KpiKind.GAUGE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "aov",
        "owner": "lead:sales",
        "label": N_("Average order value"),
        "unit": "¥",
        "kind": KpiKind.GAUGE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "new_customers",
        "owner": "lead:marketing",
        "label": N_("New customers"),
        "kind": KpiKind.CUMULATIVE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "inventory",
        "owner": "lead:supply_chain",
        "label": N_("Inventory vs safety stock"),
        "kind": KpiKind.GAUGE,
        "direction": Direction.HIGHER,
    },
    {
        "key": "response_time",
        "owner": "lead:tech",
        "label": N_("System response time"),
        "unit": "s",
        "kind": KpiKind.GAUGE,
        "direction": Direction.LOWER,
        "target": 3.0,
    },
    {
        "key": "complaints",
        "owner": "lead:customer_service",
        "label": N_("Complaints"),
        "kind": KpiKind.CUMULATIVE,
        "direction": Direction.LOWER,
    },
]
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


def _listing(items: list[str]) -> str:
    """`a, b` (`a、b` in Chinese)."""
    return ("、" if in_chinese() else ", ").join(items)


def add_default_kpis(session: AsyncSession, campaign_id: int) -> None:
    """Give a campaign just started the KPIs every campaign begins with (`DEFAULT_KPIS`)."""
    session.add_all(Kpi(campaign_id=campaign_id, position=i, **spec) for i, spec in enumerate(DEFAULT_KPIS))


async def kpis_of(session: AsyncSession, campaign_id: int) -> list[Kpi]:
    """The campaign's KPIs in their order, without removed ones."""
    query = select(Kpi).where(Kpi.campaign_id == campaign_id, col(Kpi.removed_at).is_(None))
    return list((await session.exec(query.order_by(col(Kpi.position)))).all())


async def kpi_by_key(session: AsyncSession, campaign_id: int, key: str) -> Kpi:
    kpis = await kpis_of(session, campaign_id)
    found = next((kpi for kpi in kpis if kpi.key == key.strip().lower()), None)
    if found is None:
        known = _listing([f"`{kpi.key}`" for kpi in kpis]) or tr("none yet")
        hint = did_you_mean(key, [kpi.key for kpi in kpis])
        raise UserError(
            tr("`{key}` is not a KPI of this campaign.{hint} KPIs: {known}.", key=key, hint=hint, known=known)
        )
    return found


async def set_target(
    session: AsyncSession, *, campaign: Campaign, key: str, raw: str, user_id: str, now: datetime, dimension: str = ""
) -> Kpi:
    """The campaign target of a cumulative KPI (or of one of its dimensions), or a gauge's threshold."""
    kpi = await kpi_by_key(session, stored_id(campaign), key)
    value = parse_kpi_value(raw, kpi.unit, kpi=kpi.key)
    if value <= 0:
        raise UserError(tr("A target must be more than zero."))
    dimension = _dimension(dimension)
    if not dimension:
        old, kpi.target = kpi.target, value
        session.add(kpi)
    else:
        if kpi.kind != KpiKind.CUMULATIVE:
            raise UserError(tr("`{key}` is a gauge: its threshold applies to every dimension alike.", key=kpi.key))
        query = select(DimensionTarget).where(DimensionTarget.kpi_id == kpi.id, DimensionTarget.dimension == dimension)
        row = (await session.exec(query)).first() or DimensionTarget(
            kpi_id=stored_id(kpi), dimension=dimension, target=value
        )
        old = row.target if row.id is not None else None
        row.target = value
        session.add(row)
    where = f" for {dimension}" if dimension else ""
    await audit.record(
        session,
        campaign,
        user_id=user_id,
        now=now,
        subject=f"the target of {kpi.key}{where}",
        old=None if old is None else f"{old:,.10g}",
        new=f"{value:,.10g}",
    )
    return kpi


async def set_curve(
    session: AsyncSession, *, campaign: Campaign, key: str, raw: str, user_id: str, now: datetime
) -> Kpi:
    """A cumulative KPI's hourly weight curve: 24 weights, local hour 0 to 23, or `linear` to clear it."""
    kpi = await kpi_by_key(session, stored_id(campaign), key)
    old = _curve_text(kpi.hourly_weights)
    if kpi.kind != KpiKind.CUMULATIVE:
        raise UserError(tr("`{key}` is a gauge: only a cumulative KPI has a target to date to shape.", key=kpi.key))
    if raw.strip().lower() == "linear":
        kpi.hourly_weights = None
    else:
        try:
            weights = [float(part) for part in raw.split(",")]
        except ValueError:
            weights = []
        if len(weights) != 24 or any(not math.isfinite(w) or w < 0 for w in weights) or not sum(weights):
            raise UserError(
                tr("A curve is 24 weights, one per local hour from 0 to 23, like `1,1,0.5,…,3,2`, or `linear`.")
            )
        kpi.hourly_weights = weights
    session.add(kpi)
    subject = f"the hourly curve of {kpi.key}"
    await audit.record(
        session, campaign, user_id=user_id, now=now, subject=subject, old=old, new=_curve_text(kpi.hourly_weights)
    )
    return kpi


async def set_owner(
    session: AsyncSession, *, campaign: Campaign, key: str, raw: str, user_id: str, now: datetime
) -> Kpi:
    """Who is told first when the KPI's light turns bad: a department (its lead) or a person."""
    kpi = await kpi_by_key(session, stored_id(campaign), key)
    old, kpi.owner = kpi.owner, normalise_owner(raw)
    session.add(kpi)
    subject = f"the owner of {kpi.key}"
    await audit.record(
        session, campaign, user_id=user_id, now=now, subject=subject, old=old or COMMANDER, new=kpi.owner
    )
    return kpi


def _curve_text(weights: list[float] | None) -> str:
    return ",".join(f"{weight:g}" for weight in weights) if weights else "linear"


async def add_kpi(
    session: AsyncSession,
    *,
    campaign: Campaign,
    key: str,
    kind: str,
    direction: str,
    label: str | None,
    user_id: str,
    now: datetime,
) -> Kpi:
    key = key.strip().lower()
    if not _KEY.fullmatch(key):
        raise UserError(
            tr("`{key}` is not a KPI key: lowercase letters, digits and `_`, like `repeat_buyers`.", key=key)
        )
    if kind not in {k.value for k in KpiKind} or direction not in {d.value for d in Direction}:
        raise UserError(tr("Say whether it is `cumulative` or `gauge`, and whether `higher` or `lower` is better."))
    kpis = await kpis_of(session, stored_id(campaign))
    if any(kpi.key == key for kpi in kpis):
        raise UserError(tr("`{key}` is already a KPI of this campaign.", key=key))
    if await _removed(session, stored_id(campaign), key):
        raise UserError(
            tr("`{key}` was removed; `/warroom kpi restore {key}` brings it back with its readings.", key=key)
        )
    kpi = Kpi(
        campaign_id=stored_id(campaign),
        key=key,
        label=(label or key.replace("_", " ").capitalize())[:60],
        kind=KpiKind(kind),
        direction=Direction(direction),
        position=max((kpi.position for kpi in kpis), default=-1) + 1,
    )
    session.add(kpi)
    shape = f"{kind}, {direction} is better"
    await audit.record(session, campaign, user_id=user_id, now=now, subject=f"KPI {key}", old=None, new=shape)
    return kpi


async def remove_kpi(session: AsyncSession, *, campaign: Campaign, key: str, user_id: str, now: datetime) -> Kpi:
    """Take a KPI out of the digest, the status and new readings (a team trimming the default set).
    Its readings and targets stay, so `restore_kpi` brings it back as it was."""
    kpi = await kpi_by_key(session, stored_id(campaign), key)
    kpi.removed_at = now
    session.add(kpi)
    shape = f"{kpi.kind}, {kpi.direction} is better (readings kept)"
    await audit.record(session, campaign, user_id=user_id, now=now, subject=f"KPI {kpi.key}", old=shape, new=None)
    return kpi


async def restore_kpi(session: AsyncSession, *, campaign: Campaign, key: str, user_id: str, now: datetime) -> Kpi:
    """Bring back a removed KPI with its readings and targets."""
    kpi = await _removed(session, stored_id(campaign), key.strip().lower())
    if kpi is None:
        raise UserError(tr("`{key}` is not a removed KPI of this campaign.", key=key))
    kpi.removed_at = None
    session.add(kpi)
    shape = f"{kpi.kind}, {kpi.direction} is better (restored with its readings)"
    await audit.record(session, campaign, user_id=user_id, now=now, subject=f"KPI {kpi.key}", old=None, new=shape)
    return kpi


async def _removed(session: AsyncSession, campaign_id: int, key: str) -> Kpi | None:
    query = select(Kpi).where(Kpi.campaign_id == campaign_id, Kpi.key == key, col(Kpi.removed_at).is_not(None))
    return (await session.exec(query)).first()


@dataclass(frozen=True)
class RowError:
    row: int
    error: str


class BatchRejected(UserError):
    """A batch with bad rows: nothing of it was stored."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(tr("{count} reading(s) are not valid; nothing was stored.", count=len(errors)))
        self.errors = errors


def _dimension(raw: object) -> str:
    text = " ".join(str(raw or "").split())
    if len(text) > MAX_DIMENSION:
        raise UserError(tr("A dimension can be at most {limit} characters.", limit=MAX_DIMENSION))
    return text


def _value(raw: object, unit: str = "", key: str = "") -> float:
    """A number as sent, or text as typed in the KPI's unit (`unit`: `2.5s`, `85%`, `120万`)."""
    if isinstance(raw, bool):
        raise UserError(tr("`{raw}` is not a number.", raw=raw))
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # a JSON integer with hundreds of digits
            value = math.inf
    elif isinstance(raw, str):
        value = parse_kpi_value(raw, unit, kpi=key)
    else:
        raise UserError(tr("`{raw}` is not a number.", raw=raw))
    if not math.isfinite(value) or value < 0:
        raise UserError(tr("`{raw}` is not a KPI value: it must be a finite number, not negative.", raw=raw))
    return value


def _moment(raw: object, now: datetime) -> datetime:
    if raw in (None, ""):
        return now
    if isinstance(raw, datetime):
        moment = raw
    else:
        try:
            moment = datetime.fromisoformat(str(raw))
        except ValueError:
            raise UserError(
                tr("`{raw}` is not a time: use ISO 8601, like `2026-11-11T14:05:00+08:00`.", raw=raw)
            ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise UserError(tr("`{raw}` is out of range.", raw=raw)) from None
    if moment > now + FUTURE_TOLERANCE:
        raise UserError(tr("`{raw}` is in the future.", raw=raw))
    return moment


def validate(rows: list[dict[str, Any]], kpis: list[Kpi], *, now: datetime, source: str) -> list[dict[str, Any]]:
    """Check a whole batch; `BatchRejected` lists every bad row (numbered from 1).

    Valid rows come back as plain column values for one `executemany`: building an ORM object per
    reading would cost more than the insert itself.
    """
    if len(rows) > MAX_BATCH:
        raise UserError(
            tr("A batch can hold at most {limit} readings; this one has {count}.", limit=MAX_BATCH, count=len(rows))
        )
    ids = {kpi.key: kpi.id for kpi in kpis}
    units = {kpi.key: kpi.unit or "" for kpi in kpis}
    readings, errors = [], []
    for number, row in enumerate(rows, start=1):
        try:
            if not isinstance(row, dict):
                raise UserError(tr("a reading must be an object with `kpi` and `value`."))
            key = str(row.get("kpi", "")).strip().lower()
            if key not in ids:
                hint = did_you_mean(key, ids)
                raise UserError(
                    tr(
                        "`{key}` is not a KPI of this campaign.{hint} KPIs: {known}.",
                        key=row.get("kpi"),
                        hint=hint,
                        known=_listing([f"`{key}`" for key in ids]) if in_chinese() else ", ".join(ids),
                    )
                )
            readings.append(
                {
                    "kpi_id": ids[key],
                    "value": _value(row.get("value"), units[key], key),
                    "at": _moment(row.get("at"), now),
                    "dimension": _dimension(row.get("dimension")),
                    "source": source,
                }
            )
        except UserError as error:
            errors.append(RowError(number, error.message))
    if errors:
        raise BatchRejected(errors)
    return readings


READING_COLUMNS = ("kpi_id", "dimension", "at", "value", "source")


def _driver_insert(dialect: Dialect, readings: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
    """One executemany of plain tuples, straight to the driver.

    Profiling showed SQLAlchemy's per-row parameter processing (the UTC type and SQLite's datetime
    formatting) costing more than the insert itself, so the rows are given in the form the column
    already stores: naive UTC, as text on SQLite (the format SQLAlchemy's DateTime writes there).
    `validate` gives every `at` in UTC already."""
    if dialect.paramstyle == "numeric_dollar":
        marks = ", ".join(f"${n}" for n in range(1, len(READING_COLUMNS) + 1))
    else:
        marks = ", ".join("?" for _ in READING_COLUMNS)
    as_text = dialect.name == "sqlite"
    rows = []
    for reading in readings:
        at = reading["at"]
        stored = at.isoformat(" ", "microseconds")[:26] if as_text else at.replace(tzinfo=None)
        rows.append((reading["kpi_id"], reading["dimension"], stored, reading["value"], reading["source"]))
    return f"INSERT INTO reading ({', '.join(READING_COLUMNS)}) VALUES ({marks})", rows


async def ingest(session: AsyncSession, readings: list[dict[str, Any]]) -> int:
    """Store validated readings and move each KPI's latest value forward (never back to an older one),
    counting them in its version (what the alert rules have not seen yet)."""
    if not readings:
        return 0
    connection = await session.connection()
    await connection.exec_driver_sql(*_driver_insert(connection.dialect, readings))
    newest: dict[tuple[int, str], dict[str, Any]] = {}
    counts: Counter[tuple[int, str]] = Counter()
    for reading in readings:
        key = (reading["kpi_id"], reading["dimension"])
        counts[key] += 1
        if key not in newest or reading["at"] >= newest[key]["at"]:
            newest[key] = reading
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(LatestReading).values(
        [
            {
                "kpi_id": r["kpi_id"],
                "dimension": r["dimension"],
                "at": r["at"],
                "value": r["value"],
                "version": counts[key],
            }
            for key, r in newest.items()
        ]
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["kpi_id", "dimension"],
            set_={
                "at": statement.excluded.at,
                "value": statement.excluded.value,
                "version": LatestReading.version + statement.excluded.version,
            },
            where=statement.excluded.at >= LatestReading.at,
        )
    )
    return len(readings)


async def record(
    session: AsyncSession, *, campaign: Campaign, rows: list[dict[str, Any]], now: datetime, source: str
) -> int:
    """Validate and store a batch for `campaign`."""
    readings = validate(rows, await kpis_of(session, stored_id(campaign)), now=now, source=source)
    return await ingest(session, readings)


async def latest(session: AsyncSession, kpi_ids: list[int]) -> dict[int, dict[str, LatestReading]]:
    """The newest value of each KPI, by dimension ("" for the KPI as a whole)."""
    query = select(LatestReading).where(col(LatestReading.kpi_id).in_(kpi_ids))
    # Ingestion upserts these rows with a Core statement: reload what this session may already hold.
    rows = (await session.exec(query.execution_options(populate_existing=True))).all()
    result: dict[int, dict[str, LatestReading]] = {kpi_id: {} for kpi_id in kpi_ids}
    for row in rows:
        result[row.kpi_id][row.dimension] = row
    return result


async def dimension_targets(session: AsyncSession, kpi_ids: list[int]) -> dict[int, dict[str, float]]:
    rows = (await session.exec(select(DimensionTarget).where(col(DimensionTarget.kpi_id).in_(kpi_ids)))).all()
    result: dict[int, dict[str, float]] = {kpi_id: {} for kpi_id in kpi_ids}
    for row in rows:
        result[row.kpi_id][row.dimension] = row.target
    return result


async def value_at(session: AsyncSession, kpi_id: int, moment: datetime) -> float | None:
    """The KPI's value as a whole at `moment`: its latest reading then (None before the first)."""
    query = (
        select(Reading.value)
        .where(Reading.kpi_id == kpi_id, Reading.dimension == "", col(Reading.at) <= moment)
        .order_by(col(Reading.at).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


PACE_WINDOW = timedelta(hours=1)  # the landing forecast carries on the pace of the last hour


async def forecast(
    session: AsyncSession, campaign: Campaign, kpi: Kpi, value: float | None, now: datetime
) -> float | None:
    """Where a cumulative KPI lands at its current pace, as attainment of its target (`status.landing`),
    from the last reading of the KPI as a whole at least `PACE_WINDOW` ago."""
    if kpi.kind != KpiKind.CUMULATIVE or not kpi.target or value is None:
        return None
    query = (
        select(Reading.at, Reading.value)
        .where(Reading.kpi_id == kpi.id, Reading.dimension == "", col(Reading.at) <= now - PACE_WINDOW)
        .order_by(col(Reading.at).desc())
        .limit(1)
    )
    earlier = (await session.exec(query)).first()
    if earlier is not None and earlier[0] < campaign.starts_at:
        earlier = None
    return landing(kpi, campaign, now, value, (earlier[0], earlier[1]) if earlier else None)
