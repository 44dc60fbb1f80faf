"""Messages and views of the daily retrospective: the prompt, the reminder, the modal, the morning
summary, and the action items."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from warroom_bot.budget.render import burn_line, yuan
from warroom_bot.campaigns.render import role_label
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
from warroom_bot.core.i18n import N_, listing, tr, tr_n
from warroom_bot.core.ids import (
    ActionId,
    ActionItemPart,
    BlockId,
    CallbackId,
    ModalContext,
    action_item_block,
    retro_tap_value,
)
from warroom_bot.escalations.render import severity_count
from warroom_bot.escalations.views import mtta
from warroom_bot.metrics.render import NO_LIGHT, kpi_name, light_word, score, standing
from warroom_bot.models import ActionItem, ActionStatus, Campaign, RetroDay, Severity
from warroom_bot.retros.service import day_name
from warroom_bot.tasks.render import completion_line

if TYPE_CHECKING:
    from warroom_bot.retros.service import DayFigures, DayReview, Form, Saved

MODAL_ACTION_ITEMS = 3
THREE_STEPS = N_("1. targets vs actual · 2. problems and their causes · 3. adjustments for tomorrow")

# Severities alone, as the report's tables show them (counted, they are `escalations.render.severity_count`).
SEVERITY_WORDS = {
    Severity.RED: N_("red severity"),
    Severity.ORANGE: N_("orange severity"),
    Severity.YELLOW: N_("yellow severity"),
    Severity.BLUE: N_("blue severity"),
}
# The departments as `Roster.departments` writes them (`supply chain`); a role otherwise.
DEPARTMENT_WORDS = {
    "marketing": N_("marketing"),
    "sales": N_("sales"),
    "supply chain": N_("supply chain"),
    "customer service": N_("customer service"),
    "finance": N_("finance"),
    "tech": N_("tech"),
    "logistics": N_("logistics"),
    "others": N_("others"),
}
ITEM_STATUS_WORDS = {ActionStatus.OPEN: N_("open"), ActionStatus.DONE: N_("done")}


def severity_word(severity: str) -> str:
    """`red` (红色): the word, without `severity` (the msgid says it to keep it apart from the light)."""
    return tr(SEVERITY_WORDS[Severity(severity)]).removesuffix(" severity")


def department(group: str) -> str:
    """A department or role of the retro's summary and report, as people read it."""
    return tr(DEPARTMENT_WORDS[group]) if group in DEPARTMENT_WORDS else role_label(group)


def item_status(status: str) -> str:
    return tr(ITEM_STATUS_WORDS[ActionStatus(status)])


# -- the day's figures (plain text: they pre-fill a modal input) -------------------------------------


def figures(day: DayFigures) -> str:
    """KPI attainment, the escalations raised that day with their MTTA, the budget used, and the day's
    tasks done on time."""
    snapshot, raised, spent_that_day = day.snapshot, day.raised, day.spent_that_day
    lines = [
        tr(
            "{kpi}: {standing} · {score} · {light}",
            kpi=kpi_name(status.label),
            standing=standing(status),
            score=score(status),
            light=light_word(status.light, NO_LIGHT),
        )
        for status in snapshot.kpis
        if status.value is not None
    ] or [tr("No KPI readings yet.")]
    if raised:
        severities = listing(
            [
                severity_count(s, sum(e.severity == s for e in raised))
                for s in reversed(Severity)
                if any(e.severity == s for e in raised)
            ],
            ", ",
        )
        mean = mtta(raised)
        acknowledged = tr("MTTA {time}", time=ago(mean)) if mean is not None else tr("none acknowledged")
        lines.append(
            tr(
                "Escalations raised: {count} ({severities}); {acknowledged}",
                count=len(raised),
                severities=severities,
                acknowledged=acknowledged,
            )
        )
    else:
        lines.append(tr("Escalations raised: none"))
    if snapshot.budget:
        lines.append(
            tr("Budget: {spent} spent that day; {burn}", spent=yuan(spent_that_day), burn=burn_line(snapshot.budget))
        )
    if day.tasks.due:
        lines.append(completion_line(tr("The day's tasks"), day.tasks, mark=False))
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
                "text": {"type": "plain_text", "text": tr("Write my retro")},
                "style": "primary",
                "value": retro_tap_value(stored_id(campaign), day),
            }
        ],
    }


