"""The digest's hourly schedule, and posting it.

Digest slots are hour boundaries in the campaign's time zone (every 1 or 2 hours, outside quiet
hours) during warm-up, live and extension. `campaign.next_digest_at` holds the next slot; the tick
claims it with a conditional update that also moves it to the next slot after now, so each slot is
posted once across replicas, and after downtime one catch-up digest is posted, not one per hour.
A campaign's pull source is fetched before its slot is claimed, outside any transaction.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns.config import digest_every, in_window, language, pull_url, quiet_hours
from warroom_bot.core import due, i18n
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.outbound_urls import shown
from warroom_bot.digest import messages
from warroom_bot.digest.snapshot import Snapshot, SourceProblem, snapshot
from warroom_bot.metrics import pull
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.pull import Pulled
from warroom_bot.models import Campaign, Kpi, Phase
from warroom_bot.tasks import views as task_views

if TYPE_CHECKING:
    from warroom_bot.core.runtime import Runtime

log = logging.getLogger(__name__)

DIGEST_PHASES = (Phase.WARMUP, Phase.LIVE, Phase.EXTENSION)


async def pull_for(runtime: Runtime, campaign: Campaign) -> Pulled | None:
    """Fetch the campaign's pull source, if it has one (call outside any transaction; never raises).
    What went wrong, if anything, is written in the campaign's language: the digest shows it."""
    url = pull_url(campaign.config)
    if not url:
        return None
    with i18n.speaking(language(campaign.config)):
        return await pull.puller(runtime).fetch(url)


async def _store_pulled(
    session: AsyncSession, campaign: Campaign, pulled: Pulled, now: datetime
) -> SourceProblem | None:
    """Store what the pull source answered; why it failed, if it did."""
    problem = pulled.problem or await _store_rows(session, campaign, pulled.rows, now)
    return None if problem is None else SourceProblem(shown(pulled.url), problem)


async def _store_rows(session: AsyncSession, campaign: Campaign, rows: list[Any], now: datetime) -> str | None:
    """Store pulled readings, all or none; what is wrong with them when none are stored.

    The problem never repeats what the source sent (it is shown in the channel): a row number and
    the kind of problem. The whole batch is checked before anything is written, and the SAVEPOINT
    then opens with the insert: on SQLite a transaction that reads first and writes later cannot
    wait for the write lock (another connection writing in between fails it at once with "database
    is locked"), while one whose first statement writes waits for the lock like any other."""
    if len(rows) > metrics.MAX_BATCH:
        return tr(
            "it answered {count} readings, more than the {limit} a batch may hold",
            count=f"{len(rows):,}",
            limit=f"{metrics.MAX_BATCH:,}",
        )
    kpis = await metrics.kpis_of(session, stored_id(campaign))
    try:
        readings = metrics.validate(rows, kpis, now=now, source="pull")
    except metrics.BatchRejected as rejected:
        first = rejected.errors[0]
        what = _row_problem(rows[first.row - 1], kpis, now)
        return tr(
            "{count} of its readings are not valid (row {row}: {problem})",
            count=len(rejected.errors),
            row=first.row,
            problem=what,
        )
    except Exception:
        log.warning("pulled readings of campaign %s could not be checked", campaign.id, exc_info=True)
        return tr("its readings could not be read")
    if readings:
        try:
            async with session.begin_nested():
                await metrics.ingest(session, readings)
        except (IntegrityError, DataError):  # the savepoint is rolled back: nothing of the batch stays
            log.warning("pulled readings of campaign %s could not be stored", campaign.id, exc_info=True)
            return tr("its readings could not be stored")
    return None


_ROW_FIELDS = ("kpi", "value", "at", "dimension")
_ROW_PROBLEMS = {  # shown with `tr`, `{limit}` filled in
    "kpi": N_("its `kpi` is not a KPI of this campaign"),
    "value": N_("its `value` is not a number the KPI takes"),
    "at": N_("its `at` is not a time, or is in the future"),
    "dimension": N_("its `dimension` is longer than {limit} characters"),
}


def _row_problem(row: object, kpis: list[Kpi], now: datetime) -> str:
    """Which field of a rejected row is wrong, found by checking it a field at a time."""
    if not isinstance(row, dict):
        return tr("it is not an object with `kpi` and `value`")
    for count, name in enumerate(_ROW_FIELDS, start=1):
        fields = {field: row.get(field) for field in _ROW_FIELDS[:count]}
        try:
            metrics.validate([{"value": 0, **fields}], kpis, now=now, source="pull")
        except UserError:
            return tr(_ROW_PROBLEMS[name], limit=metrics.MAX_DIMENSION)
    return tr("it is not valid")


async def post(session: AsyncSession, campaign: Campaign, now: datetime, pulled: Pulled | None = None) -> Snapshot:
    """Post the digest in the channel and remember its lights, for the next one's "what changed".

    Written in the campaign's language whoever asks: the hourly tick (`post_slot`, and the pull
    source's background task through it) serves every campaign, `/warroom digest` this one."""
    with i18n.speaking(language(campaign.config)):
        problem = await _store_pulled(session, campaign, pulled, now) if pulled else None
        current = await snapshot(session, campaign, now, problem)
        await messages.post_digest(session, campaign, current, now=now)
    if current.moments:
        await task_views.reported(session, campaign, now)
    campaign.last_digest = {
        "at": now.isoformat(),
        "kpis": {status.key: {"value": status.value, "light": status.light} for status in current.kpis},
    }
    session.add(campaign)
    return current


def next_slot(campaign: Campaign, after: datetime) -> datetime:
    """The first digest slot strictly after `after`: a local hour boundary on the cadence, not in
    quiet hours. Stepping 15 minutes in UTC finds it in every time zone and across DST changes."""
    zone = ZoneInfo(campaign.timezone)
    every = int(digest_every(campaign.config) / timedelta(hours=1))
    window = quiet_hours(campaign.config)
    utc = after.astimezone(UTC)
    moment = utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
    for _ in range(4 * 24 * 3):
        moment += timedelta(minutes=15)
        local = moment.astimezone(zone)
        if local.minute == 0 and local.hour % every == 0 and not in_window(local.time(), window):
            return moment
    raise ValueError("no digest slot in three days: the quiet hours cover the whole day")


async def due_slots(session: AsyncSession, now: datetime) -> list[due.Due]:
    """Campaigns whose slot has come, or that have none scheduled yet."""
    query = select(Campaign.id, Campaign.next_digest_at).where(
        col(Campaign.phase).in_(DIGEST_PHASES),
        (col(Campaign.next_digest_at).is_(None)) | (col(Campaign.next_digest_at) <= now),
    )
    return due.listed((await session.exec(query)).all())


async def post_slot(session: AsyncSession, *, campaign_id: int, now: datetime, pulled: Pulled | None = None) -> bool:
    """Claim the campaign's due slot and post its digest; True if this worker posted it.

    A campaign with no slot yet (just started, or its cadence changed) is only scheduled."""
    campaign = await session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None:
        return False
    seen = campaign.next_digest_at
    if seen is not None and seen > now:
        return False  # another worker claimed this slot after we listed it as due
    if not await due.claim(session, campaign, "next_digest_at", now, next_digest_at=next_slot(campaign, now)):
        return False
    if seen is None:
        return False
    await post(session, campaign, now, pulled)
    return True
