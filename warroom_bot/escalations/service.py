"""Escalations: raise one, page its response chain, re-escalate when nobody acknowledges, and
acknowledge or resolve it; run its emergency plan, and keep it moving.

The service changes state and records what happened as timeline events (data, not text); each
change returns an outcome (`Raised`, `Paged`, `Exhausted`, `Acknowledged`, `Resolved`) that
`escalations.messages.publish` renders and writes to the outbox in the same transaction. Nothing
here builds Slack text.

The response chain is read from the roster each time a step fires: tier 1 primary, tier 1 backup,
tier 2 primary and backup, tier 3 primary and backup (whoever is set), and then the commander. Each
step waits the severity's acknowledgement deadline. When the commander step passes unanswered the
chain starts again, `escalation.repeat` times; after that the escalation is exhausted: the channel
is told with `@here` and the commander gets a DM. An acknowledgement or a resolution stops the
chain at once.

An escalation may run an emergency plan (`warroom_bot.plans`): its steps are copied into
`PlanStep` rows, each with its time box as a deadline of its own. Three more deadlines keep it
moving, each a column claimed like the steps: `resolve_by` (`resolve.<severity>`, its breach told
once), `update_due_at` (acknowledged and quiet for `update.<severity>`: whoever acknowledged it is
nudged, again each interval until an update) and each plan step's `due_at`. A drill runs all of it
for real and is only kept out of the campaign's figures (`views`).

A due step is claimed with a conditional update on (`step`, `round`, `next_step_at`), in the
transaction in which the caller's messages step then writes its pages to the outbox: two replicas,
or a retry after a crash, cannot fire a step twice, and a step whose transaction failed fires on
the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import config
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.roster import LEAD, Roster
from warroom_bot.core import due
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.models import (
    Campaign,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    EventKind,
    Phase,
    PlanStep,
    Role,
    Severity,
)
from warroom_bot.plans.library import Plan

TIERS = (Role.TIER1, Role.TIER2, Role.TIER3)
AUTOMATIC = ""  # the actor of what the alert rules do (raise an escalation, resolve it when green)
MAX_SUMMARY = 200
MAX_AREA = 80
MAX_DETAILS = 2000
MAX_NOTE = 500
MAX_UPDATE = 2000
MAX_SOURCE_LINK = 400
UNRESOLVED = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED, EscalationStatus.EXHAUSTED)
UNACKNOWLEDGED = (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED)
TOO_LONG = {
    "summary": N_("The summary can be at most {limit} characters (it has {length})."),
    "area": N_("The area can be at most {limit} characters (it has {length})."),
    "details": N_("The details can be at most {limit} characters (it has {length})."),
    "note": N_("The note can be at most {limit} characters (it has {length})."),
    "update": N_("An update can be at most {limit} characters (it has {length})."),
}
UNCHANGED = {
    EscalationStatus.OPEN: N_("#{number} is open; nothing was changed."),
    EscalationStatus.ACKNOWLEDGED: N_("#{number} is acknowledged; nothing was changed."),
    EscalationStatus.EXHAUSTED: N_("#{number} is exhausted; nothing was changed."),
    EscalationStatus.RESOLVED: N_("#{number} is resolved; nothing was changed."),
}


@dataclass(frozen=True)
class Responder:
    user_id: str
    label: str


def response_chain(campaign: Campaign, roster: Roster, owner: str | None = None) -> list[Responder]:
    """Everyone paged in turn: the owner of the KPI whose light raised the escalation (primary, then
    backup), then tiers 1–3, primary before backup; nobody twice. The labels are data (stored in the
    timeline, read by the API); `render.responder_word` says them to people."""
    chain = owners(campaign, roster, owner)
    first = {responder.user_id for responder in chain}
    for number, role in enumerate(TIERS, start=1):
        assignment = roster.holder(role)
        if assignment is not None:
            chain.append(Responder(assignment.primary_user, f"tier {number} primary"))
            if assignment.backup_user:
                chain.append(Responder(assignment.backup_user, f"tier {number} backup"))
    return [responder for i, responder in enumerate(chain) if i < len(first) or responder.user_id not in first]


def owners(campaign: Campaign, roster: Roster, owner: str | None) -> list[Responder]:
    """Who an owner (`lead:<department>`, `commander` or a user id) pages: the role's primary and
    backup, the person; nobody when the role is not held."""
    if owner is None:
        return []
    if owner == Role.COMMANDER:
        return [Responder(r.user_id, r.label.replace("commander", "owner")) for r in commanders(campaign, roster)]
    if not owner.startswith(LEAD):
        return [Responder(owner, "owner")]
    assignment = roster.holder(owner)
    if assignment is None:
        return []
    backup = [Responder(assignment.backup_user, "owner backup")] if assignment.backup_user else []
    return [Responder(assignment.primary_user, "owner"), *backup]


def commanders(campaign: Campaign, roster: Roster) -> list[Responder]:
    return [
        Responder(user, label)
        for user, label in zip(roster.commanders(campaign.created_by), ("commander", "commander backup"), strict=False)
    ]


def _clean(text: str | None, limit: int, what: str) -> str | None:
    cleaned = " ".join((text or "").split()) if what not in ("details", "update") else (text or "").strip()
    if len(cleaned) > limit:
        raise UserError(tr(TOO_LONG[what], limit=limit, length=len(cleaned)))
    return cleaned or None


def clean_summary(summary: str | None) -> str:
    """The summary on one line; a `UserError` if it is empty or too long."""
    cleaned = _clean(summary, MAX_SUMMARY, "summary")
    if cleaned is None:
        raise UserError(tr("An escalation needs a summary: what is wrong, in a few words."))
    return cleaned


def clean_area(area: str | None) -> str | None:
    return _clean(area, MAX_AREA, "area")


def clean_details(details: str | None) -> str | None:
    return _clean(details, MAX_DETAILS, "details")


def clean_note(note: str | None) -> str | None:
    return _clean(note, MAX_NOTE, "note")


def clean_update(update: str | None) -> str:
    cleaned = _clean(update, MAX_UPDATE, "update")
    if cleaned is None:
        raise UserError(tr("An update needs a few words: where things stand, what comes next."))
    return cleaned


@dataclass
class Outcome:
    """A change to an escalation and the timeline events it wrote, in order (for the messages step)."""

    escalation: Escalation
    campaign: Campaign
    events: list[EscalationEvent] = field(default_factory=list)


@dataclass(frozen=True)
class LightSource:
    """What raises an escalation by itself: a KPI's light (`warroom_bot.alerts`). `reading` is the
    standing it raised it with (`metrics.status` fields, for the `reading` event)."""

    kpi_id: int
    dimension: str
    light: str
    owner: str | None
    bad_since: datetime
    reading: dict[str, Any]


@dataclass
class Raised(Outcome):
    """A new escalation, its first responders paged (`paged` events); `missing_tier1` if nobody is on tier 1."""

    missing_tier1: bool = False


@dataclass
class Paged(Outcome):
    """A due step fired: the next responders were paged (after a `repeated` event when a round starts)."""


@dataclass
class Exhausted(Outcome):
    """The whole chain passed unanswered: the `exhausted` event names the commanders to tell."""


@dataclass
class Noted(Outcome):
    """A light-raised escalation's KPI read again: a `reading` (or `recovered`) event; `worsened` when
    its severity was raised in place (a `severity` event, and the current step paged again)."""

    worsened: bool = False


@dataclass
class StepDone(Outcome):
    """A step of its plan was marked done; the checklist is redrawn."""


@dataclass
class StepLate(Outcome):
    """A step of its plan passed its time box: the `step_late` event names whom to tell."""


@dataclass
class Breached(Outcome):
    """Not resolved by its resolve-by deadline: the `breached` event names the commanders to tell."""


@dataclass
class Nudged(Outcome):
    """Acknowledged and quiet too long: whoever acknowledged it is asked for an update."""


@dataclass
class Updated(Outcome):
    """Somebody posted an update: it goes to the thread, and the nudge waits again."""


@dataclass
class Acknowledged(Outcome):
    """Somebody owns the escalation; the chain stopped."""


@dataclass
class Resolved(Outcome):
    """The escalation is closed (and acknowledged, if it was not)."""


class Unchanged(UserError):
    """A change refused because the escalation is no longer in the state it needs (or the tapped
    message showed an older state). Carries the escalation so the caller can say where it stands."""

    def __init__(self, escalation: Escalation, *, stale: bool) -> None:
        super().__init__(tr(UNCHANGED[EscalationStatus(escalation.status)], number=escalation.number))
        self.escalation = escalation
        self.stale = stale


async def raise_escalation(
    session: AsyncSession,
    *,
    campaign_id: int,
    severity: Severity,
    summary: str,
    user_id: str,
    now: datetime,
    area: str | None = None,
    details: str | None = None,
    source: LightSource | None = None,
    plan: Plan | None = None,
    drill: bool = False,
    source_link: str | None = None,
) -> Raised:
    """Open an escalation and page the first responder (or record who is missing). One raised by
    a light (`source`, `user_id` empty) pages the KPI's owner first and records the reading; one
    with a `plan` starts it (see `_start_plan`); a `drill` is a rehearsal, labelled as one."""
    summary_text = clean_summary(summary)
    campaign = await campaigns.get(session, campaign_id)
    number = (
        await session.exec(
            update(Campaign)
            .where(col(Campaign.id) == campaign_id)
            .values(escalation_seq=col(Campaign.escalation_seq) + 1)
            .returning(col(Campaign.escalation_seq))
        )
    ).scalar_one()
    escalation = Escalation(
        campaign_id=campaign_id,
        number=number,
        severity=severity,
        summary=summary_text,
        area=clean_area(area),
        details=clean_details(details),
        raised_by=user_id,
        raised_at=now,
        next_step_at=None,
        drill=drill,
        source_link=(source_link or "")[:MAX_SOURCE_LINK] or None,
    )
    deadline = config.resolve_deadline(campaign.config, severity)
    escalation.resolve_by = now + deadline if deadline else None
    if source is not None:
        escalation.kpi_id, escalation.dimension, escalation.light = source.kpi_id, source.dimension, source.light
        escalation.owner, escalation.bad_since = source.owner, source.bad_since
    session.add(escalation)
    await session.flush()
    roster = await campaigns.roster(session, campaign_id)
    missing_tier1 = roster.holder(Role.TIER1) is None
    raised = Raised(escalation, campaign, missing_tier1=missing_tier1)
    _record(session, raised, now, EventKind.RAISED, {"from": escalation.source_link} if source_link else {}, user_id)
    if source is not None:
        _record(session, raised, now, EventKind.READING, source.reading)
    if missing_tier1:
        _record(session, raised, now, EventKind.ROSTER, {"missing": Role.TIER1.value})
    _page_step(session, raised, roster, now)
    if plan is not None:  # after the page: a page never waits behind the news of a plan
        await _start_plan(session, raised, plan, roster, now)
    return raised


async def _start_plan(session: AsyncSession, raised: Raised, plan: Plan, roster: Roster, now: datetime) -> None:
    """Copy the plan's steps onto the escalation (each time box a deadline from now) and record
    whom to tell it started: the owning department's lead."""
    escalation = raised.escalation
    escalation.plan_key, escalation.plan_title = plan.key, plan.title
    for position, step in enumerate(plan.steps, start=1):
        box = step.time_box
        session.add(
            PlanStep(
                escalation_id=stored_id(escalation),
                position=position,
                text=step.do,
                role=step.role,
                within_seconds=int(box.total_seconds()) if box else None,
                due_at=now + box if box else None,
            )
        )
    await session.flush()
    lead = roster.holder(plan.owner.lead)
    data = {"key": plan.key, "title": plan.title, "steps": len(plan.steps), "owner": plan.owner.value}
    _record(session, raised, now, EventKind.PLAN, {**data, "told": [lead.primary_user] if lead else []})


