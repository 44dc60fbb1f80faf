"""Parsers for what people type into slash commands and modals.

Each parser returns a value or raises `UserError` with a message that says what was wrong; none
raises anything else, whatever the input.
"""

from __future__ import annotations

import re
import shlex
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import Severity
from warroom_bot.errors import UserError

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def split_args(text: str) -> list[str]:
    """Split command text into words, honouring quotes (Slack clients often send curly ones)."""
    try:
        return shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UserError('A quote is not closed: put the closing `"` after the quoted words.') from None


_DURATION_PART = re.compile(r"(\d{1,6})([smhd])")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MAX_DURATION = timedelta(days=30)


def parse_duration(text: str) -> timedelta:
    """`90s`, `5m`, `2h`, `1h30m`, `1d`: any positive duration up to 30 days."""
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned or _DURATION_PART.sub("", cleaned):
        raise UserError(f"`{text}` is not a duration: write it like `90s`, `5m`, `2h` or `1h30m`.")
    total = sum(
        (timedelta(**{_DURATION_UNITS[unit]: int(number)}) for number, unit in _DURATION_PART.findall(cleaned)),
        timedelta(),
    )
    if total <= timedelta(0):
        raise UserError("A duration must be longer than zero.")
    if total > MAX_DURATION:
        raise UserError("A duration can be at most 30 days.")
    return total


def format_duration(delta: timedelta) -> str:
    """The inverse of `parse_duration`, for display: `1h30m`, `45s`."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)([km]?)")
_AMOUNT_SCALE = {"": Decimal(1), "k": Decimal(1000), "m": Decimal(1_000_000)}
MAX_AMOUNT = Decimal(10) ** 12


def parse_amount(text: str) -> Decimal:
    """`5000`, `5,000`, `5k`, `1.2m`, `¥5000`, `5000元`: a positive amount with at most 2 decimals."""
    problem = f"`{text}` is not an amount: write it like `5000`, `5,000`, `5k`, `1.2m` or `¥5000`."
    cleaned = text.strip().lower().replace(",", "").replace(" ", "")
    cleaned = cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise UserError(problem)
    try:
        amount = Decimal(match.group(1)) * _AMOUNT_SCALE[match.group(2)]
    except InvalidOperation:
        raise UserError(problem) from None
    if amount <= 0:
        raise UserError("An amount must be more than zero.")
    if amount >= MAX_AMOUNT:
        raise UserError(f"`{text}` is too large for an amount.")
    if amount != amount.quantize(Decimal("0.01")):
        raise UserError(f"`{text}` has more than two decimal places.")
    return amount.quantize(Decimal("0.01"))


_NUMBER = re.compile(r"(\d+(?:\.\d+)?)([km]?)%?")


def parse_number(text: str) -> float:
    """A KPI value or target: `1200`, `1,200`, `1.2m`, `5k`, `¥5000`, `3.5%`, `0.8`; not negative."""
    cleaned = text.strip().lower().replace(",", "").removeprefix("¥").removeprefix("￥").removesuffix("元")
    match = _NUMBER.fullmatch(cleaned)
    if match is None or len(match.group(1)) > 18:
        raise UserError(f"`{text}` is not a number: write it like `1200`, `1.2m`, `5k` or `3.5%`.")
    return float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]


def parse_percent(text: str) -> Decimal:
    """`5%` or `12.5%`: a share from 0 (exclusive) to 100."""
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{1,2})?)%", text.strip())
    if match is None or not Decimal(0) < Decimal(match.group(1)) <= 100:
        raise UserError(f"`{text}` is not a percentage: write it like `5%` (more than 0, at most 100).")
    return Decimal(match.group(1))


def parse_clock_time(text: str) -> time:
    """`21:00` or `9:30`, a time of day on a 24-hour clock."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if match is None:
        raise UserError(f"`{text}` is not a time of day: write it as HH:MM on a 24-hour clock, like `21:30`.")
    return time(int(match.group(1)), int(match.group(2)))


def parse_time_range(text: str) -> tuple[time, time]:
    """`23:00-07:00`: a daily window, which may cross midnight."""
    start, dash, end = text.strip().partition("-")
    if not dash:
        raise UserError(f"`{text}` is not a time window: write it as HH:MM-HH:MM, like `23:00-07:00`.")
    window = parse_clock_time(start), parse_clock_time(end)
    if window[0] == window[1]:
        raise UserError("A time window must not start and end at the same minute.")
    return window


_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")


def parse_mention(text: str) -> str:
    """A Slack user mention, `<@U123>` or `<@U123|name>`, to the user id."""
    match = _MENTION.fullmatch(text.strip())
    if match is None:
        raise UserError(f"`{text}` is not a person: mention them, like `@dana` (Slack sends `<@U123>`).")
    return match.group(1)


def parse_timezone(text: str) -> ZoneInfo:
    """An IANA time zone name such as `Asia/Shanghai` or `UTC`."""
    name = text.strip()
    try:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}", name):
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UserError(
            f"`{text}` is not a time zone: use an IANA name such as `Asia/Shanghai`, `Europe/Berlin` or `UTC`."
        ) from None


_LOCAL_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?")


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """`2026-11-10T20:00` (or `2026-11-10 20:00`, or a date alone for midnight) in `zone`, as UTC."""
    match = _LOCAL_DATETIME.fullmatch(text.strip())
    problem = f"`{text}` is not a date and time: write it like `2026-11-10T20:00`."
    if match is None:
        raise UserError(problem)
    year, month, day, hour, minute = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # no such day, or beyond the years Python can hold once in UTC
        raise UserError(problem) from None


SEVERITY_ALIASES = {
    "low": Severity.BLUE,
    "medium": Severity.YELLOW,
    "high": Severity.ORANGE,
    "critical": Severity.RED,
}


def parse_severity(text: str) -> Severity:
    """`blue|yellow|orange|red`, or the aliases `low|medium|high|critical`."""
    word = text.strip().lower()
    if word in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[word]
    try:
        return Severity(word)
    except ValueError:
        raise UserError(
            f"`{text}` is not a severity: use blue, yellow, orange or red (or low, medium, high, critical)."
        ) from None
