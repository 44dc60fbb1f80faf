"""A KPI as people read it: its value and goal in its unit, its attainment, its light.

Lights are emoji in blocks and words (green, yellow, red, purple; 绿灯…) in the plain text. The
default KPIs' labels are stored in English and are catalog entries (`kpi_name`: `GMV` → 成交额(GMV)).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from warroom_bot.core.blocks import (
    escape,
)
from warroom_bot.core.i18n import N_, compact, in_chinese, tr
from warroom_bot.models import Direction, KpiKind

if TYPE_CHECKING:
    from warroom_bot.metrics.status import KpiStatus

LIGHT_EMOJI = {
    "green": ":large_green_circle:",
    "yellow": ":large_yellow_circle:",
    "red": ":red_circle:",
    "purple": ":large_purple_circle:",
    None: ":white_circle:",
}
# The lights as words (the stored value stays `green`…).
LIGHT_WORDS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red"), "purple": N_("purple")}
NO_LIGHT = N_("no light")


def light_word(light: str | None, none: str = NO_LIGHT) -> str:
    """`green` (绿灯); `none` (a constant marked for the catalog, or `—`) when there is no light."""
    return tr(LIGHT_WORDS.get(light, light) if light else none)


def kpi_name(label: str) -> str:
    """A KPI's label as people read it: the default KPIs' labels are in the catalog (`Orders` → 订单量);
    a label a team gave its own KPI is shown as it was typed."""
    return tr(label) if label else label


def amount(value: float | None, unit: str) -> str:
    """One KPI number as a campaign team reads it; `—` when there is no reading.

    Money in whole yuan, large sums in thousands or millions: `¥1,235`, `¥35.2k`, `¥1.20m`.
    Seconds to a tenth: `0.9 s`, `3 s`. Percentages to a tenth: `2.5%`. KPIs without a unit count
    things (orders, visitors, stock): whole numbers, `7,128`; only a fraction below 10 keeps its
    decimals (`2.5`), so that a unitless ratio someone added as a KPI does not read as a count.
    In Chinese, money and counts from 10万 on are counted in 万 and 亿: `¥123.5万`, `12.3万`; seconds `0.9秒`."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "s":
        return tr("{seconds} s", seconds=f"{value:.1f}".removesuffix(".0"))
    size = abs(value)
    if in_chinese() and (unit == "¥" or (not unit and size >= 100_000)):
        return compact(value, unit)
    if unit == "¥":
        if size >= 1_000_000:
            return f"¥{value / 1_000_000:.2f}m"
        if size >= 10_000:
            return f"¥{value / 1_000:.1f}k"
        return f"¥{value:,.0f}"
    if size < 10 and value != round(value):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:,.0f}"


TARGET, LIMIT = N_("target"), N_("limit")
GAUGE_WORDS = {"inventory": N_("safety line")}  # what a higher-is-better gauge's threshold is called; else "target"


def lower_is_better(status: KpiStatus) -> bool:
    """Whether less is better (response time, complaints)."""
    return status.direction == Direction.LOWER


def measure(status: KpiStatus) -> str:
    """What a KPI's target is called: `limit` when lower is better, `safety line` (inventory), `target`."""
    if lower_is_better(status):
        return tr(LIMIT)
    return tr(TARGET if status.kind == KpiKind.CUMULATIVE else GAUGE_WORDS.get(status.key, TARGET))


def goal(status: KpiStatus) -> str:
    """What the value is measured against: `¥1.00m` (a cumulative target to date), `limit 3 s`
    (lower is better), `safety line 1,000` (inventory), `target 3.0%` (other gauges)."""
    target = amount(status.target_to_date, status.unit)
    if status.kind == KpiKind.CUMULATIVE and not lower_is_better(status):
        return target
    return f"{measure(status)} {target}"


def standing(status: KpiStatus) -> str:
    """`¥1.10m vs ¥1.33m to date`, `12 (limit 40 to date)`, `0.9 s (limit 3 s)`, `820 (safety line 1,000)`."""
    value = amount(status.value, status.unit)
    if status.kind != KpiKind.CUMULATIVE:
        return tr("{value} ({goal})", value=value, goal=goal(status))
    if lower_is_better(status):
        return tr("{value} ({goal} to date)", value=value, goal=goal(status))
    return tr("{value} vs {goal} to date", value=value, goal=goal(status))


def percent(attainment: float | None, *, lower: bool = False) -> str:
    """Attainment, `89.9%`. For a lower-is-better KPI (`lower`), whose attainment target ÷ actual
    would read 326 % for 0.9 s against a 3 s limit, how far it is under its limit, `margin 70.0%`,
    or over it, `over by 66.7%`; both are shares of the limit. The light is unaffected."""
    if attainment is None:
        return "—"
    if not lower:
        return ">999%" if attainment > 9.99 else f"{attainment * 100:.1f}%"
    if attainment >= 1:
        return tr("margin {percent}%", percent=f"{(1 - 1 / attainment) * 100:.1f}")  # 100.0% when the actual is 0
    over = 1 / attainment - 1 if attainment > 0 else math.inf
    return tr("over by {percent}%", percent=">999" if over > 9.99 else f"{over * 100:.1f}")


def score(status: KpiStatus) -> str:
    return percent(status.attainment, lower=lower_is_better(status))


def shown_attainment(status: KpiStatus) -> float | None:
    """The attainment a bar chart draws: at most 100 % for a lower-is-better KPI within its limit."""
    if status.attainment is None or not lower_is_better(status):
        return status.attainment
    return min(status.attainment, 1.0)


def change(status: KpiStatus) -> str:
    if status.value is None or status.previous_value is None:
        return ""
    delta = status.value - status.previous_value
    if delta == 0:
        return tr(" · no change")
    return f" · {'▲' if delta > 0 else '▼'} {amount(abs(delta), status.unit)}"


def kpi_line(status: KpiStatus) -> str:
    line = tr(
        "*{kpi}*: {standing} · {score} · {light}{change}",
        kpi=escape(kpi_name(status.label)),
        standing=standing(status),
        score=score(status),
        light=light_word(status.light),
        change=change(status),
    )
    lower = lower_is_better(status)
    worst = "".join(
        "\n      "
        + tr(
            "{dimension}: {attainment} {light}",
            dimension=escape(d.dimension),
            attainment=percent(d.attainment, lower=lower),
            light=light_word(d.light),
        )
        for d in status.worst_dimensions
    )
    return f"{LIGHT_EMOJI[status.light]} {line}{worst}"


def reading_line(status: KpiStatus, dimension: str = "") -> str:
    """`*Inventory vs safety stock* (South): 400 (safety line 1,000) · 40.0% · purple` (a KPI, or
    one dimension of it, at one reading: what a light-raised escalation records)."""
    kpi = escape(kpi_name(status.label))
    where = tr("{kpi} ({dimension})", kpi=kpi, dimension=escape(dimension)) if dimension else kpi
    return tr(
        "*{kpi}*: {standing} · {score} · {light}",
        kpi=where,
        standing=standing(status),
        score=score(status),
        light=light_word(status.light),
    )
