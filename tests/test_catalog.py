"""The translation catalogs: every English text the code marks has a Chinese translation, none
fuzzy, none left over from removed code, and the compiled `.mo` matches its `.po`."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom_bot.core import i18n
from warroom_bot.devtools import catalog


def test_every_marked_text_has_its_chinese_and_the_compiled_catalog_is_current() -> None:
    assert catalog.problems() == []


def test_the_catalog_is_not_empty_and_chinese_is_used_where_asked() -> None:
    assert len(catalog.extracted()) > 100
    with i18n.speaking("zh-CN"):
        assert i18n.tr("Usage: `{usage}`", usage="/warroom help") == "用法：`/warroom help`"
    assert i18n.tr("Usage: `{usage}`", usage="/warroom help") == "Usage: `/warroom help`"


def test_amounts_and_dates_are_written_as_each_language_writes_them() -> None:
    moment = datetime(2026, 11, 10, 12, tzinfo=UTC)
    assert (i18n.compact(1_234_567, "¥"), i18n.compact(35_200, "¥"), i18n.compact(1_235, "¥")) == (
        "¥1.23m",
        "¥35.2k",
        "¥1,235",
    )
    assert i18n.local_datetime(moment, "Asia/Shanghai") == "Tue 10 Nov 20:00"
    with i18n.speaking("zh-CN"):
        assert (i18n.compact(1_234_567, "¥"), i18n.compact(123_456_789, "¥"), i18n.compact(1_235, "¥")) == (
            "¥123.5万",
            "¥1.23亿",
            "¥1,235",
        )
        assert i18n.local_datetime(moment, "Asia/Shanghai") == "11月10日 周二 20:00"
