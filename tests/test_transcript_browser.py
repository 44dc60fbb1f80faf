"""The demo's transcript page in a real browser: Debian's Chromium, headless, driven by Playwright.

The page is built from the bot's real renderers (warroom_bot/render/*) posted through `Transcript`
as the stand-in would, so the blocks are the ones Slack gets. The checks read the layout Chromium
computed: a section's sentence is one paragraph (its words side by side with no gaps, on one line
when it fits), fields are two columns, buttons a row, context small and grey, thread replies under
their parent, each DM its own conversation, and no emoji is left as a `:shortcode:`.

Without Chromium the tests skip and say how to install it (`apt-get install chromium`); with
WARROOM_REQUIRE_BROWSER=1 (CI, which installs it) they fail instead. Playwright never downloads a
browser here: it launches /usr/bin/chromium.

The README's screenshot is made with the same code, from a real demo run (with Debian's
fonts-noto-color-emoji installed, so that emoji are drawn in colour):

    .venv/bin/warroom demo --out /tmp/demo-out
    .venv/bin/python -m tests.test_transcript_browser /tmp/demo-out/transcript.html docs/demo-transcript.png \
        --from "Wednesday, 11 November"
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from warroom_bot.budget import render as budget
from warroom_bot.budget.views import BudgetBurn
from warroom_bot.campaigns import render as campaigns
from warroom_bot.core.blocks import Message, notice
from warroom_bot.core.clock import ManualClock
from warroom_bot.devtools.transcript import Transcript
from warroom_bot.digest import render as digest
from warroom_bot.digest.snapshot import Snapshot
from warroom_bot.escalations import render as escalations
from warroom_bot.escalations.views import EscalationSummary
from warroom_bot.metrics.chart import render_png
from warroom_bot.metrics.status import KpiStatus
from warroom_bot.models import ApprovalRequest, Campaign, Escalation, LedgerEntry, RetroDay, RoleAssignment
from warroom_bot.retros import render as retros

CHROMIUM = Path(os.environ.get("WARROOM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_INSTALL = (
    f"Chromium is not at {CHROMIUM}, so the transcript page was not checked in a browser. "
    "Install Debian's: `apt-get install chromium` (and `pip install -e '.[test]'` for Playwright); "
    "WARROOM_REQUIRE_BROWSER=1 makes this a failure instead of a skip."
)

pytestmark = pytest.mark.slow
SHORTCODE = re.compile(r":[a-z][a-z0-9_+-]*:")

TIMEZONE = "Asia/Shanghai"
CHANNEL = "C0DOUBLE11"
MEI, ANA, BEN, DAN, EVA = "U0MEI00001", "U0ANA00001", "U0BEN00001", "U0DAN00001", "U0EVA00001"
NAMES = {
    MEI: "Mei (commander)",
    ANA: "Ana (supply chain)",
    BEN: "Ben (logistics)",
    DAN: "Dan (finance)",
    EVA: "Eva (marketing)",
}


# -- the browser ---------------------------------------------------------------------------------------


def browser_missing() -> str | None:
    """Why no browser test can run here, or None."""
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        return HOW_TO_INSTALL
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "Playwright is not installed: `pip install -e '.[test]'` (Chromium comes from `apt-get install chromium`)."
        )
    return None


def require_browser() -> None:
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("WARROOM_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def screenshot(page_file: Path, png: Path, *, width: int = 1280, height: int = 1600, start: str | None = None) -> Path:
    """Open `page_file` in headless Chromium `width` pixels wide and save `height` pixels of it as PNG:
    the top, or from the first day divider or message that contains `start` (scrolled up to just
    under the sticky headers, as a reader would have scrolled)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            if start is not None and not page.evaluate(SCROLL_TO, start):
                raise ValueError(f"nothing on {page_file} says {start!r}")
            png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png))
        finally:
            browser.close()
    return png


SCROLL_TO = """
text => {
    const found = [...document.querySelectorAll('.day, .message')].find(e => e.innerText.includes(text));
    if (!found) return false;
    const headers = document.querySelector('.top').offsetHeight + found.closest('section').querySelector('h2').offsetHeight;
    window.scrollTo(0, found.getBoundingClientRect().top + window.scrollY - headers - 8);
    return true;
}
"""


