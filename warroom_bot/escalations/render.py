"""Messages and views about escalations: the card (channel post and DM pages), thread lines,
the exhaustion alert, the list, and the raise and resolve modals."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom_bot.campaigns.render import role_label
from warroom_bot.core.blocks import (
    MAX_BUTTON_TEXT,
    Message,
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
from warroom_bot.core.i18n import N_, in_chinese, tr
from warroom_bot.core.ids import ActionId, BlockId, CallbackId, ModalContext, step_block, tap_value
from warroom_bot.core.parsing import say_duration
from warroom_bot.escalations.service import AUTOMATIC
from warroom_bot.metrics.render import LIGHT_EMOJI, light_word, reading_line
from warroom_bot.metrics.status import from_reading
from warroom_bot.models import Escalation, EscalationEvent, EscalationStatus, EventKind, PlanStep, Severity
from warroom_bot.plans.library import Plan

if TYPE_CHECKING:
    from warroom_bot.escalations.views import EscalationSummary

EMOJI = {
    Severity.RED: ":red_circle:",
    Severity.ORANGE: ":large_orange_circle:",
    Severity.YELLOW: ":large_yellow_circle:",
    Severity.BLUE: ":large_blue_circle:",
}
DRILL_NOTE = N_("This is a drill: respond as you would for real. It does not count in the campaign's response times.")
MISSING_TIER1 = N_(
    "Nobody is on tier 1, so nobody was paged first. Set it with `/warroom role tier1 @primary @backup`."
)
# The severity as the headline shows it (`RED #7 …`; 红色 #7 …); the stored value stays `red`.
SEVERITY_TAGS = {
    Severity.RED: N_("RED"),
    Severity.ORANGE: N_("ORANGE"),
    Severity.YELLOW: N_("YELLOW"),
    Severity.BLUE: N_("BLUE"),
}
# How many of a severity (`2 red`; the retro's summary and the report count them too).
SEVERITY_COUNTS = {
    Severity.RED: N_("{count} red"),
    Severity.ORANGE: N_("{count} orange"),
    Severity.YELLOW: N_("{count} yellow"),
    Severity.BLUE: N_("{count} blue"),
}
# The responders as the service labels them in the timeline data (`tier 1 primary`), for people.
RESPONDER_WORDS = {
    "tier 1 primary": N_("tier 1 primary"),
    "tier 1 backup": N_("tier 1 backup"),
    "tier 2 primary": N_("tier 2 primary"),
    "tier 2 backup": N_("tier 2 backup"),
    "tier 3 primary": N_("tier 3 primary"),
    "tier 3 backup": N_("tier 3 backup"),
    "commander": N_("commander"),
    "commander backup": N_("commander backup"),
    "owner": N_("KPI owner"),
    "owner backup": N_("KPI owner backup"),
}
STATUS_WORDS = {
    EscalationStatus.OPEN: N_("waiting for an acknowledgement"),
    EscalationStatus.ACKNOWLEDGED: N_("acknowledged"),
    EscalationStatus.EXHAUSTED: N_("nobody acknowledged"),
    EscalationStatus.RESOLVED: N_("resolved"),
}
# A line of `/escalate list`, by the escalation's status.
LIST_LINES = {
    EscalationStatus.OPEN: N_("*{headline}* — open, raised {age} ago"),
    EscalationStatus.ACKNOWLEDGED: N_("*{headline}* — acknowledged, raised {age} ago"),
    EscalationStatus.EXHAUSTED: N_("*{headline}* — exhausted, raised {age} ago"),
    EscalationStatus.RESOLVED: N_("*{headline}* — resolved, raised {age} ago"),
}


def ago(span: timedelta) -> str:
    """`2m10s` (`2分10秒`), rounded to the second."""
    return say_duration(timedelta(seconds=max(int(span.total_seconds()), 0)))


def person(user_id: str | None) -> str:
    """Who did something: a mention, or the alert rules (`service.AUTOMATIC`) in words."""
    return tr("the alert rules") if user_id == AUTOMATIC else mention(user_id)


def severity_count(severity: str, count: int) -> str:
    """`2 red` (红色 2 起)."""
    return tr(SEVERITY_COUNTS[Severity(severity)], count=count)


def severity_tag(severity: str) -> str:
    """`RED` (红色)."""
    return tr(SEVERITY_TAGS[Severity(severity)])


def status_word(status: str) -> str:
    """`acknowledged` (已确认)."""
    return tr(STATUS_WORDS[EscalationStatus(status)])


def responder_word(label: str) -> str:
    """`tier 1 primary` (一线主责); a label this module does not know, as it is."""
    return tr(RESPONDER_WORDS[label]) if label in RESPONDER_WORDS else label


def headline(escalation: Escalation) -> str:
    """`RED #7 Inventory of SKU-9 below safety line` (the summary escaped); a drill's begins with
    DRILL, wherever it is shown (posts, pages, notification texts, lists)."""
    if escalation.drill:
        return tr(
            "DRILL {severity} #{number} {summary}",
            severity=severity_tag(escalation.severity),
            number=escalation.number,
            summary=escape(escalation.summary),
        )
    return tr(
        "{severity} #{number} {summary}",
        severity=severity_tag(escalation.severity),
        number=escalation.number,
        summary=escape(escalation.summary),
    )


def state_sentence(escalation: Escalation) -> str:
    """Where the escalation stands, who put it there and when."""
    number = escalation.number
    if escalation.status == EscalationStatus.RESOLVED:
        return tr("#{number} was resolved by {person}.", number=number, person=person(escalation.resolved_by))
    if escalation.status == EscalationStatus.ACKNOWLEDGED:
        return tr("#{number} was acknowledged by {person}.", number=number, person=person(escalation.acknowledged_by))
    if escalation.status == EscalationStatus.EXHAUSTED:
        return tr("#{number} is unacknowledged: the whole response chain was paged.", number=number)
    return tr("#{number} is open and not yet acknowledged.", number=number)


def already(escalation: Escalation, now: datetime) -> str:
    when = escalation.resolved_at or escalation.acknowledged_at
    since = tr(" {age} ago", age=ago(now - when)) if when else ""
    state = state_sentence(escalation).removesuffix(".").removesuffix("。")
    return tr("{state}{since}; nothing was changed.", state=state, since=since)


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


def _status_line(escalation: Escalation) -> tuple[str, str]:
    """The emoji and the sentence of where the escalation stands, for the card."""
    if escalation.status == EscalationStatus.RESOLVED and escalation.resolved_at:
        who, at = person(escalation.resolved_by), slack_time(escalation.resolved_at)
        after = ago(escalation.resolved_at - escalation.raised_at)
        if escalation.resolution_note:
            return ":white_check_mark:", tr(
                "Resolved by {person} at {time}, after {after}: {note}",
                person=who,
                time=at,
                after=after,
                note=escape(escalation.resolution_note),
            )
        return ":white_check_mark:", tr(
            "Resolved by {person} at {time}, after {after}", person=who, time=at, after=after
        )
    if escalation.acknowledged_at:
        return ":eyes:", tr(
            "Acknowledged by {person} at {time}, after {after}",
            person=person(escalation.acknowledged_by),
            time=slack_time(escalation.acknowledged_at),
            after=ago(escalation.acknowledged_at - escalation.raised_at),
        )
    if escalation.status == EscalationStatus.EXHAUSTED:
        return ":rotating_light:", tr("Nobody acknowledged: the whole response chain was paged")
    return ":hourglass_flowing_sand:", tr("Waiting for an acknowledgement")


def card(escalation: Escalation, *, now: datetime, missing_tier1: bool = False) -> Message:
    """The escalation as the channel and every paged person see it, with the buttons its state allows."""
    emoji, status = _status_line(escalation)
    lines = [f"{EMOJI[Severity(escalation.severity)]} *{headline(escalation)}*"]
    if escalation.area:
        lines.append(tr("*Area:* {area}", area=escape(escalation.area)))
    if escalation.details:
        lines.append(escape(escalation.details))
    if escalation.plan_key:
        lines.append(
            tr(
                "*Plan:* {title} (`{key}`), checklist in the thread",
                title=escape(escalation.plan_title or ""),
                key=escalation.plan_key,
            )
        )
    if escalation.source_link:
        lines.append(tr("*From:* <{link}|the message it was raised from>", link=escalation.source_link))
    blocks = [
        section("\n".join(lines)),
        context(f"{emoji} " + tr("{status} · raised by {person}", status=status, person=raiser(escalation))),
    ]
    if escalation.drill:
        blocks.append(context(":performing_arts: " + tr(DRILL_NOTE)))
    if missing_tier1:
        blocks.append(context(f":warning: {tr(MISSING_TIER1)}"))
    buttons = []
    if escalation.status in (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED):
        buttons.append(_button(tr("Acknowledge"), ActionId.ACKNOWLEDGE, escalation, style="primary"))
    if escalation.status != EscalationStatus.RESOLVED:
        buttons.append(_button(tr("Resolve"), ActionId.RESOLVE, escalation))
    if buttons:
        blocks.append({"type": "actions", "block_id": BlockId.ESCALATION_ACTIONS, "elements": buttons})
    return message(tr("{headline} — {status}", headline=headline(escalation), status=status), blocks)


def page(escalation: Escalation, *, deadline: timedelta, now: datetime) -> Message:
    """A DM page: the card, with a notification text that reads well on a locked phone."""
    return Message(
        text=tr(
            "{headline} — acknowledge within {deadline}", headline=headline(escalation), deadline=say_duration(deadline)
        ),
        blocks=card(escalation, now=now).blocks,
    )


def paged_line(user_id: str, responder: str, deadline: timedelta) -> str:
    return tr(
        "Paged {person} ({responder}); acknowledge within {deadline}.",
        person=mention(user_id),
        responder=responder_word(responder),
        deadline=say_duration(deadline),
    )


def repeat_line(round_number: int) -> str:
    return tr(
        "Nobody acknowledged after the whole chain was paged: starting again (round {round}).", round=round_number
    )


def acknowledged_line(escalation: Escalation) -> str:
    assert escalation.acknowledged_at is not None
    return _acknowledged(escalation.acknowledged_by, escalation.acknowledged_at - escalation.raised_at)


def _acknowledged(user_id: str | None, after: timedelta) -> str:
    return tr("Acknowledged by {person} after {after}.", person=person(user_id), after=ago(after))


def resolved_line(escalation: Escalation) -> str:
    assert escalation.resolved_at is not None
    return _resolved(escalation.resolved_by, escalation.resolved_at - escalation.raised_at, escalation.resolution_note)


def _resolved(user_id: str | None, after: timedelta, note: str | None) -> str:
    if note:
        return tr(
            "Resolved by {person} after {after}. Note: {note}",
            person=person(user_id),
            after=ago(after),
            note=escape(note),
        )
    return tr("Resolved by {person} after {after}.", person=person(user_id), after=ago(after))


def event_line(event: EscalationEvent) -> str:
    """A timeline event as its line in the escalation's thread, rendered from its data."""
    data = event.data or {}
    match event.kind:
        case EventKind.RAISED if data.get("from"):
            return tr("Raised by {person} from <{link}|this message>.", person=person(event.actor), link=data["from"])
        case EventKind.RAISED:
            return tr("Raised by {person}.", person=person(event.actor))
        case EventKind.PLAN:
            return plan_started_line(data)
        case EventKind.STEP_DONE:
            return tr(
                "Step {position} done by {person}: {text}",
                position=data["position"],
                person=person(event.actor),
                text=escape(data["text"]),
            )
        case EventKind.STEP_LATE:
            return step_late_line(data)
        case EventKind.BREACHED:
            return breach_line(data)
        case EventKind.NUDGED:
            return tr("Asked {person} for an update.", person=mention(data["user"]))
        case EventKind.UPDATE:
            return tr("Update from {person}: {text}", person=person(event.actor), text=escape(data["text"]))
        case EventKind.READING:
            return tr("Reading: {line}", line=reading_line(*from_reading(data)))
        case EventKind.RECOVERED:
            return tr("{emoji} Recovered: {line}", emoji=LIGHT_EMOJI["green"], line=reading_line(*from_reading(data)))
        case EventKind.SEVERITY:
            return tr(
                "The light got worse: severity raised from {before} to {after}.",
                before=severity_tag(data["from"]),
                after=severity_tag(data["to"]),
            )
        case EventKind.ROSTER:
            return tr(MISSING_TIER1)
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


