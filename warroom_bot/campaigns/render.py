"""Messages and views about a campaign: announcements, status, help, the start modal."""

from __future__ import annotations

from typing import Any

from warroom_bot.campaigns.config import CONFIG_KEYS
from warroom_bot.campaigns.roster import Roster
from warroom_bot.core.blocks import (
    Message,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    section,
    text_input,
)
from warroom_bot.core.ids import BlockId, CallbackId, ModalContext
from warroom_bot.models import AuditEntry, Campaign, Phase, RoleAssignment


def period(campaign: Campaign) -> str:
    return (
        f"{local_time(campaign.starts_at, campaign.timezone)} – "
        f"{local_time(campaign.ends_at, campaign.timezone)} ({campaign.timezone})"
    )


def campaign_started(campaign: Campaign) -> Message:
    name = escape(campaign.name)
    text = f"Campaign {name} starts in this channel: {period(campaign)}, now in {Phase(campaign.phase).label}."
    return message(
        text,
        [
            header(f"War room open: {campaign.name}"),
            section(
                f"*{name}* runs {period(campaign)}. Phase: *{Phase(campaign.phase).label}*.\n"
                f"Commander: {mention(campaign.created_by)} (change with `/warroom role commander @someone`)."
            ),
            context(
                "Set the roster with `/warroom role`, see everything with `/warroom status`, "
                "and `/warroom help` for the rest."
            ),
        ],
    )


def phase_changed(campaign: Campaign, previous: str, user_id: str) -> Message:
    text = f"{escape(campaign.name)}: phase changed from {Phase(previous).label} to {Phase(campaign.phase).label} by {mention(user_id)}."
    return message(
        text,
        [
            section(
                f":arrows_counterclockwise: *{escape(campaign.name)}* is now in "
                f"*{Phase(campaign.phase).label}* (was {Phase(previous).label}), "
                f"set by {mention(user_id)}."
            )
        ],
    )


def role_assigned(assignment: RoleAssignment) -> Message:
    backup = f", backup {mention(assignment.backup_user)}" if assignment.backup_user else ""
    text = (
        f"Role {assignment.role}: {mention(assignment.primary_user)}{backup} (set by {mention(assignment.updated_by)})."
    )
    return message(text, [section(f":bust_in_silhouette: {text}")])


def audit_notice(entry: AuditEntry) -> Message:
    """`@dana changed setting ack.red: 5m → 3m.`"""
    change = (
        f"`{escape(entry.old or '—')}` → `{escape(entry.new or '—')}`"
        if entry.old is not None and entry.new is not None
        else f"`{escape(entry.new or entry.old or '')}`"
    )
    verb = "removed" if entry.new is None else "added" if entry.old is None else "changed"
    text = f"{mention(entry.user_id)} {verb} {escape(entry.subject)}: {change}."
    return message(text, [context(f":memo: {text}")])


def roster_lines(roster: Roster) -> str:
    if not roster:
        return "_No roles set yet._"
    return "\n".join(
        f"• *{assignment.role}*: {mention(assignment.primary_user)}"
        + (f" (backup {mention(assignment.backup_user)})" if assignment.backup_user else "")
        for assignment in roster
    )


WARROOM_HELP = """\
*/warroom* — the campaign war room
• `/warroom start` — open a campaign in this channel (a form), or in one line:
  `/warroom start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai`
• `/warroom status` — where the campaign stands (only you see it)
• `/warroom phase <warmup|live|extension|wrapup|closed>` — move the campaign on
• `/warroom role <role> @primary [@backup]` — roles: `commander`, `finance`, `tier1`, `tier2`, `tier3`, \
`lead:<department>`
• `/warroom config <key> <value>` — the settings:
{keys}
• `/warroom target <kpi> <value> [dimension]` — a KPI's campaign target (a gauge's threshold)
• `/warroom metric <kpi> <value> [dimension]` — a reading: a cumulative KPI's total to date, a gauge's level
• `/warroom kpi add <key> <cumulative|gauge> <higher|lower> ["label"]` · `/warroom kpi remove <key>` \
(its readings are kept) · `/warroom kpi restore <key>`
• `/warroom kpi curve <key> <24 weights, local hours 0–23|linear>` — shape a target to date over the day
• `/warroom digest` — post the status digest in the channel now
• `/warroom chart <kpi>` — a chart of the KPI against its target to date, posted in the channel
• `/warroom retro` — write today's retrospective (a form; the evening prompt has a button too)
• `/warroom actions` — open action items from the retros; owners tap Done to close one
• `/warroom report` — the final campaign report, posted in the channel as a Markdown file
• `/warroom help` — this list"""

ESCALATE_HELP = """\
*/escalate* — when something needs a person now
• `/escalate` — a form; or `/escalate <blue|yellow|orange|red> <summary>` (also low, medium, high, critical)
• `/escalate list` — open escalations, unacknowledged first
• `/escalate ack <id>` · `/escalate resolve <id> [note]` — or tap the buttons on the post or the page
• `/escalate help` — this list"""

BUDGET_HELP = """\
*/budget* — the campaign's money (amounts like `5000`, `5k`, `1.2m`, `¥5,000`, `50万`)
• `/budget` — the table: plan, spent, left and share used per category; reserve left
• `/budget plan <total> [online=50% offline=30% materials=20%] [reserve=10%]` — set the plan
• `/budget spend <category> <amount> [note] [--over]` — record money spent
• `/budget move <amount> <from> <to> [reason]` · `/budget add <amount> <category> [reason]` · \
`/budget cut <amount> <category> [reason]` — change the plan (above `approval.threshold` it waits for approval)
• `/budget reserve <amount> <category> [reason]` — release reserve (always approved by finance or the commander)
• `/budget help` — this list"""

HELP = {"/warroom": WARROOM_HELP, "/escalate": ESCALATE_HELP, "/budget": BUDGET_HELP}


def help_message(command: str = "/warroom") -> Message:
    """`/warroom help` lists all three commands; `/escalate help` and `/budget help` their own."""
    keys = "\n".join(
        f"    ◦ `{spec.name} {spec.form}` — {spec.help} (default `{spec.default}`)" for spec in CONFIG_KEYS.values()
    )
    parts = list(HELP.values()) if command == "/warroom" else [HELP[command]]
    text = "\n\n".join(parts).format(keys=keys)
    return message(text, [section(part.format(keys=keys)) for part in parts])


def start_campaign_modal(channel_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CallbackId.START_CAMPAIGN,
        "private_metadata": ModalContext(channel_id=channel_id).dump(),
        "title": {"type": "plain_text", "text": "Start a campaign"},
        "submit": {"type": "plain_text", "text": "Start"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            text_input(BlockId.NAME, "Campaign name", placeholder="Double 11"),
            text_input(BlockId.STARTS, "Live from (local time)", placeholder="2026-11-10T20:00"),
            text_input(BlockId.ENDS, "Live until (local time)", placeholder="2026-11-12T00:00"),
            text_input(BlockId.TIMEZONE, "Time zone", placeholder="Asia/Shanghai", initial="UTC"),
        ],
    }
