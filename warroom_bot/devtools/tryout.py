"""Try-out mode from a terminal: what `warroom command` and `warroom tap` send and print.

`warroom serve --standin` runs the service against a local Slack stand-in. From a second terminal,
`warroom command '/escalate red …'` sends a signed slash command and prints the answer as Slack
would show it (blocks as text, buttons in brackets); `warroom tap Acknowledge --user U…` presses a
button on the newest message the stand-in holds that has one, as that person. Both then print what
only the sender sees and any form that opened, read from the stand-in's record of calls.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from warroom_bot.core.errors import UserError
from warroom_bot.devtools.slack_requests import SignedRequest, SlackRequestFactory
from warroom_bot.devtools.slack_text import plain

FOLLOW_UP_SECONDS = 1.0  # how long to wait for what the service sends after its acknowledgement


def _text(part: dict[str, Any] | None) -> str:
    return plain((part or {}).get("text", ""))


def message_lines(message: dict[str, Any]) -> list[str]:
    """A message (text and blocks) as the lines a terminal shows; the text alone when it has no blocks."""
    blocks = message.get("blocks") or []
    if not blocks:
        return [_text(message)] if message.get("text") else []
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(_text(block.get("text")).upper())
        elif kind == "section":
            if block.get("text"):
                lines.append(_text(block["text"]))
            lines.extend("  " + _text(field).replace("\n", ": ", 1) for field in block.get("fields", []))
        elif kind == "context":
            lines.append("  " + " · ".join(_text(element) for element in block.get("elements", [])))
        elif kind == "actions":
            labels = [_text(element.get("text")) for element in block.get("elements", [])]
            lines.append("  " + " ".join(f"[{label}]" for label in labels))
        elif kind == "divider":
            lines.append("  ---")
        elif kind == "image":
            lines.append(f"  <image {block.get('alt_text', '')}>")
    return lines


def view_lines(view: dict[str, Any]) -> list[str]:
    """A modal as a terminal shows it: its title and each field with its hint."""
    lines = [f"A form opened: {_text(view.get('title'))}"]
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            lines.extend("  " + line for line in message_lines({"blocks": [block]}))
            continue
        element = block.get("element", {})
        hint = element.get("initial_value") or _text(element.get("placeholder"))
        options = [_text(option.get("text")) for option in element.get("options", [])]
        shown = f" (one of: {', '.join(options)})" if options else (f" (e.g. {hint})" if hint else "")
        lines.append(f"  • {_text(block.get('label'))}{shown}")
    lines.append("  (Forms are filled in Slack; each has a one-line command form: see `/warroom help`.)")
    return lines


@dataclass
class Button:
    channel: str
    ts: str
    block_id: str
    action_id: str
    value: str
    label: str
    message: dict[str, Any]


class TryOut:
    """Talks to a service started with `warroom serve --standin` and to its stand-in."""

    def __init__(self, service_url: str, standin_url: str, signing_secret: str) -> None:
        self.service_url = service_url
        self.standin_url = standin_url.rstrip("/") + "/"
        self.requests = SlackRequestFactory(signing_secret, response_url_base=self.standin_url + "response/")

    def command(self, command_line: str, *, user_id: str, channel_id: str) -> list[str]:
        name, _, text = command_line.strip().partition(" ")
        if not name.startswith("/"):
            raise UserError('Give the command as you would type it in Slack, e.g. "/warroom help".')
        request = self.requests.slash_command(name, text, user_id=user_id, channel_id=channel_id)
        return self._send(request)

    def tap(self, label: str, *, user_id: str, containing: str | None = None) -> list[str]:
        """Press the button called `label` (or with that action id) on the newest message that has one."""
        button = self.find_button(label, user_id=user_id, containing=containing)
        request = self.requests.block_action(
            action_id=button.action_id,
            value=button.value,
            user_id=user_id,
            channel_id=button.channel,
            message_ts=button.ts,
            block_id=button.block_id,
            message={"type": "message", **button.message},
        )
        return [f"Tapped [{button.label}] on: {plain(button.message.get('text', ''))[:120]}", *self._send(request)]

    def find_button(self, label: str, *, user_id: str, containing: str | None) -> Button:
        wanted = label.strip().lower()
        dm = "D" + user_id[1:]
        messages = self._standin("messages")["messages"]
        for message in reversed(messages):
            if message["channel"].startswith("D") and message["channel"] != dm:
                continue  # a DM to someone else: this person cannot see it
            if containing and containing.lower() not in plain(message.get("text", "")).lower():
                continue
            for block in message.get("blocks") or []:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    shown = _text(element.get("text"))
                    if wanted in (shown.lower(), str(element.get("action_id", "")).lower()):
                        return Button(
                            channel=message["channel"],
                            ts=message["ts"],
                            block_id=block.get("block_id", ""),
                            action_id=element["action_id"],
                            value=element.get("value", ""),
                            label=shown,
                            message={key: message[key] for key in ("ts", "text", "blocks") if key in message},
                        )
        where = f" on a message containing {containing!r}" if containing else ""
        raise UserError(
            f"No [{label}] button{where} that {user_id} can see; the stand-in holds {len(messages)} messages."
        )

    def _send(self, request: SignedRequest) -> list[str]:
        try:
            seen: int | None = self._standin("calls")["count"]
        except UserError:
            seen = None  # a service talking to real Slack: only its direct answer can be shown
        try:
            response = httpx.post(self.service_url, content=request.body, headers=request.headers, timeout=10)
        except httpx.HTTPError as error:
            raise UserError(f"Could not reach {self.service_url} ({error}); is `warroom serve` running?") from None
        if response.status_code != 200:
            raise UserError(f"The service answered {response.status_code}: {response.text[:200]}")
        body = response.json() if response.content else {}
        follow_ups = self._follow_ups(seen) if seen is not None else []
        return [*message_lines(body), *follow_ups] or ["(acknowledged)"]

    def _follow_ups(self, seen: int) -> list[str]:
        """What the service did for this request after acknowledging it: answers only the sender
        sees (`response_url`) and forms it opened (`views.open`)."""
        deadline = time.monotonic() + FOLLOW_UP_SECONDS
        lines: list[str] = []
        while time.monotonic() < deadline:
            calls = self._standin("calls", since=seen)["calls"]
            seen += len(calls)
            for call in calls:
                if call["method"] == "response_url":
                    lines += ["(only you see this)", *("  " + line for line in message_lines(call["args"]))]
                elif call["method"] in ("views.open", "views.push") and call["ok"]:
                    lines += view_lines(call["args"]["view"])
            time.sleep(0.2)
        return lines

    def _standin(self, what: str, **params: Any) -> dict[str, Any]:
        try:
            response = httpx.get(f"{self.standin_url}standin/{what}", params=params, timeout=5)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise UserError(
                f"Could not reach the stand-in at {self.standin_url} ({error}); "
                "is `warroom serve --standin` running, and is --standin-url its address?"
            ) from None
        return response.json()
