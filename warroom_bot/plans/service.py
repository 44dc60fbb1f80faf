"""The plans in force: the shipped ones, each replaced by a team's plan of the same key, then the
team's own, in the order of their file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.core.parsing import did_you_mean
from warroom_bot.models import EmergencyPlan
from warroom_bot.plans.library import SHIPPED, Plan


@dataclass(frozen=True)
class Listed:
    """A plan in force, and whether it is one the bot ships (else the team's own)."""

    plan: Plan
    shipped: bool

    def shown(self) -> Plan:
        """The plan in the current language: a shipped one through the catalog, a team's as written."""
        return self.plan.localised() if self.shipped else self.plan


async def in_force(session: AsyncSession) -> list[Listed]:
    rows = (await session.exec(select(EmergencyPlan).order_by(col(EmergencyPlan.position)))).all()
    teams = {row.key: Plan.model_validate(row.body) for row in rows}
    listed = []
    for plan in SHIPPED:
        replaced = teams.pop(plan.key, None)
        listed.append(Listed(replaced or plan, shipped=replaced is None))
    return listed + [Listed(plan, shipped=False) for plan in teams.values()]


async def shown(session: AsyncSession) -> list[Plan]:
    """The plans in force in the current language (for a form's choice of plan)."""
    return [entry.shown() for entry in await in_force(session)]


async def named(session: AsyncSession, key: str) -> Plan | None:
    """The plan `key` in the current language, if there is one."""
    word = key.strip().lower()
    return next((entry.shown() for entry in await in_force(session) if entry.plan.key == word), None)


async def find(session: AsyncSession, key: str) -> Plan:
    """The plan `key` in the current language; a `UserError` naming the closest key and the list."""
    plan = await named(session, key)
    if plan is not None:
        return plan
    word = key.strip().lower()
    keys = [entry.plan.key for entry in await in_force(session)]
    raise UserError(
        tr(
            "There is no plan `{key}`.{hint} Plans: {keys}.",
            key=key,
            hint=did_you_mean(word, keys),
            keys=", ".join(f"`{k}`" for k in keys),
        )
    )


async def replace(session: AsyncSession, plans: list[Plan], now: datetime) -> None:
    """Make `plans` the team's whole set (a plan file is the team's version of record)."""
    await session.exec(delete(EmergencyPlan))
    for position, plan in enumerate(plans):
        session.add(EmergencyPlan(key=plan.key, position=position, body=plan.model_dump(mode="json"), updated_at=now))
