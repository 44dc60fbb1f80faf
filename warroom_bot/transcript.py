"""What a Slack channel would show, as printed lines and as a self-contained HTML page.

The stand-in calls `Transcript.on_message` for every message the bot posts, updates or shares a
file in; the demo adds what people do (a slash command, a tap, a form). Lines are printed as they
happen; `html()` draws the whole conversation the way Slack does: Block Kit sections, fields,
context, buttons and images, thread replies under their parent, DMs in their own conversations.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from warroom_bot.clock import Clock

BOT_NAME = "warroom-bot"
EMOJI = {
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "large_purple_circle": "🟣",
    "large_orange_circle": "🟠",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "rotating_light": "🚨",
    "white_check_mark": "✅",
    "warning": "⚠️",
    "moneybag": "💰",
    "hourglass": "⏳",
    "memo": "📝",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "page_facing_up": "📄",
    "dart": "🎯",
    "heavy_plus_sign": "➕",
    "heavy_minus_sign": "➖",
    "boom": "💥",
    "x": "❌",
    "tada": "🎉",
}
_SPECIAL = re.compile(r"<([^<>]*)>")
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
_DATE = re.compile(r"!date\^(\d+)\^[^|]*(?:\|.*)?")


@dataclass
class Entry:
    """One message as the channel shows it now; `kind` is bot, person or ephemeral."""

    at: datetime
    channel: str
    author: str
    text: str
    kind: str = "bot"
    blocks: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    ts: str | None = None
    thread_ts: str | None = None
    edited: bool = False


class Transcript:
    def __init__(
        self,
        clock: Clock,
        timezone: str,
        names: dict[str, str],
        channel_names: dict[str, str],
        echo: Callable[[str], None] = print,
    ) -> None:
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.names = names
        self.channel_names = channel_names
        self.echo = echo
        self.entries: list[Entry] = []

    # -- recording ----------------------------------------------------------------------------------

    def on_message(self, method: str, channel: str, message: dict[str, Any]) -> None:
        """The stand-in's hook: a message posted, updated in place, or a file shared."""
        if method == "chat.update":
            entry = next((e for e in self.entries if e.channel == channel and e.ts == message["ts"]), None)
            if entry is not None:
                entry.text, entry.blocks, entry.edited = message["text"], message.get("blocks") or [], True
                self._print(entry, "edited")
            return
        entry = Entry(
            at=self.clock.now(),
            channel=channel,
            author=BOT_NAME,
            text=message.get("text", ""),
            blocks=message.get("blocks") or [],
            files=message.get("files") or [],
            ts=message.get("ts"),
            thread_ts=message.get("thread_ts"),
        )
        self.entries.append(entry)
        self._print(entry, "")

    def person(self, user_id: str, channel: str, text: str) -> None:
        """Something a person did: a slash command, a tap, a form sent."""
        entry = Entry(at=self.clock.now(), channel=channel, author=self.name(user_id), text=text, kind="person")
        self.entries.append(entry)
        self._print(entry, "")

    def ephemeral(self, user_id: str, channel: str, text: str) -> None:
        """An answer only `user_id` sees."""
        entry = Entry(at=self.clock.now(), channel=channel, author=BOT_NAME, text=text, kind="ephemeral")
        entry.blocks = [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Only {self.name(user_id)} sees this"}]}
        ]
        self.entries.append(entry)
        self._print(entry, f"only {self.name(user_id)} sees")

    # -- reading -------------------------------------------------------------------------------------

    def name(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def where(self, channel: str) -> str:
        if channel.startswith("D"):
            return f"DM {self.name('U' + channel[1:])}"
        return "#" + self.channel_names.get(channel, channel)

    def plain(self, text: str) -> str:
        """Slack text for a terminal: mentions by name, dates in the campaign's time zone, emoji."""
        return html.unescape(emoji(_SPECIAL.sub(lambda m: self._special(m.group(1)), text)))

    def _special(self, inner: str) -> str:
        if inner.startswith("@"):
            return "@" + self.name(inner[1:].split("|")[0])
        date = _DATE.fullmatch(inner)
        if date:
            return datetime.fromtimestamp(int(date.group(1)), UTC).astimezone(self.zone).strftime("%H:%M")
        if inner.startswith("!"):
            return "@" + inner[1:].split("|")[0].split("^")[0]
        url, _, label = inner.partition("|")
        return label or url

    def _print(self, entry: Entry, note: str) -> None:
        buttons = "".join(f" [{label}]" for label in button_labels(entry.blocks))
        files = "".join(f" <file {f.get('name') or f.get('title')}>" for f in entry.files)
        where = self.where(entry.channel) + (" (thread)" if entry.thread_ts else "")
        note = f" ({note})" if note else ""
        text = self.plain(entry.text).replace("\n", " ⏎ ")
        self.echo(
            f"{entry.at.astimezone(self.zone):%a %H:%M}  {where:<18} {entry.author}{note}: {text}{buttons}{files}"
        )

    # -- the HTML page ---------------------------------------------------------------------------------

    def html(self, title: str, uploads: dict[str, bytes]) -> str:
        """A self-contained page: the channel (threads under their parent), then each DM conversation."""
        conversations: dict[str, list[Entry]] = {}
        for entry in self.entries:
            conversations.setdefault(entry.channel, []).append(entry)
        sections = []
        for channel, entries in sorted(conversations.items(), key=lambda item: item[0].startswith("D")):
            replies: dict[str, list[Entry]] = {}
            for entry in entries:
                if entry.thread_ts:
                    replies.setdefault(entry.thread_ts, []).append(entry)
            body = "".join(
                self._message_html(entry, uploads)
                + (
                    '<div class="thread">'
                    + "".join(self._message_html(r, uploads) for r in replies[entry.ts])
                    + "</div>"
                    if entry.ts in replies
                    else ""
                )
                for entry in entries
                if not entry.thread_ts
            )
            sections.append(f"<section><h2>{html.escape(self.where(channel))}</h2>{body}</section>")
        return PAGE.format(title=html.escape(title), style=STYLE, body="".join(sections))

    def _message_html(self, entry: Entry, uploads: dict[str, bytes]) -> str:
        content = (
            "".join(self._block_html(block) for block in entry.blocks) if entry.blocks else self._mrkdwn(entry.text)
        )
        if entry.blocks and entry.kind == "ephemeral":
            content = self._mrkdwn(entry.text) + content
        files = "".join(self._file_html(f, uploads) for f in entry.files)
        edited = ' <span class="edited">(edited)</span>' if entry.edited else ""
        initial = html.escape(entry.author[:1].upper())
        return (
            f'<div class="message {entry.kind}"><div class="avatar">{initial}</div><div class="body">'
            f'<div class="meta"><b>{html.escape(entry.author)}</b> <span class="time">'
            f"{entry.at.astimezone(self.zone):%a %d %b %H:%M}</span>{edited}</div>"
            f"{content}{files}</div></div>"
        )

    def _file_html(self, shared: dict[str, Any], uploads: dict[str, bytes]) -> str:
        data = uploads.get(shared.get("id", ""), b"")
        name = html.escape(shared.get("name") or shared.get("title") or "file")
        if data.startswith(b"\x89PNG"):
            return f'<img class="file" alt="{name}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'
        return f'<div class="file">📎 {name} ({len(data):,} bytes)</div>'

    def _block_html(self, block: dict[str, Any]) -> str:
        kind = block.get("type")
        if kind == "header":
            return f'<div class="header">{html.escape(block["text"]["text"])}</div>'
        if kind == "section":
            text = self._mrkdwn(block["text"]["text"]) if "text" in block else ""
            fields = "".join(f'<div class="field">{self._mrkdwn(f["text"])}</div>' for f in block.get("fields", []))
            accessory = block.get("accessory", {})
            button = self._button(accessory) if accessory.get("type") == "button" else ""
            return f'<div class="section">{text}{f"<div class=fields>{fields}</div>" if fields else ""}{button}</div>'
        if kind == "context":
            parts = " · ".join(self._mrkdwn(e.get("text", "")) for e in block.get("elements", []))
            return f'<div class="context">{parts}</div>'
        if kind == "actions":
            return '<div class="actions">' + "".join(self._button(e) for e in block.get("elements", [])) + "</div>"
        if kind == "image":
            return f'<img class="file" alt="{html.escape(block.get("alt_text", ""))}" src="{html.escape(block["image_url"])}">'
        if kind == "divider":
            return "<hr>"
        return ""

    @staticmethod
    def _button(element: dict[str, Any]) -> str:
        style = element.get("style", "")
        return f'<span class="button {style}">{html.escape(element["text"]["text"])}</span>'

    def _mrkdwn(self, text: str) -> str:
        """Slack's mrkdwn as HTML: the text is already entity-escaped by its sender, and only the
        special `<…>` sequences, emoji codes and *bold* _italic_ ~strike~ `code` ```pre``` > quotes act."""
        parts = re.split(r"```", text)
        out = []
        for index, part in enumerate(parts):
            if index % 2:
                out.append(f"<pre>{self._safe(part)}</pre>")
            else:
                out.append(self._inline(part))
        return "".join(out)

    def _safe(self, text: str) -> str:
        """Sender-escaped text, specials resolved, made safe for HTML again."""
        pieces = _SPECIAL.split(text)
        return "".join(
            html.escape(self._special(piece)) if index % 2 else html.escape(html.unescape(piece))
            for index, piece in enumerate(pieces)
        )

    def _inline(self, text: str) -> str:
        lines = []
        for line in text.split("\n"):
            quoted = line.startswith("&gt;") or line.startswith(">")
            body = self._safe(line.removeprefix("&gt;").removeprefix(">") if quoted else line)
            body = emoji(body)
            body = re.sub(r"`([^`]+)`", r"<code>\1</code>", body)
            body = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", body)
            body = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", body)
            body = re.sub(r"(?<![\w~])~([^~\n]+)~(?![\w~])", r"<s>\1</s>", body)
            lines.append(f"<blockquote>{body}</blockquote>" if quoted else body)
        return "<br>".join(lines)


def emoji(text: str) -> str:
    """`:red_circle:` → 🔴, for the codes the bot uses."""
    return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    labels = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        labels += [e["text"]["text"] for e in elements if e.get("type") == "button"]
    return labels


STYLE = """
body { font-family: Lato, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f8f8f8; margin: 0; color: #1d1c1d; }
main { max-width: 860px; margin: 0 auto; background: #fff; min-height: 100vh; }
h1 { background: #3f0e40; color: #fff; margin: 0; padding: 14px 20px; font-size: 18px; }
h2 { font-size: 15px; padding: 10px 20px; margin: 0; border-bottom: 1px solid #ddd; background: #fafafa; position: sticky; top: 0; }
.message { display: flex; padding: 8px 20px; gap: 10px; }
.message:hover { background: #f8f8f8; }
.message.person { opacity: 0.8; font-style: italic; }
.message.ephemeral { background: #f4f7fb; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #611f69; color: #fff; display: flex;
          align-items: center; justify-content: center; font-weight: bold; flex: none; }
.person .avatar { background: #1264a3; }
.body { flex: 1; min-width: 0; font-size: 15px; line-height: 1.45; }
.meta .time, .edited { color: #616061; font-size: 12px; }
.header { font-weight: 900; font-size: 17px; margin: 4px 0; }
.section { margin: 4px 0; display: flex; flex-wrap: wrap; gap: 8px; justify-content: space-between; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; width: 100%; }
.context { color: #616061; font-size: 13px; margin: 4px 0; }
.actions { margin: 6px 0; }
.button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; margin-right: 6px;
          font-weight: bold; font-size: 13px; background: #fff; }
.button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.button.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
.thread { margin-left: 46px; border-left: 3px solid #ddd; }
pre { background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; white-space: pre-wrap; font-size: 13px; }
code { background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 3px; padding: 0 3px; color: #c01343; font-size: 13px; }
blockquote { border-left: 4px solid #ddd; margin: 0; padding-left: 8px; }
img.file { max-width: 100%; border: 1px solid #ddd; border-radius: 6px; margin-top: 6px; }
div.file { border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin-top: 6px; display: inline-block; }
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{style}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""
