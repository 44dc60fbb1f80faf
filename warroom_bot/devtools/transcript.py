"""What a Slack channel would show, as printed lines and as a self-contained HTML page.

The stand-in calls `Transcript.on_message` for every message the bot posts, updates or shares a
file in; the demo adds what people do (a slash command, a tap, a form). Lines are printed as they
happen; `html()` draws the whole conversation the way Slack does (`warroom_bot.devtools.transcript_page`).
Text reads as `warroom_bot.devtools.slack_text` has it: ids by name, dates in the campaign's time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from warroom_bot.core.clock import Clock
from warroom_bot.core.i18n import tr
from warroom_bot.devtools.slack_text import EMOJI, SlackText, emoji
from warroom_bot.devtools.transcript_page import BOT_NAME, Entry, Page

# Where they were defined before the page and the text had modules of their own.
__all__ = ["BOT_NAME", "EMOJI", "Entry", "Transcript", "button_labels", "emoji"]


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
        self.text = SlackText(names, channel_names, self.zone)
        self.echo = echo
        self.entries: list[Entry] = []

    # -- recording ----------------------------------------------------------------------------------

    def on_message(self, method: str, channel: str, message: dict[str, Any]) -> None:
        """The stand-in's hook: a message posted, updated in place, or a file shared."""
        if method == "chat.update":
            entry = next((e for e in self.entries if e.channel == channel and e.ts == message["ts"]), None)
            if entry is not None:
                entry.text, entry.blocks, entry.edited = message["text"], message.get("blocks") or [], True
                self._print(entry, tr("edited"))
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
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": tr("Only {name} sees this", name=self.name(user_id))}],
            },
        ]
        self.entries.append(entry)
        self._print(entry, tr("only {name} sees", name=self.name(user_id)))

    # -- reading -------------------------------------------------------------------------------------

    def name(self, user_id: str) -> str:
        return self.text.name(user_id)

    def where(self, channel: str) -> str:
        return self.text.where(channel)

    def plain(self, text: str) -> str:
        """Slack text for a terminal: mentions by name, dates in the campaign's time zone, emoji."""
        return self.text.plain(text)

    def _print(self, entry: Entry, note: str) -> None:
        buttons = "".join(f" [{label}]" for label in button_labels(entry.blocks))
        files = "".join(f" <file {f.get('name') or f.get('title')}>" for f in entry.files)
        where = self.where(entry.channel) + (" (thread)" if entry.thread_ts else "")
        note = f" ({note})" if note else ""
        text = self.plain(entry.text).replace("\n", " ⏎ ")
        self.echo(
            f"{entry.at.astimezone(self.zone):%a %H:%M}  {where:<18} {entry.author}{note}: {text}{buttons}{files}"
        )

    def html(self, title: str, uploads: dict[str, bytes], lang: str = "en") -> str:
        """A self-contained page: a sidebar, the channel (threads under their parent), then each DM."""
        return Page(self.text, self.zone, uploads).html(title, self.entries, lang)


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    labels = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        labels += [e["text"]["text"] for e in elements if e.get("type") == "button"]
    return labels
