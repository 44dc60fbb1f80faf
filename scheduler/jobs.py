"""The due work: for each kind, how to list what is due and how to do one item (claiming it).

The scheduler runs each kind on its own (`DUE_WORK`), so a slow kind never holds up another; `tick`
runs them all once, in turn (the tests' way of moving time on).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.alerts import messages as alert_messages
from warroom_bot.alerts import render as alert_render
from warroom_bot.alerts import service as alerts
from warroom_bot.budget import messages as budget_messages
from warroom_bot.budget import service as budget
from warroom_bot.campaigns.config import language, pull_url
from warroom_bot.core import events, i18n, telemetry
from warroom_bot.core.db import stored_id
from warroom_bot.core.due import Due
from warroom_bot.core.runtime import Runtime
from warroom_bot.digest import schedule as digest
from warroom_bot.escalations import messages as escalation_messages
from warroom_bot.escalations import service as escalations
from warroom_bot.metrics import pull
from warroom_bot.models import Campaign
from warroom_bot.retros import messages as retro_messages
from warroom_bot.retros import schedule as retros
from warroom_bot.tasks import messages as task_messages
from warroom_bot.tasks import schedule as task_schedule

log = logging.getLogger(__name__)


async def for_each_due(runtime: Runtime, work: DueWork) -> None:
    """Handle every due item of one kind on its own, so that one bad row never stops the others;
    the lateness of what this worker did (from its deadline) goes to `/metrics`."""
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        listed = await work.list_due(session, now)
    for item in listed:
        try:
            done = await work.handle(runtime, item.id, now)
        except Exception:
            log.exception("%s %s failed; it is retried on the next tick", work.name, item.id)
            continue
        if done and item.at is not None:
            late = runtime.clock.now() - item.at
            telemetry.DUE_LATENESS.labels(kind=work.name).observe(max(late.total_seconds(), 0.0))


class _Outcome(Protocol):
    @property
    def campaign(self) -> Campaign: ...


def in_its_language(outcome: _Outcome | None) -> AbstractContextManager[None]:
    """Write what `outcome` tells people in its campaign's language (a job serves many campaigns)."""
    return i18n.speaking(language(outcome.campaign.config) if outcome is not None else None)


Told = TypeVar("Told", bound=_Outcome)


class _Tell(Protocol):
    """A domain's `messages.announce` (or `publish`): enqueue what an outcome tells, in the caller's transaction."""

    async def __call__(self, session: AsyncSession, outcome: Any, /, *, now: datetime) -> None: ...


def one_change(
    change: Callable[[AsyncSession, int, datetime], Awaitable[Told | None]], tell: _Tell
) -> Callable[[Runtime, int, datetime], Awaitable[bool]]:
    """Due work that makes one change to a row (None: another worker claimed it first) and tells
    it in its campaign's language, in one transaction."""

    async def handle(runtime: Runtime, row_id: int, now: datetime) -> bool:
        async with runtime.transaction() as session:
            outcome = await change(session, row_id, now)
            if outcome is not None:
                with in_its_language(outcome):
                    await tell(session, outcome, now=now)
        return outcome is not None

    return handle


# Page the next responder of an escalation whose deadline passed; expire a budget request nobody
# decided; the retro's prompt, reminder and morning summary.
fire_escalation_step = one_change(
    lambda s, row, now: escalations.fire_step(s, escalation_id=row, now=now), escalation_messages.publish
)
expire_budget_request = one_change(
    lambda s, row, now: budget.expire(s, request_id=row, now=now), budget_messages.announce
)
post_retro_prompt = one_change(
    lambda s, row, now: retros.post_prompt(s, campaign_id=row, now=now), retro_messages.announce
)
send_retro_reminders = one_change(
    lambda s, row, now: retros.send_reminders(s, retro_day_id=row, now=now), retro_messages.announce
)
post_retro_summary = one_change(
    lambda s, row, now: retros.post_summary(s, retro_day_id=row, now=now), retro_messages.announce
)


async def keep_escalation_moving(runtime: Runtime, escalation_id: int, now: datetime) -> bool:
    """Name the plan steps past their time boxes, announce a resolve-by breach, nudge for an update."""
    async with runtime.transaction() as session:
        changes = await escalations.keep_moving(session, escalation_id=escalation_id, now=now)
        for changed in changes:
            with in_its_language(changed):
                await escalation_messages.publish(session, changed, now=now)
    return bool(changes)


