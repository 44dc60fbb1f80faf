"""What a Slack channel would show, as printed lines and as a self-contained HTML page.

The stand-in calls `Transcript.on_message` for every message the bot posts, updates or shares a
file in; the demo adds what people do (a slash command, a tap, a form). Lines are printed as they
happen; `html()` draws the whole conversation the way Slack does: a sidebar of the conversations,
messages grouped under their author, a divider for each day, Block Kit sections whose text flows as
one paragraph, fields in two columns, small grey context, buttons in a row, images, thread replies
under their parent and DMs in their own conversations.
"""

from __future__ import annotations

import base64
import html
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from warroom_bot.core.clock import Clock

BOT_NAME = "warroom-bot"
# Every shortcode the bot writes (tests/test_transcript.py collects them from the source and checks
# that each is here), and a few a person might type.
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
    "heavy_check_mark": "✔️",
    "warning": "⚠️",
    "moneybag": "💰",
    "ledger": "📒",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "memo": "📝",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉",
    "page_facing_up": "📄",
    "dart": "🎯",
    "heavy_plus_sign": "➕",
    "heavy_minus_sign": "➖",
    "boom": "💥",
    "x": "❌",
    "tada": "🎉",
    "eyes": "👀",
    "bust_in_silhouette": "👤",
    "busts_in_silhouette": "👥",
    "arrows_counterclockwise": "🔄",
    "fire": "🔥",
    "rocket": "🚀",
    "thumbsup": "👍",
    "+1": "👍",
    "pray": "🙏",
}
_SPECIAL = re.compile(r"<([^<>]*)>")
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
_DATE = re.compile(r"!date\^(\d+)\^[^|]*(?:\|.*)?")
_CODE = re.compile(r"`([^`\n]+)`")
_TOKEN = re.compile(r"\x00(\d+)\x00")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
GROUPED_WITHIN = timedelta(minutes=5)  # Slack shows a run of one author's messages under one name
AVATAR_COLOURS = ("#1264a3", "#2bac76", "#e8912d", "#cd2553", "#0b4c8c", "#9e3997", "#3aa3e3", "#de4e2b")


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

    def ephemeral(self, user_id: str, channel: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An answer only `user_id` sees: its blocks, or its text as one section."""
        entry = Entry(at=self.clock.now(), channel=channel, author=BOT_NAME, text=text, kind="ephemeral")
        entry.blocks = [
            *(blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Only {self.name(user_id)} sees this"}]},
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
        if inner.startswith("#"):
            channel, _, label = inner[1:].partition("|")
            return "#" + (label or self.channel_names.get(channel, channel))
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
        """A self-contained page: a sidebar, the channel (threads under their parent), then each DM."""
        conversations: dict[str, list[Entry]] = {}
        for entry in self.entries:
            conversations.setdefault(entry.channel, []).append(entry)
        # The channels as they came, then the DMs by name, as Slack's sidebar lists them.
        ordered = sorted(
            conversations.items(),
            key=lambda item: (item[0].startswith("D"), self.where(item[0]).lower() if item[0].startswith("D") else ""),
        )
        sections = [self._conversation_html(channel, entries, uploads) for channel, entries in ordered]
        return PAGE.format(
            title=html.escape(title), style=STYLE, sidebar=self._sidebar_html(title, ordered), body="".join(sections)
        )

    def _sidebar_html(self, title: str, conversations: list[tuple[str, list[Entry]]]) -> str:
        workspace = html.escape(title.split(" — ")[-1])
        channels = [c for c, _ in conversations if not c.startswith("D")]
        dms = [c for c, _ in conversations if c.startswith("D")]

        def link(channel: str, label: str, mark: str) -> str:
            return f'<a href="#{_anchor(channel)}"><span class="mark">{mark}</span>{html.escape(label)}</a>'

        return (
            f'<div class="workspace">{workspace}</div>'
            '<div class="nav-label">Channels</div>'
            + "".join(link(c, self.where(c)[1:], "#") for c in channels)
            + ('<div class="nav-label">Direct messages</div>' if dms else "")
            + "".join(link(c, self.where(c).removeprefix("DM "), "●") for c in dms)
        )

    def _conversation_html(self, channel: str, entries: list[Entry], uploads: dict[str, bytes]) -> str:
        replies: dict[str, list[Entry]] = {}
        for entry in entries:
            if entry.thread_ts:
                replies.setdefault(entry.thread_ts, []).append(entry)
        parts = []
        previous: Entry | None = None  # the message the next one may go under
        shown_day = None
        for entry in entries:
            if entry.thread_ts:
                continue
            day = entry.at.astimezone(self.zone).date()
            if day != shown_day:
                parts.append(f'<div class="day"><span>{entry.at.astimezone(self.zone):%A, %d %B}</span></div>')
                shown_day, previous = day, None
            parts.append(self._message_html(entry, uploads, grouped=_continues(previous, entry)))
            previous = entry
            thread = replies.get(entry.ts or "")
            if thread:
                count = f"{len(thread)} {'reply' if len(thread) == 1 else 'replies'}"
                body, before = [], None
                for reply in thread:
                    body.append(self._message_html(reply, uploads, grouped=_continues(before, reply)))
                    before = reply
                parts.append(f'<div class="thread"><div class="replies">{count}</div>{"".join(body)}</div>')
                previous = None  # after a thread, the next message shows its author again
        return (
            f'<section id="{_anchor(channel)}"><h2>{html.escape(self.where(channel))}</h2>'
            f'<div class="conversation">{"".join(parts)}</div></section>'
        )

    def _message_html(self, entry: Entry, uploads: dict[str, bytes], *, grouped: bool = False) -> str:
        edited = '<span class="edited">(edited)</span>' if entry.edited else ""
        blocks = list(entry.blocks)
        if not blocks and entry.text:
            blocks.insert(0, {"type": "section", "text": {"type": "mrkdwn", "text": entry.text}})
        # "(edited)" follows the last words of the message, as Slack shows it.
        last_text = max((i for i, b in enumerate(blocks) if b.get("type") in ("section", "context")), default=None)
        content = "".join(
            self._block_html(block, suffix=edited if index == last_text else "") for index, block in enumerate(blocks)
        )
        if last_text is None:
            content += edited
        files = "".join(self._file_html(f, uploads) for f in entry.files)
        local = entry.at.astimezone(self.zone)
        if grouped:
            gutter = f'<span class="gutter-time">{local:%H:%M}</span>'
            meta = ""
        else:
            colour = "#4a154b" if entry.author == BOT_NAME else _colour(entry.author)
            gutter = f'<div class="avatar" style="background:{colour}">{html.escape(entry.author[:1].upper())}</div>'
            badge = '<span class="badge">APP</span>' if entry.author == BOT_NAME else ""
            meta = (
                f'<div class="meta"><span class="author">{html.escape(entry.author)}</span>{badge}'
                f'<time title="{local:%a %d %b %Y %H:%M}">{local:%H:%M}</time></div>'
            )
        classes = f"message {entry.kind}" + (" grouped" if grouped else "")
        return (
            f'<div class="{classes}"><div class="gutter">{gutter}</div>'
            f'<div class="body">{meta}{content}{files}</div></div>'
        )

    def _file_html(self, shared: dict[str, Any], uploads: dict[str, bytes]) -> str:
        data = uploads.get(shared.get("id", ""), b"")
        name = html.escape(shared.get("name") or shared.get("title") or "file")
        if data.startswith(b"\x89PNG"):
            return f'<img class="file" alt="{name}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'
        kind = html.escape(name.rsplit(".", 1)[-1].upper()) if "." in name else "FILE"
        return (
            f'<div class="file"><span class="file-icon">📄</span><span><b>{name}</b>'
            f'<span class="file-kind">{kind} · {len(data):,} bytes</span></span></div>'
        )

    def _block_html(self, block: dict[str, Any], suffix: str = "") -> str:
        """One Block Kit block; `suffix` (an "(edited)" mark) goes after its last words."""
        kind = block.get("type")
        if kind == "header":
            return f'<div class="header">{self._text_html(block["text"])}</div>'
        if kind == "section":
            items = block.get("fields", [])
            text = ""
            if "text" in block:
                text = f'<div class="text">{self._text_html(block["text"])}{"" if items else suffix}</div>'
            fields = "".join(
                f'<div class="field">{self._text_html(f)}{suffix if i == len(items) - 1 else ""}</div>'
                for i, f in enumerate(items)
            )
            fields = f'<div class="fields">{fields}</div>' if fields else ""
            accessory = self._element_html(block["accessory"]) if block.get("accessory") else ""
            accessory = f'<div class="accessory">{accessory}</div>' if accessory else ""
            return f'<div class="section"><div class="section-main">{text}{fields}</div>{accessory}</div>'
        if kind == "context":
            parts = "".join(self._context_element(e) for e in block.get("elements", []))
            return f'<div class="context">{parts}{suffix}</div>'
        if kind == "actions":
            return (
                '<div class="actions">' + "".join(self._element_html(e) for e in block.get("elements", [])) + "</div>"
            )
        if kind == "image":
            title = f'<div class="image-title">{self._text_html(block["title"])}</div>' if block.get("title") else ""
            alt = html.escape(block.get("alt_text", ""))
            return f'{title}<img class="file" alt="{alt}" src="{html.escape(block.get("image_url", ""))}">'
        if kind == "divider":
            return '<hr class="divider">'
        return ""

    def _context_element(self, element: dict[str, Any]) -> str:
        if element.get("type") == "image":
            alt = html.escape(element.get("alt_text", ""))
            return f'<img class="context-image" alt="{alt}" src="{html.escape(element.get("image_url", ""))}">'
        return f'<span class="element">{self._text_html(element)}</span>'

    def _element_html(self, element: dict[str, Any]) -> str:
        kind = element.get("type")
        if kind == "button":
            return self._button(element)
        if kind == "image":
            alt = html.escape(element.get("alt_text", ""))
            return f'<img class="thumbnail" alt="{alt}" src="{html.escape(element.get("image_url", ""))}">'
        placeholder = element.get("placeholder") or element.get("initial_option", {}).get("text")
        if placeholder:
            return f'<span class="button select">{self._text_html(placeholder)} ▾</span>'
        if kind == "overflow":
            return '<span class="button select">⋯</span>'
        return ""

    @staticmethod
    def _button(element: dict[str, Any]) -> str:
        style = element.get("style", "")
        classes = f"button {style}" if style else "button"
        return f'<span class="{classes}">{emoji(html.escape(element["text"]["text"]))}</span>'

    def _text_html(self, text: dict[str, Any]) -> str:
        """A Block Kit text object: mrkdwn, or plain text (emoji codes shown unless `emoji` is false)."""
        if text.get("type") == "mrkdwn":
            return self._mrkdwn(text.get("text", ""))
        escaped = html.escape(text.get("text", "")).replace("\n", "<br>")
        return emoji(escaped) if text.get("emoji", True) else escaped

    def _mrkdwn(self, text: str) -> str:
        """Slack's mrkdwn as HTML: the text is already entity-escaped by its sender, and only the
        special `<…>` sequences, emoji codes and *bold* _italic_ ~strike~ `code` ```pre``` > quotes act."""
        parts = text.split("```")
        if len(parts) % 2 == 0:  # an unclosed ``` is text
            parts[-2:] = [parts[-2] + "```" + parts[-1]]
        out = []
        for index, part in enumerate(parts):
            if index % 2:
                out.append(f"<pre>{self._safe(part.removeprefix(chr(10)).removesuffix(chr(10)))}</pre>")
            else:
                # A newline beside a preformatted block is the block's own line break.
                if index > 0:
                    part = part.removeprefix("\n")
                if index < len(parts) - 1:
                    part = part.removesuffix("\n")
                out.append(self._inline(part))
        return "".join(out)

    def _safe(self, text: str) -> str:
        """Sender-escaped text, specials resolved, made safe for HTML again (for code, no markup)."""
        pieces = _SPECIAL.split(text)
        return "".join(
            html.escape(self._special(piece)) if index % 2 else html.escape(html.unescape(piece))
            for index, piece in enumerate(pieces)
        )

    def _special_html(self, inner: str) -> str:
        """A `<…>` sequence as Slack shows it: a highlighted mention, a link, a date."""
        shown = html.escape(self._special(inner))
        if inner.startswith(("@", "#", "!")) and not _DATE.fullmatch(inner):
            return f'<span class="mention">{shown}</span>'
        url = html.unescape(inner.partition("|")[0])
        if url.startswith(_LINK_SCHEMES):
            return f'<a href="{html.escape(url)}">{shown}</a>'
        return shown

    def _inline(self, text: str) -> str:
        """Lines of mrkdwn: runs of `>` lines as one quote, the others joined by line breaks."""
        out: list[str] = []
        quote: list[str] = []
        pending_break = False
        for line in text.split("\n"):
            quoted = line.startswith("&gt;") or line.startswith(">")
            if quoted:
                quote.append(self._line(line.removeprefix("&gt;").removeprefix(">")))
                continue
            if quote:
                out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
                quote, pending_break = [], False
            if pending_break:
                out.append("<br>")
            out.append(self._line(line))
            pending_break = True
        if quote:
            out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
        return "".join(out)

    def _line(self, line: str) -> str:
        """One line: code spans, mentions and links kept aside while *bold* _italic_ ~strike~ apply."""
        kept: list[str] = []

        def keep(fragment: str) -> str:
            kept.append(fragment)
            return f"\x00{len(kept) - 1}\x00"

        line = line.replace("\x00", "")
        line = _CODE.sub(lambda m: keep(f"<code>{self._safe(m.group(1))}</code>"), line)
        pieces = _SPECIAL.split(line)
        body = "".join(
            keep(self._special_html(piece)) if index % 2 else emoji(html.escape(html.unescape(piece)))
            for index, piece in enumerate(pieces)
        )
        body = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", body)
        body = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", body)
        body = re.sub(r"(?<![\w~])~([^~\n]+)~(?![\w~])", r"<s>\1</s>", body)
        return _TOKEN.sub(lambda m: kept[int(m.group(1))], body)


def _continues(previous: Entry | None, entry: Entry) -> bool:
    """Whether `entry` goes under the previous message's name, as Slack groups a run of messages."""
    return (
        previous is not None
        and previous.author == entry.author
        and previous.kind == entry.kind
        and entry.at - previous.at <= GROUPED_WITHIN
    )


def _anchor(channel: str) -> str:
    return "conversation-" + re.sub(r"[^A-Za-z0-9_-]", "", channel)


def _colour(name: str) -> str:
    return AVATAR_COLOURS[zlib.crc32(name.encode()) % len(AVATAR_COLOURS)]


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
* { box-sizing: border-box; }
html { scroll-padding-top: 52px; }
body { font: 15px/1.46668 Lato, "Helvetica Neue", Helvetica, "Liberation Sans", Arial, sans-serif, "Noto Color Emoji";
       margin: 0; color: #1d1c1d; background: #fff; -webkit-font-smoothing: antialiased; }
.top { position: sticky; top: 0; z-index: 3; height: 40px; background: #350d36; color: #fff; display: flex;
       align-items: center; padding: 0 16px; }
h1 { margin: 0; font-size: 13px; font-weight: 700; opacity: 0.9; }
.app { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: calc(100vh - 40px);
       background: linear-gradient(to right, #3f0e40 240px, #fff 240px); }
nav { background: #3f0e40; color: #cfc3cf; position: sticky; top: 40px; height: calc(100vh - 40px); overflow-y: auto;
      padding-bottom: 16px; }
nav .workspace { color: #fff; font-weight: 900; font-size: 18px; padding: 14px 16px; border-bottom: 1px solid #522653;
                 margin-bottom: 10px; }
nav .nav-label { font-size: 14px; padding: 10px 16px 4px; opacity: 0.85; }
nav a { display: flex; gap: 8px; color: #cfc3cf; text-decoration: none; padding: 3px 16px 3px 26px; font-size: 15px;
        white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a:first-of-type { background: #1164a3; color: #fff; font-weight: 700; }
nav a:hover { background: #350d36; }
nav .mark { width: 14px; text-align: center; opacity: 0.8; }
main { min-width: 0; }
section { border-bottom: 6px solid #f4ede4; }
h2 { position: sticky; top: 40px; z-index: 2; margin: 0; padding: 12px 20px; font-size: 18px; font-weight: 900;
     background: #fff; border-bottom: 1px solid #dddddd; }
.conversation { padding: 4px 0 16px; }
.day { position: relative; text-align: center; margin: 16px 0 6px; }
.day::before { content: ""; position: absolute; left: 0; right: 0; top: 50%; border-top: 1px solid #dddddd; }
.day span { position: relative; display: inline-block; background: #fff; border: 1px solid #dddddd;
            border-radius: 24px; padding: 2px 16px; font-size: 13px; font-weight: 700; }
.message { display: flex; gap: 8px; padding: 8px 20px; }
.message.grouped { padding-top: 2px; padding-bottom: 2px; }
.message:hover { background: #f8f8f8; }
.gutter { flex: none; width: 36px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 900; font-size: 17px;
          display: flex; align-items: center; justify-content: center; }
.gutter-time { display: block; visibility: hidden; color: #616061; font-size: 11px; line-height: 20px; text-align: right; }
.message:hover .gutter-time { visibility: visible; }
.body { flex: 1; min-width: 0; }
.body > :last-child { margin-bottom: 0; }
.grouped .body > :first-child { margin-top: 0; }
.meta { line-height: 1.2; margin-bottom: 2px; }
.meta .author { font-weight: 900; }
.badge { display: inline-block; margin-left: 4px; padding: 0 3px; border-radius: 2px; background: rgba(29,28,29,0.13);
         color: #616061; font-size: 10px; font-weight: 700; line-height: 14px; vertical-align: 2px; }
.meta time { margin-left: 8px; color: #616061; font-size: 12px; }
.edited { color: #616061; font-size: 12px; margin-left: 4px; }
.person .text { color: #454245; }
.ephemeral { background: #f4f7fb; }
.ephemeral:hover { background: #eef2f8; }
.text { overflow-wrap: anywhere; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 2px 0 6px; }
.section { display: flex; align-items: flex-start; gap: 12px; margin: 0 0 4px; }
.section-main { flex: 1; min-width: 0; }
.accessory { flex: none; }
.fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 4px 16px; margin-top: 4px;
          max-width: 600px; }
.section-main > .text + .fields { margin-top: 8px; }
.field { overflow-wrap: anywhere; }
.context { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; margin: 0 0 4px; color: #616061;
           font-size: 12px; line-height: 1.5; }
.context code { font-size: 11px; }
.context-image { width: 16px; height: 16px; border-radius: 3px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 6px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px; border-radius: 4px;
          border: 1px solid rgba(29,28,29,0.3); background: #fff; color: #1d1c1d; font-size: 13px; font-weight: 700;
          white-space: nowrap; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.button.select { font-weight: 400; }
.mention { color: #1264a3; background: rgba(29,155,209,0.1); border-radius: 3px; padding: 0 2px; }
a { color: #1264a3; text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; color: #e01e5a; padding: 2px 3px 1px;
       border: 1px solid rgba(29,28,29,0.13); border-radius: 3px; background: rgba(29,28,29,0.04); }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; margin: 4px 0; padding: 8px;
      border: 1px solid rgba(29,28,29,0.13); border-radius: 4px; background: rgba(29,28,29,0.04);
      white-space: pre; overflow-x: auto; }
blockquote { margin: 2px 0; padding-left: 12px; border-left: 4px solid #dddddd; }
.thread { margin: 0 20px 6px 64px; border-left: 2px solid #e0dfe0; }
.thread .message { padding-left: 12px; }
.thread .avatar { width: 24px; height: 24px; font-size: 12px; border-radius: 4px; }
.thread .gutter { width: 24px; }
.thread .gutter-time { font-size: 10px; line-height: 18px; }
.replies { padding: 2px 12px; color: #1264a3; font-size: 13px; font-weight: 700; }
img.file { display: block; max-width: min(100%, 560px); max-height: 420px; margin-top: 6px; border: 1px solid #dddddd;
           border-radius: 8px; }
img.thumbnail { width: 88px; height: 88px; object-fit: cover; border-radius: 6px; }
.image-title { font-size: 13px; color: #616061; margin-top: 4px; }
div.file { display: inline-flex; align-items: center; gap: 10px; margin-top: 6px; padding: 10px 14px 10px 10px;
           border: 1px solid #dddddd; border-radius: 8px; background: #fff; }
.file-icon { font-size: 22px; width: 40px; height: 40px; border-radius: 6px; background: #f4ede4; display: flex;
             align-items: center; justify-content: center; }
.file-kind { display: block; color: #616061; font-size: 12px; }
hr.divider { border: 0; border-top: 1px solid #dddddd; margin: 8px 0; }
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><header class="top"><h1>{title}</h1></header>
<div class="app"><nav>{sidebar}</nav><main>{body}</main></div></body></html>
"""
