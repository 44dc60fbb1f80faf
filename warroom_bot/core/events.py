"""Events API deliveries, each handled once.

Slack retries an event it believes was lost (a slow acknowledgement, a 5xx) up to three times, with
`X-Slack-Retry-Num`; the event id stays the same. Recording the id in the transaction that handles
the event makes a retry of a handled event a no-op, and a retry of a failed one a second chance.
Ids are kept for `KEEP`, then pruned by the scheduler (`prune`), not by each request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.models import SlackEvent

KEEP = timedelta(days=1)  # Slack's retries come within minutes


async def first_delivery(session: AsyncSession, *, event_id: str, now: datetime) -> bool:
    """Record the event in the caller's transaction; False if it was handled before."""
    dialect = postgresql if session.bind is not None and session.bind.dialect.name == "postgresql" else sqlite
    record = dialect.insert(SlackEvent).values(event_id=event_id, received_at=now).on_conflict_do_nothing()
    return (await session.exec(record)).rowcount == 1


async def prune(session: AsyncSession, now: datetime) -> None:
    """Forget the ids of deliveries older than `KEEP`."""
    await session.exec(delete(SlackEvent).where(col(SlackEvent.received_at) < now - KEEP))
