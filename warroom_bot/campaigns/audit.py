"""The audit trail: every change to how a campaign is run, announced in its channel and kept.

KPIs and their targets and curves, the roster, the settings and the phase decide who is paged and
what counts as late; a change to any of them is recorded with who made it, when, and the value
before and after, in the transaction that makes it. Most are also announced in the channel, so the
room sees them as they happen (roles and phases have their own announcements already): `record`
keeps such an entry in the session's `unannounced` list, and `campaigns.messages.announce_changes`
enqueues their notices, in the same transaction, from the caller (any service may record a change).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.db import stored_id
from warroom_bot.models import AuditEntry, Campaign

MAX_VALUE = 600
UNANNOUNCED = "warroom.audit.unannounced"  # the session's entries (with their campaigns) still to announce


async def record(
    session: AsyncSession,
    campaign: Campaign,
    *,
    user_id: str,
    now: datetime,
    subject: str,
    old: str | None,
    new: str | None,
    announce: bool = True,
) -> AuditEntry:
    entry = AuditEntry(
        campaign_id=stored_id(campaign),
        at=now,
        user_id=user_id,
        subject=subject[:120],
        old=None if old is None else old[:MAX_VALUE],
        new=None if new is None else new[:MAX_VALUE],
    )
    session.add(entry)
    if announce:
        session.info.setdefault(UNANNOUNCED, []).append((campaign, entry))
    return entry


def unannounced(session: AsyncSession) -> list[tuple[Campaign, AuditEntry]]:
    """The entries recorded in this session to be announced, taken (each is announced once)."""
    return session.info.pop(UNANNOUNCED, [])


async def trail(session: AsyncSession, campaign_id: int) -> list[AuditEntry]:
    """Every change, oldest first."""
    query = select(AuditEntry).where(AuditEntry.campaign_id == campaign_id).order_by(col(AuditEntry.id))
    return list((await session.exec(query)).all())
