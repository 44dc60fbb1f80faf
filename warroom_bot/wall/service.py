"""Wall links: a secret URL per screen, stored hashed, revocable, dead once the campaign closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import service as campaigns
from warroom_bot.core.db import stored_id
from warroom_bot.core.i18n import N_
from warroom_bot.core.secret_tokens import digest, new_token
from warroom_bot.models import Campaign, Phase, WallLink

PREFIX = "wall_"
MAX_TOKEN = 64  # longer path segments are not ours: refused before any lookup
MANAGE = N_("make or revoke the war-room wall's links")


def url(public_url: str, token: str) -> str:
    """The link people open: the service's public address and the wall's path."""
    return f"{public_url.rstrip('/')}/wall/{token}"


async def create_link(session: AsyncSession, *, campaign: Campaign, user_id: str | None, now: datetime) -> str:
    """A new wall link for `campaign` (by a manager; `user_id` None: from the CLI); the token, in
    clear, this once."""
    if user_id is not None:
        (await campaigns.managers(session, campaign)).check(user_id, MANAGE)
    token = new_token(PREFIX)
    session.add(
        WallLink(campaign_id=stored_id(campaign), token_hash=digest(token), created_by=user_id or "cli", created_at=now)
    )
    await session.flush()
    return token


async def revoke(session: AsyncSession, *, campaign: Campaign, user_id: str, now: datetime) -> int:
    """Kill every live link of the campaign (a manager's call); how many there were."""
    (await campaigns.managers(session, campaign)).check(user_id, MANAGE)
    campaign_id = stored_id(campaign)
    result = await session.exec(
        update(WallLink)
        .where(col(WallLink.campaign_id) == campaign_id, col(WallLink.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def campaign_of(session: AsyncSession, token: str) -> Campaign | None:
    """The campaign a live link shows; None for a link unknown, revoked, or of a closed campaign."""
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN:
        return None
    query = (
        select(Campaign)
        .join(WallLink, col(WallLink.campaign_id) == col(Campaign.id))
        .where(
            WallLink.token_hash == digest(token),
            col(WallLink.revoked_at).is_(None),
            Campaign.phase != Phase.CLOSED,
        )
    )
    return (await session.exec(query)).first()
