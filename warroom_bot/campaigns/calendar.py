"""A campaign's local calendar: its days and times of day in its own time zone, and its quiet hours.

Every schedule (retro prompts, the countdown post, recurring tasks, key moments) is a local time of
day turned into UTC here; `zoneinfo` makes a time skipped by a daylight-saving change come at the
same offset as before it (02:30 on a spring-forward night is 03:30), and a repeated one the first time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from warroom_bot.campaigns.config import in_window, quiet_hours
from warroom_bot.models import Campaign


def local_date(campaign: Campaign, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(campaign.timezone)).date()


def at_local(campaign: Campaign, day: date, clock: time) -> datetime:
    """`clock` o'clock on `day` in the campaign's time zone."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(campaign.timezone))


def day_bounds(campaign: Campaign, day: date) -> tuple[datetime, datetime]:
    """The local day's first moment and the next day's (23 or 25 hours apart on a DST change)."""
    return at_local(campaign, day, time(0)), at_local(campaign, day + timedelta(days=1), time(0))


def next_local(clock: time, campaign: Campaign, after: datetime) -> datetime:
    """The first time it is `clock` o'clock in the campaign's time zone strictly after `after`."""
    day = local_date(campaign, after)
    candidate = at_local(campaign, day, clock)
    while candidate <= after:
        day += timedelta(days=1)
        candidate = at_local(campaign, day, clock)
    return candidate


def quiet_until(campaign: Campaign, now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in, or None when it is not quiet."""
    window = quiet_hours(campaign.config)
    if window is None or not in_window(now.astimezone(ZoneInfo(campaign.timezone)).time(), window):
        return None
    return next_local(window[1], campaign, now)