def _people(users: list[str]) -> str:
    return listing([mention(user) for user in users], ", ")


def prompt(campaign: Campaign, retro_day: RetroDay, answered: list[str]) -> Message:
    """The evening post; updated in place as people answer."""
    day = day_name(retro_day.day)
    who = (
        tr("Answered ({count}): {people}", count=len(answered), people=_people(answered))
        if answered
        else tr("No answers yet.")
    )
    text = tr(
        "Daily retro of {name}, {day}: how did the day go? Tap Write my retro or run /warroom retro. {who}",
        name=escape(campaign.name),
        day=day,
        who=who,
    )
    return message(
        text,
        [
            header(tr("Daily retro — {day}", day=day)),
            section(tr("*The day's figures*\n```{figures}```", figures=escape(retro_day.figures))),
            section(
                tr(
                    "Three steps: {steps}. Problems can become action items with an owner and a due date.",
                    steps=tr(THREE_STEPS),
                )
            ),
            _write_button(campaign, retro_day.day),
            context(who),
        ],
    )


def reminder(campaign: Campaign, retro_day: RetroDay) -> Message:
    text = tr(
        "Reminder: your retro of {name} for {day} is not written yet. It takes two minutes.",
        name=escape(campaign.name),
        day=day_name(retro_day.day),
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
        context(tr("*Action item {index}* (optional)", index=index)),
        text(ActionItemPart.PROBLEM, tr("Problem"), tr("SKU-9 sold out at 22:00"), item.problem if item else None),
        text(ActionItemPart.CAUSE, tr("Cause"), tr("Safety stock set for a normal day"), item.cause if item else None),
        text(
            ActionItemPart.ACTION,
            tr("Action"),
            tr("Move 2,000 units from the East warehouse"),
            item.action if item else None,
        ),
        {
            "type": "input",
            "block_id": action_item_block(index, ActionItemPart.OWNER),
            "optional": True,
            "label": {"type": "plain_text", "text": tr("Owner")},
            "element": owner,
        },
        {
            "type": "input",
            "block_id": action_item_block(index, ActionItemPart.DUE),
            "optional": True,
            "label": {"type": "plain_text", "text": tr("Due")},
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
                tr(
                    "You wrote this retro at {time}; saving replaces it.",
                    time=local_time(entry.edited_at or entry.submitted_at, form.campaign.timezone),
                )
            )
        ]
        if entry
        else []
    )
    return {
        "type": "modal",
        "callback_id": CallbackId.RETRO,
        "private_metadata": ModalContext(campaign_id=form.campaign.id, day=form.day).dump(),
        "title": {"type": "plain_text", "text": truncate(tr("Retro {day}", day=day_name(form.day)), 24)},
        "submit": {"type": "plain_text", "text": tr("Save")},
        "blocks": [
            section(
                tr(
                    "*{name}* — the retrospective of {day}.",
                    name=escape(form.campaign.name),
                    day=day_name(form.day),
                )
            ),
            *editing,
            _multiline(
                BlockId.TARGETS_VS_ACTUAL,
                tr("1. Targets vs actual"),
                tr("What reached its target, what did not"),
                entry.targets_vs_actual if entry else form.figures,
            ),
            _multiline(
                BlockId.PROBLEMS,
                tr("2. Problems and their causes"),
                tr("What went wrong, and why"),
                entry.problems if entry else None,
            ),
            _multiline(
                BlockId.ADJUSTMENTS,
                tr("3. Adjustments for tomorrow"),
                tr("What we change tomorrow"),
                entry.adjustments if entry else None,
            ),
            *(block for index, item in enumerate(items, start=1) for block in _item_inputs(index, item)),
        ],
    }


def _item_titles(items: list[ActionItem]) -> str:
    return listing([f"#{item.id} {escape(item.action)}" for item in items])


def saved(campaign: Campaign, result: Saved) -> dict[str, Any]:
    """What the modal turns into once saved (`response_action: update`)."""
    day = day_name(result.entry.day)
    if result.replaced is not None:
        done = tr(
            "Your retro for {day} is saved. It replaced the one you wrote at {time}.",
            day=day,
            time=local_time(result.replaced, campaign.timezone),
        )
    else:
        done = tr("Your retro for {day} is saved. Thank you!", day=day)
    if result.items:
        done += " " + tr_n(
            "{count} action item: {items}",
            "{count} action items: {items}",
            len(result.items),
            items=_item_titles(result.items),
        )
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": tr("Retro saved")},
        "close": {"type": "plain_text", "text": tr("Done")},
        "blocks": [section(f":white_check_mark: {done}")],
    }


