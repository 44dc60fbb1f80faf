"""Charts as PNG: a KPI's readings against its target to date, and the report's attainment bars."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.errors import UserError
from warroom_bot.metrics.status import elapsed_share
from warroom_bot.models import Campaign, Kpi, KpiKind, Reading

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Series = list[tuple[datetime, float]]


async def series(session: AsyncSession, campaign: Campaign, kpi: Kpi, now: datetime) -> tuple[Series, Series]:
    """The KPI's readings (the KPI as a whole) and its target to date, hour by hour, up to now."""
    readings = (
        await session.exec(
            select(Reading)
            .where(Reading.kpi_id == kpi.id, Reading.dimension == "", col(Reading.at) <= now)
            .order_by(col(Reading.at))
        )
    ).all()
    if not readings:
        raise UserError(f"{kpi.label} has no readings yet: add some with `/warroom metric {kpi.key} <value>`.")
    actual = [(reading.at, reading.value) for reading in readings]
    if kpi.target is None:
        return actual, []
    start = min(campaign.starts_at, actual[0][0])
    end = min(now, campaign.ends_at) if kpi.kind == KpiKind.CUMULATIVE else now
    moments = [start + timedelta(hours=hours) for hours in range(int((end - start) / timedelta(hours=1)) + 1)]
    moments.append(end)
    if kpi.kind == KpiKind.CUMULATIVE:
        return actual, [(moment, kpi.target * elapsed_share(campaign, kpi, moment)) for moment in moments]
    return actual, [(start, kpi.target), (end, kpi.target)]


def _figure(width: float, height: float) -> Figure:
    """A figure drawn with matplotlib's object API (no pyplot global state, safe in a worker thread).

    matplotlib is imported on the first chart, not at start: it is a third of the idle service's memory."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def render_png(title: str, actual: Series, target: Series, timezone: str) -> bytes:
    from matplotlib.dates import DateFormatter, date2num

    zone = ZoneInfo(timezone)
    figure = _figure(8, 4)
    axes = figure.add_subplot()
    axes.xaxis_date(zone)  # times go in as matplotlib's date numbers; ticks fall on the campaign's own hours
    axes.plot(date2num([t for t, _ in actual]), [v for _, v in actual], marker="o", label="actual")
    if target:
        axes.plot(date2num([t for t, _ in target]), [v for _, v in target], linestyle="--", label="target to date")
    axes.set_title(title)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b %H:%M", tz=zone))
    axes.grid(alpha=0.3)
    axes.legend()
    figure.autofmt_xdate()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


LIGHT_COLOURS = {"green": "#2eb67d", "yellow": "#ecb22e", "red": "#e01e5a", "purple": "#8e44ad", None: "#9e9e9e"}


def attainment_png(title: str, bars: list[tuple[str, float, str | None]]) -> bytes:
    """Horizontal bars of attainment (%) per KPI, coloured by light, with a line at 100 %."""
    figure = _figure(8, 0.5 * len(bars) + 1.2)
    axes = figure.add_subplot()
    labels = [label for label, _, _ in reversed(bars)]
    values = [min(value, 200.0) for _, value, _ in reversed(bars)]
    axes.barh(labels, values, color=[LIGHT_COLOURS.get(light, "#9e9e9e") for _, _, light in reversed(bars)])
    axes.axvline(100, color="#333333", linewidth=1, linestyle="--")
    axes.set_xlabel("attainment (%)")
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
