"""Guards in front of every listener: requests replayed, and buttons tapped out of place.

**Replays.** A signed slash command or form submission is handled once.

Slack's signature stays valid for five minutes, so a request captured on its way in (a proxy log,
a debugging session) could be sent again: the same `/escalate red …` would raise a second escalation
and the same `/budget spend` write a second ledger entry. Slack never sends one of these twice (it
does not retry commands or form submissions), so each `trigger_id`, unique per invocation, is
recorded before the listener runs, in the table that already keeps Events API ids; a repeat within
the window is answered and goes no further. Taps need no record: each button carries the state its
message showed, so a repeated tap is already a stale one.

**Tap origins.** A button is taken only on a message of the campaign its value names
(`warroom_bot.campaigns.taps`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from warroom_bot.campaigns import taps
from warroom_bot.core import events
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.runtime import Runtime

REPLAYED = N_("This request was already received, so it was not run again.")


def refuse_replays(runtime: Runtime) -> Callable[..., Awaitable[BoltResponse | None]]:
    async def middleware(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        is_command = "command" in body
        trigger_id = body.get("trigger_id") if is_command or body.get("type") == "view_submission" else None
        if trigger_id:
            async with runtime.transaction() as session:
                now = runtime.clock.now()
                first = await events.first_delivery(session, event_id=f"trigger:{trigger_id}"[:64], now=now)
            if not first:  # answered here: the listener never sees it
                answer = {"response_type": "ephemeral", "text": ":warning: " + tr(REPLAYED)} if is_command else {}
                return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json"})
        await next()
        return None

    return middleware


def check_tap_origin(runtime: Runtime) -> Callable[..., Awaitable[None]]:
    async def middleware(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        if body.get("type") == "block_actions":
            container = body.get("container") or {}
            channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
            async with runtime.sessions() as session:
                for action in body.get("actions") or []:
                    await taps.check_origin(
                        session,
                        action_id=str(action.get("action_id", "")),
                        value=str(action.get("value", "")),
                        channel=channel,
                        user_id=str((body.get("user") or {}).get("id", "")),
                    )
        await next()

    return middleware
