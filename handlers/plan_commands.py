"""`/warroom plans [key]` and `/warroom drill <plan>`."""

from __future__ import annotations

from warroom_bot.core.blocks import notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.escalations import messages
from warroom_bot.escalations import plan_render as render
from warroom_bot.escalations import render as escalation_render
from warroom_bot.escalations import service as escalations
from warroom_bot.handlers.context import Invocation, amended, require_campaign
from warroom_bot.plans import service as plans


async def show_plans(call: Invocation) -> None:
    async with call.runtime.sessions() as session:
        if call.args:
            await call.reply(render.plan_detail(await plans.find(session, call.args[0])))
        else:
            await call.reply(render.plan_list(await plans.in_force(session)))


async def drill(call: Invocation) -> None:
    """A rehearsal of a plan: a real escalation at the plan's severity, labelled DRILL everywhere,
    paging the real roster and running the plan's checklist; kept out of the campaign's figures."""
    campaign = require_campaign(call.campaign)
    usage = tr("/warroom drill <plan>")
    if len(call.args) != 1:
        raise UserError(tr("Name the plan to rehearse; `/warroom plans` lists them."), usage=usage)
    now = call.runtime.clock.now()
    async with call.runtime.transaction() as session:
        with amended(usage=usage):
            plan = await plans.find(session, call.args[0])
        raised = await escalations.raise_escalation(
            session,
            campaign_id=stored_id(campaign),
            severity=plan.severity,
            summary=plan.title,
            user_id=call.user_id,
            now=now,
            plan=plan,
            drill=True,
        )
        await messages.publish(session, raised, now=now)
    headline = escalation_render.headline(raised.escalation)
    started = tr("Started *{headline}*; its timeline and checklist are in the thread.", headline=headline)
    await call.reply(notice(f":performing_arts: {started}"))
