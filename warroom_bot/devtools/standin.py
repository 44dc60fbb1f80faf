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

Scopes, as Slack checks them: the bot token has the scopes slack_manifest.yaml asks for
(`MANIFEST_BOT_SCOPES`, or others given as `scopes=`), and a method that needs another one is
answered `missing_scope` with `needed` and `provided`, the way Slack answers an app whose manifest
lacks it. `METHOD_SCOPES` says which scope each method needs (from Slack's method reference).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from warroom_bot.core.clock import SystemClock
from warroom_bot.devtools.transcript import Transcript

BOT_USER_ID = "UBOT0WARROOM"
TEAM_ID = "T0WARROOM"

# The bot token scope each Web API method needs, from Slack's method reference ("Bot token" scopes;
# None: no scope). Where the reference lists one scope per kind of conversation, the one for the
# kind the bot uses. tests/test_manifest.py fails for a method the code calls that is missing here.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",  # to a public channel the bot is not in: also chat:write.public
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "chat.scheduleMessage": "chat:write",
    "chat.getPermalink": None,
    "conversations.open": "im:write",  # a 1:1 DM (mpim:write for a group DM)
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "reactions.add": "reactions:write",
}
# Methods called with the app-level token (xapp-…) rather than the bot token, and the scope it needs.
APP_TOKEN_METHOD_SCOPES: dict[str, str] = {"apps.connections.open": "connections:write"}
# The bot scopes slack_manifest.yaml requests, in its order (tests/test_manifest.py keeps them equal).
MANIFEST_BOT_SCOPES: tuple[str, ...] = (
    "app_mentions:read",
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "users:read",
)


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


class SlackStandIn:
    """Start with `await standin.start()`; point `SLACK_API_URL` at `standin.api_url`."""

    def __init__(
        self,
        on_message: Callable[[str, str, dict[str, Any]], None] | None = None,
        *,
        scopes: Iterable[str] | None = MANIFEST_BOT_SCOPES,
    ) -> None:
        """`on_message(method, channel, message)` is called for every message posted or updated.

        `scopes`: the bot token's scopes, by default the manifest's, as Slack grants them on install;
        a method needing another is answered `missing_scope`. None grants every scope."""
        self.on_message = on_message
        self.scopes: tuple[str, ...] | None = None if scopes is None else tuple(scopes)
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.file_names: dict[str, str] = {}
        self.delay_seconds = 0.0
        self._faults: list[Fault] = []
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()
        self._socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.url = ""
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

    # -- test controls -----------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, tz: str = "UTC", *, is_bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name.title(),
            "tz": tz,
            "is_bot": is_bot,
            "deleted": False,
            "profile": {"display_name": name, "real_name": name.title()},
        }

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
            return self._answer(method, args, token, 200, {"ok": False, "error": "not_authed"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._answer(method, args, token, 200, {"ok": False, "error": "unknown_method"})
        refusal = self._check_scope(method, token)
        if refusal is not None:
            return self._answer(method, args, token, 200, refusal)
        return self._answer(method, args, token, 200, handler(args))

    def _check_scope(self, method: str, token: str) -> dict[str, Any] | None:
        """Slack's answer when the token may not call `method`; None when it may."""
        if self.scopes is None:
            return None
        if token.startswith("xapp-") != (method in APP_TOKEN_METHOD_SCOPES):
            return self._error("not_allowed_token_type")
        if method in APP_TOKEN_METHOD_SCOPES:
            return None  # an app-level token is made with connections:write, its only scope
        if method not in METHOD_SCOPES:
            raise KeyError(f"the stand-in answers {method} but METHOD_SCOPES does not say which scope it needs")
        needed = METHOD_SCOPES[method]
        if needed is None or needed in self.scopes:
            return None
        return {"ok": False, "error": "missing_scope", "needed": needed, "provided": ",".join(self.scopes)}

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
                "args": {key: _json_or_text(value) for key, value in call.args.items()},
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

    # -- Web API methods ---------------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _channel_for(self, channel: str) -> str:
        """Posting to a user id lands in the bot's DM with that user, as on Slack."""
        return "D" + channel[1:] if channel.startswith(("U", "W")) else channel

    @staticmethod
    def _error(code: str) -> dict[str, Any]:
        return {"ok": False, "error": code}

    def _decode(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://warroom-standin.slack.com/",
            "team": "War Room Stand-in",
            "user": "warroom",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "B0WARROOM",
        }

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "socket"}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return self._error("channel_not_found")
        if not args.get("text") and not args.get("blocks"):
            return self._error("no_text")
        channel = self._channel_for(args["channel"])
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "text": args.get("text", ""),
            "blocks": self._decode(args.get("blocks")) or [],
            "ts": self._next_ts(),
        }
        if args.get("thread_ts"):
            if (channel, args["thread_ts"]) not in self.messages:
                return self._error("thread_not_found")
            message["thread_ts"] = args["thread_ts"]
        self.messages[(channel, message["ts"])] = message
        if self.on_message:
            self.on_message("chat.postMessage", channel, message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (args.get("channel", ""), args.get("ts", ""))
        if key not in self.messages:
            return self._error("message_not_found")
        message = self.messages[key]
        message.update(text=args.get("text", message["text"]), blocks=self._decode(args.get("blocks")) or [])
        if self.on_message:
            self.on_message("chat.update", key[0], message)
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return self._error("channel_not_found" if not args.get("channel") else "user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if not users[0] or users[0] not in self.users:
            return self._error("user_not_found")
        return {"ok": True, "channel": {"id": self._channel_for(users[0])}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"ok": True, "user": user} if user else self._error("user_not_found")

    def _open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._decode(args.get("view"))
        if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
            return self._error("invalid_arguments")
        view_id = args.get("view_id") or f"V{next(self._ids):08d}"
        return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{next(self._ids)}"}}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args) if args.get("trigger_id") else self._error("invalid_trigger_id")

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._open_view(args) if args.get("view_id") else self._error("not_found")

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return self._error("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.file_names[file_id] = str(args["filename"])
        return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = self._decode(args.get("files")) or []
        missing = [f["id"] for f in files if f.get("id") not in self.uploads]
        if not files or missing:
            return self._error("file_not_found")
        shared = [{"id": f["id"], "title": f.get("title", ""), "name": self.file_names.get(f["id"], "")} for f in files]
        if args.get("channel_id"):  # sharing the files posts a message with them, as on Slack
            channel = str(args["channel_id"])
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "text": args.get("initial_comment", ""),
                "files": shared,
                "ts": self._next_ts(),
            }
            self.messages[(channel, message["ts"])] = message
            if self.on_message:
                self.on_message("files.completeUploadExternal", channel, message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}


def _json_or_text(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
    except ValueError:
        return value


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