def plan_started_line(data: dict[str, Any]) -> str:
    told = tr(" {lead} (its department's lead) was told.", lead=mention(data["told"][0])) if data.get("told") else ""
    return tr(
        "Plan *{title}* (`{key}`) started: {steps} steps, the checklist follows.{told}",
        title=escape(data["title"]),
        key=data["key"],
        steps=data["steps"],
        told=told,
    )


def step_late_line(data: dict[str, Any]) -> str:
    within = say_duration(timedelta(seconds=data["within_seconds"] or 0))
    who = " ".join(mention(user) for user in data.get("told", []))
    return tr(
        ":alarm_clock: Step {position} is past its time box ({within}): {text} — {who}",
        position=data["position"],
        within=within,
        text=escape(data["text"]),
        who=who,
    )


def breach_line(data: dict[str, Any]) -> str:
    return tr(
        ":hourglass: Not resolved within {deadline}, its resolve-by deadline; the commander was told.",
        deadline=say_duration(timedelta(seconds=data["deadline_seconds"])),
    )


def step_late_dm(escalation: Escalation, data: dict[str, Any]) -> Message:
    """A plan step past its time box, for its role's holder."""
    text = tr("{headline}: {line}", headline=headline(escalation), line=step_late_line(data))
    return message(text, [section(text)])