def _page_step(session: AsyncSession, outcome: Outcome, roster: Roster, now: datetime) -> None:
    """Page whoever `escalation.step` points at and set the deadline for the next step."""
    escalation, campaign = outcome.escalation, outcome.campaign
    chain = response_chain(campaign, roster, escalation.owner)
    deadline = config.ack_deadline(campaign.config, Severity(escalation.severity))
    responders = [chain[escalation.step]] if escalation.step < len(chain) else commanders(campaign, roster)
    for responder in responders:
        data = {
            "user": responder.user_id,
            "responder": responder.label,
            "deadline_seconds": int(deadline.total_seconds()),
        }
        _record(session, outcome, now, EventKind.PAGED, data)
    escalation.next_step_at = now + deadline


async def due_steps(session: AsyncSession, now: datetime) -> list[due.Due]:
    """Escalations whose deadline passed without an acknowledgement, in campaigns still running."""
    query = (
        select(Escalation.id, Escalation.next_step_at)
        .join(Campaign, col(Campaign.id) == Escalation.campaign_id)
        .where(
            Escalation.status == EscalationStatus.OPEN,
            col(Escalation.next_step_at) <= now,
            Campaign.phase != Phase.CLOSED,
        )
        .order_by(col(Escalation.next_step_at))
        .limit(500)
    )
    return due.listed((await session.exec(query)).all())