async def check_alerts(runtime: Runtime, kpi_id: int, now: datetime) -> bool:
    """Evaluate the alert rules of a KPI with new readings (or a hold or no-data deadline come)."""
    try:
        async with runtime.transaction() as session:
            checked = await alerts.check(session, kpi_id=kpi_id, now=now, describe=alert_render.summary)
            if checked:
                with in_its_language(checked):
                    await alert_messages.publish(session, checked, now=now)
    except alerts.Lost:
        return False  # another replica checked it meanwhile; its transaction did the work
    return checked is not None


async def post_digest_slot(runtime: Runtime, campaign_id: int, now: datetime) -> bool:
    """Post the campaign's digest if this worker claims the slot.

    A campaign with a pull source is handed to a background task instead (at most one per campaign
    at a time), so that its fetch, up to `pull.PULL_TIMEOUT_SECONDS`, never holds up the rest of the
    tick: an escalation step due meanwhile fires on time. The task fetches outside any transaction,
    then claims the slot and posts in one transaction like the others: the slot is still posted
    once, by whichever worker claims it, and a fetch that failed is named in the digest."""
    if pull.puller(runtime).running(campaign_id):
        return False  # its fetch is under way: the slot stays due until that task claims it
    async with runtime.sessions() as session:
        campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        return False
    slot = campaign.next_digest_at
    if slot is not None and slot <= now and pull_url(campaign.config):
        pull.puller(runtime).start(campaign_id, partial(pull_and_post_digest, runtime, campaign))
        return False
    async with runtime.transaction() as session:
        return await digest.post_slot(session, campaign_id=campaign_id, now=now)


async def pull_and_post_digest(runtime: Runtime, campaign: Campaign) -> None:
    """Fetch the campaign's pull source, then claim its due slot and post the digest (a background task)."""
    try:
        pulled = await digest.pull_for(runtime, campaign)
        async with runtime.transaction() as session:
            await digest.post_slot(session, campaign_id=stored_id(campaign), now=runtime.clock.now(), pulled=pulled)
    except Exception:
        log.exception("campaign digest %s failed; it is retried on the next tick", campaign.id)


async def keep_tasks_on_time(runtime: Runtime, campaign_id: int, now: datetime) -> bool:
    """The campaign's due task work (reminders, overdue raises, occurrences, key moments, the
    countdown), each item claimed and told in a transaction of its own."""
    async with runtime.sessions() as session:
        work = await task_schedule.due_work(session, campaign_id, now)
    did = False
    for step, row_id in work:
        try:
            async with runtime.transaction() as session:
                told = await step(session, row_id, now)
                for outcome in told:
                    with in_its_language(outcome):
                        await task_messages.announce(session, outcome, now=now)
        except Exception:
            log.exception("task work %s %s failed; it is retried on the next tick", step.__name__, row_id)
            continue
        did = did or bool(told)
    return did


@dataclass(frozen=True)
class DueWork:
    """A kind of due work: its name (a `/metrics` label), how to list it, how to do one item."""

    name: str
    list_due: Callable[[AsyncSession, datetime], Awaitable[list[Due]]]
    handle: Callable[[Runtime, int, datetime], Awaitable[bool]]


DUE_WORK = [  # escalation steps first: they are what the war room cannot wait for
    DueWork("escalation_step", escalations.due_steps, fire_escalation_step),
    DueWork("escalation_deadline", escalations.due_deadlines, keep_escalation_moving),
    DueWork("alert_check", alerts.due_checks, check_alerts),
    DueWork("budget_expiry", budget.due_expiries, expire_budget_request),
    DueWork("digest_slot", digest.due_slots, post_digest_slot),
    DueWork("retro_prompt", retros.due_prompts, post_retro_prompt),
    DueWork("retro_reminder", retros.due_reminders, send_retro_reminders),
    DueWork("retro_summary", retros.due_summaries, post_retro_summary),
    DueWork("task_work", task_schedule.due_campaigns, keep_tasks_on_time),
]


# How often what is kept only for a while is pruned.
HOUSEKEEPING_SECONDS = 300.0


async def housekeeping(runtime: Runtime) -> None:
    """Forget Slack delivery ids older than `events.KEEP` (the replay guards' memory)."""
    async with runtime.transaction() as session:
        await events.prune(session, runtime.clock.now())


async def tick(runtime: Runtime) -> None:
    """Each kind of due work in turn, the housekeeping, then deliver what they wrote to the outbox."""
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        *((work.name, partial(for_each_due, runtime, work)) for work in DUE_WORK),
        ("housekeeping", partial(housekeeping, runtime)),
        ("outbox", runtime.outbox.drain),
    ]
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("tick step %s failed; it runs again on the next tick", name)
