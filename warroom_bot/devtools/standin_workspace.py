"""The stand-in's Slack workspace: what Slack keeps (users, messages, files) and the Web API methods.

`SlackWorkspace` answers a Web API call from its arguments, the way Slack does: a `ts` per message,
`chat.update` in place, a post to a user id landing in the bot's DM with that person, files uploaded
and then shared. `warroom_bot.devtools.standin.SlackStandIn` serves it over HTTP.

Scopes, as Slack checks them: the bot token has the scopes slack_manifest.yaml asks for
(`MANIFEST_BOT_SCOPES`, or others given as `scopes=`), and a method that needs another one is
answered `missing_scope` with `needed` and `provided`, the way Slack answers an app whose manifest
lacks it. `METHOD_SCOPES` says which scope each method needs (from Slack's method reference).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from typing import Any

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


# Told of every message posted, updated or shared a file in: (method, channel, message).
OnMessage = Callable[[str, str, dict[str, Any]], None]


def decoded(value: Any) -> Any:
    """An argument as Slack reads it: JSON where it looks like JSON (a form field holding blocks),
    else the value itself, as is a string that is not JSON after all."""
    try:
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
    except ValueError:
        return value


class SlackWorkspace:
    """Users, messages and files as Slack keeps them, changed and read through `call()`.

    `url` is where the workspace is served (`SlackStandIn` sets it when it starts): upload URLs and
    the Socket Mode URL point there."""

    def __init__(
        self,
        on_message: OnMessage | None = None,
        *,
        scopes: Iterable[str] | None = MANIFEST_BOT_SCOPES,
    ) -> None:
        """`on_message(method, channel, message)` is called for every message posted or updated.

        `scopes`: the bot token's scopes, by default the manifest's, as Slack grants them on install;
        a method needing another is answered `missing_scope`. None grants every scope."""
        self.on_message = on_message
        self.scopes: tuple[str, ...] | None = None if scopes is None else tuple(scopes)
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.file_names: dict[str, str] = {}
        self.url = ""
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)

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

    def say(self, channel: str, user_id: str, text: str) -> str:
        """A person's message in `channel` (not the bot's, not reported); its `ts`."""
        ts = self._next_ts()
        self.messages[(channel, ts)] = {"type": "message", "user": user_id, "text": text, "ts": ts}
        return ts

    def call(self, method: str, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer to `method` called with `token` (already known to be present)."""
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._error("unknown_method")
        return self._check_scope(method, token) or handler(args)

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

    # -- what the methods share ----------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _channel_for(self, channel: str) -> str:
        """Posting to a user id lands in the bot's DM with that user, as on Slack."""
        return "D" + channel[1:] if channel.startswith(("U", "W")) else channel

    @staticmethod
    def _error(code: str) -> dict[str, Any]:
        return {"ok": False, "error": code}

    def _post(self, method: str, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """Keep a new message of the bot's in `channel`, stamped with its `ts`, and report it."""
        message = {"type": "message", "user": BOT_USER_ID, **message, "ts": self._next_ts()}
        self.messages[(channel, message["ts"])] = message
        if self.on_message:
            self.on_message(method, channel, message)
        return message

    def _open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = decoded(args.get("view"))
        if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
            return self._error("invalid_arguments")
        view_id = args.get("view_id") or f"V{next(self._ids):08d}"
        return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{next(self._ids)}"}}

    # -- the Web API methods: `_m_` and the method's name, dots as underscores ---------------------

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
        blocks = decoded(args.get("blocks")) or []
        if not isinstance(blocks, list):
            return self._error("invalid_blocks")
        channel = self._channel_for(args["channel"])
        thread_ts = args.get("thread_ts")
        if thread_ts and (channel, thread_ts) not in self.messages:
            return self._error("thread_not_found")
        threaded = {"thread_ts": thread_ts} if thread_ts else {}
        message = self._post("chat.postMessage", channel, {"text": args.get("text", ""), "blocks": blocks, **threaded})
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (args.get("channel", ""), args.get("ts", ""))
        if key not in self.messages:
            return self._error("message_not_found")
        blocks = decoded(args.get("blocks")) or []
        if not isinstance(blocks, list):
            return self._error("invalid_blocks")
        message = self.messages[key]
        message.update(text=args.get("text", message["text"]), blocks=blocks)
        if self.on_message:
            self.on_message("chat.update", key[0], message)
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return self._error("channel_not_found" if not args.get("channel") else "user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        if (channel, ts) not in self.messages:
            return self._error("message_not_found" if channel else "channel_not_found")
        link = f"https://warroom-standin.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if not users[0] or users[0] not in self.users:
            return self._error("user_not_found")
        return {"ok": True, "channel": {"id": self._channel_for(users[0])}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"ok": True, "user": user} if user else self._error("user_not_found")

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
        files = decoded(args.get("files")) or []
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            return self._error("invalid_arguments")
        missing = [f["id"] for f in files if f.get("id") not in self.uploads]
        if not files or missing:
            return self._error("file_not_found")
        shared = [{"id": f["id"], "title": f.get("title", ""), "name": self.file_names.get(f["id"], "")} for f in files]
        if args.get("channel_id"):  # sharing the files posts a message with them, as on Slack
            message = {"text": args.get("initial_comment", ""), "files": shared}
            self._post("files.completeUploadExternal", str(args["channel_id"]), message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}
