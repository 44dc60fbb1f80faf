"""The daily retrospective's schedule: the evening prompt, one reminder, the morning summary.

Each step is a due time in the database, claimed with `core.due.claim` so that it happens once
across replicas (as digests are):

- `campaign.next_retro_at` is the next prompt: `retro.time` local, on days of the live and extension
  phases. Claiming it creates the day's `RetroDay` and posts the prompt with the day's figures.
- `retro_day.remind_at` (prompt + `retro.remind`): roster members without an entry get one DM. In
  quiet hours the reminder waits for their end; if that is after the summary, it is dropped.
- `retro_day.summary_at` (`retro.summary` local, the next morning): who answered, the problems by
  department, the adjustments, the new action items.

Each step says what happened (`Prompted`, `Reminded`, `Summarized`); `retros.messages` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.calendar import next_local, quiet_until
from warroom_bot.campaigns.config import retro_reminder_delay, retro_summary_time, retro_time
from warroom_bot.core import due
from warroom_bot.core.db import stored_id
from warroom_bot.models import Campaign, Phase, RetroDay
from warroom_bot.retros import service as retros
from warroom_bot.retros.service import DayFigures, DayReview, day_figures, review

RETRO_PHASES = (Phase.LIVE, Phase.EXTENSION)

# -- the prompt ----------------------------------------------------------------------------------------


async def due_prompts(session: AsyncSession, now: datetime) -> list[due.Due]:
    """Campaigns whose prompt time has come, or that have none scheduled yet."""
    query = select(Campaign.id, Campaign.next_retro_at).where(
        col(Campaign.phase).in_(RETRO_PHASES),
        (col(Campaign.next_retro_at).is_(None)) | (col(Campaign.next_retro_at) <= now),
    )
    return due.listed((await session.exec(query)).all())


@dataclass(frozen=True)
class Prompted:
    """A day opened: its prompt is due in the channel, showing `figures` and who has answered."""

    campaign: Campaign
    retro_day: RetroDay
    figures: DayFigures
    answered: list[str]


async def post_prompt(session: AsyncSession, *, campaign_id: int, now: datetime) -> Prompted | None:
    """Claim the campaign's due prompt and post it; the day it opened if this worker posted it.

    A campaign with no prompt scheduled yet (it just went live, or `retro.time` changed) is only
    scheduled. After downtime one prompt is posted, for the latest day whose prompt was missed."""
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None:
        return None
    seen = campaign.next_retro_at
    if seen is not None and seen > now:
        return None  # another worker claimed it after we listed it as due
    following = next_local(retro_time(campaign.config), campaign, now)
    if not await due.claim(session, campaign, "next_retro_at", now, next_retro_at=following) or seen is None:
        return None
    day = following.astimezone(ZoneInfo(campaign.timezone)).date() - timedelta(days=1)
    return await open_day(session, campaign, day, now)


async def open_day(session: AsyncSession, campaign: Campaign, day: date, now: datetime) -> Prompted:
    """Open the day and schedule its reminder and summary; the figures as shown are written with the prompt."""
    figures = await day_figures(session, campaign, day, now)
    retro_day = RetroDay(
        campaign_id=stored_id(campaign),
        day=day,
        figures="",
        prompted_at=now,
        remind_at=now + retro_reminder_delay(campaign.config),
        summary_at=next_local(retro_summary_time(campaign.config), campaign, now),
    )
    session.add(retro_day)
    await session.flush()
    return Prompted(campaign, retro_day, figures, await retros.answered_by(session, stored_id(campaign), day))


# -- the reminder --------------------------------------------------------------------------------------


async def due_reminders(session: AsyncSession, now: datetime) -> list[due.Due]:
    return due.listed(
        (await session.exec(select(RetroDay.id, RetroDay.remind_at).where(col(RetroDay.remind_at) <= now))).all()
    )


@dataclass(frozen=True)
class Reminded:
    """The day's reminder claimed: `users` (roster members without an entry) each get a DM."""

    campaign: Campaign
    retro_day: RetroDay
    users: list[str]


async def send_reminders(session: AsyncSession, *, retro_day_id: int, now: datetime) -> Reminded | None:
    """Claim the day's reminder and name every roster member without an entry."""
    retro_day = await session.get(RetroDay, retro_day_id, populate_existing=True)
    if retro_day is None or retro_day.remind_at is None or retro_day.remind_at > now:
        return None
    campaign = await session.get(Campaign, retro_day.campaign_id)
    if campaign is None:
        return None
    quiet_end = quiet_until(campaign, now)
    # In quiet hours the reminder waits for their end, unless the summary comes first: then it is dropped.
    waits = quiet_end is not None and retro_day.summary_at is not None and quiet_end < retro_day.summary_at
    claimed = await due.claim(session, retro_day, "remind_at", now, remind_at=quiet_end if waits else None)
    if not claimed or quiet_end is not None:
        return None
    answered = set(await retros.answered_by(session, stored_id(campaign), retro_day.day))
    missing = sorted((await campaigns.roster(session, stored_id(campaign))).people() - answered)
    return Reminded(campaign, retro_day, missing)


# -- the morning summary -------------------------------------------------------------------------------


async def due_summaries(session: AsyncSession, now: datetime) -> list[due.Due]:
    query = select(RetroDay.id, RetroDay.summary_at).where(col(RetroDay.summary_at) <= now)
    return due.listed((await session.exec(query)).all())


@dataclass(frozen=True)
class Summarized:
    """The day's summary claimed by this worker: the day reviewed, for the channel."""

    campaign: Campaign
    review: DayReview


async def post_summary(session: AsyncSession, *, retro_day_id: int, now: datetime) -> Summarized | None:
    """Claim the day's summary; the day reviewed if this worker claimed it."""
    retro_day = await session.get(RetroDay, retro_day_id, populate_existing=True)
    if retro_day is None or retro_day.summary_at is None or retro_day.summary_at > now:
        return None
    claimed = await due.claim(session, retro_day, "summary_at", now, summary_at=None, remind_at=None)
    campaign = await session.get(Campaign, retro_day.campaign_id)
    if not claimed or campaign is None:
        return None
    return Summarized(campaign, await review(session, campaign, retro_day.day))
