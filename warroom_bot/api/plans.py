"""The REST API's emergency plans: the plans in force, and the team's own set replaced as a whole
(the same validation as `warroom plans load`; an admin token only, since plans serve every campaign)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from warroom_bot.api.deps import Session, Token, runtime_of
from warroom_bot.core.runtime import Runtime
from warroom_bot.plans import service as plans
from warroom_bot.plans.library import Plan, PlanFile

router = APIRouter(prefix="/api", tags=["plans"])


class PlanOut(Plan):
    """A plan in force; `shipped`: one the bot ships (else the team's own)."""

    shipped: bool


async def _in_force(session: Session) -> list[PlanOut]:
    return [PlanOut(**entry.plan.model_dump(), shipped=entry.shipped) for entry in await plans.in_force(session)]


@router.get("/plans", response_model=list[PlanOut])
async def list_plans(session: Session, token: Token) -> list[PlanOut]:
    """The emergency plans in force, in English for the shipped ones (a team's as written)."""
    return await _in_force(session)


@router.put("/plans", response_model=list[PlanOut])
async def replace_plans(
    body: PlanFile, session: Session, token: Token, runtime: Annotated[Runtime, Depends(runtime_of)]
) -> list[PlanOut]:
    """Make `plans` the team's whole set (a shipped key replaces that plan); the plans then in force."""
    if token.campaign_id is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Plans serve every campaign: use an admin token.")
    await plans.replace(session, body.plans, runtime.clock.now())
    await session.flush()
    return await _in_force(session)
