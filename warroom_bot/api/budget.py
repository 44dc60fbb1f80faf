"""The REST API's budget: the plan and balances, and the ledger. Amounts in yuan, exact to the fen."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel

from warroom_bot.api.deps import CampaignId, Session, Token, visible_campaign
from warroom_bot.budget import service as budget

router = APIRouter(prefix="/api", tags=["campaigns"])


class BudgetLineOut(BaseModel):
    name: str
    planned: Decimal
    spent: Decimal
    remaining: Decimal


class BudgetOut(BaseModel):
    """Amounts in yuan, exact to the fen."""

    lines: list[BudgetLineOut]
    reserve: Decimal
    total: Decimal


class LedgerEntryOut(BaseModel):
    at: datetime
    user_id: str
    kind: str
    amount: Decimal
    from_line: str | None
    to_line: str | None
    reason: str | None
    approved_by: str | None
    balances: dict[str, dict[str, Decimal]]


def yuan(amount_fen: int) -> Decimal:
    return Decimal(amount_fen) / 100


@router.get("/campaigns/{campaign_id}/budget", response_model=BudgetOut, tags=["budget"])
async def get_budget(campaign_id: CampaignId, session: Session, token: Token) -> BudgetOut:
    """The plan and balances of every category and the reserve."""
    await visible_campaign(session, token, campaign_id)
    lines = await budget.lines_of(session, campaign_id)
    return BudgetOut(
        lines=[
            BudgetLineOut(
                name=line.name,
                planned=yuan(line.planned),
                spent=yuan(line.spent),
                remaining=yuan(line.planned - line.spent),
            )
            for line in lines
            if line.name != budget.RESERVE_LINE
        ],
        reserve=yuan(sum(line.planned for line in lines if line.name == budget.RESERVE_LINE)),
        total=yuan(sum(line.planned for line in lines)),
    )


@router.get("/campaigns/{campaign_id}/budget/ledger", response_model=list[LedgerEntryOut], tags=["budget"])
async def get_ledger(campaign_id: CampaignId, session: Session, token: Token) -> list[LedgerEntryOut]:
    """Every budget change, oldest first, with the balances after it."""
    await visible_campaign(session, token, campaign_id)
    return [
        LedgerEntryOut(
            at=entry.at,
            user_id=entry.user_id,
            kind=entry.kind,
            amount=yuan(entry.amount),
            from_line=entry.from_line,
            to_line=entry.to_line,
            reason=entry.reason,
            approved_by=entry.approved_by,
            balances={
                name: {key: yuan(value) for key, value in balance.items()} for name, balance in entry.balances.items()
            },
        )
        for entry in await budget.ledger(session, campaign_id)
    ]
