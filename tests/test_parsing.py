from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models import Severity
from warroom_bot.errors import UserError
from warroom_bot.parsing import (
    format_duration,
    parse_amount,
    parse_clock_time,
    parse_duration,
    parse_local_datetime,
    parse_mention,
    parse_percent,
    parse_severity,
    parse_time_range,
    parse_timezone,
    split_args,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(minutes=90)),
        ("1d", timedelta(days=1)),
        (" 7M ", timedelta(minutes=7)),
    ],
)
def test_durations_that_parse(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "5", "m", "5x", "-5m", "0s", "31d", "5 minutes", "1.5h"])
def test_durations_that_do_not(text: str) -> None:
    with pytest.raises(UserError):
        parse_duration(text)


def test_duration_round_trips_for_display() -> None:
    assert format_duration(parse_duration("1h30m")) == "1h30m"
    assert format_duration(timedelta(seconds=45)) == "45s"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000", "5000.00"),
        ("5,000", "5000.00"),
        ("5k", "5000.00"),
        ("1.2m", "1200000.00"),
        ("¥5000", "5000.00"),
        ("¥5,000", "5000.00"),
        ("5000元", "5000.00"),
        ("12.5", "12.50"),
        ("1.234k", "1234.00"),
    ],
)
def test_amounts_that_parse(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["5kk", "-", "1e309", "", "-5", "0", "abc", "5.001", "NaN", "inf", "1000000m"])
def test_amounts_that_do_not(text: str) -> None:
    with pytest.raises(UserError):
        parse_amount(text)


def test_percent() -> None:
    assert parse_percent("5%") == Decimal(5)
    for bad in ("0%", "101%", "5", "%"):
        with pytest.raises(UserError):
            parse_percent(bad)


def test_clock_times_and_windows() -> None:
    assert parse_clock_time("21:30") == time(21, 30)
    assert parse_clock_time("9:05") == time(9, 5)
    assert parse_time_range("23:00-07:00") == (time(23), time(7))
    for bad in ("24:00", "21:60", "2130", "noon"):
        with pytest.raises(UserError):
            parse_clock_time(bad)
    with pytest.raises(UserError):
        parse_time_range("08:00-08:00")


def test_mentions() -> None:
    assert parse_mention("<@U123ABC>") == "U123ABC"
    assert parse_mention("<@U123ABC|dana>") == "U123ABC"
    for bad in ("@dana", "U123ABC", "<!channel>", "<#C123>"):
        with pytest.raises(UserError):
            parse_mention(bad)


def test_local_datetimes_are_read_in_the_campaign_time_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    assert parse_local_datetime("2026-11-10T20:00", shanghai) == datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    assert parse_local_datetime("2026-11-10 20:00", shanghai) == datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    assert parse_local_datetime("2026-11-10", shanghai) == datetime(2026, 11, 9, 16, 0, tzinfo=UTC)
    for bad in ("2026-13-01T00:00", "2026-02-30", "tomorrow", "2026-11-10T25:00"):
        with pytest.raises(UserError):
            parse_local_datetime(bad, shanghai)


def test_time_zones() -> None:
    assert parse_timezone("Asia/Shanghai").key == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "../etc/passwd", "", "Asia/"):
        with pytest.raises(UserError):
            parse_timezone(bad)


def test_severities_and_aliases() -> None:
    assert parse_severity("RED") is Severity.RED
    assert parse_severity("critical") is Severity.RED
    assert parse_severity("low") is Severity.BLUE
    with pytest.raises(UserError, match="not a severity"):
        parse_severity("purple")


def test_split_args_honours_straight_and_curly_quotes() -> None:
    assert split_args('start "Double 11" a b') == ["start", "Double 11", "a", "b"]
    assert split_args("start “Double 11” a b") == ["start", "Double 11", "a", "b"]
    with pytest.raises(UserError, match="quote"):
        split_args('start "Double 11 a b')
