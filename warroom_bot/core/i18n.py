"""What a person reads, in their language: gettext catalogs through Babel, and numbers, money and
times formatted per locale.

The language being written is a context variable. A Slack request sets it from its campaign
(`handlers.context`), each piece of due work from the campaign it works on (`speaking`), so the
renderers only call `tr`: the English text is the message id, the catalog
(`warroom_bot/locale/<locale>/LC_MESSAGES/messages.po`, compiled to `.mo` and shipped in the wheel)
gives the translation. Placeholders are named (`tr("Recorded {kpi}.", kpi=key)`), so a translation
may put them in its own order; plurals go through `tr_n`. A constant defined at import time is
marked with `N_` and translated where it is used (`tr(CONSTANT)`). The text must be a literal, and
`tr` must not be called inside an f-string: Babel on Python 3.11 cannot see a call there, so the text
would never reach the catalog.

The catalog workflow (`pybabel extract`, `update`, `compile`) is in the README.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
ENGLISH, CHINESE = "en", "zh-CN"
LANGUAGES = (ENGLISH, CHINESE)  # as people type them (`/warroom config lang zh-CN`) and as stored
_ALIASES = {"en": ENGLISH, "en-us": ENGLISH, "en-gb": ENGLISH, "zh": CHINESE, "zh-cn": CHINESE, "中文": CHINESE}

_language: ContextVar[str] = ContextVar("warroom_language", default=ENGLISH)


def language_of(text: str | None) -> str | None:
    """The language a tag names (`zh-CN`, `zh_cn`, `zh`, `中文`, `en-US`, Slack's `zh-CN` locale),
    or None if it is not one this bot speaks."""
    if not text:
        return None
    return _ALIASES.get(text.strip().replace("_", "-").lower())


def current() -> str:
    """The language being written now."""
    return _language.get()


def use(language: str | None) -> None:
    """Write in `language` (None or unknown: English) for the rest of the current task: a Slack
    request's, whose context ends with it."""
    _language.set(language_of(language) or ENGLISH)


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Write in `language` inside the block (a job working on one campaign, then the next)."""
    token = _language.set(language_of(language) or ENGLISH)
    try:
        yield
    finally:
        _language.reset(token)


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == ENGLISH:
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language.replace("-", "_")], domain=DOMAIN)


@functools.cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language, sep="-")


def tr(message: str, /, **values: object) -> str:
    """`message` in the current language, its `{named}` placeholders filled from `values`."""
    text = _translations(current()).gettext(message)
    return text.format(**values) if values else text


def tr_n(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural form for `count` (Chinese has one form), `{count}` filled in."""
    return _translations(current()).ngettext(singular, plural, count).format(count=count, **values)


def N_(message: str) -> str:
    """Mark a constant for the catalog; translate it where it is shown, with `tr(constant)`."""
    return message


def in_chinese() -> bool:
    return current() == CHINESE


def listing(items: list[str], separator: str = "; ") -> str:
    """Items joined as the language joins them: `a; b` (`a；b`), `a, b` (`a、b`)."""
    if in_chinese():
        separator = {"; ": "；", ", ": "、"}.get(separator, separator)
    return separator.join(items)


def number(value: float | Decimal, decimals: int = 0) -> str:
    """A number with the current locale's grouping: `7,128`, `2.5`."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_babel_locale(current()))


def compact(value: float | Decimal, prefix: str = "") -> str:
    """A large amount as people say it: `¥1.20m`, `¥35.2k` in English; `¥1.2亿`, `¥123.5万` in
    Chinese, which counts in ten-thousands. Below ten thousand, the whole number: `¥1,235`."""
    size, sign = abs(float(value)), "-" if value < 0 else ""
    if in_chinese():
        for unit, scale in (("亿", 1e8), ("万", 1e4)):
            if size >= scale:
                shown = f"{size / scale:.2f}".rstrip("0").rstrip(".") if unit == "亿" else f"{size / scale:.1f}"
                return f"{sign}{prefix}{shown.removesuffix('.0')}{unit}"
    elif size >= 1_000_000:
        return f"{sign}{prefix}{size / 1_000_000:.2f}m"
    elif size >= 10_000:
        return f"{sign}{prefix}{size / 1_000:.1f}k"
    return f"{sign}{prefix}{number(size)}"


# How a date (and time) is written, in English and in Chinese.
_DATE_FORMS = {
    "medium": ("EEE dd MMM HH:mm", "M月d日 EEE HH:mm"),  # Tue 10 Nov 20:00; 11月10日 周二 20:00
    "day": ("EEE dd MMM", "M月d日 EEE"),  # Tue 10 Nov; 11月10日 周二
    "long_day": ("EEEE, dd MMMM", "M月d日 EEEE"),  # Tuesday, 10 November; 11月10日 星期二
    "time": ("HH:mm", "HH:mm"),  # 20:00
}


def local_datetime(moment: datetime, timezone: str | tzinfo, form: str = "medium") -> str:
    """A date and time in the campaign's zone as the current language writes it (`_DATE_FORMS`)."""
    english, chinese = _DATE_FORMS[form]
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return format_datetime(moment, chinese if in_chinese() else english, tzinfo=zone, locale=_babel_locale(current()))