# -- the morning summary ---------------------------------------------------------------------------------


def _bullets(text: str) -> list[str]:
    return [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]


def summary(campaign: Campaign, review: DayReview) -> Message:
    day = day_name(review.day)
    answered = [entry.user_id for entry in review.entries]
    missing = sorted(review.roster - set(answered))
    who = tr("Answered ({count}): {people}.", count=len(answered), people=_people(answered) or tr("nobody"))
    if missing:
        who += " " + tr("No answer from: {people}.", people=_people(missing))
    problems: dict[str, list[str]] = defaultdict(list)
    for entry in review.entries:
        group = department(review.departments.get(entry.user_id, "others"))
        problems[group] += [f"{escape(line)} ({mention(entry.user_id)})" for line in _bullets(entry.problems)]
    adjustments = [
        f"• {escape(line)} ({mention(entry.user_id)})"
        for entry in review.entries
        for line in _bullets(entry.adjustments)
    ]
    text = tr(
        "Retro summary of {name}, {day}: {answered} answered, {problems}, {adjustments}, {items}.",
        name=escape(campaign.name),
        day=day,
        answered=len(answered),
        problems=tr_n("{count} problem", "{count} problems", sum(map(len, problems.values()))),
        adjustments=tr_n("{count} adjustment", "{count} adjustments", len(adjustments)),
        items=tr_n("{count} action item", "{count} action items", len(review.items)),
    )
    blocks = [header(tr("Retro summary — {day}", day=day)), section(who)]
    if problems:
        blocks.append(
            section(
                tr("*Problems, by department*")
                + "\n"
                + "\n".join(
                    f"*{escape(group)}*\n" + "\n".join(f"• {line}" for line in lines)
                    for group, lines in sorted(problems.items())
                )
            )
        )
    if adjustments:
        blocks.append(section(tr("*Adjustments agreed for today*") + "\n" + "\n".join(adjustments)))
    if review.items:
        blocks.append(
            section(tr("*New action items*") + "\n" + "\n".join(f"• {item_line(item)}" for item in review.items))
        )
    if not review.entries:
        blocks.append(section(tr("Nobody wrote a retro for {day}.", day=day)))
    return message(text, blocks)


# -- action items ----------------------------------------------------------------------------------------


def item_line(item: ActionItem) -> str:
    """`#3 Move 2,000 units from East — <@U1>, due Thu 12 Nov (problem: …; cause: …)`"""
    cause = tr("; cause: {cause}", cause=escape(item.cause)) if item.cause else ""
    return tr(
        "#{id} {action} — {owner}, due {due} (problem: {problem}{cause})",
        id=item.id,
        action=escape(item.action),
        owner=mention(item.owner),
        due=day_name(item.due),
        problem=escape(item.problem),
        cause=cause,
    )


def action_list(items: list[ActionItem], today: date) -> Message:
    """Open action items, each with a Done button (its owner or the commander may tap it)."""
    if not items:
        none = tr("No open action items.")
        return message(none, [section(f":white_check_mark: {none}")])
    blocks: list[dict[str, Any]] = [section(tr("*Open action items ({count})*", count=len(items)))]
    for item in items:
        overdue = " · " + tr("*overdue*") if item.due < today else ""
        blocks.append(
            {
                **section(item_line(item) + overdue),
                "accessory": {
                    "type": "button",
                    "action_id": ActionId.CLOSE_ACTION_ITEM,
                    "text": {"type": "plain_text", "text": tr("Done")},
                    "value": str(item.id),
                },
            }
        )
    text = tr_n(
        "{count} open action item: {items}", "{count} open action items: {items}", len(items), items=_item_titles(items)
    )
    return message(text, blocks)


def item_closed(item: ActionItem) -> Message:
    text = tr(
        "Action item #{id} done: {action} (closed by {user}).",
        id=item.id,
        action=escape(item.action),
        user=mention(item.closed_by),
    )
    return message(text, [context(f":white_check_mark: {text}")])
