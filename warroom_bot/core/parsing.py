"""Parsers for what people type into slash commands and modals.

Each parser returns a value or raises `UserError` with a message that says what was wrong; none
raises anything else, whatever the input.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warroom_bot.core.errors import UserError
from warroom_bot.models import Severity

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def split_args(text: str) -> list[str]:
    """Split command text into words, honouring quotes (Slack clients often send curly ones)."""
    try:
        return shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UserError('A quote is not closed: put the closing `"` after the quoted words.') from None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` Did you mean `tier2`?` when a choice is close to `word` (a typo), else an empty string."""
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return f" Did you mean `{close[0]}`?" if close else ""


# Chinese input methods type full-width digits and signs; read them as their ASCII forms.
_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + digit): str(digit) for digit in range(10)}, "．": ".", "，": ",", "％": "%", "￥": "¥"}
)


def _words(text: str) -> str:
    """Lower case, full-width characters as ASCII, no spaces: `1 H 30 M` → `1h30m`."""
    return re.sub(r"\s+", "", text.translate(_FULL_WIDTH).lower())


# Each spelling a team types for a unit of time; the longest spelling is tried first.
_DURATION_SPELLINGS = {
    "seconds": "s sec secs second seconds 秒 秒钟 秒鐘",
    "minutes": "m min mins minute minutes 分 分钟 分鐘",
    "hours": "h hr hrs hour hours 小时 小時 个小时 個小時 钟头 鐘頭 个钟头 個鐘頭",
    "days": "d day days 天",
}
_DURATION_UNITS = {spelling: unit for unit, spellings in _DURATION_SPELLINGS.items() for spelling in spellings.split()}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_DURATION_PART = re.compile(rf"([0-9]{{1,6}})({_alternatives(_DURATION_UNITS)})")
MAX_DURATION = timedelta(days=30)


def parse_duration(text: str) -> timedelta:
    """`90s`, `5m`, `2h`, `1h30m`, `1d`, `5min`, `2hrs`, `1 h 30 m`, `3分钟`, `2小时`, `1小时30分`, `1天`:
    whole numbers of seconds, minutes, hours and days, adding up to at most 30 days."""
    cleaned = _words(text)
    if not cleaned or _DURATION_PART.sub("", cleaned):
        raise UserError(
            f"`{text}` is not a duration: write it like `90s`, `5m`, `2h`, `1h30m`, `5min` or `1小时30分钟`."
        )
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


# Scales a number may carry: `5k`, `1.2m`, `50万` (`5萬`, `3w`), `1.2亿` (`1.2億`), `5千`, `3百万`, `2千万`.
SCALES = {
    "k": Decimal(10) ** 3,
    "千": Decimal(10) ** 3,
    "w": Decimal(10) ** 4,
    "万": Decimal(10) ** 4,
    "萬": Decimal(10) ** 4,
    "m": Decimal(10) ** 6,
    "百万": Decimal(10) ** 6,
    "百萬": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "千萬": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "億": Decimal(10) ** 8,
}
# A unit written after a number, as the KPI unit it stands for, and the factor to that unit.
_SUFFIXES = {
    "%": ("%", Decimal(1)),
    "s": ("s", Decimal(1)),
    "sec": ("s", Decimal(1)),
    "secs": ("s", Decimal(1)),
    "秒": ("s", Decimal(1)),
    "ms": ("s", Decimal("0.001")),
    "毫秒": ("s", Decimal("0.001")),
}
# `¥` before, or `元` after (a scale may come between): `¥50万`, `50万元`, `1.2亿元`. Commas and
# spaces are gone by then. Either a scale (money, counts) or a unit (`%`, seconds), never both.
_QUANTITY = re.compile(
    rf"(?P<yuan>¥)?(?P<number>[0-9]{{1,18}}(?:\.[0-9]{{1,18}})?)"
    rf"(?:(?P<scale>{_alternatives(SCALES)})?(?P<yuan_after>元)?|(?P<suffix>{_alternatives(_SUFFIXES)}))"
)


@dataclass(frozen=True)
class _Quantity:
    value: Decimal
    unit: str  # "¥", "%", "s", or "" for a bare number
    scaled: bool  # written with a scale such as `k` or `万`


def _quantity(text: str) -> _Quantity | None:
    """What a number as typed says, or None when it is not one."""
    match = _QUANTITY.fullmatch(_words(text).replace(",", ""))
    if match is None:
        return None
    value = Decimal(match["number"])
    if match["suffix"]:
        if match["yuan"]:
            return None  # `¥5%`
        unit, factor = _SUFFIXES[match["suffix"]]
        return _Quantity(value * factor, unit, scaled=False)
    scale = SCALES[match["scale"]] if match["scale"] else Decimal(1)
    unit = "¥" if match["yuan"] or match["yuan_after"] else ""
    return _Quantity(value * scale, unit, scaled=bool(match["scale"]))