async def fire_step(session: AsyncSession, *, escalation_id: int, now: datetime) -> Paged | Exhausted | None:
    """Fire the next step of an escalation that is due; None if another worker already did."""
    escalation = await session.get(Escalation, escalation_id, populate_existing=True)
    if escalation is None or escalation.next_step_at is None:
        return None
    campaign = await session.get(Campaign, escalation.campaign_id)
    assert campaign is not None
    roster = await campaigns.roster(session, escalation.campaign_id)
    step, round_ = escalation.step + 1, escalation.round
    exhausted = False
    if step > len(response_chain(campaign, roster, escalation.owner)):  # the commander step passed unanswered
        if round_ < config.escalation_repeats(campaign.config):
            step, round_ = 0, round_ + 1
        else:
            exhausted = True
    unchanged = (
        col(Escalation.status) == EscalationStatus.OPEN,
        col(Escalation.step) == escalation.step,
        col(Escalation.round) == escalation.round,
    )
    if not await due.claim(
        session, escalation, "next_step_at", now, also=unchanged, step=step, round=round_, next_step_at=None
    ):
        return None
    outcome: Paged | Exhausted
    if exhausted:
        # Nobody answered the whole chain: never silent (the channel and the commanders are told).
        escalation.status = EscalationStatus.EXHAUSTED
        outcome = Exhausted(escalation, campaign)
        _record(
            session,
            outcome,
            now,
            EventKind.EXHAUSTED,
            {"told": [lead.user_id for lead in commanders(campaign, roster)]},
        )
    else:
        outcome = Paged(escalation, campaign)
        if step == 0:
            _record(session, outcome, now, EventKind.REPEATED, {"round": round_ + 1})
        _page_step(session, outcome, roster, now)
    session.add(escalation)
    return outcome