def breach_dm(escalation: Escalation, data: dict[str, Any]) -> Message:
    """An escalation past its resolve-by deadline, for the commanders."""
    text = tr(
        "{headline} is not resolved after {deadline}, its resolve-by deadline. Where does it stand?",
        headline=headline(escalation),
        deadline=say_duration(timedelta(seconds=data["deadline_seconds"])),
    )
    return message(text, [section(f":hourglass: {text}")])


def plan_started_dm(escalation: Escalation, data: dict[str, Any]) -> Message:
    """The owning department's lead: their plan started on this escalation."""
    text = tr(
        "{headline}: plan *{title}*, which your department owns, started; its checklist is in the thread.",
        headline=headline(escalation),
        title=escape(data["title"]),
    )
    return message(text, [section(text)])


def nudge(escalation: Escalation, data: dict[str, Any]) -> Message:
    """A DM to whoever acknowledged a quiet escalation: post an update, with a button for the form."""
    quiet = data.get("quiet_seconds")
    text = (
        tr(
            "{headline}: nothing new in its thread for {quiet}. Post an update for the war room.",
            headline=headline(escalation),
            quiet=say_duration(timedelta(seconds=quiet)),
        )
        if quiet
        else tr("{headline}: post an update for the war room.", headline=headline(escalation))
    )
    button = _button(tr("Post an update"), ActionId.POST_UPDATE, escalation, style="primary")
    return message(
        text, [section(text), {"type": "actions", "block_id": BlockId.ESCALATION_ACTIONS, "elements": [button]}]
    )


