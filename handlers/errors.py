"""The one place where errors become answers.

A `UserError` becomes an ephemeral reply (or an error beside the modal input it concerns); the
database locked or out of reach says so and asks for a retry; anything else is logged with a short
id, and the user sees that id so a report can be matched to the log.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from warroom_bot.core.blocks import notice, user_error
from warroom_bot.core.db import UNAVAILABLE, unavailable
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr

log = logging.getLogger(__name__)


async def handle_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None, respond: AsyncRespond | None
) -> BoltResponse | None:
    if body.get("type") == "view_submission":
        return _modal_errors(error, body)
    if isinstance(error, UserError):
        answer = user_error(error)
    elif unavailable(error):
        log.warning("database unavailable handling %s: %s", body.get("command") or body.get("type"), error)
        answer = notice(":hourglass: " + tr(UNAVAILABLE))
    else:
        error_id = secrets.token_hex(4)
        log.error(
            "unexpected error %s handling %s",
            error_id,
            body.get("command") or body.get("type"),
            exc_info=error,
        )
        answer = notice(
            ":boom: "
            + tr("Something went wrong on our side (error id `{error_id}`); nothing was changed.", error_id=error_id)
        )
    if response is not None and body.get("command"):
        # Not acknowledged yet: the answer rides on the acknowledgement itself.
        return BoltResponse(
            status=200, body={"response_type": "ephemeral", "text": answer.text, "blocks": answer.blocks}
        )
    if respond is not None:
        try:
            await respond(text=answer.text, blocks=answer.blocks, response_type="ephemeral", replace_original=False)
        except Exception as failed:  # Slack's response_url out of reach: the tap stays acknowledged
            log.warning("could not answer %s through response_url: %s", body.get("type"), failed)
    return BoltResponse(status=200, body="") if response is not None else None


# Work started by `after_ack` and not yet done: the loop keeps only weak references to its tasks.
_after_ack_tasks: set[asyncio.Task[None]] = set()


def after_ack(work: Awaitable[object], body: dict[str, Any], respond: AsyncRespond) -> None:
    """Start what a listener does after acknowledging (open a modal, redraw a message) in the
    background, and answer its errors like any other.

    Bolt sends the acknowledgement when the listener returns (`process_before_response`, see
    `warroom_bot.core.slack`), so this work must not hold the listener up: Slack waits at most 3 s.
    """
    task = asyncio.create_task(_answering_errors(work, body, respond))
    _after_ack_tasks.add(task)
    task.add_done_callback(_after_ack_tasks.discard)


async def _answering_errors(work: Awaitable[object], body: dict[str, Any], respond: AsyncRespond) -> None:
    try:
        await work
    except Exception as error:
        await handle_error(error, body, None, respond)


def _modal_errors(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Show the problem beside the input it concerns (or the first input) and keep the modal open."""
    if isinstance(error, UserError):
        message = error.message
        field = error.field
    elif unavailable(error):
        log.warning("database unavailable in a modal: %s", error)
        message, field = tr(UNAVAILABLE), None
    else:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s in a modal", error_id, exc_info=error)
        message = tr("Something went wrong on our side (error id {error_id}); nothing was changed.", error_id=error_id)
        field = None
    blocks = list(body["view"]["state"]["values"])
    if field not in blocks:
        field = blocks[0] if blocks else "error"
    return BoltResponse(status=200, body={"response_action": "errors", "errors": {field: message[:150]}})
