"""`warroom demo`: a whole campaign day in about two minutes, on embedded defaults.

The real service runs on loopback with a temporary SQLite database, the local Slack stand-in and a
clock about 720 times faster than the wall clock (an hour every 5 s; the quiet night hours pass in a
moment, a reading each hour). A small cast drives one campaign through warm-up, a live day and
wrap-up, only through the doors production traffic uses: signed slash commands, taps and forms to
`/slack/events`, readings through the REST API, and whatever the scheduler's ticks and the outbox
post. What the channel would show is printed as it happens and written as an HTML page, beside the
final report and the readings the BI feed sent (`readings.csv`, in the `warroom import-metrics` form).

Sales follow the shape of a real Double 11: a fifth of the day in the first hour after midnight, a
quiet night, a daytime rise and an evening peak. GMV and orders are given the same hourly curve
(`/warroom kpi curve`), so their targets to date rise with the sales, and the digests stay plausible.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import random
import tempfile
import time as wall
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from warroom_bot.app import create_app
from warroom_bot.core import i18n
from warroom_bot.core.clock import ScaledClock
from warroom_bot.core.i18n import CHINESE, ENGLISH, tr
from warroom_bot.core.ids import ActionId, ActionItemPart, step_block
from warroom_bot.core.settings import load_settings
from warroom_bot.devtools import demo_story as story
from warroom_bot.devtools.driver import ANA, BEN, CHO, DAN, EVA, MEI, SlackDriver, action_item, button, retro_answers
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.devtools.transcript import Entry, Transcript

# What the story waits for in what the bot posts: (English, Chinese).
SIGNS = {
    "live": ("to live", "切换为正式"),
    "digest": ("— status", "战报"),
    "digest at 01": ("— status Wed 11 Nov 01:", "战报 11月11日 周三 01:"),
    "inventory red": ("Inventory vs safety stock green → red", "库存 绿灯 → 红灯"),
    "page": ("ORANGE #1", "橙色 #1"),
    "acknowledged": ("Acknowledged by", "确认"),
    "budget request": ("Budget request", "预算申请"),
    "approved": ("approved by", "审批"),
    "retro prompt": ("Daily retro", "每日复盘"),
    "wrap-up": ("phase changed from live to", "从正式切换为"),
    "retro summary": ("Retro summary", "复盘汇总"),
    "report": ("report", "报告"),
}


class DemoError(Exception):
    """Something the story waits for did not happen: the demo stops and says what."""


@dataclass(frozen=True)
class DemoResult:
    transcript: Path
    report_md: Path
    report_html: Path
    real_seconds: float


class Demo:
    def __init__(
        self, *, speed: float, seed: int, out: Path, lang: str = ENGLISH, echo: Callable[[str], None] = print
    ) -> None:
        i18n.use(lang)  # the narration, the cast and the page; the campaign starts in it (WARROOM_LANG)
        self.lang = i18n.current()
        self.speed = speed
        self.random = random.Random(seed)
        self.out = out
        self.echo = echo
        self.clock = ScaledClock(story.local(10, "22:00"), speed)
        self.transcript = Transcript(self.clock, story.TIMEZONE, story.cast(), {story.CHANNEL: "double-11"}, echo)
        self.restocked: datetime | None = None
        self.pace = [pace * (1 + self.random.uniform(-0.03, 0.03)) for pace in story.PACE]
        self.sent: list[dict[str, Any]] = []
        self.http: httpx.AsyncClient
        self.standin: SlackStandIn
        self.slack: SlackDriver
        self.api_headers: dict[str, str] = {}
        self.campaign_id = 0

    # -- running the service -----------------------------------------------------------------------

    async def run(self) -> DemoResult:
        began = wall.monotonic()
        # A tick that outlasts the fast clock's interval is skipped on purpose; do not warn about it.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        self.out.mkdir(parents=True, exist_ok=True)
        async with self._service():
            feeding = asyncio.create_task(self._feed_readings())
            try:
                await self._story()
            finally:
                feeding.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await feeding
            report_md, report_html = await self._write_reports()
        self._write_readings()
        transcript = self.out / "transcript.html"
        transcript.write_text(
            self.transcript.html(tr("#double-11 — warroom-bot demo"), self.standin.uploads, lang=self.lang),
            encoding="utf-8",
        )
        return DemoResult(transcript, report_md, report_html, wall.monotonic() - began)

    @contextlib.asynccontextmanager
    async def _service(self) -> AsyncIterator[None]:
        """The stand-in and the real service on loopback ports, a throwaway database; all stopped after."""
        self.standin = await SlackStandIn(on_message=self.transcript.on_message).start()
        for user_id, (name, _part) in story.CAST.items():
            self.standin.add_user(user_id, name.lower(), story.TIMEZONE)
        with tempfile.TemporaryDirectory(prefix="warroom-demo-") as folder:
            settings = load_settings(
                database_url=f"sqlite+aiosqlite:///{folder}/demo.db",
                slack_api_url=self.standin.api_url,
                slack_bot_token=story.BOT_TOKEN,
                slack_signing_secret=story.SIGNING_SECRET,
                tick_seconds=max(0.02, 30 / self.speed),  # every 30 simulated seconds
                outbox_channel_rate=self.speed,  # Slack's one message a second, in simulated time
                default_language=self.lang,
            )
            app = create_app(settings, self.clock)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
            serving = asyncio.create_task(server.serve())
            try:
                while not server.started:
                    if serving.done():
                        raise DemoError("The service did not start.")
                    await asyncio.sleep(0.01)
                port = server.servers[0].sockets[0].getsockname()[1]
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as self.http:
                    self.slack = SlackDriver(
                        self.http,
                        signing_secret=story.SIGNING_SECRET,
                        standin=self.standin,
                        runtime=app.state.runtime,
                        channel=story.CHANNEL,
                    )
                    self.api_headers = await self.slack.bearer(name="demo-bi-feed")
                    self.clock.restart()  # the story begins now that everything is up
                    yield
            finally:
                server.should_exit = True
                await serving
                await self.standin.stop()

    # -- what people do --------------------------------------------------------------------------------

    async def at(self, moment: datetime) -> None:
        """Wait until the simulated clock shows `moment` (at once if it already has)."""
        await asyncio.sleep(self.clock.real_seconds_until(moment))

    async def command(self, user_id: str, text: str, command: str = "/warroom") -> None:
        self.transcript.person(user_id, story.CHANNEL, f"{command} {text}")
        response = await self.slack.command(text, user=user_id, command=command)
        if response.status_code != 200:
            raise DemoError(f"{command} {text} was answered {response.status_code}: {response.text}")
        answer = response.json().get("text") if response.content else None
        if answer:
            self.transcript.ephemeral(user_id, story.CHANNEL, answer)

    def _tapping(self, user_id: str, entry: Entry, action_id: ActionId, block: str | None = None) -> tuple[str, str]:
        """Show `user_id` tapping a button of a message (in `block`); the message's channel and ts."""
        try:
            element, _block_id = button({"text": entry.text, "blocks": entry.blocks}, action_id, block)
        except LookupError as missing:
            raise DemoError(str(missing)) from None
        self.transcript.person(user_id, entry.channel, tr("tapped [{button}]", button=element["text"]["text"]))
        return entry.channel, entry.ts or ""

    async def tap(self, user_id: str, entry: Entry, action_id: ActionId, block: str | None = None) -> None:
        """Tap a button on a message as it shows now (the one in `block`, when several have it)."""
        where = self._tapping(user_id, entry, action_id, block)
        response = await self.slack.tap(where, action_id, user_id, block=block)
        if response.status_code != 200:
            raise DemoError(f"a tap on {action_id} was answered {response.status_code}")

    def sign(self, name: str) -> str:
        """A piece of a message the story waits for, as the campaign's language writes it."""
        return SIGNS[name][self.lang == CHINESE]

    async def seen(self, what: str, matches: Callable[[Entry], bool], *, within: timedelta) -> Entry:
        """Wait for a message the story needs; `within` is simulated time."""
        deadline = wall.monotonic() + max(within / timedelta(seconds=1) / self.speed, 10.0)
        while wall.monotonic() < deadline:
            found = next((entry for entry in reversed(self.transcript.entries) if matches(entry)), None)
            if found is not None:
                return found
            await asyncio.sleep(0.01)
        raise DemoError(f"The demo waited for {what}, and it did not come.")

    async def write_retro(
        self, user_id: str, prompt: Entry, *, problems: str, adjustments: str, item: dict[ActionItemPart, str] | None
    ) -> None:
        """Tap Write my retro, then fill in and send the form Slack was asked to open."""
        where = self._tapping(user_id, prompt, ActionId.WRITE_RETRO)
        view = await self.slack.open_form(where, ActionId.WRITE_RETRO, user_id)
        self.transcript.person(user_id, f"D{user_id[1:]}", tr("sent the retro form"))
        answers = retro_answers(problems=problems, adjustments=adjustments, items=[item] if item else [])
        response = await self.slack.submit(view, answers, user_id)
        body = response.json() if response.content else {}
        if body.get("response_action") != "update":
            raise DemoError(f"The retro form of {story.cast()[user_id]} was refused: {body}")
        self.transcript.ephemeral(user_id, f"D{user_id[1:]}", body["view"]["blocks"][0]["text"]["text"])

    # -- the readings a BI system would send ---------------------------------------------------------

    def readings(self, now: datetime) -> list[dict[str, Any]]:
        """What the BI system reports at `now`: running totals, stock and the site's response time."""
        sold = story.share_of_day(now, self.pace)
        gmv = story.GMV_TARGET * sold
        if self.restocked is not None:
            since = sold - story.share_of_day(self.restocked, self.pace)
            inventory = story.STOCK_AFTER_RESTOCK - story.SOLD_AFTER_RESTOCK * since
        elif now >= story.local(11, "09:30"):
            inventory = 3_100  # SKU-9 is selling out
        else:
            inventory = story.STOCK_AT_START - story.SOLD_BEFORE_RESTOCK * sold
        rush = story.HOURLY_WEIGHTS[now.astimezone(story.ZONE).hour] / max(
            story.HOURLY_WEIGHTS
        )  # the site slows at the peaks
        at = now.isoformat()
        return [
            {"kpi": "gmv", "value": round(gmv, 2), "at": at},
            {"kpi": "orders", "value": round(gmv / 205), "at": at},
            {"kpi": "inventory", "value": round(inventory), "at": at},
            {"kpi": "response_time", "value": round(0.7 + 1.6 * rush + self.random.random() * 0.4, 2), "at": at},
        ]

    async def send_readings(self) -> None:
        batch = self.readings(self.clock.now())
        response = await self.http.post(
            f"/api/campaigns/{self.campaign_id}/metrics", json={"readings": batch}, headers=self.api_headers
        )
        if response.status_code != 200:
            raise DemoError(f"The readings were refused: {response.text}")
        self.sent += batch

    async def _feed_readings(self) -> None:
        """Through the live day, as a BI feed would (the night's hourly readings are sent by the story)."""
        while True:
            now = self.clock.now()
            if story.LIVE_STARTS <= now < story.LIVE_ENDS and self.campaign_id:
                await self.send_readings()
            every = story.RUSH_READING_EVERY if now < story.local(11, story.RUSH_ENDS) else story.READING_EVERY
            await asyncio.sleep(every / timedelta(seconds=1) / self.speed)

    def _write_readings(self) -> None:
        with (self.out / "readings.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=["at", "kpi", "value"])
            writer.writeheader()
            writer.writerows(sorted(self.sent, key=lambda row: row["at"]))

    # -- the story -----------------------------------------------------------------------------------

    def narrate(self, text: str) -> None:
        self.echo(f"\n— {text}")

    async def _story(self) -> None:
        self.narrate(tr("Warm-up, Tue 10 Nov 22:00, two hours before launch. Mei opens the war room for Double 11."))
        name = tr("Double 11")
        await self.command(MEI, f'start "{name}" 2026-11-11T00:00 2026-11-12T00:00 Asia/Shanghai')
        (campaign,) = (await self.http.get("/api/campaigns", headers=self.api_headers)).json()
        self.campaign_id = campaign["id"]
        for line in (
            f"role tier1 <@{ANA}> <@{BEN}>",
            f"role tier2 <@{CHO}>",
            f"role tier3 <@{MEI}>",
            f"role finance <@{DAN}>",
            f"role lead:supply_chain <@{ANA}>",
            f"role lead:logistics <@{BEN}>",
            f"role lead:marketing <@{EVA}>",
        ):
            await self.command(MEI, line)
        for unused in ("visitors", "conversion", "aov", "new_customers", "complaints"):
            await self.command(MEI, f"kpi remove {unused}")
        curve = ",".join(str(weight) for weight in story.HOURLY_WEIGHTS)
        for line in (
            "target gmv 12m",
            f"target orders {story.ORDERS_TARGET}",
            f"target inventory {story.SAFETY_STOCK}",
            f"kpi curve gmv {curve}",
            f"kpi curve orders {curve}",
            f"config quiet {story.QUIET_HOURS[0]}-{story.QUIET_HOURS[1]}",
        ):
            await self.command(MEI, line)
        flash_sale = tr("Evening livestream flash sale")
        await self.command(MEI, f'moment 20:00 "{flash_sale}" <@{EVA}>')
        await self.command(MEI, "plan 500k", "/budget")
        await self.command(MEI, "spend materials 60k " + tr("posters and shelf talkers"), "/budget")
        await self.command(MEI, "digest")

        await self.at(story.LIVE_STARTS)
        self.narrate(
            tr(
                "Midnight: Double 11 goes live, and a fifth of the day's sales come in the first hour. "
                "The BI feed sends readings through the REST API every 5 minutes, by day every 15."
            )
        )
        await self.command(MEI, "phase live")
        await self.seen("the phase change", lambda e: self.sign("live") in e.text, within=timedelta(minutes=10))
        await self.seen("the 01:00 digest", lambda e: self.sign("digest at 01") in e.text, within=timedelta(hours=1))
        await self.at(story.local(11, story.QUIET_HOURS[0]))
        self.narrate(
            tr(
                "The first rush is over. Quiet hours {start}–{end}: no digests; the night's readings still come, "
                "one an hour, while the clock skips to the morning.",
                start=story.QUIET_HOURS[0],
                end=story.QUIET_HOURS[1],
            )
        )
        night = story.local(11, story.QUIET_HOURS[0])
        while night < story.local(11, story.QUIET_HOURS[1]):
            self.clock.skip_to(night)
            await self.send_readings()
            night += timedelta(hours=1)
        self.clock.skip_to(story.local(11, story.QUIET_HOURS[1]))

        self.narrate(
            tr(
                "09:30: SKU-9 sells out below the safety line. Inventory's light turns red and raises an "
                "escalation by itself, paging Ana, the supply-chain lead, first; she does not answer in 15 minutes."
            )
        )
        page = await self.seen(
            "the page to Ben, tier 1 backup",
            lambda e: e.channel == f"D{BEN[1:]}" and e.text.startswith(self.sign("page")),
            within=timedelta(hours=3),
        )
        await self.at(story.local(11, "09:52"))
        await self.tap(BEN, page, ActionId.ACKNOWLEDGE)
        await self.seen(
            "the acknowledgement", lambda e: self.sign("acknowledged") in e.text, within=timedelta(minutes=5)
        )
        checklist = await self.seen(
            "the stock-shortage plan's checklist",
            lambda e: any(block.get("block_id") == step_block(1) for block in e.blocks),
            within=timedelta(minutes=5),
        )
        await self.at(story.local(11, "09:58"))
        await self.tap(BEN, checklist, ActionId.STEP_DONE, step_block(1))
        await self.seen(
            "a digest with inventory red",
            lambda e: self.sign("digest") in e.text and self.sign("inventory red") in e.text,
            within=timedelta(hours=1),
        )
        await self.at(story.local(11, "10:30"))
        await self.tap(BEN, checklist, ActionId.STEP_DONE, step_block(2))
        await self.at(story.local(11, "10:40"))
        await self.command(BEN, "resolve 1 " + tr("Moved 2,000 units of SKU-9 from the East warehouse"), "/escalate")
        self.restocked = self.clock.now()
        await self.send_readings()

        await self.at(story.local(11, "12:00"))
        await self.command(EVA, "spend online 180k " + tr("search ads, morning wave"), "/budget")
        await self.at(story.local(11, "14:00"))
        self.narrate(tr("Eva asks for reserve money for the evening livestream; finance decides from a phone."))
        await self.command(EVA, "reserve 20k online " + tr("livestream boost for the evening peak"), "/budget")
        request = await self.seen(
            "the approval request to Dan",
            lambda e: e.channel == f"D{DAN[1:]}" and e.text.startswith(self.sign("budget request")),
            within=timedelta(minutes=5),
        )
        await self.at(story.local(11, "14:06"))
        await self.tap(DAN, request, ActionId.APPROVE)
        await self.seen("the approval", lambda e: self.sign("approved") in e.text, within=timedelta(minutes=5))
        await self.at(story.local(11, "15:00"))
        await self.command(MEI, "chart gmv")
        await self.at(story.local(11, "16:00"))
        await self.command(EVA, "spend offline 90k " + tr("mall booths in Shanghai and Hangzhou"), "/budget")

        prompt = await self.seen(
            "the 21:00 retro prompt", lambda e: self.sign("retro prompt") in e.text, within=timedelta(hours=7)
        )
        self.narrate(tr("21:00: the daily retro. Ana and Eva answer; the others get one reminder at 22:00."))
        await self.at(story.local(11, "21:10"))
        await self.write_retro(
            ANA,
            prompt,
            problems=tr("SKU-9 sold out at 09:30: safety stock was set for a normal day"),
            adjustments=tr("Raise safety stock of the top 20 SKUs to 2 hours of peak sales"),
            item=action_item(
                ANA,
                "2026-11-12",
                tr("Recompute safety stock of the top 20 SKUs"),
                problem=tr("SKU-9 sold out at 09:30"),
                cause=tr("Safety stock set for a normal day"),
            ),
        )
        await self.at(story.local(11, "21:25"))
        await self.write_retro(
            EVA,
            prompt,
            problems=tr("The livestream peak came 30 minutes late"),
            adjustments=tr("Start the livestream warm-up at 19:30"),
            item=None,
        )

        await self.at(story.LIVE_ENDS)
        self.narrate(tr("Midnight: the live day ends; Mei moves the campaign to wrap-up. The clock skips the night."))
        await self.command(MEI, "phase wrapup")
        await self.seen("the phase change", lambda e: self.sign("wrap-up") in e.text, within=timedelta(minutes=10))
        self.clock.skip_to(story.local(12, "08:55"))
        await self.seen(
            "the morning summary", lambda e: self.sign("retro summary") in e.text, within=timedelta(hours=1)
        )
        await self.at(story.local(12, "09:10"))
        await self.command(MEI, "report")
        await self.seen(
            "the report file", lambda e: bool(e.files) and self.sign("report") in e.text, within=timedelta(hours=1)
        )

    async def _write_reports(self) -> tuple[Path, Path]:
        paths = []
        for format in ("md", "html"):
            response = await self.http.get(
                f"/api/campaigns/{self.campaign_id}/report", params={"format": format}, headers=self.api_headers
            )
            if response.status_code != 200:
                raise DemoError(f"The {format} report was refused: {response.text}")
            path = self.out / f"report.{format}"
            path.write_text(response.text, encoding="utf-8")
            paths.append(path)
        return paths[0], paths[1]
