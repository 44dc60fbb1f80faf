"""Escalations: raise one, page its response chain, re-escalate when nobody acknowledges, and
acknowledge or resolve it.

The response chain is read from the roster each time a step fires: tier 1 primary, tier 1 backup,
tier 2 primary and backup, tier 3 primary and backup (whoever is set), and then the commander. Each
step waits the severity's acknowledgement deadline. When the commander step passes unanswered the
chain starts again, `escalation.repeat` times; after that the escalation is *exhausted*: the channel
is told with `@here` and the commander gets a DM. An acknowledgement or a resolution stops the
chain at once.

A due step is claimed with a conditional update on (`step`, `round`, `next_step_at`), inside the
same transaction that writes its pages to the outbox: two replicas, or a retry after a crash,
cannot fire a step twice, and a step whose transaction failed fires on the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import config
from warroom_bot.campaigns import service as campaigns
from warroom_bot.core.blocks import mention
from warroom_bot.core.errors import UserError
from warroom_bot.core.ids import BlockId
from warroom_bot.core.outbox import enqueue
from warroom_bot.escalations import render
from warroom_bot.models import (
    Campaign,
    Escalation,
    EscalationEvent,
    EscalationPage,
    EscalationStatus,
    OutboxMessage,
    Phase,
    RoleAssignment,
    Severity,
)

TIERS = ("tier1", "tier2", "tier3")
MAX_SUMMARY = 200
MAX_AREA = 80
MAX_DETAILS = 2000
MAX_NOTE = 500
UNRESOLVED = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED, EscalationStatus.EXHAUSTED)
UNACKNOWLEDGED = (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED)


@dataclass(frozen=True)
class Responder:
    user_id: str
    label: str


def response_chain(roster: list[RoleAssignment]) -> list[Responder]:
    """Everyone on tiers 1–3, primary before backup, in the order they are paged."""
    by_role = {assignment.role: assignment for assignment in roster}
    chain = []
    for number, role in enumerate(TIERS, start=1):
        assignment = by_role.get(role)
        if assignment is not None:
            chain.append(Responder(assignment.primary_user, f"tier {number} primary"))
            if assignment.backup_user:
                chain.append(Responder(assignment.backup_user, f"tier {number} backup"))
    return chain


def commanders(campaign: Campaign, roster: list[RoleAssignment]) -> list[Responder]:
    assignment = next((a for a in roster if a.role == "commander"), None)
    if assignment is None:
        return [Responder(campaign.created_by, "commander")]
    backup = [Responder(assignment.backup_user, "commander backup")] if assignment.backup_user else []
    return [Responder(assignment.primary_user, "commander"), *backup]


def _clean(text: str | None, limit: int, what: str, field: BlockId) -> str | None:
    cleaned = " ".join((text or "").split()) if what != "details" else (text or "").strip()
    if len(cleaned) > limit:
        raise UserError(f"The {what} can be at most {limit} characters (it has {len(cleaned)}).", field=field)
    return cleaned or None


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
) -> Escalation:
    """Post the escalation in the channel and page the first responder (or say who is missing)."""
    summary_text = _clean(summary, MAX_SUMMARY, "summary", BlockId.SUMMARY)
    if summary_text is None:
        raise UserError("An escalation needs a summary: what is wrong, in a few words.", field=BlockId.SUMMARY)
    campaign = await campaigns.get(session, campaign_id)
    number = (
        await session.exec(
            update(Campaign)
            .where(col(Campaign.id) == campaign_id)
            .values(escalation_seq=Campaign.escalation_seq + 1)
            .returning(Campaign.escalation_seq)
        )
    ).scalar_one()
    escalation = Escalation(
        campaign_id=campaign_id,
        number=number,
        severity=severity,
        summary=summary_text,
        area=_clean(area, MAX_AREA, "area", BlockId.AREA),
        details=_clean(details, MAX_DETAILS, "details", BlockId.DETAILS),
        raised_by=user_id,
        raised_at=now,
        next_step_at=None,
    )
    session.add(escalation)
    await session.flush()
    roster = await campaigns.roster(session, campaign_id)
    missing_tier1 = not any(assignment.role == "tier1" for assignment in roster)
    post = await enqueue(
        session,
        render.card(escalation, now=now, missing_tier1=missing_tier1),
        now=now,
        channel=campaign.channel_id,
        campaign_id=campaign_id,
    )
    escalation.channel_message_id = post.id
    await _timeline(session, escalation, campaign, post, now, "raised", f"Raised by {mention(user_id)}.", user_id)
    if missing_tier1:
        await _timeline(session, escalation, campaign, post, now, "roster", render.MISSING_TIER1)
    await _page_step(session, escalation, campaign, roster, post, now)
    return escalation


async def _page_step(
    session: AsyncSession,
    escalation: Escalation,
    campaign: Campaign,
    roster: list[RoleAssignment],
    post: OutboxMessage,
    now: datetime,
) -> None:
    """Page whoever `escalation.step` points at and set the deadline for the next step."""
    chain = response_chain(roster)
    deadline = config.ack_deadline(campaign.config, Severity(escalation.severity))
    responders = [chain[escalation.step]] if escalation.step < len(chain) else commanders(campaign, roster)
    for responder in responders:
        dm = await enqueue(
            session,
            render.page(escalation, deadline=deadline, now=now),
            now=now,
            channel=responder.user_id,
            campaign_id=campaign.id,
        )
        session.add(
            EscalationPage(
                escalation_id=escalation.id,
                user_id=responder.user_id,
                responder=responder.label,
                paged_at=now,
                message_id=dm.id,
            )
        )
        await _timeline(
            session,
            escalation,
            campaign,
            post,
            now,
            "paged",
            render.paged_line(responder.user_id, responder.label, deadline),
        )
    escalation.next_step_at = now + deadline


async def due(session: AsyncSession, now: datetime) -> list[int]:
    """Escalations whose deadline passed without an acknowledgement, in campaigns still running."""
    query = (
        select(Escalation.id)
        .join(Campaign, col(Campaign.id) == Escalation.campaign_id)
        .where(
            Escalation.status == EscalationStatus.OPEN,
            col(Escalation.next_step_at) <= now,
            Campaign.phase != Phase.CLOSED,
        )
        .order_by(col(Escalation.next_step_at))
        .limit(500)
    )
    return [escalation_id for escalation_id in (await session.exec(query)).all() if escalation_id is not None]


async def advance(session: AsyncSession, *, escalation_id: int, now: datetime) -> bool:
    """Fire the next step of an escalation that is due; False if another worker already did."""
    escalation = await session.get(Escalation, escalation_id, populate_existing=True)
    if escalation is None or escalation.next_step_at is None:
        return False
    campaign = await session.get(Campaign, escalation.campaign_id)
    assert campaign is not None
    roster = await campaigns.roster(session, campaign.id)
    step, round_ = escalation.step + 1, escalation.round
    exhausted = False
    if step > len(response_chain(roster)):  # the commander step passed unanswered
        if round_ < config.escalation_repeats(campaign.config):
            step, round_ = 0, round_ + 1
        else:
            exhausted = True
    claimed = await session.exec(
        update(Escalation)
        .where(
            col(Escalation.id) == escalation_id,
            Escalation.status == EscalationStatus.OPEN,
            Escalation.step == escalation.step,
            Escalation.round == escalation.round,
            col(Escalation.next_step_at) == escalation.next_step_at,
            col(Escalation.next_step_at) <= now,
        )
        .values(step=step, round=round_, next_step_at=None)
    )
    if claimed.rowcount != 1:
        return False
    escalation.step, escalation.round, escalation.next_step_at = step, round_, None
    post = await _channel_post(session, escalation)
    if exhausted:
        await _exhaust(session, escalation, campaign, roster, post, now)
    else:
        if step == 0:
            await _timeline(session, escalation, campaign, post, now, "repeat", render.repeat_line(round_ + 1))
        await _page_step(session, escalation, campaign, roster, post, now)
    session.add(escalation)
    return True


async def _exhaust(
    session: AsyncSession,
    escalation: Escalation,
    campaign: Campaign,
    roster: list[RoleAssignment],
    post: OutboxMessage,
    now: datetime,
) -> None:
    """Nobody answered the whole chain: never silent. `@here` in the channel, a DM to the commander."""
    escalation.status = EscalationStatus.EXHAUSTED
    leads = commanders(campaign, roster)
    alert = render.exhausted_alert(escalation, [leader.user_id for leader in leads])
    await enqueue(session, alert, now=now, channel=campaign.channel_id, campaign_id=campaign.id)
    for leader in leads:
        await enqueue(session, alert, now=now, channel=leader.user_id, campaign_id=campaign.id)
    await _timeline(session, escalation, campaign, post, now, "exhausted", render.exhausted_line())
    await _update_copies(session, escalation, campaign, now)


async def by_number(session: AsyncSession, *, campaign_id: int, number: int) -> Escalation:
    found = (
        await session.exec(select(Escalation).where(Escalation.campaign_id == campaign_id, Escalation.number == number))
    ).first()
    if found is None:
        raise UserError(f"There is no escalation #{number} in this campaign; `/escalate list` shows the open ones.")
    return found


async def acknowledge(
    session: AsyncSession, *, escalation_id: int, user_id: str, now: datetime, shown_status: str | None = None
) -> Escalation:
    """Stop the chain: the escalation has an owner. A tap on a stale message is refused."""
    escalation = await _for_change(session, escalation_id, shown_status)
    if escalation.status not in UNACKNOWLEDGED:
        raise UserError(render.already(escalation, now))
    await _claim_change(
        session,
        escalation,
        now,
        allowed=UNACKNOWLEDGED,
        status=EscalationStatus.ACKNOWLEDGED,
        acknowledged_by=user_id,
        acknowledged_at=now,
    )
    campaign = await campaigns.get(session, escalation.campaign_id)
    post = await _channel_post(session, escalation)
    await _timeline(session, escalation, campaign, post, now, "acknowledged", render.acknowledged_line(escalation))
    await _update_copies(session, escalation, campaign, now)
    return escalation


async def resolve(
    session: AsyncSession,
    *,
    escalation_id: int,
    user_id: str,
    now: datetime,
    note: str | None = None,
    shown_status: str | None = None,
) -> Escalation:
    """Close the escalation (acknowledging it too if nobody had)."""
    note_text = _clean(note, MAX_NOTE, "note", BlockId.NOTE)
    escalation = await _for_change(session, escalation_id, shown_status)
    if escalation.status == EscalationStatus.RESOLVED:
        raise UserError(render.already(escalation, now))
    await _claim_change(
        session,
        escalation,
        now,
        allowed=UNRESOLVED,
        status=EscalationStatus.RESOLVED,
        resolved_by=user_id,
        resolved_at=now,
        resolution_note=note_text,
        acknowledged_by=escalation.acknowledged_by or user_id,
        acknowledged_at=escalation.acknowledged_at or now,
    )
    campaign = await campaigns.get(session, escalation.campaign_id)
    post = await _channel_post(session, escalation)
    await _timeline(session, escalation, campaign, post, now, "resolved", render.resolved_line(escalation), user_id)
    await _update_copies(session, escalation, campaign, now)
    return escalation


async def _for_change(session: AsyncSession, escalation_id: int, shown_status: str | None) -> Escalation:
    escalation = await session.get(Escalation, escalation_id, with_for_update=True, populate_existing=True)
    if escalation is None:
        raise UserError("That escalation no longer exists.")
    if shown_status is not None and shown_status != escalation.status:
        raise UserError(f"This message was out of date. {render.state_sentence(escalation)} Nothing was changed.")
    return escalation


async def _claim_change(
    session: AsyncSession,
    escalation: Escalation,
    now: datetime,
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
        raise UserError(render.already(escalation, now))
    for name, value in {"next_step_at": None, **values}.items():
        setattr(escalation, name, value)


async def _channel_post(session: AsyncSession, escalation: Escalation) -> OutboxMessage:
    post = await session.get(OutboxMessage, escalation.channel_message_id)
    assert post is not None
    return post


async def _timeline(
    session: AsyncSession,
    escalation: Escalation,
    campaign: Campaign,
    post: OutboxMessage,
    now: datetime,
    kind: str,
    text: str,
    actor: str | None = None,
) -> None:
    """A timeline event, also posted as a reply in the escalation's thread."""
    session.add(EscalationEvent(escalation_id=escalation.id, at=now, kind=kind, actor=actor, text=text))
    await enqueue(
        session, render.thread_line(text), now=now, channel=campaign.channel_id, campaign_id=campaign.id, thread_of=post
    )


async def _update_copies(session: AsyncSession, escalation: Escalation, campaign: Campaign, now: datetime) -> None:
    """Rewrite the channel post and every DM page in place to show the new state."""
    page_ids = (
        await session.exec(select(EscalationPage.message_id).where(EscalationPage.escalation_id == escalation.id))
    ).all()
    copies = (
        await session.exec(
            select(OutboxMessage).where(col(OutboxMessage.id).in_([escalation.channel_message_id, *page_ids]))
        )
    ).all()
    card = render.card(escalation, now=now)
    for copy in copies:
        await enqueue(session, card, now=now, channel=copy.channel, campaign_id=campaign.id, updates=copy)