async def note_reading(
    session: AsyncSession,
    *,
    escalation_id: int,
    light: str,
    reading: dict[str, Any],
    now: datetime,
    severity: Severity | None = None,
    recovered: bool = False,
) -> Noted | None:
    """Record a new reading of a light-raised escalation's KPI in its timeline: `recovered` when its
    light holds green again, else `reading`; `light` is the light that holds. A `severity` above the escalation's raises it in place and, while
    nobody has acknowledged, pages the current step again with that severity's deadline. None once
    the escalation is resolved (the next bad light raises a new one)."""
    escalation = await session.get(Escalation, escalation_id, with_for_update=True, populate_existing=True)
    if escalation is None or escalation.status == EscalationStatus.RESOLVED:
        return None
    noted = Noted(escalation, await campaigns.get(session, escalation.campaign_id))
    if severity is not None and list(Severity).index(severity) > list(Severity).index(Severity(escalation.severity)):
        _record(session, noted, now, EventKind.SEVERITY, {"from": escalation.severity, "to": severity})
        escalation.severity, noted.worsened = severity, True
        if escalation.breached_at is None:
            deadline = config.resolve_deadline(noted.campaign.config, severity)
            escalation.resolve_by = escalation.raised_at + deadline if deadline else None
        if escalation.status == EscalationStatus.OPEN:
            _page_step(session, noted, await campaigns.roster(session, escalation.campaign_id), now)
    _record(session, noted, now, EventKind.RECOVERED if recovered else EventKind.READING, reading)
    escalation.light = light
    if recovered and escalation.recovered_at is None:
        escalation.recovered_at = now
    session.add(escalation)
    return noted


