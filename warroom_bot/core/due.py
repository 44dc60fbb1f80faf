"""Due work. Deadlines are columns of domain rows (a campaign's next digest slot and retro prompt,
an escalation's next step, a retro day's reminder and summary); the tick lists the rows whose
deadline has come and claims each with one conditional update, so that however many workers
(replicas) listed a row, exactly one of them does its work."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.db import stored_id


async def claim(
    session: AsyncSession,
    row: Any,
    deadline: str,
    now: datetime,
    *,
    also: Iterable[ColumnElement[bool]] = (),
    **changes: Any,
) -> bool:
    """Claim `row`'s due `deadline` by applying `changes` (the next deadline, or None) in an UPDATE
    that matches only while the deadline still holds the value this worker read and has come (and
    `also` holds); True for the one worker that got it, with `changes` set on `row`. A deadline not
    set yet (None) is claimed while it is still None: that is how a first one is scheduled."""
    model = type(row)
    key = col(model.id)
    row_id = stored_id(row)
    if not await lock(session, model, row_id):
        return False
    column = col(getattr(model, deadline))
    seen = getattr(row, deadline)
    unchanged = column.is_(None) if seen is None else (column == seen) & (column <= now)
    claimed = await session.exec(update(model).where(key == row_id, unchanged, *also).values(**changes))
    if claimed.rowcount != 1:
        return False
    for name, value in changes.items():
        setattr(row, name, value)
    return True


async def lock(session: AsyncSession, model: Any, row_id: int) -> bool:
    """Lock a row for this transaction, or say False at once when another worker holds it.

    On PostgreSQL a row another worker is claiming is locked by its transaction: skip it rather than
    wait for their commit, so that replicas share a fan-out instead of queueing. (SQLite has one
    writer at a time and no row locks: there the caller's conditional UPDATE is the whole claim.)"""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    key = col(model.id)
    locked = select(key).where(key == row_id).with_for_update(skip_locked=True)
    return (await session.exec(locked)).first() is not None


class Due(NamedTuple):
    """A row whose deadline has come: its id, and the deadline (None: it has none scheduled yet)."""

    id: int
    at: datetime | None


def listed(rows: Iterable[tuple[int | None, datetime | None]]) -> list[Due]:
    """The rows of a `select(Model.id, deadline)` query, as `Due` pairs."""
    return [Due(row_id, at) for row_id, at in rows if row_id is not None]
