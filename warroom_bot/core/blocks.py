"""Block Kit building blocks shared by every message and view.

Every message has a plain `text` that reads well alone (it is what a phone notification and a
screen reader show). Anything a user typed is escaped, so `<!channel>` typed into a summary cannot
ping the whole channel and Markdown cannot break the layout. Block Kit limits are enforced here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import local_datetime, tr
from warroom_bot.core.ids import ActionId
from warroom_bot.core.parsing import format_duration

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
        blocks = [*blocks[: MAX_BLOCKS - 1], context(tr("…and {count} more", count=len(blocks) - MAX_BLOCKS + 1))]
    return Message(text=truncate(text, 4000), blocks=blocks)


def sentence(text: str) -> str:
    """Upper-case the first letter only. `str.capitalize` lower-cases the rest, which turns a
    mention `<@U0DAN>` into `<@u0dan>`, a string Slack no longer resolves to a person."""
    return text[:1].upper() + text[1:]


def mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else tr("_nobody_")


def slack_time(moment: datetime) -> str:
    """A time that Slack shows in each reader's own time zone (UTC in the fallback text)."""
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment:%H:%M} UTC>"


def local_time(moment: datetime, timezone: str) -> str:
    """`Tue 10 Nov 20:00` (`11月10日 周二 20:00`) in the campaign's time zone."""
    return local_datetime(moment, timezone)


def user_error(error: UserError) -> Message:
    text = f":warning: {error.message}"
    if error.usage:
        text += "\n" + tr("Usage: `{usage}`", usage=error.usage)
    return message(text, [section(text)])


def notice(text: str) -> Message:
    return message(text, [section(text)])


def text_input(
    block_id: str, label: str, *, placeholder: str, initial: str | None = None, optional: bool = False
) -> dict[str, Any]:
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
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def ago(span: timedelta) -> str:
    """`2m10s`, rounded to the second."""
    return format_duration(timedelta(seconds=max(int(span.total_seconds()), 0)))
