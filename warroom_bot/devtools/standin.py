"""A local Slack stand-in: the Web API methods the bot uses, answered over HTTP on loopback.

Slack cannot be reached from tests, CI or the demo, so the bot's real `slack_sdk` client talks to
this server instead (`SLACK_API_URL=http://127.0.0.1:PORT/api/`). It keeps channels and messages
the way Slack does (a `ts` per message, `chat.update` in place, DMs opened by user id), records
every call, and can be told to misbehave: answer 429 with Retry-After, 500, or slowly. In the
manner of bolt-python's and slack-sdk's own mock servers, faults are switched on from the test.

It also receives what Bolt's `respond()` posts to a command's `response_url`
(`/response/<anything>`), the file bytes of the files upload v2 flow, and plays Slack's side of
Socket Mode: `apps.connections.open` hands out a WebSocket on this server, and `socket_request()`
delivers an envelope over it and returns the app's acknowledgement.

What Slack keeps and how each Web API method answers, scopes included, is the workspace's
(`warroom_bot.devtools.standin_workspace`); this module is the server around it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from warroom_bot.core.clock import SystemClock
from warroom_bot.devtools.standin_workspace import (
    APP_TOKEN_METHOD_SCOPES,
    BOT_USER_ID,
    MANIFEST_BOT_SCOPES,
    METHOD_SCOPES,
    TEAM_ID,
    OnMessage,
    SlackWorkspace,
    decoded,
)
from warroom_bot.devtools.transcript import Transcript

# The workspace's constants stay importable from here, where the tests and slack_requests take them.
__all__ = [
    "APP_TOKEN_METHOD_SCOPES",
    "BOT_USER_ID",
    "MANIFEST_BOT_SCOPES",
    "METHOD_SCOPES",
    "TEAM_ID",
    "Call",
    "Fault",
    "SlackStandIn",
    "printed_transcript",
    "serve_forever",
]


@dataclass
class Call:
    """One request that reached the stand-in, with what it answered."""

    method: str
    args: dict[str, Any]
    status: int
    response: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.time)  # wall clock, comparable with the service's timestamps

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class Fault:
    status: int
    times: int
    method: str | None
    retry_after: int | None
    error: str
    hang_seconds: float


class SlackStandIn(SlackWorkspace):
    """A `SlackWorkspace` served over HTTP, recording every call and misbehaving when told to.

    Start with `await standin.start()`; point `SLACK_API_URL` at `standin.api_url`."""

    def __init__(
        self,
        on_message: OnMessage | None = None,
        *,
        scopes: Iterable[str] | None = MANIFEST_BOT_SCOPES,
    ) -> None:
        """The arguments are the workspace's: who hears of each message, the bot token's scopes."""
        super().__init__(on_message, scopes=scopes)
        self.calls: list[Call] = []
        self.delay_seconds = 0.0
        # Slack's per-channel limit on chat.postMessage, when set: (messages a second, burst). A post
        # beyond it is answered 429 with Retry-After, as Slack does. Off by default.
        self.channel_limit: tuple[float, int] | None = None
        self._channel_budget: dict[str, tuple[float, float]] = {}  # channel -> (tokens, at)
        self._faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()
        self._socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)  # slack_sdk uses GET for some methods
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/standin/messages", self._list_messages)  # for `warroom tap` (try-out mode)
        app.router.add_get("/standin/calls", self._list_calls)
        self._app = app

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SlackStandIn:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}/"
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    # -- test controls (and `add_user`, the workspace's) ----------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        hang: float = 0.0,
    ) -> None:
        """Answer the next `times` calls (of `method`, or of any method) with `status` and `ok: false`.

        `error` is Slack's error code in the body (default: `ratelimited` for 429, else `fatal_error`);
        `hang` waits that many seconds first, so that a client with a shorter timeout gives up."""
        code = error or ("ratelimited" if status == 429 else "fatal_error")
        self._faults.append(
            Fault(status=status, times=times, method=method, retry_after=retry_after, error=code, hang_seconds=hang)
        )

    def recover(self) -> None:
        self._faults.clear()

    def ok_calls(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.ok]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until `count` successful calls of `method` arrived; fail loudly otherwise."""
        deadline = time.monotonic() + within
        while len(self.ok_calls(method)) < count:
            if time.monotonic() > deadline:
                seen = [(c.method, c.status) for c in self.calls]
                raise AssertionError(f"expected {count} successful {method} call(s) within {within}s; saw {seen}")
            await asyncio.sleep(0.01)
        return self.ok_calls(method)

    async def socket_request(self, kind: str, payload: dict[str, Any], within: float = 5.0) -> dict[str, Any]:
        """Deliver an envelope (`slash_commands`, `interactive`, `events_api`) to the app connected
        over Socket Mode, as Slack would, and return the payload of its acknowledgement."""
        async with asyncio.timeout(within):
            await self._socket_connected.wait()
            envelope_id = str(uuid.uuid4())
            acknowledged = asyncio.get_running_loop().create_future()
            self._socket_acks[envelope_id] = acknowledged
            await self._sockets[-1].send_json(
                {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
            )
            return await acknowledged

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        self._socket_connected.set()
        await socket.send_json({"type": "hello", "num_connections": len(self._sockets)})
        try:
            async for frame in socket:
                reply = json.loads(frame.data) if frame.type == web.WSMsgType.TEXT else {}
                waiter = self._socket_acks.pop(reply.get("envelope_id", ""), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(reply.get("payload") or {})
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self._socket_connected.clear()
        return socket

    async def _read_args(self, request: web.Request) -> dict[str, Any]:
        """Arguments from the query string and the body (JSON or form), as Slack accepts both."""
        args: dict[str, Any] = dict(request.query)
        if request.method == "GET":
            return args
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update({key: value for key, value in (await request.post()).items() if isinstance(value, str)})
        return args

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in (None, method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._read_args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or args.pop("token", None)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        fault = self._take_fault(method)
        if fault is not None:
            await asyncio.sleep(fault.hang_seconds)
            body = {"ok": False, "error": fault.error}
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return self._answer(method, args, token, fault.status, body, headers)
        if not token:
            return self._answer(method, args, token, 200, self._error("not_authed"))
        if method == "chat.postMessage" and not self._within_channel_limit(str(args.get("channel", ""))):
            return self._answer(method, args, token, 429, self._error("ratelimited"), {"Retry-After": "1"})
        return self._answer(method, args, token, 200, self.call(method, token, args))

    def _within_channel_limit(self, channel: str) -> bool:
        """Take one message from `channel`'s bucket; False when it is empty (Slack's 429)."""
        if self.channel_limit is None:
            return True
        rate, burst = self.channel_limit
        now = time.monotonic()
        tokens, at = self._channel_budget.get(channel, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate)
        if tokens < 1:
            self._channel_budget[channel] = (tokens, now)
            return False
        self._channel_budget[channel] = (tokens - 1, now)
        return True

    def _answer(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        self.calls.append(Call(method=method, args=args, status=status, response=body, token=token))
        return web.json_response(body, status=status, headers=headers)

    async def _list_messages(self, request: web.Request) -> web.Response:
        """Every message as it stands now, oldest first, with the channel it is in."""
        messages = [{**message, "channel": channel} for (channel, _ts), message in self.messages.items()]
        return web.json_response({"messages": messages})

    async def _list_calls(self, request: web.Request) -> web.Response:
        """The calls recorded since the `since`-th (so a client can follow what one request caused)."""
        since = int(request.query["since"]) if request.query.get("since", "").isdigit() else len(self.calls)
        calls = [
            {
                "method": call.method,
                "ok": call.ok,
                "args": {key: decoded(value) for key, value in call.args.items()},
            }
            for call in self.calls[since:]
        ]
        return web.json_response({"count": len(self.calls), "calls": calls})

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await self._read_args(request)
        self.calls.append(Call(method="response_url", args=args, status=200, response={"ok": True}, token=None))
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded", content_type="text/plain")


def printed_transcript() -> Transcript:
    """A transcript that prints each message the bot posts, on the wall clock, in UTC."""
    return Transcript(SystemClock(), "UTC", names={}, channel_names={})


async def serve_forever(host: str, port: int) -> None:
    """Run the stand-in on its own (`warroom standin`) until cancelled, printing what is posted."""
    standin = await SlackStandIn(on_message=printed_transcript().on_message).start(host, port)
    print(f"Slack stand-in listening; set SLACK_API_URL={standin.api_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await standin.stop()
