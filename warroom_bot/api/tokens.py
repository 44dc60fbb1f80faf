"""REST API bearer tokens: random, shown once, stored only as a SHA-256 hash (`core.secret_tokens`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.errors import UserError
from warroom_bot.core.secret_tokens import digest, new_token
from warroom_bot.models import ApiToken, Campaign

PREFIX = "wrb_"


async def create(session: AsyncSession, *, name: str, campaign_id: int | None, now: datetime) -> tuple[str, ApiToken]:
    """Make a token (scoped to `campaign_id`, or an admin token when None); returns it in clear once."""
    if not name.strip():
        raise UserError("A token needs a name that says who uses it, e.g. `finance-dashboard`.")
    if campaign_id is not None and await session.get(Campaign, campaign_id) is None:
        raise UserError(f"Campaign {campaign_id} does not exist.")
    token = new_token(PREFIX)
    row = ApiToken(name=name.strip(), token_hash=digest(token), campaign_id=campaign_id, created_at=now)
    session.add(row)
    await session.flush()
    return token, row


async def authenticate(session: AsyncSession, token: str, *, now: datetime) -> ApiToken | None:
    row = (await session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token)))).first()
    if row is not None:
        row.last_used_at = now
        session.add(row)
    return row
