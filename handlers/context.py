"""The middleware that gives every listener the runtime and the channel's campaign."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from models import Campaign
from warroom_bot import campaigns
from warroom_bot.errors import UserError
from warroom_bot.ids import BlockId
from warroom_bot.runtime import Runtime


def inject_context(runtime: Runtime) -> Callable[..., Awaitable[None]]:
    async def middleware(context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        context["runtime"] = runtime
        context["campaign"] = None
        channel_id = body.get("channel_id") or (body.get("channel") or {}).get("id")
        if channel_id:
            async with runtime.sessions() as session:
                context["campaign"] = await campaigns.open_campaign_in(session, channel_id)
        await next()

    return middleware


def require_campaign(campaign: Campaign | None) -> Campaign:
    if campaign is None:
        raise UserError(
            "This channel has no campaign. Run this in a campaign's channel, or start one here with `/warroom start`."
        )
    return campaign


@contextmanager
def amended(*, usage: str | None = None, field: BlockId | None = None) -> Iterator[None]:
    """Add to a `UserError` raised inside: the command's right form, or the modal input it concerns."""
    try:
        yield
    except UserError as error:
        raise UserError(error.message, usage=error.usage or usage, field=error.field or field) from None
