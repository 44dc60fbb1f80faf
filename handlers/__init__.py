"""Slack listeners: parse what arrived, call a service, render the answer. No SQL here."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from warroom_bot.core.ids import ActionId, CallbackId
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers import (
    budget_commands,
    campaign_commands,
    escalation_commands,
    event_handlers,
    retro_commands,
    task_commands,
)
from warroom_bot.handlers.context import inject_context
from warroom_bot.handlers.errors import handle_error
from warroom_bot.handlers.guards import check_tap_origin, refuse_replays


def register(app: AsyncApp, runtime: Runtime) -> None:
    app.middleware(inject_context(runtime))  # first: it sets the language every answer is written in
    app.middleware(refuse_replays(runtime))
    app.middleware(check_tap_origin(runtime))
    app.error(handle_error)
    app.command("/warroom")(campaign_commands.warroom_command)
    app.view(CallbackId.START_CAMPAIGN)(campaign_commands.start_campaign_submitted)
    app.command("/escalate")(escalation_commands.escalate_command)
    app.view(CallbackId.RAISE_ESCALATION)(escalation_commands.raise_submitted)
    app.action(ActionId.ACKNOWLEDGE)(escalation_commands.acknowledge_tapped)
    app.action(ActionId.RESOLVE)(escalation_commands.resolve_tapped)
    app.view(CallbackId.RESOLVE_ESCALATION)(escalation_commands.resolve_submitted)
    app.action(ActionId.STEP_DONE)(escalation_commands.step_done_tapped)
    app.action(ActionId.POST_UPDATE)(escalation_commands.post_update_tapped)
    app.view(CallbackId.POST_UPDATE)(escalation_commands.update_submitted)
    app.message_shortcut(CallbackId.ESCALATE_MESSAGE)(escalation_commands.escalate_message)
    app.event("app_mention")(event_handlers.app_mentioned)
    app.command("/budget")(budget_commands.budget_command)
    app.action(ActionId.APPROVE)(budget_commands.approve_tapped)
    app.action(ActionId.REJECT)(budget_commands.reject_tapped)
    app.action(ActionId.WRITE_RETRO)(retro_commands.write_tapped)
    app.view(CallbackId.RETRO)(retro_commands.retro_submitted)
    app.action(ActionId.CLOSE_ACTION_ITEM)(retro_commands.close_tapped)
    app.action(ActionId.TASK_DONE)(task_commands.done_tapped)
    # Last, so that it only sees commands no listener above took (Bolt matches in order).
    app.command(re.compile(r".*"))(campaign_commands.unhandled_command)
