"""One driver for the tests, the demo and the benchmarks: the service started (in this process, or
as a `warroom` child process on a free loopback port), and Slack's side of the conversation with
it: signed commands, taps on buttons of the messages the stand-in received, forms filled in and
submitted, and what the bot posted, read back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import col, select

from warroom_bot.api import tokens
from warroom_bot.app import create_app
from warroom_bot.core.clock import Clock
from warroom_bot.core.ids import ActionId, ActionItemPart, BlockId, action_item_block
from warroom_bot.core.runtime import Runtime
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.slack_requests import SignedRequest, SlackRequestFactory
from warroom_bot.devtools.standin import BOT_USER_ID, Call, SlackStandIn
from warroom_bot.models import Campaign, OutboxMessage
from warroom_bot.retros.render import MODAL_ACTION_ITEMS
from warroom_bot.scheduler.jobs import tick

# Who and where, unless a caller says otherwise.
SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0WARROOM1"
COMMANDER = "U0COMMAND1"
OTHER = "U0OTHER001"
MEI, ANA, BEN, CHO, DAN, EVA = "U0MEI00001", "U0ANA00001", "U0BEN00001", "U0CHO00001", "U0DAN00001", "U0EVA00001"
SHANGHAI = "Asia/Shanghai"
# `/warroom start` lines: in warm-up on 9 Nov (the tests' clock), and live for 48 hours from 9 Nov 00:00 UTC.
START_LINE = '"Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai'
LIVE_LINE = '"Double 11" 2026-11-09T00:00 2026-11-11T00:00 UTC'


def local(text: str, zone: str = SHANGHAI) -> datetime:
    """`2026-11-10T21:00` on the wall clocks of `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# -- buttons and forms ------------------------------------------------------------------------------------


def button(message: Mapping[str, Any], action_id: str, block_id: str | None = None) -> tuple[dict[str, Any], str]:
    """The button `action_id` on a message (in an actions block or beside a section; in block
    `block_id` if given) and its block id."""
    for block in message.get("blocks") or []:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        for element in elements:
            if element.get("type") == "button" and element.get("action_id") == action_id:
                return element, block.get("block_id", "")
    raise LookupError(f"no {action_id} button on the message {str(message.get('text', ''))[:80]!r}")


# What each kind of input sends in a submitted form's state, and what it was pre-filled with.
_STATE_KEYS = {
    "users_select": ("selected_user", "initial_user"),
    "datepicker": ("selected_date", "initial_date"),
    "static_select": ("selected_option", "initial_option"),
}


def form_values(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A modal's state as Slack submits it: `answers` by block id (None: left empty; a select's
    option value), every other input as the form was pre-filled."""
    values = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        key, initial = _STATE_KEYS.get(element["type"], ("value", "initial_value"))
        if block_id not in answers:
            value = element.get(initial)
        elif element["type"] == "static_select" and answers[block_id] is not None:
            value = {"value": answers[block_id]}
        else:
            value = answers[block_id]
        values[block_id] = {element.get("action_id", ActionId.INPUT): {"type": element["type"], key: value}}
    return values


def action_item(
    owner: str,
    due: str,
    action: str = "Move 2,000 units from the East warehouse",
    *,
    problem: str = "SKU-9 sold out",
    cause: str = "Safety stock set for a normal day",
) -> dict[ActionItemPart, str]:
    """One action item of a retro form."""
    parts = {ActionItemPart.PROBLEM: problem, ActionItemPart.CAUSE: cause, ActionItemPart.ACTION: action}
    return {**parts, ActionItemPart.OWNER: owner, ActionItemPart.DUE: due}


def retro_answers(
    *,
    problems: str,
    adjustments: str,
    targets: str | None = None,
    items: list[dict[ActionItemPart, str]] | None = None,
) -> dict[str, str | None]:
    """The retro form's answers by block id: the three steps (`targets` None keeps the figures the
    form opened with) and the action items, every slot not given left empty."""
    answers: dict[str, str | None] = {BlockId.PROBLEMS: problems, BlockId.ADJUSTMENTS: adjustments}
    if targets is not None:
        answers[BlockId.TARGETS_VS_ACTUAL] = targets
    for index in range(1, MODAL_ACTION_ITEMS + 1):
        item = (items or [])[index - 1] if index <= len(items or []) else {}
        answers |= {action_item_block(index, part): item.get(part) for part in ActionItemPart}
    return answers


def kpi_line(message: Mapping[str, Any], label: str) -> str:
    """The line of the KPI called `label` in a status digest."""
    return next(
        block["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "section" and f"*{label}*" in block.get("text", {}).get("text", "")
    )


# -- Slack's side ----------------------------------------------------------------------------------------


class SlackDriver:
    """Sends a service what Slack would send to `/slack/events`, signed, and reads back what the bot
    posted (from `standin`) and stored (from `runtime`, when the service runs in this process)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        signing_secret: str = SIGNING_SECRET,
        standin: SlackStandIn | None = None,
        runtime: Runtime | None = None,
        channel: str = CHANNEL,
        user: str = COMMANDER,
    ) -> None:
        self.http = http
        self._standin, self._runtime = standin, runtime
        self.channel, self.user = channel, user
        responses = standin.url + "response/" if standin else "http://127.0.0.1:9/response/"
        self.requests = SlackRequestFactory(signing_secret, response_url_base=responses)

    @property
    def standin(self) -> SlackStandIn:
        assert self._standin is not None, "this driver was given no stand-in"
        return self._standin

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "the service does not run in this process"
        return self._runtime

    async def send(self, request: SignedRequest) -> httpx.Response:
        return await self.http.post("/slack/events", content=request.body, headers=request.headers)

    async def command(
        self, text: str, *, user: str | None = None, channel: str | None = None, command: str = "/warroom"
    ) -> httpx.Response:
        user_id, channel_id = user or self.user, channel or self.channel
        return await self.send(self.requests.slash_command(command, text, user_id=user_id, channel_id=channel_id))

    async def ephemeral(self, text: str, **kwargs: Any) -> str:
        """Run a command and return the text of the answer only the caller sees."""
        response = await self.command(text, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["response_type"] == "ephemeral", body
        return body["text"]

    async def tap(
        self,
        message: Call | tuple[str, str],
        action_id: str,
        user: str,
        *,
        stale: bool = False,
        block: str | None = None,
    ) -> httpx.Response:
        """Tap a button on a message the stand-in received (its call, or its channel and ts) as it
        shows now (in `block`, when several have the button); `stale`: as it was first posted (a
        phone that has not refreshed)."""
        channel, ts = (message.response["channel"], message.response["ts"]) if isinstance(message, Call) else message
        shown = message.args if stale and isinstance(message, Call) else self.standin.messages[(channel, ts)]
        return await self.tap_button(shown, action_id, user, channel=channel, ts=ts, block=block)

    async def tap_button(
        self,
        message: Mapping[str, Any],
        action_id: str,
        user: str,
        *,
        channel: str,
        ts: str,
        block: str | None = None,
    ) -> httpx.Response:
        """Tap a button on any message (an answer only the tapper saw, say) at `channel` and `ts`."""
        return await self.send(self.tap_request(message, action_id, user, channel=channel, ts=ts, block=block))

    def tap_request(
        self,
        message: Mapping[str, Any],
        action_id: str,
        user: str,
        *,
        channel: str,
        ts: str,
        block: str | None = None,
    ) -> SignedRequest:
        """The signed request of that tap, to send (or send again) later."""
        element, block_id = button(message, action_id, block)
        return self.requests.block_action(
            action_id=action_id,
            value=element.get("value", ""),
            user_id=user,
            channel_id=channel,
            message_ts=ts,
            block_id=block_id,
        )

    async def open_form(self, message: Call | tuple[str, str], action_id: str, user: str) -> dict[str, Any]:
        """Tap a button that opens a form; the view Slack was asked to open."""
        opened = len(self.standin.ok_calls("views.open"))
        response = await self.tap(message, action_id, user)
        assert response.status_code == 200, response.text
        return (await self.standin.wait_for("views.open", count=opened + 1))[-1].args["view"]

    async def submit(self, view: Mapping[str, Any], answers: Mapping[str, Any], user: str) -> httpx.Response:
        """Submit a form as `user` with `answers` by block id (see `form_values`)."""
        request = self.requests.view_submission(
            callback_id=view["callback_id"],
            values=form_values(view, answers),
            user_id=user,
            private_metadata=view.get("private_metadata", ""),
        )
        return await self.send(request)

    async def message_shortcut(
        self, ts: str, *, user: str | None = None, channel: str | None = None, callback_id: str = "escalate_message"
    ) -> httpx.Response:
        """Choose a message shortcut on the message `ts` of `channel` (one the stand-in keeps)."""
        where = channel or self.channel
        shown = self.standin.messages[(where, ts)]
        request = self.requests.message_action(
            callback_id=callback_id, user_id=user or self.user, channel_id=where, message=dict(shown)
        )
        return await self.send(request)

    async def mention(
        self,
        event_id: str,
        *,
        ts: str = "1700000100.000200",
        text: str = f"<@{BOT_USER_ID}> how are we doing?",
        channel: str | None = None,
        user: str | None = None,
        retry_num: int | None = None,
    ) -> httpx.Response:
        """`@warroom` in a message `ts` (a retry of the delivery with `retry_num`)."""
        where = channel or self.channel
        event = {"type": "app_mention", "user": user or self.user, "text": text, "ts": ts, "channel": where}
        return await self.send(
            self.requests.event_callback({**event, "event_ts": ts}, event_id=event_id, retry_num=retry_num)
        )

    # -- what the bot posted (the stand-in's record) ---------------------------------------------------

    def posts(self, containing: str = "", *, channel: str | None = None) -> list[Call]:
        """Messages the bot posted (in `channel`, or anywhere) whose text contains `containing`."""
        return [
            call
            for call in self.standin.ok_calls("chat.postMessage")
            if containing in call.args["text"] and channel in (None, call.args["channel"])
        ]

    def digests(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The status digests posted in `channel` (the driver's own by default), as posted."""
        return [call.args for call in self.posts("— status", channel=channel or self.channel)]

    def thread(self, ts: str) -> list[str]:
        """The replies the bot posted in the thread of `ts`."""
        return [c.args["text"] for c in self.standin.ok_calls("chat.postMessage") if c.args.get("thread_ts") == ts]

    # -- the service in this process ---------------------------------------------------------------------

    async def tick(self) -> None:
        """One scheduler tick: due work, then every message due delivered (after any delivery under way)."""
        await tick(self.runtime)

    async def replies(self, ts: str) -> list[str]:
        """The replies in the thread of `ts` once everything answered so far is delivered, without
        waiting: Bolt answers a request only after its listener ran (`process_before_response`), so
        its work is committed, and a tick sends all it enqueued (after any delivery under way)."""
        await self.tick()
        return self.thread(ts)

    async def campaigns(self) -> list[Campaign]:
        async with self.runtime.sessions() as session:
            return list((await session.exec(select(Campaign).order_by(col(Campaign.id)))).all())

    async def outbox(self) -> list[OutboxMessage]:
        async with self.runtime.sessions() as session:
            return list((await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all())

    async def bearer(self, campaign_id: int | None = None, name: str = "dashboard") -> dict[str, str]:
        """Headers with a new REST API token: an admin token, or one for `campaign_id` only."""
        async with self.runtime.transaction() as session:
            value, _row = await tokens.create(session, name=name, campaign_id=campaign_id, now=self.runtime.clock.now())
        return {"Authorization": f"Bearer {value}"}


@asynccontextmanager
async def in_process(
    settings: Settings, clock: Clock | None = None, standin: SlackStandIn | None = None
) -> AsyncIterator[SlackDriver]:
    """The service in this process (lifespan and all: migrations, scheduler, outbox), driven over
    ASGI without a socket."""
    app = create_app(settings, clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as http:
            secret = settings.secret("slack_signing_secret")
            yield SlackDriver(http, signing_secret=secret, standin=standin, runtime=app.state.runtime)
