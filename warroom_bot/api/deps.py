"""What every REST route depends on: the runtime, a session (one transaction per request), the
bearer token, the campaign it may see, and the bounds of ids and JSON bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.api import tokens
from warroom_bot.campaigns.config import language
from warroom_bot.core import i18n
from warroom_bot.core.runtime import Runtime
from warroom_bot.models import ApiToken, Campaign

bearer = HTTPBearer(auto_error=False, description="A token made with `warroom token create`.")

# Ids are PostgreSQL `integer` columns (SQLite's go further, but both stores must answer alike): a
# larger id in a path is refused with 422 before it reaches the database, which would fail on it.
MAX_ID = 2**31 - 1
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID, description="A campaign id, from `GET /api/campaigns`.")]
# How deeply arrays and objects may nest in a JSON body; a batch of readings nests 3 deep.
MAX_JSON_DEPTH = 16


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


async def session_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> AsyncIterator[AsyncSession]:
    async with runtime.transaction() as session:
        yield session


Session = Annotated[AsyncSession, Depends(session_of)]


async def token_of(
    session: Session,
    runtime: Annotated[Runtime, Depends(runtime_of)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiToken:
    token = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = await tokens.authenticate(session, credentials.credentials, now=runtime.clock.now())
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "A valid bearer token is required: make one with `warroom token create`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


Token = Annotated[ApiToken, Depends(token_of)]


async def visible_campaign(session: AsyncSession, token: ApiToken, campaign_id: int) -> Campaign:
    """The campaign, if this token may see it; a token scoped to another campaign gets 404 too.
    What the request then writes for people (Slack messages, the report) is in its language; the
    API's own answers stay English, for the scripts that read them."""
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or token.campaign_id not in (None, campaign_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No campaign {campaign_id} for this token.")
    i18n.use(language(campaign.config))
    return campaign
