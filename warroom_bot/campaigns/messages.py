"""What a campaign's changes say in Slack: each outcome of `campaigns.service` rendered and
enqueued, the audit trail's notices, and the service's refusals worded.

Called by the caller of the service, in the same transaction, so a message is written with the
change that causes it (the outbox guarantee).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import audit, render
from warroom_bot.campaigns.service import (
    AlreadyInPhase,
    AlreadyRunning,
    ConfigSet,
    NotAManager,
    PhaseChanged,
    RoleAssigned,
    TooEarly,
)
from warroom_bot.core.blocks import Message, ago, escape, local_time, mention
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.core.outbox import enqueue
from warroom_bot.models import Campaign

Outcome = PhaseChanged | RoleAssigned | ConfigSet


async def started(session: AsyncSession, campaign: Campaign, *, now: datetime) -> None:
    """The campaign's opening message in its channel."""
    await _post(session, campaign, render.campaign_started(campaign), now)


async def announce(session: AsyncSession, outcome: Outcome | None, *, now: datetime) -> None:
    """Enqueue what `outcome` tells the channel, then the notices of the changes recorded meanwhile."""
    if isinstance(outcome, PhaseChanged):
        changed = render.phase_changed(outcome.campaign, outcome.previous, outcome.user_id)
        await _post(session, outcome.campaign, changed, now)
    elif isinstance(outcome, RoleAssigned):
        await _post(session, outcome.campaign, render.role_assigned(outcome.assignment), now)
    await announce_changes(session, now=now)


async def announce_changes(session: AsyncSession, *, now: datetime) -> None:
    """The notice of every change recorded in the audit trail in this session and not yet announced
    (a setting, a KPI, a target, a curve), in the order they were made."""
    for campaign, entry in audit.unannounced(session):
        await _post(session, campaign, render.audit_notice(entry), now)


async def _post(session: AsyncSession, campaign: Campaign, message: Message, now: datetime) -> None:
    await enqueue(session, message, now=now, channel=campaign.channel_id, campaign_id=campaign.id)


def refusal(error: UserError) -> UserError:
    """A refusal of the campaign's service as its user sees it (other errors are returned as they are)."""
    if isinstance(error, AlreadyRunning):
        return UserError(
            tr(
                "This channel already runs *{name}*. Close it first with `/warroom phase closed`.",
                name=escape(error.existing.name),
            ),
            usage=error.usage,
            field=error.field,
        )
    if isinstance(error, AlreadyInPhase):
        return UserError(
            tr(
                "The campaign is already in its {phase} phase; nothing was changed.",
                phase=render.phase_label(error.phase),
            ),
            usage=error.usage,
            field=error.field,
        )
    if isinstance(error, TooEarly):
        campaign, now = error.campaign, error.now
        return UserError(
            tr(
                "The live period starts {when} ({timezone}), in {wait}. "
                "To go live now anyway: `/warroom phase live --force`.",
                when=local_time(campaign.starts_at, campaign.timezone),
                timezone=campaign.timezone,
                wait=ago(campaign.starts_at - now),
            ),
            usage=error.usage,
            field=error.field,
        )
    if isinstance(error, NotAManager):
        names = ", ".join(mention(user) for user in error.managers)
        return UserError(
            tr(
                "Only the commander or whoever started the campaign may {action} ({names}).",
                action=tr(error.action),
                names=names,
            ),
            usage=error.usage,
            field=error.field,
        )
    return error
