"""The demo's story: the Double 11 war room's cast, targets, sales curve and pace, stock, and the
times of day it runs on (Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from warroom_bot.core.i18n import N_, tr
from warroom_bot.devtools.driver import ANA, BEN, CHO, DAN, EVA, MEI

TIMEZONE = "Asia/Shanghai"
ZONE = ZoneInfo(TIMEZONE)
CHANNEL = "C0DOUBLE11"
SIGNING_SECRET = "warroom-demo-signing-secret"
BOT_TOKEN = "xoxb-warroom-demo"
CAST = {  # each person's name and part, as the transcript shows them (`cast()`)
    MEI: ("Mei", N_("commander")),
    ANA: ("Ana", N_("supply chain")),
    BEN: ("Ben", N_("logistics")),
    CHO: ("Cho", N_("HQ supervisor")),
    DAN: ("Dan", N_("finance")),
    EVA: ("Eva", N_("marketing")),
}


def cast() -> dict[str, str]:
    """`Mei (commander)`, `Mei（指挥官）`: the cast in the language being written."""
    return {user_id: tr("{name} ({part})", name=name, part=tr(part)) for user_id, (name, part) in CAST.items()}


GMV_TARGET = 12_000_000
ORDERS_TARGET = 58_000
SAFETY_STOCK = 5_000
# Percent of the day's sales in each local hour 0–23: the midnight peak, the night, the day, the evening peak.
HOURLY_WEIGHTS = [20, 6, 2.5, 1, 0.5, 0.5, 0.5, 1, 2, 3, 4, 4, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 4, 5, 7, 8, 6.5, 3.5]
# How each hour sells against that plan (1 = as planned): the peak strains the site, the morning is slow
# until the noon search ads, and the evening livestream peak comes late (the retros say so).
PACE = [0.95] + [0.93] * 7 + [0.7] * 4 + [1.05] * 8 + [0.8, 1.15, 1.0, 1.0]
# How often the BI feed sends readings: often in the midnight rush, less by day, once an hour at night.
READING_EVERY, RUSH_READING_EVERY, RUSH_ENDS = timedelta(minutes=15), timedelta(minutes=5), "02:00"
QUIET_HOURS = ("02:00", "08:00")
STOCK_AT_START, SOLD_BEFORE_RESTOCK = 9_000, 4_000
STOCK_AFTER_RESTOCK, SOLD_AFTER_RESTOCK = 7_400, 2_400


def local(day: int, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


LIVE_STARTS, LIVE_ENDS = local(11, "00:00"), local(12, "00:00")


def share_of_day(moment: datetime, pace: list[float] | None = None) -> float:
    """How much of the day's planned sales come before `moment`, the hourly weights being the shape
    of real sales; with `pace`, each hour's sales are its weight times that hour's pace (1 = plan)."""
    if moment <= LIVE_STARTS:
        return 0.0
    hours = min((moment - LIVE_STARTS) / timedelta(hours=1), 24.0)
    factors = pace or [1.0] * 24
    whole = int(hours)
    done = sum(w * f for w, f in zip(HOURLY_WEIGHTS[:whole], factors, strict=False))
    if whole < 24:
        done += HOURLY_WEIGHTS[whole] * factors[whole] * (hours - whole)
    return done / sum(HOURLY_WEIGHTS)
