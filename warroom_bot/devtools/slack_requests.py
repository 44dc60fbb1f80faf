"""Build requests the way Slack sends them to `/slack/events`: real payload shapes, signed.

Used by the tests, the benchmarks and the demo, so that all three go through the same request
verification and Bolt routing as production traffic does.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from warroom_bot.devtools.standin import TEAM_ID

API_APP_ID = "A0WARROOM"
_counter = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: dict[str, str]


class SlackRequestFactory:
    """Signs every request with `signing_secret`, dated `timestamp` (default: now)."""

    def __init__(self, signing_secret: str, *, response_url_base: str = "http://127.0.0.1:9/response/") -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._response_url_base = response_url_base

    def sign(self, body: bytes, content_type: str, *, timestamp: int | None = None) -> SignedRequest:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=stamp, body=body)
        return SignedRequest(
            body=body,
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signature or "",
            },
        )

    def _form(self, fields: dict[str, str], **kwargs: Any) -> SignedRequest:
        return self.sign(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs)

    def _trigger(self) -> str:
        return f"{next(_counter)}.{int(time.time())}.trigger"

    def slash_command(self, command: str, text: str, *, user_id: str, channel_id: str, **kwargs: Any) -> SignedRequest:
        return self._form(self.slash_command_fields(command, text, user_id=user_id, channel_id=channel_id), **kwargs)

    def slash_command_fields(self, command: str, text: str, *, user_id: str, channel_id: str) -> dict[str, str]:
        """The fields of a slash command: a form body over HTTP, a JSON payload over Socket Mode."""
        key = next(_counter)
        return {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "warroom-standin",
            "channel_id": channel_id,
            "channel_name": "war-room",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"{self._response_url_base}{key}",
            "trigger_id": self._trigger(),
        }

    def _payload(self, payload: dict[str, Any], **kwargs: Any) -> SignedRequest:
        return self._form({"payload": json.dumps(payload)}, **kwargs)

    def _user(self, user_id: str) -> dict[str, str]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}

    def block_action(
        self,
        *,
        action_id: str,
        value: str,
        user_id: str,
        channel_id: str,
        message_ts: str,
        block_id: str = "actions",
        message: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> SignedRequest:
        """A button tap on a message (in a channel or a DM)."""
        return self._payload(
            {
                "type": "block_actions",
                "user": self._user(user_id),
                "api_app_id": API_APP_ID,
                "token": "legacy-verification-token",
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel_id,
                    "is_ephemeral": False,
                },
                "trigger_id": self._trigger(),
                "team": {"id": TEAM_ID, "domain": "warroom-standin"},
                "enterprise": None,
                "is_enterprise_install": False,
                "channel": {"id": channel_id, "name": "war-room"},
                "message": message or {"type": "message", "ts": message_ts, "text": ""},
                "state": {"values": {}},
                "response_url": f"{self._response_url_base}{next(_counter)}",
                "actions": [
                    {
                        "action_id": action_id,
                        "block_id": block_id,
                        "value": value,
                        "type": "button",
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            },
            **kwargs,
        )

    def message_action(
        self, *, callback_id: str, user_id: str, channel_id: str, message: dict[str, Any], **kwargs: Any
    ) -> SignedRequest:
        """A message shortcut chosen on `message` (from its "More actions" menu)."""
        return self._payload(
            {
                "type": "message_action",
                "token": "legacy-verification-token",
                "action_ts": f"{time.time():.6f}",
                "team": {"id": TEAM_ID, "domain": "warroom-standin"},
                "user": self._user(user_id),
                "channel": {"id": channel_id, "name": "war-room"},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": self._trigger(),
                "response_url": f"{self._response_url_base}{next(_counter)}",
                "message_ts": message["ts"],
                "message": message,
            },
            **kwargs,
        )

    def view_submission(
        self,
        *,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        user_id: str,
        private_metadata: str = "",
        **kwargs: Any,
    ) -> SignedRequest:
        """A modal submitted; `values` is `{block_id: {action_id: element_state}}` as Slack sends it."""
        return self._payload(
            {
                "type": "view_submission",
                "team": {"id": TEAM_ID, "domain": "warroom-standin"},
                "user": self._user(user_id),
                "api_app_id": API_APP_ID,
                "token": "legacy-verification-token",
                "trigger_id": self._trigger(),
                "view": {
                    "id": f"V{next(_counter):08d}",
                    "team_id": TEAM_ID,
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                    "hash": "h1",
                    "blocks": [],
                },
                "response_urls": [],
                "is_enterprise_install": False,
            },
            **kwargs,
        )

    def event_callback(
        self, event: dict[str, Any], *, event_id: str, retry_num: int | None = None, **kwargs: Any
    ) -> SignedRequest:
        """An Events API delivery (JSON); a retry carries Slack's `X-Slack-Retry-Num` and reason."""
        body = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": API_APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT0WARROOM", "is_bot": True}],
        }
        signed = self.sign(json.dumps(body).encode(), "application/json", **kwargs)
        if retry_num is not None:
            signed.headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
        return signed
