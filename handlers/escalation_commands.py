"""`/escalate`, the Acknowledge and Resolve buttons (in the channel and in DMs), and the modals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.render import help_message
from warroom_bot.core.blocks import notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.ids import BlockId, parse_tap
from warroom_bot.core.parsing import did_you_mean, parse_severity
from warroom_bot.core.runtime import Runtime
from warroom_bot.escalations import messages, render
from warroom_bot.escalations import service as escalations
from warroom_bot.escalations import views as escalation_views
from warroom_bot.handlers.context import (
    amended,
    modal_context,
    modal_value,
    open_modal,
    reply,
    require_campaign,
    speak_as,
    speak_as_campaign_of,
)
from warroom_bot.handlers.errors import after_ack
from warroom_bot.models import Campaign, Escalation

USAGE = N_(
    "/escalate <blue|yellow|orange|red> <summary> · /escalate list · /escalate ack <id> · /escalate resolve <id> [note]"
)


SUBCOMMANDS = ("list", "ack", "acknowledge", "resolve", "help")


@contextmanager
def explained(now: datetime) -> Iterator[None]:
    """Turn a refused change into the sentence that says where the escalation stands (use it inside
    the transaction: the sentence reads the escalation)."""
    try:
        yield
    except escalations.Unchanged as refused:
        raise UserError(messages.refusal(refused, now)) from None


def _number(text: str) -> int:
    word = text.strip().removeprefix("#")
    if not word.isdigit() or len(word) > 9:
        raise UserError(tr("`{text}` is not an escalation number: write it like `7` or `#7`.", text=text))
    return int(word)


async def escalate_command(
    ack: AsyncAck,
    respond: AsyncRespond,
    command: dict[str, Any],
    runtime: Runtime,
    campaign: Campaign | None,
    client: AsyncWebClient,
) -> None:
    text = command.get("text", "").strip()
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word == "help":
        await reply(ack, help_message("/escalate"))
        return
    campaign = require_campaign(campaign)
    if not text:
        await ack()
        opening = open_modal(
            client,
            runtime,
            trigger_id=command["trigger_id"],
            user_id=command["user_id"],
            view=render.raise_modal(command["channel_id"]),
        )
        after_ack(opening, command, respond)
        return
    user_id, now = command["user_id"], runtime.clock.now()
    if word == "list":
        async with runtime.sessions() as session:
            await reply(
                ack, render.escalation_list(await escalation_views.open_escalations(session, stored_id(campaign)), now)
            )
        return
    if word in ("ack", "acknowledge", "resolve"):
        number_text, _, note = rest.strip().partition(" ")
        usage = tr("/escalate resolve <id> [note]") if word == "resolve" else tr("/escalate {word} <id>", word=word)
        with amended(usage=usage):
            number = _number(number_text)
        async with runtime.transaction() as session:
            with explained(now):
                found = await escalations.by_number(session, campaign_id=stored_id(campaign), number=number)
                changed: escalations.Outcome
                if word == "resolve":
                    changed = await escalations.resolve(
                        session, escalation_id=stored_id(found), user_id=user_id, now=now, note=note
                    )
                else:
                    changed = await escalations.acknowledge(
                        session, escalation_id=stored_id(found), user_id=user_id, now=now
                    )
                await messages.publish(session, changed, now=now)
        await reply(ack, notice(f":white_check_mark: {render.state_sentence(found)}"))
        return
    hint = did_you_mean(word, SUBCOMMANDS)
    if hint:
        raise UserError(
            tr("`{word}` is not a severity or an /escalate command.{hint}", word=first, hint=hint), usage=tr(USAGE)
        )
    with amended(usage=tr(USAGE)):
        severity = parse_severity(first)
    async with runtime.transaction() as session:
        raised = await escalations.raise_escalation(
            session, campaign_id=stored_id(campaign), severity=severity, summary=rest, user_id=user_id, now=now
        )
        await messages.publish(session, raised, now=now)
    headline = render.headline(raised.escalation)
    raised_text = tr("Raised *{headline}*; its timeline is in the thread.", headline=headline)
    await reply(ack, notice(f":rotating_light: {raised_text}"))


async def raise_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime) -> None:
    channel_id = modal_context(runtime, body, view).channel_id or ""
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        campaign = require_campaign(await campaigns.open_campaign_in(session, channel_id))
        speak_as(campaign)  # a form's submission comes from no channel; the form's campaign speaks
        with amended(field=BlockId.SEVERITY):
            severity = parse_severity(modal_value(view, BlockId.SEVERITY))
        with amended(field=BlockId.SUMMARY):
            summary = escalations.clean_summary(modal_value(view, BlockId.SUMMARY))
        with amended(field=BlockId.AREA):
            area = escalations.clean_area(modal_value(view, BlockId.AREA))
        with amended(field=BlockId.DETAILS):
            details = escalations.clean_details(modal_value(view, BlockId.DETAILS))
        raised = await escalations.raise_escalation(
            session,
            campaign_id=stored_id(campaign),
            severity=severity,
            summary=summary,
            area=area,
            details=details,
            user_id=body["user"]["id"],
            now=now,
        )
        await messages.publish(session, raised, now=now)
    await ack()


async def acknowledge_tapped(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    """The change is committed before Slack hears back (milliseconds); a refusal goes to the tapper only."""
    escalation_id, shown_status = parse_tap(action["value"])
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        await speak_as_campaign_of(session, Escalation, escalation_id, campaign)
        with explained(now):
            acknowledged = await escalations.acknowledge(
                session, escalation_id=escalation_id, user_id=body["user"]["id"], now=now, shown_status=shown_status
            )
            await messages.publish(session, acknowledged, now=now)
    await ack()


async def resolve_tapped(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
    campaign: Campaign | None,
) -> None:
    """Resolve asks for an optional note first; the modal remembers the state the message showed."""
    escalation_id, shown_status = parse_tap(action["value"])
    async with runtime.sessions() as session:
        await speak_as_campaign_of(session, Escalation, escalation_id, campaign)
        escalation = await session.get(Escalation, escalation_id)
    if escalation is None:
        raise UserError(tr("That escalation no longer exists."))
    shown = escalation.model_copy(update={"status": shown_status})
    await ack()
    opening = open_modal(
        client, runtime, trigger_id=body["trigger_id"], user_id=body["user"]["id"], view=render.resolve_modal(shown)
    )
    after_ack(opening, body, respond)


async def resolve_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    context = modal_context(runtime, body, view)
    if context.escalation_id is None:
        raise UserError(tr("This form lost track of its escalation; tap Resolve again."))
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        await speak_as_campaign_of(session, Escalation, context.escalation_id, campaign)
        with amended(field=BlockId.NOTE):
            note = escalations.clean_note(modal_value(view, BlockId.NOTE))
        with explained(now):
            resolved = await escalations.resolve(
                session,
                escalation_id=context.escalation_id,
                user_id=body["user"]["id"],
                now=now,
                note=note,
                shown_status=context.shown_status,
            )
            await messages.publish(session, resolved, now=now)
    await ack()
