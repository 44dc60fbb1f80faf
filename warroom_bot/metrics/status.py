"""Where one KPI stands: its attainment against the target to date, and its light.

Attainment is actual / target-to-date (target / actual when lower is better). A cumulative KPI's
target to date is its campaign target times the elapsed share of the live period, linear or
following an hourly weight curve; a gauge is compared with its threshold as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from warroom_bot.models import Campaign, Direction, Kpi, KpiKind

LIGHTS = ("green", "yellow", "red", "purple")  # best to worst
WORST_DIMENSIONS = 3  # the dimensions a KPI line names, worst first


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
