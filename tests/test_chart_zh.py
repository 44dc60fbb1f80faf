"""Charts for a campaign that speaks Chinese: Chinese titles and axes drawn with a CJK font found at
run time (no `Glyph … missing` warning, so no empty boxes), English labels and one warning in the
log where no CJK font exists, and money axes in ¥ or 万, never `1e6`."""

from __future__ import annotations

import json
import logging
import struct
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.i18n import speaking, tr
from warroom_bot.devtools.driver import LIVE_LINE, SlackDriver
from warroom_bot.metrics import chart

START = datetime(2026, 11, 10, 12, tzinfo=UTC)
ACTUAL = [(START + timedelta(hours=hour), 1_500_000.0 * hour) for hour in range(6)]
TARGET = [(START + timedelta(hours=hour), 1_600_000.0 * hour) for hour in range(6)]


def missing_glyphs(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]


def is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_chinese_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine without a CJK font (and the once-per-process warning not yet given)."""
    monkeypatch.setattr(chart, "chinese_font", lambda: None)
    chart._warn_no_chinese_font.cache_clear()
    yield
    chart._warn_no_chinese_font.cache_clear()


def test_a_chart_with_a_chinese_title_draws_every_glyph() -> None:
    if chart.chinese_font() is None:
        pytest.skip("no CJK font on this machine (install Debian's fonts-noto-cjk): Chinese cannot be drawn here")
    with speaking("zh-CN"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        title = chart.kpi_title("双11大促", "GMV")
        line = chart.render_png(title, ACTUAL, TARGET, "Asia/Shanghai", "¥")
        bars = chart.attainment_png(
            tr("{campaign}: {kpi}", campaign="双11大促", kpi="指标达成率"),
            [("成交额(GMV)", 93.8, "green"), ("订单量", 81.0, "yellow"), ("客诉量", 55.0, "purple")],
        )
    assert title == "双11大促：成交额(GMV)"
    assert is_png(line) and is_png(bars)
    assert missing_glyphs(caught) == []


def test_without_a_cjk_font_a_chinese_chart_has_english_labels_and_one_warning(
    no_chinese_font: None, caplog: pytest.LogCaptureFixture
) -> None:
    with speaking("zh-CN"), warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        with chart.chart_language():
            assert tr("actual") == "actual"
            assert chart.kpi_title("Double 11", "GMV") == "Double 11: GMV"
        for _ in range(2):
            assert is_png(chart.render_png("双11大促：成交额(GMV)", ACTUAL, TARGET, "Asia/Shanghai", "¥"))
            assert is_png(chart.attainment_png("双11大促", [("成交额(GMV)", 93.8, "green")]))
        assert tr("actual") == "实际"  # the campaign's language again after the chart
    assert missing_glyphs(caught) == []  # what no font can draw is left out, not drawn as boxes
    assert chart.drawable("双11大促：成交额(GMV)") == "11 (GMV)"
    warned = [record for record in caplog.records if "No CJK font" in record.getMessage()]
    assert len(warned) == 1


def test_money_axes_read_yuan_or_wan_never_powers_of_ten() -> None:
    figure = chart._figure(4, 2)
    axes = figure.add_subplot()
    chart._value_axis(axes, "¥")
    tick = axes.yaxis.get_major_formatter()
    assert (tick(12_000_000, 0), tick(35_200, 0), tick(0, 0)) == ("¥12.00m", "¥35.2k", "¥0")
    with speaking("zh-CN"):
        assert (tick(12_000_000, 0), tick(35_200, 0), tick(300_000_000, 0)) == ("¥1200万", "¥3.5万", "¥3亿")
    chart._value_axis(axes, "")
    with speaking("zh-CN"):
        assert axes.yaxis.get_major_formatter()(1_500_000, 0) == "150万"


async def test_chart_gmv_in_a_chinese_campaign(bot: SlackDriver, clock: ManualClock) -> None:
    await bot.ephemeral(f"start {LIVE_LINE}")
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("target gmv 400万")
    for value in ("20万", "60万", "110万"):
        await bot.ephemeral(f"metric gmv {value}")
        clock.advance(timedelta(hours=2))

    assert "正在绘制成交额(GMV)走势图" in await bot.ephemeral("chart gmv")
    (complete,) = await bot.standin.wait_for("files.completeUploadExternal")
    (requested,) = bot.standin.ok_calls("files.getUploadURLExternal")
    assert "成交额(GMV)：实际值对比目标进度" in complete.args["initial_comment"]
    assert json.loads(complete.args["files"])[0]["title"] == "Double 11：成交额(GMV)"
    png = bot.standin.uploads[requested.response["file_id"]]
    assert struct.unpack(">II", png[16:24]) == (800, 400)
    assert "访客数还没有数据" in await bot.ephemeral("chart visitors")