# -- a channel the bot's real renderers filled ----------------------------------------------------------


def at(day: int, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)  # Asia/Shanghai local


class Channel:
    """Posts the renderers' messages into a `Transcript` the way the stand-in reports them."""

    def __init__(self) -> None:
        self.clock = ManualClock(at(10, "23:00"))
        self.transcript = Transcript(self.clock, TIMEZONE, NAMES, {CHANNEL: "double-11"}, echo=lambda line: None)
        self.uploads: dict[str, bytes] = {}
        self._ts = 1_700_000_000

    def post(self, when: datetime, message: Message, channel: str = CHANNEL, thread_ts: str | None = None) -> str:
        self.clock.set(when)
        self._ts += 1
        body: dict[str, Any] = {"text": message.text, "blocks": message.blocks, "ts": f"{self._ts}.000100"}
        if thread_ts:
            body["thread_ts"] = thread_ts
        self.transcript.on_message("chat.postMessage", channel, body)
        return body["ts"]

    def update(self, when: datetime, ts: str, message: Message, channel: str = CHANNEL) -> None:
        self.clock.set(when)
        self.transcript.on_message("chat.update", channel, {"ts": ts, "text": message.text, "blocks": message.blocks})

    def person(self, when: datetime, user: str, text: str, channel: str = CHANNEL) -> None:
        self.clock.set(when)
        self.transcript.person(user, channel, text)

    def answer(self, when: datetime, user: str, message: Message) -> None:
        self.clock.set(when)
        self.transcript.ephemeral(user, CHANNEL, message.text, message.blocks)

    def share(self, when: datetime, name: str, data: bytes, comment: str) -> None:
        self.clock.set(when)
        self._ts += 1
        file_id = f"F{self._ts}"
        self.uploads[file_id] = data
        self.transcript.on_message(
            "files.completeUploadExternal",
            CHANNEL,
            {"text": comment, "files": [{"id": file_id, "name": name, "title": name}], "ts": f"{self._ts}.000100"},
        )


def dm(user: str) -> str:
    return "D" + user[1:]