def update_modal(escalation: Escalation) -> dict[str, Any]:
    update = text_input(BlockId.UPDATE, tr("Update"), placeholder=tr("Where it stands, what comes next, by when"))
    update["element"]["multiline"] = True
    update["element"]["max_length"] = 2000
    return {
        "type": "modal",
        "callback_id": CallbackId.POST_UPDATE,
        "private_metadata": ModalContext(escalation_id=escalation.id, shown_status=escalation.status).dump(),
        "title": {"type": "plain_text", "text": tr("Update #{number}", number=escalation.number)},
        "submit": {"type": "plain_text", "text": tr("Post")},
        "blocks": [section(f"*{headline(escalation)}*"), update],
    }


def checklist(escalation: Escalation, steps: list[PlanStep], *, now: datetime) -> Message:
    """The plan's steps in the escalation's thread: one Done button per open step, and who did
    each one and when; redrawn in place on every change."""
    done = sum(step.done_at is not None for step in steps)
    title = tr(
        "*Plan: {title}* — {done} of {total} steps done",
        title=escape(escalation.plan_title or escalation.plan_key or ""),
        done=done,
        total=len(steps),
    )
    blocks = [section(f":clipboard: {title}")]
    open_ = escalation.status != EscalationStatus.RESOLVED
    for step in steps:
        block = section(_step_line(escalation, step, now))
        block["block_id"] = step_block(step.position)
        if step.done_at is None and open_:
            block["accessory"] = {
                "type": "button",
                "action_id": ActionId.STEP_DONE,
                "text": {"type": "plain_text", "text": tr("Done")},
                "value": str(step.id),
            }
        blocks.append(block)
    return message(
        tr(
            "{headline} — plan checklist, {done} of {total} done",
            headline=headline(escalation),
            done=done,
            total=len(steps),
        ),
        blocks,
    )


