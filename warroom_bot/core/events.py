"""Events API deliveries, each handled once.

Slack retries an event it believes was lost (a slow acknowledgement, a 5xx) up to three times, with
`X-Slack-Retry-Num`; the event id stays the same. Recording the id in the transaction that handles
the event makes a retry of a handled event a no-op, and a retry of a failed one a second chance.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.models import SlackEvent

KEEP = timedelta(days=1)  # Slack's retries come within minutes


async def first_delivery(session: AsyncSession, *, event_id: str, now: datetime) -> bool:
    """Record the event in the caller's transaction; False if it was handled before."""
    await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < now - KEEP))
    try:
        async with session.begin_nested():
            session.add(SlackEvent(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True
