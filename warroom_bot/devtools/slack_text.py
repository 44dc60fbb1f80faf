"""Slack's message text as a person reads it: mentions and channels by name, dates, links, emoji.

One reading for every development tool: the transcript's printed lines and page
(`warroom_bot.devtools.transcript`) and what `warroom command` / `warroom tap` print
(`warroom_bot.devtools.tryout`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo

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
    "alarm_clock": "⏰",
    "stopwatch": "⏱️",
    "repeat": "🔁",
    "fast_forward": "⏩",
    "calendar": "📆",
    "stop_sign": "🛑",
    "clipboard": "📋",
    "white_large_square": "⬜",
    "performing_arts": "🎭",
    "tv": "📺",
    "no_entry": "⛔",
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
# A `<…>` sequence: a mention, a channel, a date, a special mention (`!here`) or a link.
SPECIAL = re.compile(r"<([^<>]*)>")
DATE = re.compile(r"!date\^(\d+)\^[^|]*(?:\|(.*))?")
# *bold*, where Slack makes it bold: not inside a word.
BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")


def emoji(text: str) -> str:
    """`:red_circle:` → 🔴, for the codes the bot uses."""
    return _EMOJI_CODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def unescape(text: str) -> str:
    """The three entities Slack escapes in message text (`&`, `<`, `>`), decoded."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class SlackText:
    """How ids and dates read: users and channels by the names given (else their ids), dates in
    `zone` (without one, as the fallback text the sender wrote for clients that cannot show them)."""

    def __init__(
        self,
        names: Mapping[str, str] | None = None,
        channel_names: Mapping[str, str] | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.names = {} if names is None else names
        self.channel_names = {} if channel_names is None else channel_names
        self.zone = zone

    def name(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def where(self, channel: str) -> str:
        """`#channel`, or `DM person` for a direct message."""
        if channel.startswith("D"):
            return f"DM {self.name('U' + channel[1:])}"
        return "#" + self.channel_names.get(channel, channel)

    def special(self, inner: str) -> str:
        """What a `<…>` sequence (given without its brackets) shows: `@name`, `#channel`, a time,
        `@here`, or a link's label (its address when it has none)."""
        if inner.startswith("@"):
            return "@" + self.name(inner[1:].split("|")[0])
        if inner.startswith("#"):
            channel, _, label = inner[1:].partition("|")
            return "#" + (label or self.channel_names.get(channel, channel))
        date = DATE.fullmatch(inner)
        if date:
            moment = datetime.fromtimestamp(int(date.group(1)), UTC)
            if self.zone is None:
                return date.group(2) or f"{moment:%H:%M} UTC"
            return f"{moment.astimezone(self.zone):%H:%M}"
        if inner.startswith("!"):
            return "@" + inner[1:].split("|")[0].split("^")[0]
        url, _, label = inner.partition("|")
        return label or url

    def plain(self, text: str) -> str:
        """Slack mrkdwn for a terminal: `<…>` sequences as they show, emoji as emoji, *bold* marks
        dropped, entities decoded."""
        text = SPECIAL.sub(lambda m: self.special(m.group(1)), BOLD.sub(r"\1", text))
        return unescape(emoji(text))


_NO_NAMES = SlackText()


def plain(text: str) -> str:
    """`SlackText.plain` knowing no names: user and channel ids as they are, dates as their fallback."""
    return _NO_NAMES.plain(text)
