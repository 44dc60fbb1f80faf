"""The daily retrospective's days and entries: the day's figures, each person's entry (three steps
and action items), and the review of a day (who answered, problems by department, adjustments).

A retro "day" runs from one morning summary to the next, so an entry written after midnight still
belongs to the evening before; the prompt's and the reminder's buttons name their day outright.
`retros.schedule` posts the prompt, the reminder and the summary.

The service changes state and says what happened (`Saved`); `retros.messages` renders it and
enqueues the messages in the caller's transaction. Its refusals are plain sentences; those about one
input of the modal (`BadAnswer`, `BadItem`) name it by step or slot, and the handler places them
beside their block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.actions import service as actions
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.calendar import day_bounds
from warroom_bot.campaigns.config import retro_summary_time
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, local_datetime, tr
from warroom_bot.core.ids import ActionItemPart
from warroom_bot.digest import snapshot as digest
from warroom_bot.models import (
    ActionItem,
    ActionStatus,
    Campaign,
    ChangeKind,
    Escalation,
    LedgerEntry,
    Phase,
    RetroDay,
    RetroEntry,
)
from warroom_bot.tasks import service as tasks
from warroom_bot.tasks.service import Completion

MAX_TEXT = 3000


def day_name(day: date) -> str:
    """A retro day as people write it: `Tue 10 Nov` (`11月10日 周二`)."""
    return local_datetime(datetime.combine(day, time(12), tzinfo=UTC), "UTC", "day")


def retro_day_of(campaign: Campaign, now: datetime) -> date:
    """The day whose retrospective is being written at `now`: before the morning summary, yesterday."""
    local = now.astimezone(ZoneInfo(campaign.timezone))
    return local.date() - timedelta(days=1) if local.time() < retro_summary_time(campaign.config) else local.date()


# -- the day's figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    """What the day's figures are drawn from: the KPIs now, the escalations raised, the money spent,
    the tasks due that day."""

    snapshot: digest.Snapshot
    raised: list[Escalation]
    spent_that_day: int
    tasks: Completion


async def day_figures(session: AsyncSession, campaign: Campaign, day: date, now: datetime) -> DayFigures:
    """KPI attainment now, the escalations raised that day with their MTTA, and the budget used."""
    start, end = day_bounds(campaign, day)
    raised = (
        await session.exec(
            select(Escalation).where(
                Escalation.campaign_id == stored_id(campaign), Escalation.raised_at >= start, Escalation.raised_at < end
            )
        )
    ).all()
    spent_that_day = (
        await session.exec(
            select(LedgerEntry.amount).where(
                LedgerEntry.campaign_id == stored_id(campaign),
                col(LedgerEntry.kind) == ChangeKind.SPEND,
                LedgerEntry.at >= start,
                LedgerEntry.at < end,
            )
        )
    ).all()
    return DayFigures(
        await digest.snapshot(session, campaign, now),
        list(raised),
        sum(spent_that_day),
        await tasks.day_completion(session, campaign, day, now),
    )


async def answered_by(session: AsyncSession, campaign_id: int, day: date) -> list[str]:
    query = (
        select(RetroEntry.user_id)
        .where(RetroEntry.campaign_id == campaign_id, RetroEntry.day == day)
        .order_by(col(RetroEntry.submitted_at))
    )
    return list((await session.exec(query)).all())


@dataclass(frozen=True)
class DayReview:
    """A retro day with its entries and the action items written in them, for the summary and report."""

    day: date
    figures: str | None  # what the prompt showed, if a prompt was posted
    entries: list[RetroEntry]
    items: list[ActionItem]
    departments: dict[str, str]  # user id → the department or role they answer for
    roster: set[str]


async def review(session: AsyncSession, campaign: Campaign, day: date) -> DayReview:
    entries = (
        await session.exec(
            select(RetroEntry)
            .where(RetroEntry.campaign_id == stored_id(campaign), RetroEntry.day == day)
            .order_by(col(RetroEntry.submitted_at))
        )
    ).all()
    items = (
        await session.exec(
            select(ActionItem)
            .where(col(ActionItem.entry_id).in_([entry.id for entry in entries]))
            .order_by(col(ActionItem.id))
        )
    ).all()
    retro_day = await _day(session, stored_id(campaign), day)
    roster = await campaigns.roster(session, stored_id(campaign))
    return DayReview(
        day,
        retro_day.figures if retro_day else None,
        list(entries),
        list(items),
        roster.departments(),
        roster.people(),
    )


# -- entries -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """What the modal holds: the person's own entry to edit (with its open action items), else the
    day's figures to start from (as the prompt showed them, or `live` when no prompt was posted)."""

    campaign: Campaign
    day: date
    figures: str
    entry: RetroEntry | None
    items: list[ActionItem]
    live: DayFigures | None = None


