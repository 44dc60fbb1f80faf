"""The transcript as a self-contained HTML page, drawn the way Slack's client draws a channel.

A sidebar of the conversations, messages grouped under their author, a divider for each day, Block
Kit sections whose text flows as one paragraph, fields in two columns, small grey context, buttons in
a row, images, thread replies under their parent and DMs in their own conversations. The entries
come from `warroom_bot.devtools.transcript.Transcript`; the look is `transcript_style.STYLE`.
"""

from __future__ import annotations

import base64
import html
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from warroom_bot.core.i18n import local_datetime, tr, tr_n
from warroom_bot.devtools.slack_text import BOLD, DATE, SPECIAL, SlackText, emoji
from warroom_bot.devtools.transcript_style import STYLE

BOT_NAME = "warroom-bot"
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


class Page:
    """Draws entries: `text` says how ids and dates read, `zone` is the reader's time zone and
    `uploads` holds the bytes of the files shared (images are shown, other files as a card)."""

    def __init__(self, text: SlackText, zone: tzinfo, uploads: dict[str, bytes]) -> None:
        self.text = text
        self.zone = zone
        self.uploads = uploads

    def html(self, title: str, entries: list[Entry], lang: str = "en") -> str:
        """A self-contained page: a sidebar, the channel (threads under their parent), then each DM."""
        conversations: dict[str, list[Entry]] = {}
        for entry in entries:
            conversations.setdefault(entry.channel, []).append(entry)
        # The channels as they came, then the DMs by name, as Slack's sidebar lists them.
        ordered = sorted(
            conversations.items(),
            key=lambda item: (
                item[0].startswith("D"),
                self.text.where(item[0]).lower() if item[0].startswith("D") else "",
            ),
        )
        sections = [self._conversation_html(channel, messages) for channel, messages in ordered]
        return PAGE.format(
            lang=lang,
            title=html.escape(title),
            style=STYLE,
            sidebar=self._sidebar_html(title, ordered),
            body="".join(sections),
        )

    def _sidebar_html(self, title: str, conversations: list[tuple[str, list[Entry]]]) -> str:
        workspace = html.escape(title.split(" — ")[-1])
        channels = [c for c, _ in conversations if not c.startswith("D")]
        dms = [c for c, _ in conversations if c.startswith("D")]

        def link(channel: str, label: str, mark: str) -> str:
            return f'<a href="#{_anchor(channel)}"><span class="mark">{mark}</span>{html.escape(label)}</a>'

        channels_label, dms_label = html.escape(tr("Channels")), html.escape(tr("Direct messages"))
        return (
            f'<div class="workspace">{workspace}</div>'
            f'<div class="nav-label">{channels_label}</div>'
            + "".join(link(c, self.text.where(c)[1:], "#") for c in channels)
            + (f'<div class="nav-label">{dms_label}</div>' if dms else "")
            + "".join(link(c, self.text.where(c).removeprefix("DM "), "●") for c in dms)
        )

    def _conversation_html(self, channel: str, entries: list[Entry]) -> str:
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
                parts.append(
                    f'<div class="day"><span>{html.escape(local_datetime(entry.at, self.zone, "long_day"))}</span></div>'
                )
                shown_day, previous = day, None
            parts.append(self._message_html(entry, grouped=_continues(previous, entry)))
            previous = entry
            thread = replies.get(entry.ts or "")
            if thread:
                count = html.escape(tr_n("{count} reply", "{count} replies", len(thread)))
                body, before = [], None
                for reply in thread:
                    body.append(self._message_html(reply, grouped=_continues(before, reply)))
                    before = reply
                parts.append(f'<div class="thread"><div class="replies">{count}</div>{"".join(body)}</div>')
                previous = None  # after a thread, the next message shows its author again
        return (
            f'<section id="{_anchor(channel)}"><h2>{html.escape(self.text.where(channel))}</h2>'
            f'<div class="conversation">{"".join(parts)}</div></section>'
        )

    def _message_html(self, entry: Entry, *, grouped: bool = False) -> str:
        edited = '<span class="edited">' + html.escape(tr("(edited)")) + "</span>" if entry.edited else ""
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
        files = "".join(self._file_html(f) for f in entry.files)
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

    def _file_html(self, shared: dict[str, Any]) -> str:
        data = self.uploads.get(shared.get("id", ""), b"")
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
        pieces = SPECIAL.split(text)
        return "".join(
            html.escape(self.text.special(piece)) if index % 2 else html.escape(html.unescape(piece))
            for index, piece in enumerate(pieces)
        )

    def _special_html(self, inner: str) -> str:
        """A `<…>` sequence as Slack shows it: a highlighted mention, a link, a date."""
        shown = html.escape(self.text.special(inner))
        if inner.startswith(("@", "#", "!")) and not DATE.fullmatch(inner):
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
        pieces = SPECIAL.split(line)
        body = "".join(
            keep(self._special_html(piece)) if index % 2 else emoji(html.escape(html.unescape(piece)))
            for index, piece in enumerate(pieces)
        )
        body = BOLD.sub(r"<b>\1</b>", body)
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


PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><header class="top"><h1>{title}</h1></header>
<div class="app"><nav>{sidebar}</nav><main>{body}</main></div></body></html>
"""