def _step_line(escalation: Escalation, step: PlanStep, now: datetime) -> str:
    text = escape(step.text)
    if step.done_at is not None:
        return ":white_check_mark: " + tr(
            "~{position}. {text}~ — done by {person} at {time}",
            position=step.position,
            text=text,
            person=person(step.done_by),
            time=slack_time(step.done_at),
        )
    role = tr(" · {role}", role=role_label(step.role)) if step.role else ""
    if step.within_seconds is None:
        return ":white_large_square: " + tr("{position}. {text}{role}", position=step.position, text=text, role=role)
    by = escalation.raised_at + timedelta(seconds=step.within_seconds)
    emoji = ":alarm_clock:" if step.late_at is not None or by <= now else ":white_large_square:"
    return f"{emoji} " + tr(
        "{position}. {text}{role} · within {within} (by {time})",
        position=step.position,
        text=text,
        role=role,
        within=say_duration(timedelta(seconds=step.within_seconds)),
        time=slack_time(by),
    )


def step_already(step: PlanStep, now: datetime) -> str:
    """A Done tap on a step that someone already marked done."""
    assert step.done_at is not None
    return tr(
        "Step {position} was done by {person} {age} ago; nothing was changed.",
        position=step.position,
        person=person(step.done_by),
        age=ago(now - step.done_at),
    )


def raiser(escalation: Escalation) -> str:
    """Who raised it: a person, or the light of its KPI (`the red light of inventory`)."""
    if escalation.raised_by != AUTOMATIC or escalation.light is None:
        return person(escalation.raised_by)
    return tr("the {light} light of {area}", light=light_word(escalation.light), area=escape(escalation.area or ""))


def resolve_offer(escalation: Escalation) -> Message:
    """A light-raised escalation's KPI is green again: Resolve, for whoever owns it."""
    text = tr(
        "{emoji} {headline}: its KPI is green again. Resolve it if the problem is over.",
        emoji=LIGHT_EMOJI["green"],
        headline=headline(escalation),
    )
    button = _button(tr("Resolve"), ActionId.RESOLVE, escalation, style="primary")
    return message(
        text, [section(text), {"type": "actions", "block_id": BlockId.ESCALATION_ACTIONS, "elements": [button]}]
    )


def exhausted_alert(escalation: Escalation, commander_ids: list[str]) -> Message:
    leads = " ".join(mention(user) for user in commander_ids)
    text = "<!here> " + tr(
        "Nobody acknowledged {headline}: the whole response chain was paged. "
        "{leads}, please take it or hand it to someone.",
        headline=headline(escalation),
        leads=leads,
    )
    return message(text, [section(f":rotating_light: {text}")])


def exhausted_line() -> str:
    return tr("Nobody acknowledged after the whole chain was paged: the channel and the commander were told.")


def thread_line(text: str) -> Message:
    return message(text, [context(text)])


def open_counts(summary: EscalationSummary) -> str:
    """`2 red, 1 yellow (oldest unacknowledged 12m)`, or `none`."""
    if not summary.open:
        return tr("none")
    counts = [severity_count(severity, count) for severity, count in summary.by_severity.items() if count]
    waiting = summary.oldest_unacknowledged_seconds
    oldest = tr(" (oldest unacknowledged {age})", age=ago(timedelta(seconds=waiting))) if waiting is not None else ""
    lights = tr(", {count} raised by lights", count=summary.from_lights) if summary.from_lights else ""
    late = tr(", {count} past resolve-by", count=summary.breached) if summary.breached else ""
    return ("、" if in_chinese() else ", ").join(counts) + lights + late + oldest


