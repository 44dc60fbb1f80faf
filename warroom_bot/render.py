"""Block Kit rendering: pure functions from domain objects to a message's `text` and `blocks`.

Every message has a plain `text` that reads well alone (it is what a phone notification and a
screen reader show). Anything a user typed is escaped, so a campaign called `<!channel>` cannot
ping the whole channel and Markdown cannot break the layout. Block Kit limits are enforced here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models import Campaign, Phase, RoleAssignment
from warroom_bot.config import CONFIG_KEYS, current_values
from warroom_bot.errors import UserError
from warroom_bot.ids import ActionId, BlockId, CallbackId, ModalContext

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75

Blocks = list[dict[str, Any]]


@dataclass(frozen=True)
class Message:
    text: str
    blocks: Blocks


def escape(text: str) -> str:
    """Escape user text for mrkdwn: `&`, `<` and `>` are the only control characters Slack has."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(markdown: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(markdown, MAX_SECTION_TEXT)}}


def fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A section of up to 10 label/value fields, two columns on a phone."""
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": truncate(f"*{label}*\n{value}", 2000)} for label, value in pairs[:10]],
    }


def context(markdown: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(markdown, MAX_SECTION_TEXT)}]}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, 150), "emoji": True}}


def message(text: str, blocks: Blocks) -> Message:
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context(f"…and {len(blocks) - MAX_BLOCKS + 1} more")]
    return Message(text=truncate(text, 4000), blocks=blocks)


def mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "_nobody_"


def local_time(moment: datetime, timezone: str) -> str:
    """`Tue 10 Nov 20:00` in the campaign's time zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M")


def period(campaign: Campaign) -> str:
    return (
        f"{local_time(campaign.starts_at, campaign.timezone)} – "
        f"{local_time(campaign.ends_at, campaign.timezone)} ({campaign.timezone})"
    )


PHASE_LABELS = {
    Phase.WARMUP: "warm-up",
    Phase.LIVE: "live",
    Phase.EXTENSION: "extension",
    Phase.WRAPUP: "wrap-up",
    Phase.CLOSED: "closed",
}


def campaign_started(campaign: Campaign) -> Message:
    name = escape(campaign.name)
    text = f"Campaign {name} starts in this channel: {period(campaign)}, now in {campaign.phase}."
    return message(
        text,
        [
            header(f"War room open: {campaign.name}"),
            section(
                f"*{name}* runs {period(campaign)}. Phase: *{PHASE_LABELS[Phase(campaign.phase)]}*.\n"
                f"Commander: {mention(campaign.created_by)} (change with `/warroom role commander @someone`)."
            ),
            context(
                "Set the roster with `/warroom role`, see everything with `/warroom status`, "
                "and `/warroom help` for the rest."
            ),
        ],
    )


def phase_changed(campaign: Campaign, previous: str, user_id: str) -> Message:
    text = f"{escape(campaign.name)}: phase changed from {previous} to {campaign.phase} by {mention(user_id)}."
    return message(
        text,
        [
            section(
                f":arrows_counterclockwise: *{escape(campaign.name)}* is now in "
                f"*{PHASE_LABELS[Phase(campaign.phase)]}* (was {PHASE_LABELS[Phase(previous)]}), "
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


def roster_lines(roster: list[RoleAssignment]) -> str:
    if not roster:
        return "_No roles set yet._"
    return "\n".join(
        f"• *{assignment.role}*: {mention(assignment.primary_user)}"
        + (f" (backup {mention(assignment.backup_user)})" if assignment.backup_user else "")
        for assignment in sorted(roster, key=lambda a: a.role)
    )


def status(campaign: Campaign, roster: list[RoleAssignment], now: datetime) -> Message:
    total = (campaign.ends_at - campaign.starts_at).total_seconds()
    elapsed = min(max((now - campaign.starts_at).total_seconds(), 0.0), total)
    settings = ", ".join(f"`{key}` {value}" for key, value in current_values(campaign.config))
    text = (
        f"{escape(campaign.name)}: {campaign.phase}, {elapsed / total:.0%} of the campaign elapsed, {period(campaign)}."
    )
    return message(
        text,
        [
            header(f"{campaign.name} — status"),
            fields(
                [
                    ("Phase", PHASE_LABELS[Phase(campaign.phase)]),
                    ("Elapsed", f"{elapsed / total:.0%}"),
                    ("Starts", local_time(campaign.starts_at, campaign.timezone)),
                    ("Ends", local_time(campaign.ends_at, campaign.timezone)),
                ]
            ),
            section(f"*Roster*\n{roster_lines(roster)}"),
            context(f"Settings: {settings} · times in {campaign.timezone}"),
        ],
    )


HELP = """\
*/warroom* — the campaign war room
• `/warroom start` — open a campaign in this channel (a form), or in one line:
  `/warroom start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai`
• `/warroom status` — where the campaign stands (only you see it)
• `/warroom phase <warmup|live|extension|wrapup|closed>` — move the campaign on
• `/warroom role <role> @primary [@backup]` — roles: `commander`, `finance`, `tier1`, `tier2`, `tier3`, \
`lead:<department>`
• `/warroom config <key> <value>` — settings: {keys}
• `/warroom help` — this list"""


def help_message() -> Message:
    text = HELP.format(keys=", ".join(f"`{key}`" for key in CONFIG_KEYS))
    return message(text, [section(text)])


def user_error(error: UserError) -> Message:
    text = f":warning: {error.message}"
    if error.usage:
        text += f"\nUsage: `{error.usage}`"
    return message(text, [section(text)])


def notice(text: str) -> Message:
    return message(text, [section(text)])


def _text_input(block_id: BlockId, label: str, *, placeholder: str, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ActionId.INPUT,
        "placeholder": {"type": "plain_text", "text": placeholder},
    }
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def start_campaign_modal(channel_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CallbackId.START_CAMPAIGN,
        "private_metadata": ModalContext(channel_id=channel_id).dump(),
        "title": {"type": "plain_text", "text": "Start a campaign"},
        "submit": {"type": "plain_text", "text": "Start"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _text_input(BlockId.NAME, "Campaign name", placeholder="Double 11"),
            _text_input(BlockId.STARTS, "Live from (local time)", placeholder="2026-11-10T20:00"),
            _text_input(BlockId.ENDS, "Live until (local time)", placeholder="2026-11-12T00:00"),
            _text_input(BlockId.TIMEZONE, "Time zone", placeholder="Asia/Shanghai", initial="UTC"),
        ],
    }
