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
from warroom_bot.core.i18n import N_, in_chinese, tr
from warroom_bot.models import Department, Phase, Role, Severity

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def split_args(text: str) -> list[str]:
    """Split command text into words, honouring quotes (Slack clients often send curly ones)."""
    try:
        return shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UserError(tr('A quote is not closed: put the closing `"` after the quoted words.')) from None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` Did you mean `tier2`?` when a choice is close to `word` (a typo), else an empty string."""
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return _suggest(close[0]) if close else ""


def _suggest(choice: str) -> str:
    return tr(" Did you mean `{choice}`?", choice=choice)


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
            tr(
                "`{text}` is not a duration: write it like `90s`, `5m`, `2h`, `1h30m`, `5min` or `1小时30分钟`.",
                text=text,
            )
        )
    total = sum(
        (timedelta(**{_DURATION_UNITS[unit]: int(number)}) for number, unit in _DURATION_PART.findall(cleaned)),
        timedelta(),
    )
    if total <= timedelta(0):
        raise UserError(tr("A duration must be longer than zero."))
    if total > MAX_DURATION:
        raise UserError(tr("A duration can be at most 30 days."))
    return total


def format_duration(delta: timedelta) -> str:
    """The inverse of `parse_duration`: `1h30m`, `45s`, the same in every language (settings are
    stored in this form)."""
    return _spell_duration(delta, ("d", "h", "m", "s"))


def say_duration(delta: timedelta) -> str:
    """A duration for people to read in the current language: `1h30m` (as `format_duration`);
    `1小时30分钟`, `2分15秒`, `1天` in Chinese. `parse_duration` reads both back."""
    if not in_chinese():
        return format_duration(delta)
    spelled = _spell_duration(delta, ("天", "小时", "分钟", "秒"))
    return re.sub(r"分钟(?=[0-9])", "分", spelled)  # `2分15秒`, but `5分钟`


def _spell_duration(delta: timedelta, units: tuple[str, str, str, str]) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in zip(units, (86400, 3600, 60, 1), strict=True):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or f"0{units[-1]}"


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
            tr(
                "`{text}` is not an amount: write it like `5000`, `5,000`, `5k`, `1.2m`, `50万`, `1.2亿` or `¥5000`.",
                text=text,
            )
        )
    amount = quantity.value
    if amount <= 0:
        raise UserError(tr("An amount must be more than zero."))
    if amount >= MAX_AMOUNT:
        raise UserError(tr("`{text}` is too large for an amount.", text=text))
    if amount != amount.quantize(Decimal("0.01")):
        raise UserError(tr("`{text}` has more than two decimal places.", text=text))
    return amount.quantize(Decimal("0.01"))


_UNIT_NAMES = {
    "¥": N_("in yuan (¥)"),
    "%": N_("a percentage (%)"),
    "s": N_("in seconds (s)"),
    "": N_("a plain number (no unit)"),
}
_UNIT_EXAMPLES = {
    "¥": N_("`¥1.2m`, `120万`, `1.2亿元` or `5000`"),
    "%": N_("`85%` or `85`"),
    "s": N_("`2.5s`, `2500ms`, `2.5秒` or `2.5`"),
    "": N_("`1200`, `5k`, `3万` or `1.2m`"),
}
_FORM_NAMES = {"¥": N_("an amount in yuan"), "%": N_("a percentage"), "s": N_("a time in seconds")}
_SCALED_FORM = N_("a number with a scale (`k`, `m`, `万`, `亿`)")


def parse_kpi_value(text: str, unit: str, *, kpi: str = "") -> float:
    """A reading or target of a KPI whose unit is `unit` ("¥", "%", "s" or ""), not negative.

    A plain number is always accepted. Besides: for "¥" `¥1.2m`, `120万`, `1.2亿元`, `5000元`; for
    "%" `85%`, `85 %`; for "s" `2.5s`, `2.5 s`, `3.0 s`, `2500ms`, `2.5秒`; for "" (a count) and
    any other unit the scales `5k`, `1.2m`, `3万`, `1.2亿`. A number in another unit (`2.5s` for an
    amount, `85%` for seconds) is refused with a message naming the KPI's (`kpi`'s) unit.
    """
    unit = unit or ""
    examples = tr(_UNIT_EXAMPLES.get(unit, _UNIT_EXAMPLES[""]))
    quantity = _quantity(text)
    if quantity is None:
        raise UserError(tr("`{text}` is not a number: write it like {examples}.", text=text, examples=examples))
    fits = quantity.unit in ("", unit) and not (quantity.scaled and unit in ("%", "s"))
    if not fits:
        form = tr(_FORM_NAMES.get(quantity.unit, _SCALED_FORM))
        name = tr(_UNIT_NAMES[unit]) if unit in _UNIT_NAMES else tr("in {unit}", unit=unit)
        if kpi:
            raise UserError(
                tr(
                    "`{text}` is {form}, but `{kpi}` is {name}: write it like {examples}.",
                    text=text,
                    form=form,
                    kpi=kpi,
                    name=name,
                    examples=examples,
                )
            )
        raise UserError(
            tr(
                "`{text}` is {form}, but this KPI is {name}: write it like {examples}.",
                text=text,
                form=form,
                name=name,
                examples=examples,
            )
        )
    return float(quantity.value)


def parse_percent(text: str) -> Decimal:
    """`5%` or `12.5%`: a share from 0 (exclusive) to 100."""
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{1,2})?)%", text.strip())
    if match is None or not Decimal(0) < Decimal(match.group(1)) <= 100:
        raise UserError(tr("`{text}` is not a percentage: write it like `5%` (more than 0, at most 100).", text=text))
    return Decimal(match.group(1))


def parse_clock_time(text: str) -> time:
    """`21:00` or `9:30`, a time of day on a 24-hour clock."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if match is None:
        raise UserError(
            tr("`{text}` is not a time of day: write it as HH:MM on a 24-hour clock, like `21:30`.", text=text)
        )
    return time(int(match.group(1)), int(match.group(2)))