async def _day(session: AsyncSession, campaign_id: int, day: date) -> RetroDay | None:
    query = select(RetroDay).where(RetroDay.campaign_id == campaign_id, RetroDay.day == day)
    return (await session.exec(query)).first()


async def _entry(session: AsyncSession, campaign_id: int, day: date, user_id: str) -> RetroEntry | None:
    query = select(RetroEntry).where(
        RetroEntry.campaign_id == campaign_id, RetroEntry.day == day, RetroEntry.user_id == user_id
    )
    return (await session.exec(query)).first()


async def form_for(session: AsyncSession, campaign: Campaign, day: date, user_id: str, now: datetime) -> Form:
    retro_day = await _day(session, stored_id(campaign), day)
    live = None if retro_day else await day_figures(session, campaign, day, now)
    entry = await _entry(session, stored_id(campaign), day, user_id)
    items = (
        await session.exec(
            select(ActionItem)
            .where(ActionItem.entry_id == (entry.id if entry else None), ActionItem.status == ActionStatus.OPEN)
            .order_by(col(ActionItem.id))
        )
    ).all()
    return Form(campaign, day, retro_day.figures if retro_day else "", entry, list(items), live)


class BadAnswer(UserError):
    """One of the three steps is missing or too long; `step` names it (an `Answers` field)."""

    def __init__(self, message: str, step: str) -> None:
        super().__init__(message)
        self.step = step


class BadItem(UserError):
    """A part of the action item in slot `index` (from 1) is missing or wrong."""

    def __init__(self, message: str, index: int, part: ActionItemPart) -> None:
        super().__init__(message)
        self.index, self.part = index, part


@dataclass(frozen=True)
class Answers:
    """The playbook's three steps, as written in the modal."""

    targets_vs_actual: str
    problems: str
    adjustments: str

    def checked(self) -> Answers:
        """Stripped, each one required: a retro with an empty step is not a retro."""
        for step, missing, text in (
            ("targets_vs_actual", N_("Write how the day went against its targets."), self.targets_vs_actual),
            ("problems", N_("Write the problems and their causes (or write `none`)."), self.problems),
            ("adjustments", N_("Write the adjustments for tomorrow (or write `none`)."), self.adjustments),
        ):
            if not text.strip():
                raise BadAnswer(tr(missing), step)
            if len(text) > MAX_TEXT:
                raise BadAnswer(tr("Keep this under {count} characters.", count=MAX_TEXT), step)
        return Answers(self.targets_vs_actual.strip(), self.problems.strip(), self.adjustments.strip())


# What a missing part of an action item is called in "Action item 1 needs its … too."
PART_WORDS = {
    ActionItemPart.PROBLEM: N_("problem"),
    ActionItemPart.CAUSE: N_("cause"),
    ActionItemPart.ACTION: N_("action"),
    ActionItemPart.OWNER: N_("owner"),
    ActionItemPart.DUE: N_("due"),
}