MAX_AMOUNT = Decimal(10) ** 12


def parse_amount(text: str) -> Decimal:
    """`5000`, `5,000`, `5k`, `1.2m`, `50万`, `3w`, `1.2亿`, `¥5000`, `¥50万`, `5000元`, `50万元`:
    a positive amount of yuan with at most 2 decimals (after the scale), below 10^12."""
    quantity = _quantity(text)
    if quantity is None or quantity.unit not in ("", "¥"):
        raise UserError(
            f"`{text}` is not an amount: write it like `5000`, `5,000`, `5k`, `1.2m`, `50万`, `1.2亿` or `¥5000`."
        )
    amount = quantity.value
    if amount <= 0:
        raise UserError("An amount must be more than zero.")
    if amount >= MAX_AMOUNT:
        raise UserError(f"`{text}` is too large for an amount.")
    if amount != amount.quantize(Decimal("0.01")):
        raise UserError(f"`{text}` has more than two decimal places.")
    return amount.quantize(Decimal("0.01"))


_UNIT_NAMES = {"¥": "in yuan (¥)", "%": "a percentage (%)", "s": "in seconds (s)", "": "a plain number (no unit)"}
_UNIT_EXAMPLES = {
    "¥": "`¥1.2m`, `120万`, `1.2亿元` or `5000`",
    "%": "`85%` or `85`",
    "s": "`2.5s`, `2500ms`, `2.5秒` or `2.5`",
    "": "`1200`, `5k`, `3万` or `1.2m`",
}
_FORM_NAMES = {"¥": "an amount in yuan", "%": "a percentage", "s": "a time in seconds"}


def parse_kpi_value(text: str, unit: str, *, kpi: str = "") -> float:
    """A reading or target of a KPI whose unit is `unit` ("¥", "%", "s" or ""), not negative.

    A plain number is always accepted. Besides: for "¥" `¥1.2m`, `120万`, `1.2亿元`, `5000元`; for
    "%" `85%`, `85 %`; for "s" `2.5s`, `2.5 s`, `3.0 s`, `2500ms`, `2.5秒`; for "" (a count) and
    any other unit the scales `5k`, `1.2m`, `3万`, `1.2亿`. A number in another unit (`2.5s` for an
    amount, `85%` for seconds) is refused with a message naming the KPI's (`kpi`'s) unit.
    """
    unit = unit or ""
    examples = _UNIT_EXAMPLES.get(unit, _UNIT_EXAMPLES[""])
    quantity = _quantity(text)
    if quantity is None:
        raise UserError(f"`{text}` is not a number: write it like {examples}.")
    fits = quantity.unit in ("", unit) and not (quantity.scaled and unit in ("%", "s"))
    if not fits:
        form = _FORM_NAMES.get(quantity.unit, "a number with a scale (`k`, `m`, `万`, `亿`)")
        name = _UNIT_NAMES.get(unit, f"in {unit}")
        subject = f"`{kpi}`" if kpi else "this KPI"
        raise UserError(f"`{text}` is {form}, but {subject} is {name}: write it like {examples}.")
    return float(quantity.value)


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
# Words teams use for a severity that are not typos of one: suggested in the refusal, never taken
# silently (is `p2` orange here or yellow? the person raising it should say).
SEVERITY_SYNONYMS = {
    **dict.fromkeys(
        ["urgent", "emergency", "sev0", "sev1", "p0", "p1", "blocker", "outage", "fatal", "紧急", "緊急", "红", "紅"],
        Severity.RED,
    ),
    **dict.fromkeys(["major", "severe", "serious", "sev2", "p2", "高", "橙"], Severity.ORANGE),
    **dict.fromkeys(["warn", "warning", "moderate", "med", "sev3", "p3", "中", "黄", "黃"], Severity.YELLOW),
    **dict.fromkeys(["info", "notice", "minor", "trivial", "sev4", "p4", "低", "蓝", "藍"], Severity.BLUE),
}


def parse_severity(text: str) -> Severity:
    """`blue|yellow|orange|red`, or the aliases `low|medium|high|critical`; a refusal suggests the
    closest one (`urgent`, `sev1` or `p1` → `red`, `warning` → `yellow`, `rde` → `red`)."""
    word = text.strip().lower()
    if word in SEVERITY_ALIASES:
        return SEVERITY_ALIASES[word]
    try:
        return Severity(word)
    except ValueError:
        pass
    synonym = SEVERITY_SYNONYMS.get(re.sub(r"[\s_\-]+", "", word).removesuffix("色"))
    hint = f" Did you mean `{synonym}`?" if synonym else did_you_mean(word, [*Severity, *SEVERITY_ALIASES])
    raise UserError(
        f"`{text}` is not a severity: use blue, yellow, orange or red (or low, medium, high, critical).{hint}"
    )