def _next_update(campaign: Campaign, escalation: Escalation, now: datetime) -> datetime | None:
    interval = config.update_interval(campaign.config, Severity(escalation.severity))
    return now + interval if interval else None


def _past_time_box(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """A plan step past its time box and not done."""
    return col(PlanStep.due_at) <= now, col(PlanStep.done_at).is_(None)


async def due_deadlines(session: AsyncSession, now: datetime) -> list[due.Due]:
    """Unresolved escalations of running campaigns with a deadline of their own come: resolve-by
    (not yet announced), an update nudge (acknowledged ones), or a plan step's time box. One listing
    for the three, so the tick takes one connection for them (the fan-out bench measures the cost)."""
    late_step = (
        select(PlanStep.id).where(col(PlanStep.escalation_id) == col(Escalation.id), *_past_time_box(now)).exists()
    )
    breach = (col(Escalation.resolve_by) <= now) & col(Escalation.breached_at).is_(None)
    nudge = (col(Escalation.status) == EscalationStatus.ACKNOWLEDGED) & (col(Escalation.update_due_at) <= now)
    query = (
        select(Escalation.id)
        .join(Campaign, col(Campaign.id) == Escalation.campaign_id)
        .where(col(Escalation.status).in_(UNRESOLVED), Campaign.phase != Phase.CLOSED, breach | nudge | late_step)
        .order_by(col(Escalation.id))
        .limit(500)
    )
    return [due.Due(row_id, None) for row_id in (await session.exec(query)).all() if row_id is not None]


async def keep_moving(session: AsyncSession, *, escalation_id: int, now: datetime) -> list[Outcome]:
    """Whatever deadlines of the escalation have come, each claimed on its own: its plan steps past
    their time boxes, its resolve-by breach, its update nudge."""
    steps = (
        await session.exec(select(PlanStep.id).where(PlanStep.escalation_id == escalation_id, *_past_time_box(now)))
    ).all()
    changes: list[Outcome | None] = [
        await note_late_step(session, step_id=step_id, now=now) for step_id in steps if step_id is not None
    ]
    changes.append(await note_breach(session, escalation_id=escalation_id, now=now))
    changes.append(await nudge(session, escalation_id=escalation_id, now=now))
    return [change for change in changes if change is not None]


async def note_breach(session: AsyncSession, *, escalation_id: int, now: datetime) -> Breached | None:
    """Announce, once, that an escalation was not resolved in time; None if another worker did."""
    escalation = await session.get(Escalation, escalation_id, populate_existing=True)
    if escalation is None or escalation.resolve_by is None or escalation.resolve_by > now or escalation.breached_at:
        return None
    unresolved = (col(Escalation.status).in_(UNRESOLVED), col(Escalation.breached_at).is_(None))
    if not await due.claim(session, escalation, "resolve_by", now, also=unresolved, breached_at=now):
        return None
    campaign = await campaigns.get(session, escalation.campaign_id)
    breached = Breached(escalation, campaign)
    deadline = int((escalation.resolve_by - escalation.raised_at).total_seconds())
    told = [lead.user_id for lead in commanders(campaign, await campaigns.roster(session, stored_id(campaign)))]
    _record(session, breached, now, EventKind.BREACHED, {"deadline_seconds": deadline, "told": told})
    return breached


async def nudge(session: AsyncSession, *, escalation_id: int, now: datetime) -> Nudged | None:
    """Ask whoever acknowledged a quiet escalation for an update, and wait an interval again."""
    escalation = await session.get(Escalation, escalation_id, populate_existing=True)
    if escalation is None or escalation.update_due_at is None or escalation.update_due_at > now:
        return None
    campaign = await campaigns.get(session, escalation.campaign_id)
    interval = config.update_interval(campaign.config, Severity(escalation.severity))
    acknowledged = (col(Escalation.status) == EscalationStatus.ACKNOWLEDGED,)
    next_at = now + interval if interval else None
    if not await due.claim(session, escalation, "update_due_at", now, also=acknowledged, update_due_at=next_at):
        return None
    nudged = Nudged(escalation, campaign)
    quiet = int(interval.total_seconds()) if interval else None
    _record(session, nudged, now, EventKind.NUDGED, {"user": escalation.acknowledged_by, "quiet_seconds": quiet})
    return nudged


async def post_update(session: AsyncSession, *, escalation_id: int, user_id: str, text: str, now: datetime) -> Updated:
    """An update in the thread, from the form the nudge offers or `/escalate update`."""
    update_text = clean_update(text)
    escalation = await _for_change(session, escalation_id, None)
    if escalation.status == EscalationStatus.RESOLVED:
        raise Unchanged(escalation, stale=False)
    updated = Updated(escalation, await campaigns.get(session, escalation.campaign_id))
    _heard_from(updated, now)
    _record(session, updated, now, EventKind.UPDATE, {"text": update_text}, user_id)
    return updated


def _heard_from(outcome: Outcome, now: datetime) -> None:
    """Something new in the thread: the update nudge waits a whole interval again."""
    escalation = outcome.escalation
    if escalation.status == EscalationStatus.ACKNOWLEDGED:
        escalation.update_due_at = _next_update(outcome.campaign, escalation, now)


async def plan_steps(session: AsyncSession, escalation_id: int) -> list[PlanStep]:
    query = select(PlanStep).where(PlanStep.escalation_id == escalation_id).order_by(col(PlanStep.position))
    return list((await session.exec(query)).all())


async def complete_step(session: AsyncSession, *, step_id: int, user_id: str, now: datetime) -> StepDone:
    """Mark a plan step done (once: a second tap, or a tap on an old checklist, changes nothing)."""
    step = await session.get(PlanStep, step_id, populate_existing=True)
    if step is None:
        raise UserError(tr("That plan step no longer exists."))
    escalation = await _for_change(session, step.escalation_id, None)
    if escalation.status == EscalationStatus.RESOLVED:
        raise Unchanged(escalation, stale=False)
    marked = await session.exec(
        update(PlanStep)
        .where(col(PlanStep.id) == step_id, col(PlanStep.done_at).is_(None))
        .values(done_by=user_id, done_at=now, due_at=None)
    )
    if marked.rowcount != 1:
        await session.refresh(step)
        raise StepAlreadyDone(step)
    step.done_by, step.done_at, step.due_at = user_id, now, None
    done = StepDone(escalation, await campaigns.get(session, escalation.campaign_id))
    _heard_from(done, now)
    session.add(escalation)
    _record(session, done, now, EventKind.STEP_DONE, {"position": step.position, "text": step.text}, user_id)
    return done


class StepAlreadyDone(UserError):
    """A Done tap on a step someone already marked done."""

    def __init__(self, step: PlanStep) -> None:
        super().__init__(tr("Step {position} is already done; nothing was changed.", position=step.position))
        self.step = step


async def note_late_step(session: AsyncSession, *, step_id: int, now: datetime) -> StepLate | None:
    """Name a plan step past its time box, once, and whom to tell: its role's holder (the
    commander when nobody holds it)."""
    step = await session.get(PlanStep, step_id, populate_existing=True)
    if step is None or step.due_at is None:
        return None
    if not await due.claim(session, step, "due_at", now, also=(col(PlanStep.done_at).is_(None),), due_at=None):
        return None
    step.late_at = now
    session.add(step)
    escalation = await session.get(Escalation, step.escalation_id)
    assert escalation is not None
    campaign = await campaigns.get(session, escalation.campaign_id)
    roster = await campaigns.roster(session, escalation.campaign_id)
    told = [roster.answering_for(step.role, campaign.created_by)]
    late = StepLate(escalation, campaign)
    data = {"position": step.position, "text": step.text, "role": step.role, "within_seconds": step.within_seconds}
    _record(session, late, now, EventKind.STEP_LATE, {**data, "told": told})
    return late


async def by_number(session: AsyncSession, *, campaign_id: int, number: int) -> Escalation:
    found = (
        await session.exec(select(Escalation).where(Escalation.campaign_id == campaign_id, Escalation.number == number))
    ).first()
    if found is None:
        raise UserError(
            tr(
                "There is no escalation #{number} in this campaign; `/escalate list` shows the open ones.",
                number=number,
            )
        )
    return found


async def acknowledge(
    session: AsyncSession, *, escalation_id: int, user_id: str, now: datetime, shown_status: str | None = None
) -> Acknowledged:
    """Stop the chain: the escalation has an owner. A tap on a stale message is refused."""
    escalation = await _for_change(session, escalation_id, shown_status)
    if escalation.status not in UNACKNOWLEDGED:
        raise Unchanged(escalation, stale=False)
    await _claim_change(
        session,
        escalation,
        allowed=UNACKNOWLEDGED,
        status=EscalationStatus.ACKNOWLEDGED,
        acknowledged_by=user_id,
        acknowledged_at=now,
    )
    campaign = await campaigns.get(session, escalation.campaign_id)
    escalation.update_due_at = _next_update(campaign, escalation, now)
    session.add(escalation)
    acknowledged = Acknowledged(escalation, campaign)
    after = int((now - escalation.raised_at).total_seconds())
    _record(session, acknowledged, now, EventKind.ACKNOWLEDGED, {"after_seconds": after}, user_id)
    return acknowledged


async def resolve(
    session: AsyncSession,
    *,
    escalation_id: int,
    user_id: str,
    now: datetime,
    note: str | None = None,
    shown_status: str | None = None,
) -> Resolved:
    """Close the escalation (acknowledging it too if nobody had)."""
    note_text = clean_note(note)
    escalation = await _for_change(session, escalation_id, shown_status)
    if escalation.status == EscalationStatus.RESOLVED:
        raise Unchanged(escalation, stale=False)
    await _claim_change(
        session,
        escalation,
        allowed=UNRESOLVED,
        status=EscalationStatus.RESOLVED,
        resolved_by=user_id,
        resolved_at=now,
        resolution_note=note_text,
        update_due_at=None,
        acknowledged_by=escalation.acknowledged_by or user_id,
        acknowledged_at=escalation.acknowledged_at or now,
    )
    resolved = Resolved(escalation, await campaigns.get(session, escalation.campaign_id))
    after = int((now - escalation.raised_at).total_seconds())
    data = {"after_seconds": after, "note": note_text} if note_text else {"after_seconds": after}
    _record(session, resolved, now, EventKind.RESOLVED, data, user_id)
    return resolved


async def _for_change(session: AsyncSession, escalation_id: int, shown_status: str | None) -> Escalation:
    escalation = await session.get(Escalation, escalation_id, with_for_update=True, populate_existing=True)
    if escalation is None:
        raise UserError(tr("That escalation no longer exists."))
    if shown_status is not None and shown_status != escalation.status:
        raise Unchanged(escalation, stale=True)
    return escalation


async def _claim_change(
    session: AsyncSession,
    escalation: Escalation,
    *,
    allowed: tuple[EscalationStatus, ...],
    **values: object,
) -> None:
    """Apply a state change only if nobody changed the state since we read it."""
    result = await session.exec(
        update(Escalation)
        .where(col(Escalation.id) == escalation.id, col(Escalation.status).in_(allowed))
        .values(next_step_at=None, **values)
    )
    if result.rowcount != 1:
        await session.refresh(escalation)
        raise Unchanged(escalation, stale=False)
    for name, value in {"next_step_at": None, **values}.items():
        setattr(escalation, name, value)


def _record(
    session: AsyncSession,
    outcome: Outcome,
    now: datetime,
    kind: EventKind,
    data: dict[str, Any],
    actor: str | None = None,
) -> None:
    """Add a timeline event to the escalation and to the outcome the messages step publishes."""
    event = EscalationEvent(escalation_id=stored_id(outcome.escalation), at=now, kind=kind, actor=actor, data=data)
    session.add(event)
    outcome.events.append(event)
