"""The REST API's daily retrospectives, with their entries and action items."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from warroom_bot.api.deps import CampaignId, Session, Token, visible_campaign
from warroom_bot.retros import service as retros

router = APIRouter(prefix="/api", tags=["campaigns"])


class ActionItemOut(BaseModel):
    id: int
    problem: str
    cause: str
    action: str
    owner: str
    due: date
    status: str
    closed_by: str | None


class RetroEntryOut(BaseModel):
    user_id: str
    targets_vs_actual: str
    problems: str
    adjustments: str
    submitted_at: datetime
    edited_at: datetime | None
    action_items: list[ActionItemOut]


class RetroDayOut(BaseModel):
    day: date
    figures: str | None = Field(description="the day's figures as the evening prompt showed them")
    entries: list[RetroEntryOut]
    not_answered: list[str] = Field(description="roster members without an entry")


@router.get("/campaigns/{campaign_id}/retros", response_model=list[RetroDayOut], tags=["retrospectives"])
async def list_retros(campaign_id: CampaignId, session: Session, token: Token) -> list[RetroDayOut]:
    """Every daily retrospective, oldest first, with its entries and their action items."""
    campaign = await visible_campaign(session, token, campaign_id)
    return [
        RetroDayOut(
            day=review.day,
            figures=review.figures,
            entries=[
                RetroEntryOut(
                    **entry.model_dump(include={"user_id", "targets_vs_actual", "problems", "adjustments"}),
                    submitted_at=entry.submitted_at,
                    edited_at=entry.edited_at,
                    action_items=[
                        ActionItemOut.model_validate(item, from_attributes=True)
                        for item in review.items
                        if item.entry_id == entry.id
                    ],
                )
                for entry in review.entries
            ],
            not_answered=sorted(review.roster - {entry.user_id for entry in review.entries}),
        )
        for review in await retros.reviews(session, campaign)
    ]
