"""`/warroom plans`: the plans in force, and one plan's steps, resources and contacts (here, beside the
escalations that run them, because a plan is shown with the severity words of `escalations.render`)."""

from __future__ import annotations

from warroom_bot.campaigns.render import role_label, sections
from warroom_bot.core.blocks import Message, escape, message
from warroom_bot.core.i18n import tr
from warroom_bot.core.parsing import say_duration
from warroom_bot.escalations.render import severity_tag
from warroom_bot.plans.library import Plan
from warroom_bot.plans.service import Listed


def plan_list(listed: list[Listed]) -> Message:
    lines = [tr("*Emergency plans* — `/warroom plans <key>` shows one; `/escalate red plan:<key> …` runs one:")]
    for entry in listed:
        plan = entry.shown()
        source = "" if entry.shipped else tr(" (your team's)")
        lines.append(
            tr(
                "• `{key}` {title}{source} — {severity}, {owner}, {steps} steps",
                key=plan.key,
                title=escape(plan.title),
                source=source,
                severity=severity_tag(plan.severity),
                owner=role_label(plan.owner.lead),
                steps=len(plan.steps),
            )
        )
    text = "\n".join(lines)
    return message(text, sections(text))


def plan_detail(plan: Plan) -> Message:
    lines = [
        tr("*{title}* (`{key}`)", title=escape(plan.title), key=plan.key),
        tr("*Risk:* {risk}", risk=escape(plan.risk)),
        tr(
            "*Suggested severity:* {severity} · *Owner:* {owner}",
            severity=severity_tag(plan.severity),
            owner=role_label(plan.owner.lead),
        ),
        tr("*Steps:*"),
    ]
    for position, step in enumerate(plan.steps, start=1):
        role = tr(" · {role}", role=role_label(step.role)) if step.role else ""
        box = tr(" · within {within}", within=say_duration(step.time_box)) if step.time_box else ""
        lines.append(f"{position}. {escape(step.do)}{role}{box}")
    if plan.resources:
        lines.append(tr("*Resources:* {items}", items="; ".join(escape(item) for item in plan.resources)))
    if plan.contacts:
        lines.append(tr("*Contacts:* {items}", items="; ".join(escape(item) for item in plan.contacts)))
    text = "\n".join(lines)
    return message(text, sections(text))
