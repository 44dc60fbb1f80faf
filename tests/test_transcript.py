"""The transcript page's HTML, without a browser: emoji, mrkdwn, blocks, conversations.

(tests/test_transcript_browser.py checks the layout Chromium makes of it.)"""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom_bot.core.clock import ManualClock
from warroom_bot.devtools.transcript import EMOJI, Transcript, emoji

ROOT = Path(__file__).resolve().parent.parent
# What the bot's Python source can send: every package of the service.
SOURCES = ["warroom_bot", "handlers", "scheduler", "models"]
SHORTCODE = re.compile(r"(?<![\w:/]):([a-z][a-z0-9_+-]*):(?![\w/])")
NOT_EMOJI = {"memory": "SQLite's in-memory database name, `:memory:`"}


def strings_in(path: Path) -> list[str]:
    """Every string literal of a module, including the literal parts of f-strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def shortcodes_in_source() -> dict[str, str]:
    """`:shortcode:` → the first file that writes it."""
    found: dict[str, str] = {}
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for text in strings_in(path):
                for code in SHORTCODE.findall(text):
                    found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_emoji_shortcode_the_bot_writes_is_drawn_on_the_page() -> None:
    found = shortcodes_in_source()
    assert {"bust_in_silhouette", "ledger", "arrows_counterclockwise", "white_check_mark"} <= found.keys()
    missing = {code: where for code, where in found.items() if code not in EMOJI and code not in NOT_EMOJI}
    assert not missing, f"add these to transcript.EMOJI (shortcode: file that writes it): {missing}"


def test_the_shortcode_finder_reads_f_strings_and_skips_times() -> None:
    source = 'x = f":tada: {name} at 10:00:30"\ny = "sqlite:///:memory:"\nz = ":new_one: " + "12:00:00"\n'
    tree = ast.parse(source)
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [code for text in strings for code in SHORTCODE.findall(text)] == ["tada", "new_one"]


def test_emoji_replaces_known_codes_and_leaves_the_rest() -> None:
    assert emoji(":bust_in_silhouette: Role :ledger: :arrows_counterclockwise:") == "👤 Role 📒 🔄"
    assert emoji("at 10:00:30 :not_an_emoji:") == "at 10:00:30 :not_an_emoji:"


NAMES = {"U0MEI00001": "Mei (commander)", "U0EVA00001": "Eva (marketing)"}


def transcript() -> Transcript:
    clock = ManualClock(datetime(2026, 11, 11, 2, 0, tzinfo=UTC))
    return Transcript(clock, "Asia/Shanghai", NAMES, {"C0DOUBLE11": "double-11"}, echo=lambda line: None)


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_a_sections_mrkdwn_is_one_text_element_with_inline_markup() -> None:
    t = transcript()
    t.on_message(
        "chat.postMessage",
        "C0DOUBLE11",
        {
            "text": "phase",
            "ts": "1.1",
            "blocks": [
                section(
                    ":arrows_counterclockwise: *Double 11* is now in *live* (was warm-up), set by <@U0MEI00001>, "
                    "see `/warroom status` or <https://example.com/a_b_c|the runbook>."
                )
            ],
        },
    )
    page = t.html("demo", {})
    (text,) = re.findall(r'<div class="text">(.*?)</div>', page)
    assert text == (
        '🔄 <b>Double 11</b> is now in <b>live</b> (was warm-up), set by <span class="mention">@Mei (commander)</span>, '
        'see <code>/warroom status</code> or <a href="https://example.com/a_b_c">the runbook</a>.'
    )
    assert "justify-content: space-between" not in page


def test_user_text_stays_text_and_only_web_links_are_links() -> None:
    t = transcript()
    hostile = '&lt;script&gt;alert(1)&lt;/script&gt; <javascript:alert(1)|click> "quoted" <@U0EVA00001|x>'
    t.on_message("chat.postMessage", "C0DOUBLE11", {"text": hostile, "ts": "1.1", "blocks": [section(hostile)]})
    page = t.html("demo", {})
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page and " click " in page
    assert '<span class="mention">@Eva (marketing)</span>' in page


def test_preformatted_text_keeps_its_columns_and_quotes_are_one_block() -> None:
    t = transcript()
    table = "*Budget*\n```category      plan\nonline    ¥1,000```\n&gt;first\n&gt;second\nafter"
    t.on_message("chat.postMessage", "C0DOUBLE11", {"text": "budget", "ts": "1.1", "blocks": [section(table)]})
    page = t.html("demo", {})
    assert (
        "<b>Budget</b><pre>category      plan\nonline    ¥1,000</pre><blockquote>first<br>second</blockquote>after"
        in page
    )


def test_fields_buttons_context_threads_and_dms() -> None:
    t = transcript()
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{n}*\nvalue"} for n in ("A", "B", "C")]}
    buttons = {
        "type": "actions",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Acknowledge"}, "style": "primary"},
            {"type": "button", "text": {"type": "plain_text", "text": "Resolve"}},
        ],
    }
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": ":hourglass_flowing_sand: Waiting"}]}
    t.on_message("chat.postMessage", "C0DOUBLE11", {"text": "card", "ts": "1.1", "blocks": [fields, buttons, context]})
    t.clock.advance(timedelta(minutes=1))
    t.on_message("chat.postMessage", "C0DOUBLE11", {"text": "Paged", "ts": "1.2", "thread_ts": "1.1", "blocks": []})
    t.on_message("chat.postMessage", "D0EVA00001", {"text": "Your page", "ts": "1.3", "blocks": []})
    t.person("U0EVA00001", "D0EVA00001", "tapped [Acknowledge]")
    t.on_message("chat.update", "C0DOUBLE11", {"ts": "1.1", "text": "card", "blocks": [fields, context]})
    page = t.html("#double-11 — demo", {})

    assert page.count('<div class="field">') == 3 and '<div class="fields">' in page
    assert (
        '<div class="context"><span class="element">⏳ Waiting</span><span class="edited">(edited)</span></div>' in page
    )
    assert "Acknowledge</span>" not in page.split("<h2>DM")[0], "the update took the buttons away"
    channel, dm = page.split("<h2>#double-11</h2>")[1].split("<h2>DM Eva (marketing)</h2>")
    assert '<div class="thread"><div class="replies">1 reply</div>' in channel and "Paged" in channel
    assert "Your page" in dm and "tapped [Acknowledge]" in dm and "Your page" not in channel
    assert '<a href="#conversation-D0EVA00001">' in page, "the sidebar lists the DM"


def test_a_button_shows_its_style_and_an_ephemeral_answer_says_who_sees_it() -> None:
    t = transcript()
    button = {"type": "button", "text": {"type": "plain_text", "text": "Write my retro"}, "style": "primary"}
    t.on_message(
        "chat.postMessage",
        "C0DOUBLE11",
        {"text": "retro", "ts": "1.1", "blocks": [{"type": "actions", "elements": [button]}]},
    )
    t.ephemeral("U0MEI00001", "C0DOUBLE11", ":white_check_mark: Phase set to *live*.")
    page = t.html("demo", {})
    assert '<span class="button primary">Write my retro</span>' in page
    assert "✅ Phase set to <b>live</b>." in page and "Only Mei (commander) sees this" in page


def test_messages_of_one_author_in_a_run_go_under_one_name_and_days_are_divided() -> None:
    t = transcript()
    for minutes in (0, 2, 30):
        t.clock.set(datetime(2026, 11, 11, 2, 0, tzinfo=UTC) + timedelta(minutes=minutes))
        t.on_message("chat.postMessage", "C0DOUBLE11", {"text": f"at {minutes}", "ts": f"1.{minutes}", "blocks": []})
    t.clock.set(datetime(2026, 11, 11, 18, 0, tzinfo=UTC))  # 02:00 the next day in Shanghai
    t.on_message("chat.postMessage", "C0DOUBLE11", {"text": "next day", "ts": "2.0", "blocks": []})
    page = t.html("demo", {})
    assert page.count('class="message bot grouped"') == 1
    assert page.count('<div class="message bot">') == 3
    assert re.findall(r'<div class="day"><span>(.*?)</span>', page) == [
        "Wednesday, 11 November",
        "Thursday, 12 November",
    ]