def campaign_day() -> Channel:
    """A warm-up evening and a live day of Double 11, message by message, from the real renderers."""
    channel = Channel()
    campaign = Campaign(
        id=1,
        channel_id=CHANNEL,
        name="Double 11",
        timezone=TIMEZONE,
        starts_at=at(11, "00:00"),
        ends_at=at(12, "00:00"),
        phase="warmup",
        created_by=MEI,
        created_at=at(10, "23:00"),
    )
    channel.person(at(10, "23:00"), MEI, '/warroom start "Double 11" 2026-11-11T00:00 2026-11-12T00:00 Asia/Shanghai')
    channel.post(at(10, "23:00"), campaigns.campaign_started(campaign))
    channel.answer(at(10, "23:00"), MEI, notice(":white_check_mark: Started *Double 11*; you are its commander."))
    channel.person(at(10, "23:01"), MEI, f"/warroom role tier1 <@{ANA}> <@{BEN}>")
    roles = [
        RoleAssignment(campaign_id=1, role="tier1", primary_user=ANA, backup_user=BEN, updated_by=MEI),
        RoleAssignment(campaign_id=1, role="finance", primary_user=DAN, updated_by=MEI),
    ]
    for role in roles:
        channel.post(at(10, "23:01"), campaigns.role_assigned(role))

    channel.person(at(11, "00:00"), MEI, "/warroom phase live")
    campaign.phase = "live"
    channel.post(at(11, "00:00"), campaigns.phase_changed(campaign, "warmup", MEI))

    snapshot = Snapshot(
        campaign_name="Double 11",
        campaign_id=1,
        timezone=TIMEZONE,
        phase="live",
        at=at(11, "09:00"),
        kpis=[
            KpiStatus(
                "gmv",
                "GMV",
                "¥",
                "cumulative",
                2_310_000,
                2_400_000,
                2_310_000 / 2_400_000,
                "green",
                1_500_000,
                "green",
            ),
            KpiStatus("orders", "Orders", "", "cumulative", 11_270, 11_600, 11_270 / 11_600, "green", 7_300, "green"),
            KpiStatus(
                "inventory",
                "Inventory vs safety stock",
                "",
                "gauge",
                3_100,
                5_000,
                3_100 / 5_000,
                "red",
                7_700,
                "green",
            ),
        ],
        escalations=EscalationSummary(0, {"red": 0, "orange": 0, "yellow": 0, "blue": 0}, 0, None),
        budget=BudgetBurn(planned=45_000_000, spent=5_400_000, used=0.12, elapsed=0.38, reserve_left=5_000_000),
    )
    channel.post(at(11, "09:00"), digest.digest(snapshot))
    channel.person(at(11, "09:30"), MEI, "/warroom status")
    channel.answer(at(11, "09:30"), MEI, digest.status(campaign, roles, snapshot, at(11, "09:30")))

    channel.person(at(11, "10:05"), EVA, "/escalate red Inventory of SKU-9 below safety line")
    escalation = Escalation(
        id=1,
        campaign_id=1,
        number=1,
        severity="red",
        summary="Inventory of SKU-9 below safety line",
        raised_by=EVA,
        raised_at=at(11, "10:05"),
    )
    card = channel.post(at(11, "10:05"), escalations.card(escalation, now=at(11, "10:05")))
    deadline = timedelta(minutes=5)
    channel.post(
        at(11, "10:05"), escalations.thread_line(escalations.paged_line(ANA, "tier1", deadline)), thread_ts=card
    )
    channel.post(at(11, "10:05"), escalations.page(escalation, deadline=deadline, now=at(11, "10:05")), dm(ANA))
    page = channel.post(at(11, "10:10"), escalations.page(escalation, deadline=deadline, now=at(11, "10:10")), dm(BEN))
    channel.post(
        at(11, "10:10"), escalations.thread_line(escalations.paged_line(BEN, "tier1 backup", deadline)), thread_ts=card
    )
    channel.person(at(11, "10:12"), BEN, "tapped [Acknowledge]", dm(BEN))
    escalation.status, escalation.acknowledged_by, escalation.acknowledged_at = "acknowledged", BEN, at(11, "10:12")
    acknowledged = escalations.card(escalation, now=at(11, "10:12"))
    channel.update(at(11, "10:12"), card, acknowledged)
    channel.update(at(11, "10:12"), page, acknowledged, dm(BEN))
    channel.post(at(11, "10:12"), escalations.thread_line(escalations.acknowledged_line(escalation)), thread_ts=card)

    channel.person(at(11, "14:00"), EVA, "/budget reserve 20k online livestream boost for the evening peak")
    request = ApprovalRequest(
        id=1,
        campaign_id=1,
        kind="reserve",
        amount=2_000_000,
        to_line="online",
        reason="livestream boost for the evening peak",
        requested_by=EVA,
        requested_at=at(11, "14:00"),
        expires_at=at(11, "16:00"),
    )
    channel.post(at(11, "14:00"), budget.request_card(request), dm(DAN))
    channel.person(at(11, "14:06"), DAN, "tapped [Approve]", dm(DAN))
    entry = LedgerEntry(
        campaign_id=1,
        at=at(11, "14:06"),
        user_id=EVA,
        kind="reserve",
        amount=2_000_000,
        from_line="reserve",
        to_line="online",
        reason="livestream boost for the evening peak",
        approved_by=DAN,
    )
    channel.post(at(11, "14:06"), budget.change_notice(entry))

    channel.person(at(11, "15:00"), MEI, "/warroom chart gmv")
    hours = [at(11, f"{hour:02d}:00") for hour in range(0, 16, 3)]
    png = render_png(
        "GMV",
        [(t, 150_000.0 * i) for i, t in enumerate(hours)],
        [(t, 160_000.0 * i) for i, t in enumerate(hours)],
        TIMEZONE,
    )
    channel.share(at(11, "15:00"), "gmv.png", png, "GMV against its target to date")

    retro_day = RetroDay(
        campaign_id=1, day=date(2026, 11, 11), figures="GMV ¥11.4m of ¥12.0m (95.0%)", prompted_at=at(11, "21:00")
    )
    prompt = channel.post(at(11, "21:00"), retros.prompt(campaign, retro_day, []))
    channel.update(at(11, "21:10"), prompt, retros.prompt(campaign, retro_day, [ANA]))
    channel.post(at(11, "22:00"), retros.reminder(campaign, retro_day), dm(BEN))
    channel.post(at(11, "22:30"), escalations.escalation_list([], at(11, "22:30")))
    return channel


