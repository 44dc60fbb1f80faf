"""Read-only views of a campaign's budget: how fast it burns against the campaign's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.budget import service
from warroom_bot.core.db import stored_id
from warroom_bot.models import BudgetLine, Campaign


@dataclass(frozen=True)
class BudgetBurn:
    """The categories' plan and spending (fen), the share of the plan used and of the campaign
    elapsed (0 to 1), and the reserve left (fen)."""

    planned: int
    spent: int
    used: float
    elapsed: float
    reserve_left: int


def burn(lines: list[BudgetLine], elapsed: float) -> BudgetBurn:
    """The burn of these lines when `elapsed` of the campaign has passed."""
    categories = [line for line in lines if line.name != service.RESERVE_LINE]
    planned = sum(line.planned for line in categories)
    spent = sum(line.spent for line in categories)
    return BudgetBurn(
        planned=planned,
        spent=spent,
        used=spent / planned if planned else 0.0,
        elapsed=elapsed,
        reserve_left=next((line.planned for line in lines if line.name == service.RESERVE_LINE), 0),
    )


async def burn_of(session: AsyncSession, campaign: Campaign, now: datetime) -> BudgetBurn | None:
    """The campaign's burn now; None when it has no budget yet."""
    lines = await service.lines_of(session, stored_id(campaign))
    return burn(lines, campaign.elapsed(now)) if lines else None
