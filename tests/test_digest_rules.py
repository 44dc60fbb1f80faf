"""The pure rules of the digest: lights, target to date, attainment, and the slot schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom_bot.digest.schedule import next_slot
from warroom_bot.metrics.render import amount, lower_is_better, percent, shown_attainment, standing
from warroom_bot.metrics.service import DEFAULT_KPIS
from warroom_bot.metrics.status import KpiStatus, attainment, elapsed_share, light
from warroom_bot.models import Campaign, Direction, Kpi, KpiKind

DEFAULT = (90.0, 80.0, 60.0)


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (1.2, "green"),
        (0.90, "green"),
        (0.899, "yellow"),
        (0.80, "yellow"),
        (0.799, "red"),
        (0.60, "red"),
        (0.599, "purple"),
        (0.0, "purple"),
        (None, None),
    ],
)
def test_lights_at_each_boundary(share: float | None, expected: str | None) -> None:
    assert light(share, DEFAULT) == expected


def test_light_thresholds_are_per_campaign() -> None:
    assert light(0.86, (85.0, 70.0, 50.0)) == "green"
    assert light(0.55, (85.0, 70.0, 50.0)) == "red"


def _campaign(starts: datetime, hours: int, tz: str = "UTC", **config: str) -> Campaign:
    return Campaign(
        channel_id="C1",
        name="x",
        timezone=tz,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        phase="live",
        created_by="U1",
        created_at=starts,
        config=config,
    )


START = datetime(2026, 11, 9, 0, 0, tzinfo=UTC)


def test_target_to_date_is_linear_over_the_live_period_by_default() -> None:
    campaign = _campaign(START, 48)
    gmv = Kpi(campaign_id=1, key="gmv", label="GMV", kind=KpiKind.CUMULATIVE, direction=Direction.HIGHER)
    assert elapsed_share(campaign, gmv, START - timedelta(hours=1)) == 0
    assert elapsed_share(campaign, gmv, START + timedelta(hours=12)) == pytest.approx(0.25)
    assert elapsed_share(campaign, gmv, START + timedelta(days=9)) == 1


def test_an_hourly_weight_curve_shapes_the_target_to_date() -> None:
    campaign = _campaign(START, 24)
    weights = [0.0] * 24
    weights[20] = 3.0  # the evening peak carries three quarters of the day
    weights[8] = 1.0
    gmv = Kpi(
        campaign_id=1,
        key="gmv",
        label="GMV",
        kind=KpiKind.CUMULATIVE,
        direction=Direction.HIGHER,
        hourly_weights=weights,
    )
    assert elapsed_share(campaign, gmv, START + timedelta(hours=9)) == pytest.approx(0.25)
    assert elapsed_share(campaign, gmv, START + timedelta(hours=20, minutes=30)) == pytest.approx(0.625)


def test_lower_is_better_attainment_is_target_over_actual() -> None:
    response = Kpi(campaign_id=1, key="rt", label="RT", kind=KpiKind.GAUGE, direction=Direction.LOWER)
    assert attainment(response, 5.0, 3.0) == pytest.approx(0.6)
    assert attainment(response, 0.0, 3.0) == float("inf")
    orders = Kpi(campaign_id=1, key="o", label="O", kind=KpiKind.CUMULATIVE, direction=Direction.HIGHER)
    assert attainment(orders, 899, 1000) == pytest.approx(0.899)
    assert attainment(orders, 10, 0) is None and attainment(orders, None, 10) is None


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (7127.83, "", "7,128"),  # counts are whole
        (58_000, "", "58,000"),
        (1_234_567.4, "", "1,234,567"),
        (2.5, "", "2.5"),  # a unitless fraction below 10 keeps its decimals
        (1234.56, "¥", "¥1,235"),  # whole yuan
        (35_210, "¥", "¥35.2k"),
        (1_200_000, "¥", "¥1.20m"),
        (0.9, "s", "0.9 s"),
        (3.0, "s", "3 s"),
        (2.54, "%", "2.5%"),
        (None, "", "—"),
    ],
)
def test_amounts_read_as_a_campaign_team_reads_them(value: float | None, unit: str, shown: str) -> None:
    assert amount(value, unit) == shown


def _status(
    key: str,
    kind: str,
    unit: str,
    value: float | None,
    target: float | None,
    reached: float | None,
    direction: str | None = None,
) -> KpiStatus:
    direction = direction or next((kpi["direction"] for kpi in DEFAULT_KPIS if kpi["key"] == key), Direction.HIGHER)
    return KpiStatus(
        key, key, unit, kind, value, target, reached, light(reached, DEFAULT), None, None, direction=direction
    )


def test_gauges_show_their_limit_and_lower_is_better_never_reads_above_100_percent() -> None:
    fast = _status("response_time", KpiKind.GAUGE, "s", 0.9, 3.0, 3.0 / 0.9)
    assert lower_is_better(fast)
    assert f"{standing(fast)} · {percent(fast.attainment, lower=True)}" == "0.9 s (limit 3 s) · margin 70.0%"
    assert shown_attainment(fast) == 1.0 and fast.light == "green"
    slow = _status("response_time", KpiKind.GAUGE, "s", 5.0, 3.0, 0.6)
    assert f"{standing(slow)} · {percent(slow.attainment, lower=True)}" == "5 s (limit 3 s) · over by 66.7%"
    stock = _status("inventory", KpiKind.GAUGE, "", 820, 1000, 0.82)
    assert not lower_is_better(stock)
    assert f"{standing(stock)} · {percent(stock.attainment)}" == "820 (safety line 1,000) · 82.0%"
    # A KPI added with `kpi add … lower`: its own direction, whatever its key.
    refunds = _status("refunds", KpiKind.CUMULATIVE, "", 12, 40, 40 / 12, Direction.LOWER)
    assert lower_is_better(refunds) and standing(refunds) == "12 (limit 40 to date)"
    assert percent(float("inf"), lower=True) == "margin 100.0%"  # nothing at all against the limit
    # No reading yet: still shown against its limit.
    assert standing(_status("response_time", KpiKind.GAUGE, "s", None, 3.0, None)) == "— (limit 3 s)"
    assert standing(_status("orders", KpiKind.CUMULATIVE, "", None, 7127.75, None)) == "— vs 7,128 to date"


def test_slots_fall_on_local_hour_boundaries() -> None:
    shanghai = _campaign(START, 48, "Asia/Shanghai")
    assert next_slot(shanghai, datetime(2026, 11, 9, 12, 20, tzinfo=UTC)) == datetime(2026, 11, 9, 13, tzinfo=UTC)
    assert next_slot(shanghai, datetime(2026, 11, 9, 13, 0, tzinfo=UTC)) == datetime(2026, 11, 9, 14, tzinfo=UTC)
    india = _campaign(START, 48, "Asia/Kolkata")  # UTC+05:30: local hours fall on UTC half hours
    assert next_slot(india, datetime(2026, 11, 9, 12, 0, tzinfo=UTC)) == datetime(2026, 11, 9, 12, 30, tzinfo=UTC)


def test_a_two_hour_cadence_and_quiet_hours() -> None:
    campaign = _campaign(START, 48, "Asia/Shanghai", **{"digest.every": "2h", "quiet": "01:00-07:00"})
    # 17:10 UTC is 01:10 in Shanghai: quiet until 07:00, which is not an even hour, so 08:00 local.
    assert next_slot(campaign, datetime(2026, 11, 9, 17, 10, tzinfo=UTC)) == datetime(2026, 11, 10, 0, tzinfo=UTC)
    assert next_slot(campaign, datetime(2026, 11, 10, 0, 0, tzinfo=UTC)) == datetime(2026, 11, 10, 2, tzinfo=UTC)


def test_slots_follow_the_campaign_time_zone_through_a_daylight_saving_change() -> None:
    berlin = _campaign(START, 48, "Europe/Berlin", **{"digest.every": "2h"})
    # Clocks go back on 25 Oct 2026 at 03:00 CEST (01:00 UTC): even local hours move from odd to even UTC hours.
    assert next_slot(berlin, datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == datetime(2026, 10, 25, 0, tzinfo=UTC)
    # 01:00 UTC is 02:00 CET, the repeated hour; then 04:00 CET is 03:00 UTC.
    assert next_slot(berlin, datetime(2026, 10, 25, 0, 0, tzinfo=UTC)) == datetime(2026, 10, 25, 1, tzinfo=UTC)
    assert next_slot(berlin, datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == datetime(2026, 10, 25, 3, tzinfo=UTC)