def open_summary(summary: EscalationSummary) -> str:
    """`open escalations: 2 red, 1 yellow (oldest unacknowledged 12m)`, for the digest and the list."""
    return tr("open escalations: {counts}", counts=open_counts(summary))


def escalation_list(escalations: list[Escalation], now: datetime) -> Message:
    if not escalations:
        empty = tr("No open escalations.")
        return message(empty, [section(f"{empty} :tada:")])
    lines = [
        f"{EMOJI[Severity(e.severity)]} "
        + tr(LIST_LINES[EscalationStatus(e.status)], headline=headline(e), age=ago(now - e.raised_at))
        for e in escalations
    ]
    from warroom_bot.escalations.views import summarize  # views import the service, which imports this module

    return message(sentence(open_summary(summarize(escalations, now))), [section("\n".join(lines))])


SEVERITY_LABELS = {
    Severity.RED: N_("Red (critical)"),
    Severity.ORANGE: N_("Orange (high)"),
    Severity.YELLOW: N_("Yellow (medium)"),
    Severity.BLUE: N_("Blue (low)"),
}


def raise_modal(
    channel_id: str,
    plans: list[Plan],
    *,
    summary_text: str | None = None,
    details_text: str | None = None,
    source_link: str | None = None,
) -> dict[str, Any]:
    """The `/escalate` form; "Escalate this message" opens it filled in with the message."""
    options = [
        {"text": {"type": "plain_text", "text": tr(SEVERITY_LABELS[severity])}, "value": severity}
        for severity in reversed(Severity)
    ]
    summary = text_input(
        BlockId.SUMMARY, tr("Summary"), placeholder=tr("Inventory of SKU-9 below safety line"), initial=summary_text
    )
    summary["element"]["max_length"] = 200
    area = text_input(BlockId.AREA, tr("Area or KPI"), placeholder=tr("inventory, South region"), optional=True)
    details = text_input(
        BlockId.DETAILS,
        tr("Details"),
        placeholder=tr("What you see, since when"),
        initial=details_text,
        optional=True,
    )
    details["element"]["multiline"] = True
    plan_options = [
        {"text": {"type": "plain_text", "text": truncate(f"{plan.title} ({plan.key})", 75)}, "value": plan.key}
        for plan in plans[:100]
    ]
    plan = {
        "type": "input",
        "block_id": BlockId.PLAN,
        "optional": True,
        "label": {"type": "plain_text", "text": tr("Emergency plan")},
        "element": {"type": "static_select", "action_id": ActionId.INPUT, "options": plan_options},
    }
    return {
        "type": "modal",
        "callback_id": CallbackId.RAISE_ESCALATION,
        "private_metadata": ModalContext(channel_id=channel_id, source_link=source_link).dump(),
        "title": {"type": "plain_text", "text": tr("Raise an escalation")},
        "submit": {"type": "plain_text", "text": tr("Raise")},
        "blocks": [
            {
                "type": "input",
                "block_id": BlockId.SEVERITY,
                "label": {"type": "plain_text", "text": tr("Severity")},
                "element": {"type": "static_select", "action_id": ActionId.INPUT, "options": options},
            },
            summary,
            area,
            details,
            plan,
        ],
    }


def resolve_modal(escalation: Escalation) -> dict[str, Any]:
    note = text_input(
        BlockId.NOTE, tr("What fixed it?"), placeholder=tr("Restocked from the East warehouse"), optional=True
    )
    note["element"]["multiline"] = True
    note["element"]["max_length"] = 500
    return {
        "type": "modal",
        "callback_id": CallbackId.RESOLVE_ESCALATION,
        "private_metadata": ModalContext(escalation_id=escalation.id, shown_status=escalation.status).dump(),
        "title": {"type": "plain_text", "text": tr("Resolve #{number}", number=escalation.number)},
        "submit": {"type": "plain_text", "text": tr("Resolve")},
        "blocks": [section(f"*{headline(escalation)}*"), note],
    }
