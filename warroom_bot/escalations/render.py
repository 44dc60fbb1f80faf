"""Messages and views about escalations: the card (channel post and DM pages), thread lines,
the exhaustion alert, the list, and the raise and resolve modals."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom_bot.core.blocks import (
    MAX_BUTTON_TEXT,
    Message,
    ago,
    context,
    escape,
    mention,
    message,
    section,
    sentence,
    slack_time,
    text_input,
    truncate,
)
from warroom_bot.core.db import stored_id
from warroom_bot.core.ids import ActionId, BlockId, CallbackId, ModalContext, tap_value
from warroom_bot.core.parsing import format_duration
from warroom_bot.models import Escalation, EscalationEvent, EscalationStatus, EventKind, Severity

if TYPE_CHECKING:
    from warroom_bot.escalations.views import EscalationSummary

EMOJI = {
    Severity.RED: ":red_circle:",
    Severity.ORANGE: ":large_orange_circle:",
    Severity.YELLOW: ":large_yellow_circle:",
    Severity.BLUE: ":large_blue_circle:",
}
MISSING_TIER1 = "Nobody is on tier 1, so nobody was paged first. Set it with `/warroom role tier1 @primary @backup`."


def headline(escalation: Escalation) -> str:
    """`RED #7 Inventory of SKU-9 below safety line` (the summary escaped)."""
    return f"{escalation.severity.upper()} #{escalation.number} {escape(escalation.summary)}"


def state_sentence(escalation: Escalation) -> str:
    """Where the escalation stands, who put it there and when."""
    if escalation.status == EscalationStatus.RESOLVED:
        return f"#{escalation.number} was resolved by {mention(escalation.resolved_by)}."
    if escalation.status == EscalationStatus.ACKNOWLEDGED:
        return f"#{escalation.number} was acknowledged by {mention(escalation.acknowledged_by)}."
    if escalation.status == EscalationStatus.EXHAUSTED:
        return f"#{escalation.number} is unacknowledged: the whole response chain was paged."
    return f"#{escalation.number} is open and not yet acknowledged."


def already(escalation: Escalation, now: datetime) -> str:
    when = escalation.resolved_at or escalation.acknowledged_at
    since = f" {ago(now - when)} ago" if when else ""
    return f"{state_sentence(escalation).removesuffix('.')}{since}; nothing was changed."


def _button(label: str, action: ActionId, escalation: Escalation, *, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action,
        "text": {"type": "plain_text", "text": truncate(label, MAX_BUTTON_TEXT)},
        "value": tap_value(stored_id(escalation), escalation.status),
    }
    if style:
        button["style"] = style
    return button


def _status_line(escalation: Escalation) -> str:
    if escalation.status == EscalationStatus.RESOLVED and escalation.resolved_at:
        note = f": {escape(escalation.resolution_note)}" if escalation.resolution_note else ""
        return (
            f":white_check_mark: Resolved by {mention(escalation.resolved_by)} at {slack_time(escalation.resolved_at)}, "
            f"after {ago(escalation.resolved_at - escalation.raised_at)}{note}"
        )
    if escalation.acknowledged_at:
        return (
            f":eyes: Acknowledged by {mention(escalation.acknowledged_by)} at {slack_time(escalation.acknowledged_at)}, "
            f"after {ago(escalation.acknowledged_at - escalation.raised_at)}"
        )
    if escalation.status == EscalationStatus.EXHAUSTED:
        return ":rotating_light: Nobody acknowledged: the whole response chain was paged"
    return ":hourglass_flowing_sand: Waiting for an acknowledgement"


def card(escalation: Escalation, *, now: datetime, missing_tier1: bool = False) -> Message:
    """The escalation as the channel and every paged person see it, with the buttons its state allows."""
    status = _status_line(escalation)
    lines = [f"{EMOJI[Severity(escalation.severity)]} *{headline(escalation)}*"]
    if escalation.area:
        lines.append(f"*Area:* {escape(escalation.area)}")
    if escalation.details:
        lines.append(escape(escalation.details))
    blocks = [
        section("\n".join(lines)),
        context(f"{status} · raised by {mention(escalation.raised_by)}"),
    ]
    if missing_tier1:
        blocks.append(context(f":warning: {MISSING_TIER1}"))
    buttons = []
    if escalation.status in (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED):
        buttons.append(_button("Acknowledge", ActionId.ACKNOWLEDGE, escalation, style="primary"))
    if escalation.status != EscalationStatus.RESOLVED:
        buttons.append(_button("Resolve", ActionId.RESOLVE, escalation))
    if buttons:
        blocks.append({"type": "actions", "block_id": BlockId.ESCALATION_ACTIONS, "elements": buttons})
    plain_status = status.split(" ", 1)[1]
    return message(f"{headline(escalation)} — {plain_status}", blocks)


def page(escalation: Escalation, *, deadline: timedelta, now: datetime) -> Message:
    """A DM page: the card, with a notification text that reads well on a locked phone."""
    return Message(
        text=f"{headline(escalation)} — acknowledge within {format_duration(deadline)}",
        blocks=card(escalation, now=now).blocks,
    )


def paged_line(user_id: str, responder: str, deadline: timedelta) -> str:
    return f"Paged {mention(user_id)} ({responder}); acknowledge within {format_duration(deadline)}."


def repeat_line(round_number: int) -> str:
    return f"Nobody acknowledged after the whole chain was paged: starting again (round {round_number})."


def acknowledged_line(escalation: Escalation) -> str:
    assert escalation.acknowledged_at is not None
    return _acknowledged(escalation.acknowledged_by, escalation.acknowledged_at - escalation.raised_at)


def _acknowledged(user_id: str | None, after: timedelta) -> str:
    return f"Acknowledged by {mention(user_id)} after {ago(after)}."


def resolved_line(escalation: Escalation) -> str:
    assert escalation.resolved_at is not None
    return _resolved(escalation.resolved_by, escalation.resolved_at - escalation.raised_at, escalation.resolution_note)


def _resolved(user_id: str | None, after: timedelta, note: str | None) -> str:
    noted = f" Note: {escape(note)}" if note else ""
    return f"Resolved by {mention(user_id)} after {ago(after)}.{noted}"


def event_line(event: EscalationEvent) -> str:
    """A timeline event as its line in the escalation's thread, rendered from its data."""
    data = event.data or {}
    match event.kind:
        case EventKind.RAISED:
            return f"Raised by {mention(event.actor)}."
        case EventKind.ROSTER:
            return MISSING_TIER1
        case EventKind.PAGED:
            return paged_line(data["user"], data["responder"], timedelta(seconds=data["deadline_seconds"]))
        case EventKind.REPEATED:
            return repeat_line(data["round"])
        case EventKind.ACKNOWLEDGED:
            return _acknowledged(event.actor, timedelta(seconds=data["after_seconds"]))
        case EventKind.RESOLVED:
            return _resolved(event.actor, timedelta(seconds=data["after_seconds"]), data.get("note"))
        case EventKind.EXHAUSTED:
            return exhausted_line()
        case _:  # a note, and the events stored as text before migration 0008
            return str(data.get("text") or event.kind)


