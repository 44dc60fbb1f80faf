"""Messages and views of the daily retrospective: the prompt, the reminder, the modal, the morning
summary, and the action items."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from warroom_bot.budget.render import burn_line, yuan
from warroom_bot.core.blocks import (
    Message,
    ago,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
    text_input,
    truncate,
)
from warroom_bot.core.db import stored_id
from warroom_bot.core.i18n import tr_n
from warroom_bot.core.ids import (
    ActionId,
    ActionItemPart,
    BlockId,
    CallbackId,
    ModalContext,
    action_item_block,
    retro_tap_value,
)
from warroom_bot.escalations.views import mtta
from warroom_bot.metrics.render import score, standing
from warroom_bot.models import ActionItem, Campaign, Escalation, RetroDay, Severity

if TYPE_CHECKING:
    from warroom_bot.digest.snapshot import Snapshot
    from warroom_bot.retros.service import DayReview, Form, Saved

MODAL_ACTION_ITEMS = 3
THREE_STEPS = "1. targets vs actual · 2. problems and their causes · 3. adjustments for tomorrow"


def day_name(day: date) -> str:
    return f"{day:%a %d %b}"


# -- the day's figures (plain text: they pre-fill a modal input) -------------------------------------


def figures(snapshot: Snapshot, raised: list[Escalation], *, spent_that_day: int) -> str:
    """KPI attainment, the escalations raised that day with their MTTA, and the budget used."""
    lines = [
        f"{status.label}: {standing(status)} · {score(status)} · {status.light or 'no light'}"
        for status in snapshot.kpis
        if status.value is not None
    ] or ["No KPI readings yet."]
    if raised:
        severities = ", ".join(
            f"{sum(e.severity == s for e in raised)} {s}"
            for s in reversed(Severity)
            if any(e.severity == s for e in raised)
        )
        mean = mtta(raised)
        acknowledged = f"MTTA {ago(mean)}" if mean is not None else "none acknowledged"
        lines.append(f"Escalations raised: {len(raised)} ({severities}); {acknowledged}")
    else:
        lines.append("Escalations raised: none")
    if snapshot.budget:
        lines.append(f"Budget: {yuan(spent_that_day)} spent that day; {burn_line(snapshot.budget)}")
    return "\n".join(lines)


# -- the prompt and the reminder -------------------------------------------------------------------------


def _write_button(campaign: Campaign, day: date) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": BlockId.RETRO_ACTIONS,
        "elements": [
            {
                "type": "button",
                "action_id": ActionId.WRITE_RETRO,
                "text": {"type": "plain_text", "text": "Write my retro"},
                "style": "primary",
                "value": retro_tap_value(stored_id(campaign), day),
            }
        ],
    }


def prompt(campaign: Campaign, retro_day: RetroDay, answered: list[str]) -> Message:
    """The evening post; updated in place as people answer."""
    day = day_name(retro_day.day)
    who = (
        f"Answered ({len(answered)}): {', '.join(mention(user) for user in answered)}"
        if answered
        else "No answers yet."
    )
    text = (
        f"Daily retro of {escape(campaign.name)}, {day}: how did the day go? "
        f"Tap Write my retro or run /warroom retro. {who}"
    )
    return message(
        text,
        [
            header(f"Daily retro — {day}"),
            section(f"*The day's figures*\n```{escape(retro_day.figures)}```"),
            section(f"Three steps: {THREE_STEPS}. Problems can become action items with an owner and a due date."),
            _write_button(campaign, retro_day.day),
            context(who),
        ],
    )


def reminder(campaign: Campaign, retro_day: RetroDay) -> Message:
    text = (
        f"Reminder: your retro of {escape(campaign.name)} for {day_name(retro_day.day)} is not written yet. "
        "It takes two minutes."
    )
    return message(text, [section(f":memo: {text}"), _write_button(campaign, retro_day.day)])


# -- the modal -------------------------------------------------------------------------------------------


def _multiline(block_id: str, label: str, placeholder: str, initial: str | None) -> dict[str, Any]:
    block = text_input(block_id, label, placeholder=placeholder, initial=initial)
    block["element"].update(multiline=True, max_length=3000)
    return block


def _item_inputs(index: int, item: ActionItem | None) -> list[dict[str, Any]]:
    def text(part: ActionItemPart, label: str, placeholder: str, initial: str | None) -> dict[str, Any]:
        block = text_input(
            action_item_block(index, part), label, placeholder=placeholder, initial=initial, optional=True
        )
        block["element"]["max_length"] = 300
        return block

    owner: dict[str, Any] = {"type": "users_select", "action_id": ActionId.INPUT}
    due: dict[str, Any] = {"type": "datepicker", "action_id": ActionId.INPUT}
    if item is not None:
        owner["initial_user"] = item.owner
        due["initial_date"] = item.due.isoformat()
    return [
        context(f"*Action item {index}* (optional)"),
        text(ActionItemPart.PROBLEM, "Problem", "SKU-9 sold out at 22:00", item.problem if item else None),
        text(ActionItemPart.CAUSE, "Cause", "Safety stock set for a normal day", item.cause if item else None),
        text(
            ActionItemPart.ACTION, "Action", "Move 2,000 units from the East warehouse", item.action if item else None
        ),
        {
            "type": "input",
            "block_id": action_item_block(index, ActionItemPart.OWNER),
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": owner,
        },
        {
            "type": "input",
            "block_id": action_item_block(index, ActionItemPart.DUE),
            "optional": True,
            "label": {"type": "plain_text", "text": "Due"},
            "element": due,
        },
    ]


def modal(form: Form) -> dict[str, Any]:
    entry = form.entry
    items: list[ActionItem | None] = [*form.items[:MODAL_ACTION_ITEMS]]
    items += [None] * (MODAL_ACTION_ITEMS - len(items))
    editing = (
        [
            context(
                f"You wrote this retro at {local_time(entry.edited_at or entry.submitted_at, form.campaign.timezone)}; saving replaces it."
            )
        ]
        if entry
        else []
    )
    return {
        "type": "modal",
        "callback_id": CallbackId.RETRO,
        "private_metadata": ModalContext(campaign_id=form.campaign.id, day=form.day).dump(),
        "title": {"type": "plain_text", "text": truncate(f"Retro {form.day:%a %d %b}", 24)},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            section(f"*{escape(form.campaign.name)}* — the retrospective of {day_name(form.day)}."),
            *editing,
            _multiline(
                BlockId.TARGETS_VS_ACTUAL,
                "1. Targets vs actual",
                "What reached its target, what did not",
                entry.targets_vs_actual if entry else form.figures,
            ),
            _multiline(
                BlockId.PROBLEMS,
                "2. Problems and their causes",
                "What went wrong, and why",
                entry.problems if entry else None,
            ),
            _multiline(
                BlockId.ADJUSTMENTS,
                "3. Adjustments for tomorrow",
                "What we change tomorrow",
                entry.adjustments if entry else None,
            ),
            *(block for index, item in enumerate(items, start=1) for block in _item_inputs(index, item)),
        ],
    }


def saved(campaign: Campaign, result: Saved) -> dict[str, Any]:
    """What the modal turns into once saved (`response_action: update`)."""
    day = day_name(result.entry.day)
    if result.replaced is not None:
        done = f"Your retro for {day} is saved. It replaced the one you wrote at {local_time(result.replaced, campaign.timezone)}."
    else:
        done = f"Your retro for {day} is saved. Thank you!"
    if result.items:
        done += f" {tr_n('{count} action item', '{count} action items', len(result.items))}: " + "; ".join(
            f"#{item.id} {escape(item.action)}" for item in result.items
        )
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Retro saved"},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [section(f":white_check_mark: {done}")],
    }


# -- the morning summary ---------------------------------------------------------------------------------


def _bullets(text: str) -> list[str]:
    return [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]


def summary(campaign: Campaign, review: DayReview) -> Message:
    day = day_name(review.day)
    answered = [entry.user_id for entry in review.entries]
    missing = sorted(review.roster - set(answered))
    who = f"Answered ({len(answered)}): {', '.join(mention(u) for u in answered) or 'nobody'}."
    if missing:
        who += f" No answer from: {', '.join(mention(u) for u in missing)}."
    problems: dict[str, list[str]] = defaultdict(list)
    for entry in review.entries:
        group = review.departments.get(entry.user_id, "others")
        problems[group] += [f"{escape(line)} ({mention(entry.user_id)})" for line in _bullets(entry.problems)]
    adjustments = [
        f"• {escape(line)} ({mention(entry.user_id)})"
        for entry in review.entries
        for line in _bullets(entry.adjustments)
    ]
    text = (
        f"Retro summary of {escape(campaign.name)}, {day}: {len(answered)} answered, "
        f"{tr_n('{count} problem', '{count} problems', sum(map(len, problems.values())))}, {tr_n('{count} adjustment', '{count} adjustments', len(adjustments))}, "
        f"{tr_n('{count} action item', '{count} action items', len(review.items))}."
    )
    blocks = [header(f"Retro summary — {day}"), section(who)]
    if problems:
        blocks.append(
            section(
                "*Problems, by department*\n"
                + "\n".join(
                    f"*{escape(group)}*\n" + "\n".join(f"• {line}" for line in lines)
                    for group, lines in sorted(problems.items())
                )
            )
        )
    if adjustments:
        blocks.append(section("*Adjustments agreed for today*\n" + "\n".join(adjustments)))
    if review.items:
        blocks.append(section("*New action items*\n" + "\n".join(f"• {item_line(item)}" for item in review.items)))
    if not review.entries:
        blocks.append(section(f"Nobody wrote a retro for {day}."))
    return message(text, blocks)


# -- action items ----------------------------------------------------------------------------------------


def item_line(item: ActionItem) -> str:
    """`#3 Move 2,000 units from East — <@U1>, due Thu 12 Nov (problem: …; cause: …)`"""
    cause = f"; cause: {escape(item.cause)}" if item.cause else ""
    return (
        f"#{item.id} {escape(item.action)} — {mention(item.owner)}, due {day_name(item.due)} "
        f"(problem: {escape(item.problem)}{cause})"
    )


def action_list(items: list[ActionItem], today: date) -> Message:
    """Open action items, each with a Done button (its owner or the commander may tap it)."""
    if not items:
        return message("No open action items.", [section(":white_check_mark: No open action items.")])
    blocks: list[dict[str, Any]] = [section(f"*Open action items ({len(items)})*")]
    for item in items:
        overdue = " · *overdue*" if item.due < today else ""
        blocks.append(
            {
                **section(item_line(item) + overdue),
                "accessory": {
                    "type": "button",
                    "action_id": ActionId.CLOSE_ACTION_ITEM,
                    "text": {"type": "plain_text", "text": "Done"},
                    "value": str(item.id),
                },
            }
        )
    text = f"{tr_n('{count} open action item', '{count} open action items', len(items))}: " + "; ".join(
        f"#{item.id} {escape(item.action)}" for item in items
    )
    return message(text, blocks)


def item_closed(item: ActionItem) -> Message:
    text = f"Action item #{item.id} done: {escape(item.action)} (closed by {mention(item.closed_by)})."
    return message(text, [context(f":white_check_mark: {text}")])
