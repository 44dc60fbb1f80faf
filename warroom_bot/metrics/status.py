"""Where one KPI stands: its attainment against the target to date, and its light.

Attainment is actual / target-to-date (target / actual when lower is better). A cumulative KPI's
target to date is its campaign target times the elapsed share of the live period, linear or
following an hourly weight curve; a gauge is compared with its threshold as it stands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from warroom_bot.models import Campaign, Direction, Kpi, KpiKind

LIGHTS = ("green", "yellow", "red", "purple")  # best to worst
WORST_DIMENSIONS = 3  # the dimensions a KPI line names, worst first
MAX_ATTAINMENT = 1e6


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
    target_to_date: float | None = None


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
    latest_at: datetime | None = None  # the newest reading's time (of any dimension)
    stale: bool = False  # no reading for `alert.nodata` (set by the digest's snapshot)
    forecast: float | None = None  # a cumulative KPI's landing at its current pace, as attainment of its target

    @property
    def worsened(self) -> bool:
        return (
            self.light is not None
            and self.previous_light is not None
            and LIGHTS.index(self.light) > LIGHTS.index(self.previous_light)
        )


def kpi_status(
    kpi: Kpi,
    campaign: Campaign,
    now: datetime,
    by_dimension: dict[str, Any],
    dimension_targets: dict[str, float],
    previous: dict[str, Any],
    thresholds: tuple[float, float, float],
) -> KpiStatus:
    cumulative = kpi.kind == KpiKind.CUMULATIVE
    share = share_to_date(kpi, campaign, now)
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
    dimensions = dimension_statuses(kpi, share, by_dimension, dimension_targets, thresholds)
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
        latest_at=max((reading.at for reading in by_dimension.values()), default=None),
    )


def dimension_statuses(
    kpi: Kpi,
    share: float,
    by_dimension: dict[str, Any],
    dimension_targets: dict[str, float],
    thresholds: tuple[float, float, float],
) -> list[DimensionStatus]:
    """Every dimension that has a target (its own for a cumulative KPI; a gauge's threshold applies
    to all), worst first. `share` is the elapsed share of the live period (1 for a gauge)."""
    cumulative = kpi.kind == KpiKind.CUMULATIVE
    dimensions = []
    for name, reading in by_dimension.items():
        goal = dimension_targets.get(name, 0.0) * share if cumulative else kpi.target
        reached_there = attainment(kpi, reading.value, goal)
        if name and reached_there is not None:
            dimensions.append(
                DimensionStatus(name, reading.value, reached_there, light(reached_there, thresholds) or "", goal)
            )
    return sorted(dimensions, key=lambda d: d.attainment)


def landing(
    kpi: Kpi, campaign: Campaign, now: datetime, value: float | None, earlier: tuple[datetime, float] | None
) -> float | None:
    """Where a cumulative KPI lands at the end of the live period at its current pace, as attainment
    of its campaign target: the pace of the last hour (`earlier`: a reading about an hour ago; else
    since the start) carried over the rest of the period along its hourly curve, if it has one."""
    if (
        kpi.kind != KpiKind.CUMULATIVE
        or not kpi.target
        or value is None
        or not campaign.starts_at < now < campaign.ends_at
    ):
        return None
    then, before = earlier if earlier is not None else (campaign.starts_at, 0.0)
    share_now, share_then = elapsed_share(campaign, kpi, now), elapsed_share(campaign, kpi, then)
    if share_now - share_then <= 0:
        return None
    landed = value + (value - before) / (share_now - share_then) * (1 - share_now)
    return attainment(kpi, max(landed, 0.0), kpi.target)


READING_FIELDS = ("key", "label", "unit", "kind", "direction", "value", "target_to_date", "attainment", "light")


def share_to_date(kpi: Kpi, campaign: Campaign, now: datetime) -> float:
    """The part of its target a KPI should have reached: the elapsed share for a cumulative KPI, all
    of it for a gauge."""
    return elapsed_share(campaign, kpi, now) if kpi.kind == KpiKind.CUMULATIVE else 1.0


def for_dimension(status: KpiStatus, dimension: DimensionStatus) -> KpiStatus:
    """One dimension of a KPI as a KPI status of its own (its value, target to date and light)."""
    return replace(
        status,
        value=dimension.value,
        target_to_date=dimension.target_to_date,
        attainment=dimension.attainment,
        light=dimension.light,
        previous_value=None,
        previous_light=None,
        worst_dimensions=[],
    )


def as_reading(status: KpiStatus, dimension: str) -> dict[str, Any]:
    """Where a KPI (or one `dimension` of it: `for_dimension`) stands, as JSON data for a timeline."""
    data: dict[str, Any] = {name: getattr(status, name) for name in READING_FIELDS}
    if data["attainment"] is not None and not math.isfinite(data["attainment"]):
        data["attainment"] = MAX_ATTAINMENT  # JSON has no infinity: nothing to complain of, read as >999 %
    return {**data, "dimension": dimension}


def from_reading(data: dict[str, Any]) -> tuple[KpiStatus, str]:
    """`as_reading`'s data back as a status, and its dimension."""
    status = KpiStatus(
        key=data["key"],
        label=data["label"],
        unit=data["unit"],
        kind=data["kind"],
        direction=data["direction"],
        value=data["value"],
        target_to_date=data["target_to_date"],
        attainment=data["attainment"],
        light=data["light"],
        previous_value=None,
        previous_light=None,
    )
    return status, str(data.get("dimension") or "")