def exhausted_alert(escalation: Escalation, commander_ids: list[str]) -> Message:
    leads = " ".join(mention(user) for user in commander_ids)
    text = (
        f"<!here> Nobody acknowledged {headline(escalation)}: the whole response chain was paged. "
        f"{leads}, please take it or hand it to someone."
    )
    return message(text, [section(f":rotating_light: {text}")])


def exhausted_line() -> str:
    return "Nobody acknowledged after the whole chain was paged: the channel and the commander were told."


def thread_line(text: str) -> Message:
    return message(text, [context(text)])


def open_counts(summary: EscalationSummary) -> str:
    """`2 red, 1 yellow (oldest unacknowledged 12m)`, or `none`."""
    if not summary.open:
        return "none"
    counts = [f"{count} {severity}" for severity, count in summary.by_severity.items() if count]
    waiting = summary.oldest_unacknowledged_seconds
    oldest = f" (oldest unacknowledged {ago(timedelta(seconds=waiting))})" if waiting is not None else ""
    return f"{', '.join(counts)}{oldest}"


def open_summary(summary: EscalationSummary) -> str:
    """`open escalations: 2 red, 1 yellow (oldest unacknowledged 12m)`, for the digest and the list."""
    return f"open escalations: {open_counts(summary)}"


def escalation_list(escalations: list[Escalation], now: datetime) -> Message:
    if not escalations:
        return message("No open escalations.", [section("No open escalations. :tada:")])
    lines = [
        f"{EMOJI[Severity(e.severity)]} *{headline(e)}* — {e.status}, raised {ago(now - e.raised_at)} ago"
        for e in escalations
    ]
    from warroom_bot.escalations.views import summarize  # views import the service, which imports this module

    return message(sentence(open_summary(summarize(escalations, now))), [section("\n".join(lines))])


SEVERITY_LABELS = {
    Severity.RED: "Red (critical)",
    Severity.ORANGE: "Orange (high)",
    Severity.YELLOW: "Yellow (medium)",
    Severity.BLUE: "Blue (low)",
}


def raise_modal(channel_id: str) -> dict[str, Any]:
    options = [
        {"text": {"type": "plain_text", "text": SEVERITY_LABELS[severity]}, "value": severity}
        for severity in reversed(Severity)
    ]
    summary = text_input(BlockId.SUMMARY, "Summary", placeholder="Inventory of SKU-9 below safety line")
    summary["element"]["max_length"] = 200
    area = text_input(BlockId.AREA, "Area or KPI", placeholder="inventory, South region", optional=True)
    details = text_input(BlockId.DETAILS, "Details", placeholder="What you see, since when", optional=True)
    details["element"]["multiline"] = True
    return {
        "type": "modal",
        "callback_id": CallbackId.RAISE_ESCALATION,
        "private_metadata": ModalContext(channel_id=channel_id).dump(),
        "title": {"type": "plain_text", "text": "Raise an escalation"},
        "submit": {"type": "plain_text", "text": "Raise"},
        "blocks": [
            {
                "type": "input",
                "block_id": BlockId.SEVERITY,
                "label": {"type": "plain_text", "text": "Severity"},
                "element": {"type": "static_select", "action_id": ActionId.INPUT, "options": options},
            },
            summary,
            area,
            details,
        ],
    }


def resolve_modal(escalation: Escalation) -> dict[str, Any]:
    note = text_input(BlockId.NOTE, "What fixed it?", placeholder="Restocked from the East warehouse", optional=True)
    note["element"]["multiline"] = True
    note["element"]["max_length"] = 500
    return {
        "type": "modal",
        "callback_id": CallbackId.RESOLVE_ESCALATION,
        "private_metadata": ModalContext(escalation_id=escalation.id, shown_status=escalation.status).dump(),
        "title": {"type": "plain_text", "text": f"Resolve #{escalation.number}"},
        "submit": {"type": "plain_text", "text": "Resolve"},
        "blocks": [section(f"*{headline(escalation)}*"), note],
    }
