"""The REST API's escalations: every escalation with its timeline, and MTTA/MTTR per severity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from warroom_bot.api.deps import CampaignId, Session, Token, visible_campaign
from warroom_bot.escalations import views as escalation_views

router = APIRouter(prefix="/api", tags=["campaigns"])


class EventOut(BaseModel):
    """One timeline event as data: `kind` (raised, roster, paged, repeated, acknowledged, resolved,
    exhausted, note), the Slack user id who did it, when, and its details (`data`: the paged `user`,
    `responder` and `deadline_seconds`, the `round`, `after_seconds`, the resolution `note` …)."""

    kind: str
    actor: str | None
    at: datetime
    data: dict[str, Any]


class StepOut(BaseModel):
    """A step of the escalation's emergency plan: its time box, when it was named late, who did it."""

    position: int
    text: str
    role: str | None
    within_seconds: int | None
    late_at: datetime | None
    done_by: str | None
    done_at: datetime | None


class EscalationOut(BaseModel):
    number: int
    severity: str
    summary: str
    area: str | None
    details: str | None
    status: str
    raised_by: str
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None
    drill: bool
    plan_key: str | None
    resolve_by: datetime | None
    breached_at: datetime | None
    source_link: str | None
    steps: list[StepOut]
    timeline: list[EventOut]


class ResponseTimesOut(BaseModel):
    severity: str
    raised: int
    acknowledged: int
    resolved: int
    mtta_seconds: float | None
    mttr_seconds: float | None
    resolved_with_deadline: int
    resolved_by_deadline: int


class EscalationsOut(BaseModel):
    escalations: list[EscalationOut]
    response_times: list[ResponseTimesOut]


@router.get("/campaigns/{campaign_id}/escalations", response_model=EscalationsOut, tags=["escalations"])
async def list_escalations(campaign_id: CampaignId, session: Session, token: Token) -> EscalationsOut:
    """Every escalation of the campaign with its timeline and plan steps, and per severity MTTA,
    MTTR and resolve-by deadlines met (drills are listed, never counted)."""
    await visible_campaign(session, token, campaign_id)
    rows = await escalation_views.all_with_timeline(session, campaign_id)
    steps = await escalation_views.plan_steps(session, [escalation.id for escalation, _ in rows if escalation.id])
    return EscalationsOut(
        escalations=[
            EscalationOut(
                **escalation.model_dump(exclude={"timeline", "steps"}),
                steps=[
                    StepOut.model_validate(step, from_attributes=True) for step in steps.get(escalation.id or 0, [])
                ],
                timeline=[EventOut.model_validate(event, from_attributes=True) for event in events],
            )
            for escalation, events in rows
        ],
        response_times=[
            ResponseTimesOut(
                severity=times.severity,
                raised=times.raised,
                acknowledged=times.acknowledged,
                resolved=times.resolved,
                mtta_seconds=times.mtta.total_seconds() if times.mtta else None,
                mttr_seconds=times.mttr.total_seconds() if times.mttr else None,
                resolved_with_deadline=times.with_deadline,
                resolved_by_deadline=times.met_deadline,
            )
            for times in escalation_views.response_times([escalation for escalation, _ in rows])
        ],
    )
