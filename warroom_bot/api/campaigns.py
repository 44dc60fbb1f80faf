"""The REST API's campaigns: the list, one with its roster, and its audit trail."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, field_validator
from sqlmodel import col, select

from warroom_bot.api.deps import CampaignId, Session, Token, visible_campaign
from warroom_bot.campaigns import audit
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.config import displayed
from warroom_bot.models import Campaign


class RoleOut(BaseModel):
    role: str
    primary_user: str
    backup_user: str | None


class CampaignOut(BaseModel):
    id: int
    name: str
    channel_id: str
    phase: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    created_by: str
    config: dict[str, str]

    @field_validator("config")
    @classmethod
    def _as_shown(cls, stored: dict[str, str]) -> dict[str, str]:
        """A pull source's query string (it may hold a token) is not served back."""
        return {key: displayed(key, value) for key, value in stored.items()}


class CampaignDetailOut(CampaignOut):
    roster: list[RoleOut]


router = APIRouter(prefix="/api", tags=["campaigns"])


@router.get("/campaigns", response_model=list[CampaignOut])
async def list_campaigns(session: Session, token: Token) -> list[Campaign]:
    """Every campaign this token may see, newest first."""
    query = select(Campaign).order_by(col(Campaign.id).desc())
    if token.campaign_id is not None:
        query = query.where(Campaign.id == token.campaign_id)
    return list((await session.exec(query)).all())


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetailOut)
async def get_campaign(campaign_id: CampaignId, session: Session, token: Token) -> CampaignDetailOut:
    campaign = await visible_campaign(session, token, campaign_id)
    roster = await campaigns.roster(session, campaign_id)
    return CampaignDetailOut(
        **CampaignOut.model_validate(campaign, from_attributes=True).model_dump(),
        roster=[RoleOut.model_validate(role, from_attributes=True) for role in roster],
    )


class AuditEntryOut(BaseModel):
    at: datetime
    user_id: str
    subject: str
    old: str | None
    new: str | None


@router.get("/campaigns/{campaign_id}/audit", response_model=list[AuditEntryOut], tags=["campaigns"])
async def get_audit(campaign_id: CampaignId, session: Session, token: Token) -> list[AuditEntryOut]:
    """Every change to the campaign's KPIs and targets, roster, settings and phase, oldest first:
    who, when, the value before and after (null when there was none)."""
    await visible_campaign(session, token, campaign_id)
    return [
        AuditEntryOut(at=entry.at, user_id=entry.user_id, subject=entry.subject, old=entry.old, new=entry.new)
        for entry in await audit.trail(session, campaign_id)
    ]