def parse_time_range(text: str) -> tuple[time, time]:
    """`23:00-07:00`: a daily window, which may cross midnight."""
    start, dash, end = text.strip().partition("-")
    if not dash:
        raise UserError(tr("`{text}` is not a time window: write it as HH:MM-HH:MM, like `23:00-07:00`.", text=text))
    window = parse_clock_time(start), parse_clock_time(end)
    if window[0] == window[1]:
        raise UserError(tr("A time window must not start and end at the same minute."))
    return window


_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")


def parse_mention(text: str) -> str:
    """A Slack user mention, `<@U123>` or `<@U123|name>`, to the user id."""
    match = _MENTION.fullmatch(text.strip())
    if match is None:
        raise UserError(tr("`{text}` is not a person: mention them, like `@dana` (Slack sends `<@U123>`).", text=text))
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
            tr(
                "`{text}` is not a time zone: use an IANA name such as `Asia/Shanghai`, `Europe/Berlin` or `UTC`.",
                text=text,
            )
        ) from None


_LOCAL_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?")


def parse_local_datetime(text: str, zone: ZoneInfo) -> datetime:
    """`2026-11-10T20:00` (or `2026-11-10 20:00`, or a date alone for midnight) in `zone`, as UTC."""
    match = _LOCAL_DATETIME.fullmatch(text.strip())
    problem = tr("`{text}` is not a date and time: write it like `2026-11-10T20:00`.", text=text)
    if match is None:
        raise UserError(problem)
    year, month, day, hour, minute = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # no such day, or beyond the years Python can hold once in UTC
        raise UserError(problem) from None


# Chinese words are aliases, taken as the ASCII word they stand for (what is stored, and what
# scripts type, stays ASCII).
SEVERITY_ALIASES = {
    "low": Severity.BLUE,
    "medium": Severity.YELLOW,
    "high": Severity.ORANGE,
    "critical": Severity.RED,
    **dict.fromkeys(["红", "红色", "紅", "紅色", "紧急", "緊急"], Severity.RED),
    **dict.fromkeys(["橙", "橙色", "高"], Severity.ORANGE),
    **dict.fromkeys(["黄", "黄色", "黃", "黃色", "中"], Severity.YELLOW),
    **dict.fromkeys(["蓝", "蓝色", "藍", "藍色", "低"], Severity.BLUE),
}
# Words teams use for a severity that are not typos of one: suggested in the refusal, never taken
# silently (is `p2` orange here or yellow? the person raising it should say).
SEVERITY_SYNONYMS = {
    **dict.fromkeys(["urgent", "emergency", "sev0", "sev1", "p0", "p1", "blocker", "outage", "fatal"], Severity.RED),
    **dict.fromkeys(["major", "severe", "serious", "sev2", "p2", "严重", "嚴重"], Severity.ORANGE),
    **dict.fromkeys(["warn", "warning", "moderate", "med", "sev3", "p3", "一般"], Severity.YELLOW),
    **dict.fromkeys(["info", "notice", "minor", "trivial", "sev4", "p4", "提示", "轻微", "輕微"], Severity.BLUE),
}