# -- the checks ------------------------------------------------------------------------------------------

# For each section's text: its line boxes (from a Range over its contents, one rect per piece of
# text or inline element per line), the widest gap between neighbouring pieces on a line, and the
# width the same content takes laid out on one line by itself (a hidden inline-block clone).
MEASURE_SECTIONS = """
() => [...document.querySelectorAll('.section .text')].map(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const lines = [];
    for (const rect of rects) {
        const line = lines.find(l => rect.top < l.bottom - 2 && rect.bottom > l.top + 2);
        if (line) { line.rects.push(rect); line.top = Math.min(line.top, rect.top); line.bottom = Math.max(line.bottom, rect.bottom); }
        else lines.push({top: rect.top, bottom: rect.bottom, rects: [rect]});
    }
    let widestGap = 0;
    for (const line of lines) {
        const sorted = line.rects.slice().sort((a, b) => a.left - b.left);
        let right = sorted[0].right;
        for (const rect of sorted.slice(1)) { widestGap = Math.max(widestGap, rect.left - right); right = Math.max(right, rect.right); }
    }
    const clone = element.cloneNode(true);
    clone.style.cssText = 'position:absolute; visibility:hidden; display:inline-block; width:auto; white-space:nowrap';
    element.parentNode.appendChild(clone);
    const natural = clone.getBoundingClientRect().width;
    clone.remove();
    const style = getComputedStyle(element);
    return {
        text: element.innerText,
        multiline: element.querySelector('br, pre, blockquote') !== null,
        lines: lines.length,
        widestGap,
        bounding: range.getBoundingClientRect().width,
        natural,
        available: element.getBoundingClientRect().width,
        height: element.getBoundingClientRect().height,
        lineHeight: parseFloat(style.lineHeight),
    };
})
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    channel = campaign_day()
    folder = tmp_path_factory.mktemp("transcript")
    html_file = folder / "transcript.html"
    html_file.write_text(channel.transcript.html("#double-11 — warroom-bot demo", channel.uploads), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 1600})
            tab.goto(html_file.as_uri(), wait_until="load")
            yield tab
        finally:
            browser.close()


def test_a_sections_sentence_is_one_paragraph_not_torn_across_the_line(page: Any) -> None:
    sections = page.evaluate(MEASURE_SECTIONS)
    for section in sections:
        where = f"section {section['text'][:70]!r}: {section}"
        # Words and inline pieces (bold, code, mentions, emoji) sit side by side: nothing pushes them apart.
        assert section["widestGap"] < 6, f"pieces of one sentence are spread apart in {where}"
        if section["multiline"]:
            continue
        # One paragraph: no piece of it laid out as a block of its own (innerText would break there).
        assert "\n" not in section["text"], f"the sentence is broken into blocks in {where}"
        if section["natural"] <= section["available"]:
            # It fits on a line, so it is on one line, and no wider than its words.
            assert section["lines"] == 1, f"a sentence that fits on one line takes {section['lines']} in {where}"
            assert section["height"] < 1.5 * section["lineHeight"], f"more than one line high: {where}"
            assert abs(section["bounding"] - section["natural"]) < 2, f"its words spread over the line in {where}"
        else:
            assert section["lines"] >= 2, f"too long for a line, yet not wrapped: {where}"
    # The sentences a user saw torn apart are among those checked, on one line each.
    short = [s["text"] for s in sections if not s["multiline"] and s["natural"] <= s["available"]]
    assert any("Double 11 is now in live" in text for text in short), short
    assert any("Role tier1" in text for text in short), short
    assert any(s["lines"] >= 2 for s in sections if not s["multiline"]), "a long sentence wraps as a paragraph"


def test_mrkdwn_shows_inline_bold_code_links_and_mentions(page: Any) -> None:
    phase = page.locator(".section .text", has_text="is now in").first
    assert phase.locator("b").all_inner_texts()[:2] == ["Double 11", "live"]
    assert phase.locator(".mention").all_inner_texts() == ["@Mei (commander)"]
    assert page.locator(".section .text code").count() > 0
    for inline in ("b", "code", ".mention"):
        display = page.locator(f".section .text {inline}").first.evaluate("e => getComputedStyle(e).display")
        assert display == "inline", inline


def test_fields_are_two_columns_buttons_a_row_context_small_and_grey(page: Any) -> None:
    boxes = page.eval_on_selector_all(
        ".fields", "all => all.map(f => [...f.children].map(c => c.getBoundingClientRect().toJSON()))"
    )
    assert boxes, "the digest has fields"
    first, second = boxes[0][0], boxes[0][1]
    assert first["top"] == second["top"] and second["left"] >= first["right"], "two fields side by side"
    if len(boxes[0]) > 2:
        assert boxes[0][2]["left"] == first["left"] and boxes[0][2]["top"] > first["top"], "the third starts row two"

    rows = page.eval_on_selector_all(
        ".actions", "all => all.map(a => [...a.children].map(b => b.getBoundingClientRect().toJSON()))"
    )
    pair = next(row for row in rows if len(row) >= 2)
    assert pair[0]["top"] == pair[1]["top"] and pair[1]["left"] > pair[0]["right"], "buttons in a row"

    context = page.locator(".message.bot .context").first
    body = page.locator(".message.bot .section .text").first
    size = lambda locator: float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))  # noqa: E731
    assert size(context) < size(body)
    colour = context.evaluate("e => getComputedStyle(e).color")
    assert colour != body.evaluate("e => getComputedStyle(e).color"), "context is grey, not the text colour"


def test_thread_replies_sit_under_their_parent_and_dms_are_their_own_conversations(page: Any) -> None:
    thread = page.locator(".thread").first
    assert thread.locator(".message").count() == 3
    assert "Paged @Ana (supply chain)" in thread.inner_text()
    parent = thread.evaluate("t => t.previousElementSibling.innerText")
    assert "RED #1 Inventory of SKU-9 below safety line" in parent
    parent_box = thread.evaluate("t => t.previousElementSibling.getBoundingClientRect().toJSON()")
    thread_box = thread.bounding_box()
    assert thread_box["y"] >= parent_box["bottom"] - 1 and thread_box["x"] > parent_box["left"], "indented under it"

    titles = page.locator("section > h2").all_inner_texts()
    assert titles == ["#double-11", "DM Ana (supply chain)", "DM Ben (logistics)", "DM Dan (finance)"]
    dan = page.locator("section", has=page.locator("h2", has_text="DM Dan (finance)"))
    assert (
        "Budget request #1" in dan.inner_text()
        and "Budget request #1" not in page.locator("section").first.inner_text()
    )


def test_no_emoji_is_left_as_a_shortcode(page: Any) -> None:
    visible = page.locator("body").inner_text()
    assert not SHORTCODE.findall(visible), SHORTCODE.findall(visible)
    for emoji in ("👤", "🔄", "📒", "👀", "💰", "🎉", "📝"):
        assert emoji in visible, emoji


def test_the_page_can_be_screenshotted(page: Any, tmp_path: Path) -> None:
    png = tmp_path / "transcript.png"
    page.screenshot(path=str(png))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.test_transcript_browser PAGE PNG [--from TEXT]`: the README's screenshot."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.test_transcript_browser", description=main.__doc__)
    parser.add_argument("page", type=Path, help="a transcript.html that `warroom demo` wrote")
    parser.add_argument("png", type=Path, help="where to save the screenshot")
    parser.add_argument("--from", dest="start", help="scroll to the first day divider or message with this text")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    args = parser.parse_args(argv)
    if reason := browser_missing():
        sys.exit(reason)
    print(screenshot(args.page, args.png, width=args.width, height=args.height, start=args.start))


if __name__ == "__main__":
    main()
