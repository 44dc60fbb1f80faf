"""`/warroom retro|actions|report`, the Write my retro and Done buttons, and the retro modal."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.actions import service as actions
from warroom_bot.core.blocks import escape, mention, notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr, tr_n
from warroom_bot.core.ids import ActionItemPart, BlockId, action_item_block, parse_retro_tap
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers.context import (
    Invocation,
    check_person,
    modal_context,
    modal_value,
    open_modal,
    require_campaign,
    speak_as,
)
from warroom_bot.handlers.errors import after_ack
from warroom_bot.metrics.render import NO_LIGHT, light_word
from warroom_bot.models import Campaign, Phase
from warroom_bot.report import build as reports
from warroom_bot.report import render as render_report
from warroom_bot.retros import messages, render
from warroom_bot.retros import service as retros


async def _open_modal(
    *,
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
    campaign: Campaign,
    day: date,
    user_id: str,
) -> None:
    """Read the form (milliseconds), acknowledge, then open the modal while the trigger is fresh."""
    async with runtime.sessions() as session:
        form = await retros.form_for(session, campaign, day, user_id, runtime.clock.now())
    await ack()
    opening = open_modal(client, runtime, trigger_id=body["trigger_id"], user_id=user_id, view=messages.modal(form))
    after_ack(opening, body, respond)


async def retro(call: Invocation) -> None:
    """Open the retro of the day being written now (yesterday's until the morning summary)."""
    campaign = require_campaign(call.campaign)
    await _open_modal(
        ack=call.ack,
        respond=call.respond,
        body=call.body,
        runtime=call.runtime,
        client=call.client,
        campaign=campaign,
        day=retros.retro_day_of(campaign, call.runtime.clock.now()),
        user_id=call.user_id,
    )


async def write_tapped(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
) -> None:
    """Write my retro, in the channel's prompt or a reminder DM: the button names its day."""
    campaign_id, day = parse_retro_tap(action["value"])
    async with runtime.sessions() as session:
        campaign = await session.get(Campaign, campaign_id)
    if campaign is not None:  # a reminder's button is in a DM, where the request knows no campaign
        speak_as(campaign)
    if campaign is None or campaign.phase == Phase.CLOSED:
        raise UserError(tr("That campaign is closed; its retrospectives can no longer change."))
    await _open_modal(
        ack=ack,
        respond=respond,
        body=body,
        runtime=runtime,
        client=client,
        campaign=campaign,
        day=day,
        user_id=body["user"]["id"],
    )


async def retro_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime, client: AsyncWebClient
) -> None:
    context = modal_context(runtime, body, view)
    if context.campaign_id is None or context.day is None:
        raise UserError(tr("This form lost track of its day; open the retro again."))
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        campaign = await session.get(Campaign, context.campaign_id)
    if campaign is None:
        raise UserError(tr("That campaign no longer exists."))
    speak_as(campaign)  # a modal's submission comes from no channel: speak the campaign's
    slots = [
        {part: modal_value(view, action_item_block(index, part)) for part in ActionItemPart}
        for index in range(1, render.MODAL_ACTION_ITEMS + 1)
    ]
    try:
        answers = retros.Answers(
            targets_vs_actual=modal_value(view, BlockId.TARGETS_VS_ACTUAL),
            problems=modal_value(view, BlockId.PROBLEMS),
            adjustments=modal_value(view, BlockId.ADJUSTMENTS),
        ).checked()
        drafts = retros.check_drafts(slots, campaign, now)
        for index, slot in enumerate(slots, start=1):
            if slot[ActionItemPart.OWNER]:
                await check_person(
                    runtime.people, slot[ActionItemPart.OWNER], action_item_block(index, ActionItemPart.OWNER)
                )
        async with runtime.transaction() as session:
            saved = await retros.save(
                session,
                campaign_id=stored_id(campaign),
                day=context.day,
                user_id=body["user"]["id"],
                answers=answers,
                drafts=drafts,
                now=now,
            )
            await messages.announce(session, saved, now=now)
    except UserError as error:
        raise messages.refusal(error) from None
    await ack(response_action="update", view=render.saved(campaign, saved))


async def list_actions(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    async with call.runtime.sessions() as session:
        items = await actions.open_items(session, stored_id(campaign))
    await call.reply(render.action_list(items, actions.local_today(campaign, call.runtime.clock.now())))


async def close_tapped(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], action: dict[str, Any], runtime: Runtime
) -> None:
    """Done, on the `/warroom actions` list: closed before Slack hears back, then the list is redrawn."""
    now = runtime.clock.now()
    try:
        async with runtime.transaction() as session:
            closed = await actions.close(session, item_id=int(action["value"]), user_id=body["user"]["id"], now=now)
            await messages.announce(session, closed, now=now)
            remaining = await actions.open_items(session, stored_id(closed.campaign))
    except UserError as error:
        raise messages.refusal(error) from None
    await ack()
    answer = render.action_list(remaining, actions.local_today(closed.campaign, now))
    after_ack(respond(text=answer.text, blocks=answer.blocks, replace_original=True), body, respond)


async def report(call: Invocation) -> None:
    """Acknowledged first: the report is read, drawn and uploaded to the channel as a Markdown file."""
    campaign = require_campaign(call.campaign)

    async def write_and_upload() -> None:
        async with call.runtime.sessions() as session:
            built = await reports.build(session, campaign, call.runtime.clock.now(), call.runtime.people)
        text = await asyncio.to_thread(render_report.document, built, "md")
        await call.client.files_upload_v2(
            channel=campaign.channel_id,
            content=text,
            filename=render_report.filename(campaign, "md"),
            title=tr("{name}: campaign report", name=campaign.name),
            initial_comment=tr(
                "Campaign report of *{name}*, requested by {user}: overall {light}, {roi}, {escalations}, {items}.",
                name=escape(campaign.name),
                user=mention(call.user_id),
                light=light_word(built.results.overall, NO_LIGHT),
                roi=render_report.roi_line(built),
                escalations=tr_n("{count} escalation", "{count} escalations", len(built.escalations)),
                items=tr_n("{count} action item", "{count} action items", len(built.action_items)),
            ),
        )

    await call.reply_then(notice(":page_facing_up: " + tr("Writing the campaign report…")), write_and_upload())
