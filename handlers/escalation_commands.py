"""`/escalate`, the Acknowledge, Resolve, Done and Post an update buttons (in the channel and in
DMs), the modals, and the "Escalate this message" shortcut."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.render import help_message
from warroom_bot.core.blocks import notice, truncate
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
from warroom_bot.models import Campaign, Escalation, PlanStep
from warroom_bot.plans import service as plans
from warroom_bot.plans.library import Plan

USAGE = N_(
    "/escalate <blue|yellow|orange|red> [plan:<key>] <summary> · /escalate list · /escalate ack <id> · "
    "/escalate resolve <id> [note] · /escalate update <id> <text>"
)


SUBCOMMANDS = ("list", "ack", "acknowledge", "resolve", "update", "help")
PLAN_PREFIXES = ("plan:", "预案:", "预案：")


@contextmanager
def explained(now: datetime) -> Iterator[None]:
    """Turn a refused change into the sentence that says where the escalation stands (use it inside
    the transaction: the sentence reads the escalation)."""
    try:
        yield
    except (escalations.Unchanged, escalations.StepAlreadyDone) as refused:
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
        async with runtime.sessions() as session:
            offered = await plans.shown(session)
        await ack()
        opening = open_modal(
            client,
            runtime,
            trigger_id=command["trigger_id"],
            user_id=command["user_id"],
            view=render.raise_modal(command["channel_id"], offered),
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
    if word == "update":
        number_text, _, update = rest.strip().partition(" ")
        with amended(usage=tr("/escalate update <id> <text>")):
            number = _number(number_text)
            async with runtime.transaction() as session:
                with explained(now):
                    found = await escalations.by_number(session, campaign_id=stored_id(campaign), number=number)
                    updated = await escalations.post_update(
                        session, escalation_id=stored_id(found), user_id=user_id, text=update, now=now
                    )
                    await messages.publish(session, updated, now=now)
        await reply(
            ack, notice(":white_check_mark: " + tr("Your update is in the thread of #{number}.", number=number))
        )
        return
    hint = did_you_mean(word, SUBCOMMANDS)
    if hint:
        raise UserError(
            tr("`{word}` is not a severity or an /escalate command.{hint}", word=first, hint=hint), usage=tr(USAGE)
        )
    with amended(usage=tr(USAGE)):
        severity = parse_severity(first)
    plan_key, summary = _plan_word(rest)
    async with runtime.transaction() as session:
        with amended(usage=tr(USAGE)):
            plan = await plans.find(session, plan_key) if plan_key is not None else None
        raised = await escalations.raise_escalation(
            session,
            campaign_id=stored_id(campaign),
            severity=severity,
            summary=summary,
            user_id=user_id,
            now=now,
            plan=plan,
        )
        await messages.publish(session, raised, now=now)
    headline = render.headline(raised.escalation)
    raised_text = tr("Raised *{headline}*; its timeline is in the thread.", headline=headline)
    await reply(ack, notice(f":rotating_light: {raised_text}"))


def _plan_word(text: str) -> tuple[str | None, str]:
    """`plan:stockout SKU-9 short` → (`stockout`, `SKU-9 short`): the plan named anywhere in the text."""
    words = text.split()
    for index, word in enumerate(words):
        for prefix in PLAN_PREFIXES:
            if word.lower().startswith(prefix):
                return word[len(prefix) :], " ".join(words[:index] + words[index + 1 :])
    return None, text


async def raise_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime) -> None:
    context = modal_context(runtime, body, view)
    channel_id = context.channel_id or ""
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
        plan: Plan | None = None
        if chosen := modal_value(view, BlockId.PLAN):
            with amended(field=BlockId.PLAN):
                plan = await plans.find(session, chosen)
        raised = await escalations.raise_escalation(
            session,
            campaign_id=stored_id(campaign),
            severity=severity,
            summary=summary,
            area=area,
            details=details,
            user_id=body["user"]["id"],
            now=now,
            plan=plan,
            source_link=context.source_link,
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
    await _open_form(ack, respond, body, action, runtime, client, campaign, render.resolve_modal)


async def _open_form(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
    campaign: Campaign | None,
    form: Callable[[Escalation], dict[str, Any]],
) -> None:
    """A button that opens a form about its escalation, drawn as the tapped message showed it."""
    escalation_id, shown_status = parse_tap(action["value"])
    async with runtime.sessions() as session:
        await speak_as_campaign_of(session, Escalation, escalation_id, campaign)
        escalation = await session.get(Escalation, escalation_id)
    if escalation is None:
        raise UserError(tr("That escalation no longer exists."))
    shown = escalation.model_copy(update={"status": shown_status})
    await ack()
    opening = open_modal(client, runtime, trigger_id=body["trigger_id"], user_id=body["user"]["id"], view=form(shown))
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


async def step_done_tapped(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    """Done on a plan step in the checklist: recorded once, the checklist redrawn in place."""
    value = action.get("value", "")
    if not value.isdigit():
        raise UserError(tr("That plan step no longer exists."))
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        step = await session.get(PlanStep, int(value))
        if step is not None:
            await speak_as_campaign_of(session, Escalation, step.escalation_id, campaign)
        with explained(now):
            done = await escalations.complete_step(session, step_id=int(value), user_id=body["user"]["id"], now=now)
            await messages.publish(session, done, now=now)
    await ack()


async def post_update_tapped(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
    campaign: Campaign | None,
) -> None:
    """Post an update (on a nudge): a short form whose text lands in the escalation's thread."""
    await _open_form(ack, respond, body, action, runtime, client, campaign, render.update_modal)


async def update_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], runtime: Runtime, campaign: Campaign | None
) -> None:
    context = modal_context(runtime, body, view)
    if context.escalation_id is None:
        raise UserError(tr("This form lost track of its escalation; tap Post an update again."))
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        await speak_as_campaign_of(session, Escalation, context.escalation_id, campaign)
        with amended(field=BlockId.UPDATE), explained(now):
            updated = await escalations.post_update(
                session,
                escalation_id=context.escalation_id,
                user_id=body["user"]["id"],
                text=modal_value(view, BlockId.UPDATE),
                now=now,
            )
            await messages.publish(session, updated, now=now)
    await ack()


async def escalate_message(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    runtime: Runtime,
    client: AsyncWebClient,
    campaign: Campaign | None,
) -> None:
    """The "Escalate this message" shortcut: the `/escalate` form, filled in with the message's
    text and remembering its permalink (the escalation's thread links back to it)."""
    await ack()
    campaign = require_campaign(campaign)
    shared = body.get("message") or {}
    channel_id = body["channel"]["id"]
    async with runtime.sessions() as session:
        offered = await plans.shown(session)

    async def open_form() -> None:
        ts = str(shared.get("ts") or body.get("message_ts") or "")
        found = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
        text = str(shared.get("text") or "").strip()
        first_line = text.splitlines()[0] if text else ""
        view = render.raise_modal(
            campaign.channel_id,
            offered,
            summary_text=truncate(first_line, escalations.MAX_SUMMARY) or None,
            details_text=truncate(text, escalations.MAX_DETAILS) or None,
            source_link=found.get("permalink"),
        )
        await open_modal(client, runtime, trigger_id=body["trigger_id"], user_id=body["user"]["id"], view=view)

    after_ack(open_form(), body, respond)
