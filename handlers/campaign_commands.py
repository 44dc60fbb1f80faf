"""`/warroom` and the campaign modal.

Listeners do their database work (milliseconds) before acknowledging, so the answer rides on the
acknowledgement; whatever goes to the channel is written to the outbox in the same transaction and
delivered after the commit. Only opening a modal calls Slack directly: its trigger lives 3 seconds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.campaigns import config, messages, render
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.roster import normalise_role
from warroom_bot.core import i18n
from warroom_bot.core.blocks import ago, escape, local_time, mention, notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.ids import BlockId
from warroom_bot.core.parsing import (
    did_you_mean,
    parse_local_datetime,
    parse_mention,
    parse_phase,
    parse_timezone,
    role_alias,
    split_args,
)
from warroom_bot.core.runtime import Runtime
from warroom_bot.digest import render as digest_render
from warroom_bot.digest.snapshot import snapshot
from warroom_bot.handlers import metric_commands, plan_commands, retro_commands, task_commands, wall_commands
from warroom_bot.handlers.context import Invocation, amended, modal_context, modal_value, open_modal, require_campaign
from warroom_bot.handlers.errors import after_ack
from warroom_bot.metrics import service as metrics
from warroom_bot.models import Campaign
from warroom_bot.tasks import service as tasks

# The right forms, shown under an error through `tr` (their placeholders are words to translate).
START_USAGE = N_('/warroom start "<name>" <start YYYY-MM-DDTHH:MM> <end YYYY-MM-DDTHH:MM> [time zone]')
PHASE_USAGE = "/warroom phase <warmup|live|extension|wrapup|closed> [--force]"
ROLE_USAGE = N_("/warroom role <role> @primary [@backup]")
CONFIG_USAGE = N_("/warroom config <key> <value>")
LATE_START_GRACE = timedelta(hours=1)  # a room opened at 20:05 for a 20:00 launch needs no warning


async def warroom_command(
    ack: AsyncAck,
    respond: AsyncRespond,
    command: dict[str, Any],
    runtime: Runtime,
    campaign: Campaign | None,
    client: AsyncWebClient,
) -> None:
    words = split_args(command.get("text", ""))
    name = words[0].lower() if words else "help"
    subcommand = SUBCOMMANDS.get(name)
    if subcommand is None:
        hint = did_you_mean(name, SUBCOMMANDS)
        raise UserError(
            tr("`{word}` is not a /warroom command.{hint} `/warroom help` lists them.", word=words[0], hint=hint)
        )
    call = Invocation(
        ack=ack,
        respond=respond,
        body=command,
        runtime=runtime,
        client=client,
        campaign=campaign,
        user_id=command["user_id"],
        channel_id=command["channel_id"],
        trigger_id=command.get("trigger_id", ""),
        args=words[1:],
    )
    try:
        await subcommand(call)
    except UserError as error:
        raise messages.refusal(error) from None


async def unhandled_command(command: dict[str, Any]) -> None:
    """A slash command routed here that this version has no listener for (a renamed or newer command)."""
    raise UserError(
        tr(
            "`{command}` is not handled by this warroom-bot server; "
            "compare the app's slash commands with slack_manifest.yaml. `/warroom help` lists what works.",
            command=command["command"],
        )
    )


async def show_help(call: Invocation) -> None:
    await call.reply(render.help_message())


async def _start(
    runtime: Runtime,
    *,
    channel_id: str,
    user_id: str,
    name: str,
    starts: str,
    ends: str,
    timezone: str,
    language: str,
) -> Campaign:
    """Parse the start form (one line or modal: the same rules) and open the campaign, announced in
    its language."""
    with amended(field=BlockId.TIMEZONE):
        zone = parse_timezone(timezone)
    with amended(field=BlockId.STARTS):
        starts_at = parse_local_datetime(starts, zone)
    with amended(field=BlockId.ENDS):
        ends_at = parse_local_datetime(ends, zone)
    now = runtime.clock.now()
    try:
        async with runtime.transaction() as session:
            campaign = await campaigns.start(
                session,
                channel_id=channel_id,
                name=name,
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=zone.key,
                user_id=user_id,
                now=now,
                language=language,
            )
            metrics.add_default_kpis(session, stored_id(campaign))
            with i18n.speaking(language):
                await tasks.add_milestones(session, campaign, now)
                await messages.started(session, campaign, now=now)
    except campaigns.BadName as error:
        raise UserError(error.message, field=BlockId.NAME) from None
    except campaigns.BadDates as error:
        raise UserError(error.message, field=BlockId.ENDS) from None
    except UserError as error:
        raise messages.refusal(error) from None
    return campaign


async def start(call: Invocation) -> None:
    if not call.args:
        await call.ack()
        opening = open_modal(
            call.client,
            call.runtime,
            trigger_id=call.trigger_id,
            user_id=call.user_id,
            view=render.start_campaign_modal(call.channel_id, call.runtime.settings.default_language),
        )
        after_ack(opening, call.body, call.respond)
        return
    if len(call.args) not in (3, 4):
        raise UserError(tr("`start` takes a name, a start, an end and optionally a time zone."), usage=tr(START_USAGE))
    language = call.runtime.settings.default_language
    with amended(usage=tr(START_USAGE)):
        campaign = await _start(
            call.runtime,
            channel_id=call.channel_id,
            user_id=call.user_id,
            name=call.args[0],
            starts=call.args[1],
            ends=call.args[2],
            timezone=call.args[3] if len(call.args) == 4 else "UTC",
            language=language,
        )
    with i18n.speaking(language):
        await call.reply(notice(_started_notes(campaign, call.runtime.clock.now(), zone_given=len(call.args) == 4)))


def _started_notes(campaign: Campaign, now: datetime, *, zone_given: bool) -> str:
    notes = [":white_check_mark: " + tr("Started *{name}*; you are its commander.", name=escape(campaign.name))]
    if not zone_given:
        notes.append(
            ":warning: "
            + tr(
                "No time zone was given, so these times are UTC. If they were local times, close this "
                "campaign (`/warroom phase closed`) and start it again with the zone at the end, e.g. `Asia/Shanghai`."
            )
        )
    if campaign.starts_at - now >= tasks.COUNTDOWN_AHEAD:
        notes.append(
            ":calendar: "
            + tr(
                "The countdown's milestones are in `/warroom tasks`; until launch a countdown is posted here "
                "each day at `countdown.time`."
            )
        )
    if now - campaign.starts_at > LATE_START_GRACE:
        notes.append(
            ":warning: "
            + tr(
                "The live period began {when}, {ago} ago, so the campaign opens in *{phase}*.",
                when=local_time(campaign.starts_at, campaign.timezone),
                ago=ago(now - campaign.starts_at),
                phase=render.phase_label(campaign.phase),
            )
        )
    return "\n".join(notes)


async def start_campaign_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime) -> None:
    context = modal_context(runtime, body, view)
    if context.channel_id is None:  # the start modal is only opened from a channel, and remembers it
        raise UserError(tr("This form does not say which channel to start the campaign in; open it again there."))
    chosen = modal_value(view, render.LANGUAGE_BLOCK)  # a form opened before the select existed has none
    await _start(
        runtime,
        channel_id=context.channel_id,
        user_id=body["user"]["id"],
        name=modal_value(view, BlockId.NAME),
        starts=modal_value(view, BlockId.STARTS),
        ends=modal_value(view, BlockId.ENDS),
        timezone=modal_value(view, BlockId.TIMEZONE) or "UTC",
        language=i18n.language_of(chosen) or runtime.settings.default_language,
    )
    await ack()


async def status(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    now = call.runtime.clock.now()
    async with call.runtime.sessions() as session:
        roster = await campaigns.roster(session, stored_id(campaign))
        current = await snapshot(session, campaign, now)
    await call.reply(digest_render.status(campaign, roster, current, now))


async def phase(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    force = "--force" in call.args
    words = [word for word in call.args if word != "--force"]
    if len(words) != 1:
        raise UserError(tr("`phase` takes one phase."), usage=PHASE_USAGE)
    with amended(usage=PHASE_USAGE):
        new_phase = parse_phase(words[0])  # `live`, `wrap-up`, or in Chinese: `正式`, `收尾期`
    now = call.runtime.clock.now()
    async with call.runtime.transaction() as session:
        changed = await campaigns.set_phase(
            session, campaign_id=stored_id(campaign), phase=new_phase, user_id=call.user_id, now=now, force=force
        )
        await messages.announce(session, changed, now=now)
    done = tr("Phase set to *{phase}*.", phase=render.phase_label(new_phase))
    await call.reply(notice(f":white_check_mark: {done}"))


async def role(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if len(call.args) not in (2, 3):
        raise UserError(tr("`role` takes a role, a person and optionally a backup."), usage=tr(ROLE_USAGE))
    with amended(usage=tr(ROLE_USAGE)):
        role_name = normalise_role(role_alias(call.args[0]))  # `tier1`, or in Chinese: `一线`, `市场负责人`
        primary = parse_mention(call.args[1])
        backup = parse_mention(call.args[2]) if len(call.args) == 3 else None
    now = call.runtime.clock.now()
    try:
        async with call.runtime.transaction() as session:
            assigned = await campaigns.assign_role(
                session,
                campaign_id=stored_id(campaign),
                role=role_name,
                primary=primary,
                backup=backup,
                user_id=call.user_id,
                now=now,
            )
            await messages.announce(session, assigned, now=now)
    except campaigns.SameBackup as error:
        raise UserError(error.message, usage=tr(ROLE_USAGE)) from None
    done = tr("{role} is now {person}.", role=render.role_label(role_name), person=mention(primary))
    await call.reply(notice(f":white_check_mark: {done}"))


async def configure(call: Invocation) -> None:
    """`/warroom config`: the settings in force; `/warroom config <key> <value>`: change one. The
    answer, and the channel's notice, are in the campaign's language after the change (`lang`)."""
    campaign = require_campaign(call.campaign)
    if not call.args:
        await call.reply(render.settings_message(campaign, tr(CONFIG_USAGE)))
        return
    if len(call.args) < 2:
        raise UserError(tr("`config` takes a key and a value."), usage=tr(CONFIG_USAGE))
    now = call.runtime.clock.now()
    raw = " ".join(call.args[1:])  # a value may be words: `alert.hold 2 readings`
    async with call.runtime.transaction() as session:
        stored = await campaigns.set_config(
            session, campaign_id=stored_id(campaign), key=call.args[0], raw=raw, user_id=call.user_id, now=now
        )
        with i18n.speaking(config.language(stored.campaign.config)):
            await messages.announce(session, stored, now=now)
    with i18n.speaking(config.language(stored.campaign.config)):
        done = tr("`{key}` is now `{value}`.", key=stored.key, value=stored.value)
        await call.reply(notice(f":white_check_mark: {done}"))


SUBCOMMANDS: dict[str, Callable[[Invocation], Awaitable[None]]] = {
    "help": show_help,
    "start": start,
    "status": status,
    "phase": phase,
    "role": role,
    "config": configure,
    "target": metric_commands.target,
    "metric": metric_commands.metric,
    "kpi": metric_commands.kpi,
    "digest": metric_commands.post_digest,
    "chart": metric_commands.chart,
    "retro": retro_commands.retro,
    "actions": retro_commands.list_actions,
    "report": retro_commands.report,
    "plans": plan_commands.show_plans,
    "plan": plan_commands.show_plans,
    "drill": plan_commands.drill,
    "wall": wall_commands.wall_link,
    "tasks": task_commands.list_tasks,
    "task": task_commands.task,
    "moment": task_commands.moment,
}
