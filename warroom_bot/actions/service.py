"""Action items: the improvement actions that come out of the daily retrospectives.

Each belongs to the retro entry it was written in (editing the entry replaces its open items). The
owner, or the campaign's commander, closes it; open items due today or earlier appear in the digest.
Closing says what happened (`Closed`) and `retros.messages` tells the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import service as campaigns
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.models import ActionItem, ActionStatus, Campaign

MAX_ITEM_TEXT = 300


@dataclass(frozen=True)
class Draft:
    """An action item as written in the modal, checked and ready to store."""

    problem: str
    cause: str
    action: str
    owner: str
    due: date


def local_today(campaign: Campaign, now: datetime) -> date:
    return now.astimezone(ZoneInfo(campaign.timezone)).date()


async def open_items(session: AsyncSession, campaign_id: int) -> list[ActionItem]:
    """Open action items, soonest due first."""
    query = (
        select(ActionItem)
        .where(ActionItem.campaign_id == campaign_id, ActionItem.status == ActionStatus.OPEN)
        .order_by(col(ActionItem.due), col(ActionItem.id))
    )
    return list((await session.exec(query)).all())


async def due_by(session: AsyncSession, campaign: Campaign, now: datetime) -> list[ActionItem]:
    """Open action items due today (in the campaign's time zone) or overdue, for the digest."""
    today = local_today(campaign, now)
    return [item for item in await open_items(session, stored_id(campaign)) if item.due <= today]


async def all_items(session: AsyncSession, campaign_id: int) -> list[ActionItem]:
    query = select(ActionItem).where(ActionItem.campaign_id == campaign_id).order_by(col(ActionItem.id))
    return list((await session.exec(query)).all())


async def replace_for_entry(
    session: AsyncSession, *, campaign_id: int, entry_id: int, drafts: list[Draft], now: datetime
) -> list[ActionItem]:
    """Store an entry's action items in place of its open ones (closed ones are history and stay)."""
    stale = (
        await session.exec(
            select(ActionItem).where(ActionItem.entry_id == entry_id, ActionItem.status == ActionStatus.OPEN)
        )
    ).all()
    for item in stale:
        await session.delete(item)
    items = [
        ActionItem(
            campaign_id=campaign_id,
            entry_id=entry_id,
            problem=draft.problem,
            cause=draft.cause,
            action=draft.action,
            owner=draft.owner,
            due=draft.due,
            created_at=now,
        )
        for draft in drafts
    ]
    session.add_all(items)
    await session.flush()
    return items


@dataclass(frozen=True)
class Closed:
    campaign: Campaign
    item: ActionItem


class AlreadyClosed(UserError):
    """Someone closed the item first; `item` says who."""

    def __init__(self, item: ActionItem) -> None:
        super().__init__(tr("Action item #{id} was already closed; nothing was changed.", id=item.id))
        self.item = item


async def close(session: AsyncSession, *, item_id: int, user_id: str, now: datetime) -> Closed:
    """Close an open action item; only its owner or a campaign manager may."""
    item = await session.get(ActionItem, item_id)
    if item is None:
        raise UserError(tr("That action item no longer exists."))
    campaign = await campaigns.get(session, item.campaign_id)
    if user_id != item.owner:
        (await campaigns.managers(session, campaign)).check(user_id, N_("close another person's action item"))
    closed = await session.exec(
        update(ActionItem)
        .where(col(ActionItem.id) == item_id, col(ActionItem.status) == ActionStatus.OPEN)
        .values(status=ActionStatus.DONE, closed_by=user_id, closed_at=now)
    )
    if closed.rowcount != 1:
        await session.refresh(item)
        raise AlreadyClosed(item)
    await session.refresh(item)
    return Closed(campaign, item)