def parse_severity(text: str) -> Severity:
    """`blue|yellow|orange|red`, the aliases `low|medium|high|critical`, or in Chinese 红/橙/黄/蓝
    (红色…) and 紧急/高/中/低; a refusal suggests the closest one (`urgent`, `sev1` or `p1` → `red`,
    `warning` → `yellow`, `rde` → `red`)."""
    word = text.strip().lower()
    compact = re.sub(r"[\s_\-]+", "", word)
    for spelling in (word, compact, compact.removesuffix("级")):
        if spelling in SEVERITY_ALIASES:
            return SEVERITY_ALIASES[spelling]
    try:
        return Severity(word)
    except ValueError:
        pass
    synonym = SEVERITY_SYNONYMS.get(compact.removesuffix("色"))
    english_words = [*Severity, *(alias for alias in SEVERITY_ALIASES if alias.isascii())]
    hint = _suggest(synonym) if synonym else did_you_mean(word, english_words)
    raise UserError(
        tr(
            "`{text}` is not a severity: use blue, yellow, orange or red (or low, medium, high, critical).{hint}",
            text=text,
            hint=hint,
        )
    )


PHASE_ALIASES = {
    **dict.fromkeys(["预热", "预热期", "蓄水", "蓄水期", "預熱", "預熱期"], Phase.WARMUP),
    **dict.fromkeys(["正式", "正式期", "正式开售", "爆发", "爆发期", "開售", "正式開售"], Phase.LIVE),
    **dict.fromkeys(["返场", "返场期", "返場", "返場期", "延长", "延长期"], Phase.EXTENSION),
    **dict.fromkeys(["收尾", "收尾期", "收尾阶段"], Phase.WRAPUP),
    **dict.fromkeys(["关闭", "已关闭", "结束", "已结束", "關閉", "結束"], Phase.CLOSED),
}


def parse_phase(text: str) -> Phase:
    """`warmup|live|extension|wrapup|closed` (`warm-up`, `wrap-up` too), or in Chinese
    预热/正式/返场/收尾/关闭 (`预热期`…); a refusal suggests the closest phase."""
    word = re.sub(r"[\s_\-]+", "", text.strip().lower())
    if word in PHASE_ALIASES:
        return PHASE_ALIASES[word]
    if word.removesuffix("阶段") in PHASE_ALIASES:
        return PHASE_ALIASES[word.removesuffix("阶段")]
    try:
        return Phase(word)
    except ValueError:
        hint = did_you_mean(word, [phase.value for phase in Phase])
        raise UserError(tr("`{word}` is not a phase.{hint}", word=text, hint=hint)) from None


# Departments and roles in Chinese, to the ASCII names stored in the roster (`lead:<department>`).
DEPARTMENT_ALIASES: dict[str, str] = {
    **dict.fromkeys(["市场", "市场部", "营销", "市場"], Department.MARKETING.value),
    **dict.fromkeys(["销售", "销售部", "銷售"], Department.SALES.value),
    **dict.fromkeys(["供应链", "供应链部", "供應鏈"], Department.SUPPLY_CHAIN.value),
    **dict.fromkeys(["客服", "客服部", "客户服务"], Department.CUSTOMER_SERVICE.value),
    **dict.fromkeys(["财务", "财务部", "財務"], Department.FINANCE.value),
    **dict.fromkeys(["技术", "技术部", "研发", "技術"], Department.TECH.value),
    **dict.fromkeys(["物流", "物流部", "仓储物流"], Department.LOGISTICS.value),
}
ROLE_ALIASES: dict[str, str] = {
    **dict.fromkeys(["指挥官", "总指挥", "指揮官", "總指揮"], Role.COMMANDER.value),
    **dict.fromkeys(["财务", "財務"], Role.FINANCE.value),
    **dict.fromkeys(["一线", "一線", "一线值班"], Role.TIER1.value),
    **dict.fromkeys(["二线", "二線", "二线值班"], Role.TIER2.value),
    **dict.fromkeys(["三线", "三線", "三线值班"], Role.TIER3.value),
}
_LEAD_WORDS = ("负责人", "負責人", "主管", "总监", "總監", "组长", "組長", "leader", "lead")


def role_alias(text: str) -> str:
    """The ASCII role a Chinese one names: `指挥官` → `commander`, `一线` → `tier1`, `lead:市场`
    and `市场负责人` → `lead:marketing`; anything else stripped and in lower case, for the roster to
    check (`normalise_role`)."""
    word = text.strip().lower().replace("：", ":")
    if word in ROLE_ALIASES:
        return ROLE_ALIASES[word]
    kind, colon, department = word.partition(":")
    if colon and kind.strip() == "lead":
        department = department.strip()
        return f"lead:{DEPARTMENT_ALIASES.get(department, department)}"
    for title in _LEAD_WORDS:
        if word.endswith(title) and word.removesuffix(title).strip() in DEPARTMENT_ALIASES:
            return f"lead:{DEPARTMENT_ALIASES[word.removesuffix(title).strip()]}"
    return word
