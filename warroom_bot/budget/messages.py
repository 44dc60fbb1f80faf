"""What the budget's changes say in Slack: each outcome of `budget.service` rendered and enqueued.

Called by the caller of the service, in the same transaction, so a message is written with the
change that causes it (the outbox guarantee). `explained` words the service's refusals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.budget import render
from warroom_bot.budget.service import (
    AlreadyDecided,
    Applied,
    BadPlan,
    Decided,
    NoBudget,
    NotADecider,
    NotEnoughLeft,
    OwnRequest,
    Requested,
)
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, in_chinese, tr
from warroom_bot.core.outbox import enqueue
from warroom_bot.models import OutboxMessage, Priority

PLAN_USAGE = N_("/budget plan <total> [online=50% offline=30% materials=20%] [reserve=10%]")


async def announce(session: AsyncSession, outcome: Applied | Requested | Decided | None, *, now: datetime) -> None:
    """Enqueue what `outcome` tells the channel, the approvers and the requester (nothing for None)."""
    if isinstance(outcome, Applied):
        await _applied(session, outcome, now)
    elif isinstance(outcome, Requested):
        await _requested(session, outcome, now)
    elif isinstance(outcome, Decided):
        if outcome.applied is not None:
            await _applied(session, outcome.applied, now)
        await _decided(session, outcome, now)


async def _applied(session: AsyncSession, applied: Applied, now: datetime) -> None:
    """The change notice, then an alert for each limit the change crossed."""
    campaign = applied.campaign
    notice = render.change_notice(applied.entry)
    await enqueue(session, notice, now=now, channel=campaign.channel_id, campaign_id=campaign.id)
    for name in applied.crossed:
        alert = render.overspend_alert(name, applied.lines)
        await enqueue(session, alert, now=now, channel=campaign.channel_id, campaign_id=campaign.id)


async def _requested(session: AsyncSession, requested: Requested, now: datetime) -> None:
    """The request card in the channel and to each approver; the copies are kept to be updated."""
    campaign, request = requested.campaign, requested.request
    card = render.request_card(request)
    copies = [
        await enqueue(session, card, now=now, channel=channel, campaign_id=campaign.id, priority=Priority.URGENT)
        for channel in (campaign.channel_id, *requested.approvers)
    ]
    request.message_ids = [stored_id(copy) for copy in copies]


async def _decided(session: AsyncSession, decided: Decided, now: datetime) -> None:
    """Update every copy of the request in place and tell the requester."""
    campaign, request = decided.campaign, decided.request
    card = render.request_card(request)
    copies = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(request.message_ids)))).all()
    for copy in copies:
        await enqueue(session, card, now=now, channel=copy.channel, campaign_id=campaign.id, updates=copy)
    await enqueue(session, card, now=now, channel=request.requested_by, campaign_id=campaign.id)


def _names(deciders: list[str]) -> str:
    names = ("、" if in_chinese() else ", ").join(f"<@{user}>" for user in deciders)
    return names or tr("nobody yet (set `/warroom role finance`)")


@contextmanager
def explained() -> Iterator[None]:
    """Turn a refusal of `budget.service` raised inside into the answer its user sees."""
    try:
        yield
    except BadPlan as error:
        raise UserError(error.message, usage=tr(PLAN_USAGE)) from None
    except NoBudget:
        raise UserError(
            tr("There is no budget yet: start with `/budget plan <total>`."), usage=tr(PLAN_USAGE)
        ) from None
    except NotEnoughLeft as error:
        raise UserError(render.short(error.line, error.amount)) from None
    except AlreadyDecided as error:
        raise UserError(render.already_decided(error.request)) from None
    except OwnRequest as error:
        raise UserError(
            tr("You asked for this change, so another approver must decide it: {names}.", names=_names(error.deciders))
        ) from None
    except NotADecider as error:
        raise UserError(
            tr(
                "Only the finance approver or the commander may decide this request: {names}.",
                names=_names(error.deciders),
            )
        ) from None