def check_drafts(slots: list[dict[ActionItemPart, str]], campaign: Campaign, now: datetime) -> list[actions.Draft]:
    """The action items filled in: a slot left blank is skipped; one begun needs a problem, an action,
    an owner and a due date that is not in the past (the cause is optional)."""
    today = actions.local_today(campaign, now)
    drafts = []
    for index, slot in enumerate(slots, start=1):
        values = {part: slot.get(part, "").strip() for part in ActionItemPart}
        if not any(values.values()):
            continue
        for part in (ActionItemPart.PROBLEM, ActionItemPart.ACTION, ActionItemPart.OWNER, ActionItemPart.DUE):
            if not values[part]:
                raise BadItem(
                    tr("Action item {index} needs its {part} too.", index=index, part=tr(PART_WORDS[part])), index, part
                )
        for part in (ActionItemPart.PROBLEM, ActionItemPart.CAUSE, ActionItemPart.ACTION):
            if len(values[part]) > actions.MAX_ITEM_TEXT:
                raise BadItem(tr("Keep this under {count} characters.", count=actions.MAX_ITEM_TEXT), index, part)
        try:
            due = date.fromisoformat(values[ActionItemPart.DUE])
        except ValueError:
            raise BadItem(tr("Pick a due date."), index, ActionItemPart.DUE) from None
        if due < today:
            raise BadItem(
                tr("{day} is in the past; pick today or later.", day=day_name(due)), index, ActionItemPart.DUE
            )
        drafts.append(
            actions.Draft(
                problem=values[ActionItemPart.PROBLEM],
                cause=values[ActionItemPart.CAUSE],
                action=values[ActionItemPart.ACTION],
                owner=values[ActionItemPart.OWNER],
                due=due,
            )
        )
    return drafts


@dataclass(frozen=True)
class Saved:
    """An entry stored; the day's prompt (if one was posted) is redrawn with who has answered now."""

    entry: RetroEntry
    items: list[ActionItem]
    replaced: datetime | None  # when the entry it replaced was written, if it was an edit
    campaign: Campaign
    retro_day: RetroDay | None
    answered: list[str]


async def save(
    session: AsyncSession,
    *,
    campaign_id: int,
    day: date,
    user_id: str,
    answers: Answers,
    drafts: list[actions.Draft],
    now: datetime,
) -> Saved:
    """Store a person's entry for the day (replacing theirs, if any) and its action items."""
    campaign = await campaigns.get(session, campaign_id)
    if campaign.phase == Phase.CLOSED:
        raise UserError(tr("This campaign is closed; its retrospectives can no longer change."))
    if day > retro_day_of(campaign, now):
        raise UserError(tr("The retrospective of {day} has not begun yet.", day=day_name(day)))
    answers = answers.checked()
    entry = await _entry(session, campaign_id, day, user_id)
    replaced = entry.edited_at or entry.submitted_at if entry else None
    if entry is None:
        entry = RetroEntry(
            campaign_id=campaign_id,
            day=day,
            user_id=user_id,
            submitted_at=now,
            targets_vs_actual="",
            problems="",
            adjustments="",
        )
    else:
        entry.edited_at = now
    entry.targets_vs_actual = answers.targets_vs_actual
    entry.problems = answers.problems
    entry.adjustments = answers.adjustments
    session.add(entry)
    try:
        await session.flush()
    except IntegrityError:
        raise UserError(
            tr("Your retro for this day was just saved from another window; open it again to edit.")
        ) from None
    items = await actions.replace_for_entry(
        session, campaign_id=campaign_id, entry_id=stored_id(entry), drafts=drafts, now=now
    )
    retro_day = await _day(session, campaign_id, day)
    answered = await answered_by(session, campaign_id, day)
    return Saved(entry, items, replaced, campaign=campaign, retro_day=retro_day, answered=answered)


async def reviews(session: AsyncSession, campaign: Campaign) -> list[DayReview]:
    """Every day of the campaign that was prompted or has entries, oldest first (API and report)."""
    campaign_id = stored_id(campaign)
    prompted = (await session.exec(select(col(RetroDay.day)).where(RetroDay.campaign_id == campaign_id))).all()
    written = (await session.exec(select(col(RetroEntry.day)).where(RetroEntry.campaign_id == campaign_id))).all()
    return [await review(session, campaign, day) for day in sorted({*prompted, *written})]
