"""Charts as PNG: a KPI's readings against its target to date, and the report's attainment bars.

Chinese needs a CJK font, which matplotlib does not bring: one is looked for at run time (Noto Sans
CJK from Debian's `fonts-noto-cjk` in the Docker image, Source Han Sans, WenQuanYi) and drawn as the
fallback of matplotlib's own DejaVu Sans, so every glyph has a font. Without one, a Chinese chart is
drawn with English labels (`chart_language`) after a single warning in the log, and characters no
font can draw are left out of the texts given (`drawable`): never a row of empty boxes. Money axes
read `¥1.20m` (`¥120万`), never `1e6`.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core import i18n
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import compact, in_chinese, tr
from warroom_bot.metrics.render import kpi_name
from warroom_bot.metrics.status import elapsed_share
from warroom_bot.models import Campaign, Kpi, KpiKind, Reading

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

Series = list[tuple[datetime, float]]

LATIN_FONT = "DejaVu Sans"  # matplotlib's own
CJK_FAMILIES = (  # best first
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
_CJK_FILES = re.compile(r"(?i)notosanscjk|notosanssc|sourcehansans|wqy|wenquanyi")
_CJK_CHARACTERS = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_font_lock = threading.Lock()


def _known_cjk_family() -> str | None:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


@functools.cache
def chinese_font() -> str | None:
    """The family of a CJK font matplotlib can draw with (looked for once per process), or None.

    matplotlib caches its list of the system's fonts, so a font installed after that list was made
    is not in it: the system's font files are then searched and added."""
    from matplotlib import font_manager

    with _font_lock:
        family = _known_cjk_family()
        if family is None:
            for path in font_manager.findSystemFonts():
                if _CJK_FILES.search(Path(path).name):
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        log.debug("font %s could not be loaded", path, exc_info=True)
            family = _known_cjk_family()
        return family


@functools.cache
def _warn_no_chinese_font() -> None:
    log.warning(
        "No CJK font found (looked for %s): charts of Chinese campaigns are drawn with English labels; "
        "install one, e.g. Debian's fonts-noto-cjk",
        ", ".join(CJK_FAMILIES),
    )


@contextmanager
def chart_language() -> Iterator[None]:
    """Write a chart's texts inside this block: in the current language, or in English when it is
    Chinese and no CJK font can draw it (warned once per process)."""
    if in_chinese() and chinese_font() is None:
        with _font_lock:
            _warn_no_chinese_font()
        with i18n.speaking(i18n.ENGLISH):
            yield
    else:
        yield


def drawable(text: str) -> str:
    """`text` without the characters no font can draw (Chinese, when there is no CJK font)."""
    if chinese_font() is not None:
        return text
    return " ".join(_CJK_CHARACTERS.sub(" ", text).split()) or "?"


def _families() -> list[str]:
    """The fonts texts are drawn with: DejaVu Sans, falling back to the CJK font for what it lacks."""
    cjk = chinese_font()
    return [LATIN_FONT, cjk] if cjk else [LATIN_FONT]


def _value_axis(axes: Axes, unit: str) -> None:
    """Ticks of the value axis in the KPI's unit: `¥1.20m` (`¥120万`), `85%`, `2.5 s`, `12.3万`; no `1e6`."""
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _position: int) -> str:
        if unit == "%":
            return f"{value:g}%"
        if unit == "s":
            return tr("{seconds} s", seconds=f"{value:g}")
        if abs(value) < 10_000 and value != round(value):
            return f"{value:g}"
        return compact(value, "¥" if unit == "¥" else "")

    axes.yaxis.set_major_formatter(FuncFormatter(tick))


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
        raise UserError(
            tr(
                "{kpi} has no readings yet: add some with `/warroom metric {key} <value>`.",
                kpi=kpi_name(kpi.label),
                key=kpi.key,
            )
        )
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


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def kpi_title(campaign_name: str, label: str) -> str:
    """`Double 11: GMV` (`双11大促：成交额(GMV)`)."""
    return tr("{campaign}: {kpi}", campaign=campaign_name, kpi=kpi_name(label))


def render_png(title: str, actual: Series, target: Series, timezone: str, unit: str = "") -> bytes:
    """A KPI's readings against its target to date; `unit` (the KPI's) formats the value axis.
    Call it in the language the chart is for: its labels are written in `chart_language`."""
    from matplotlib.dates import DateFormatter, date2num

    with chart_language():
        zone = ZoneInfo(timezone)
        families = _families()
        figure = _figure(8, 4)
        axes = figure.add_subplot()
        axes.xaxis_date(zone)  # times go in as matplotlib's date numbers; ticks fall on the campaign's own hours
        axes.plot(date2num([t for t, _ in actual]), [v for _, v in actual], marker="o", label=tr("actual"))
        if target:
            axes.plot(
                date2num([t for t, _ in target]), [v for _, v in target], linestyle="--", label=tr("target to date")
            )
        axes.set_title(drawable(title), fontfamily=families)
        dates = "%m月%d日 %H:%M" if in_chinese() else "%d %b %H:%M"
        axes.xaxis.set_major_formatter(DateFormatter(dates, tz=zone))
        _value_axis(axes, unit)
        axes.tick_params(labelfontfamily=families)
        axes.grid(alpha=0.3)
        axes.legend(prop={"family": families})
        figure.autofmt_xdate()
        return _png(figure)


LIGHT_COLOURS = {"green": "#2eb67d", "yellow": "#ecb22e", "red": "#e01e5a", "purple": "#8e44ad", None: "#9e9e9e"}


def attainment_png(title: str, bars: list[tuple[str, float, str | None]]) -> bytes:
    """Horizontal bars of attainment (%) per KPI, coloured by light, with a line at 100 %.
    Write `title` and the labels in `chart_language` (characters no font can draw are left out)."""
    with chart_language():
        families = _families()
        figure = _figure(8, 0.5 * len(bars) + 1.2)
        axes = figure.add_subplot()
        labels = [drawable(label) for label, _, _ in reversed(bars)]
        values = [min(value, 200.0) for _, value, _ in reversed(bars)]
        axes.barh(labels, values, color=[LIGHT_COLOURS.get(light, "#9e9e9e") for _, _, light in reversed(bars)])
        axes.axvline(100, color="#333333", linewidth=1, linestyle="--")
        axes.set_xlabel(tr("attainment (%)"), fontfamily=families)
        axes.set_title(drawable(title), fontfamily=families)
        axes.tick_params(labelfontfamily=families)
        figure.tight_layout()
        return _png(figure)
