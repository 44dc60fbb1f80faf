"""The first of the app's own Bolt middleware: a payload carrying text no database can store is
refused before any listener (or the campaign lookup) reads it.

A NUL in slash-command text, or a lone surrogate (`\\ud800`) in a modal value or an event, would
otherwise fail deep inside PostgreSQL or the driver as "Something went wrong". The refusal goes the
way every `UserError` does (`handlers.errors`): an ephemeral answer to a command, an error beside the
modal input, and for an event a plain acknowledgement, so Slack does not retry. Nothing is changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from warroom_bot.core import unstorable
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr

log = logging.getLogger(__name__)

# Answered before the campaign is looked up (its channel id may be the unstorable text), so in the
# language the request has so far: English, the default.
REFUSAL = N_(
    "That text holds a character that cannot be stored (a NUL or half of a surrogate pair); "
    "nothing was changed. Please type it again."
)
MODAL_REFUSAL = N_("This holds a character that cannot be stored (a NUL or half of a surrogate pair).")


async def refuse_unstorable_text(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
    where = unstorable.find(body)
    if where is None:
        await next()
        return None
    if body.get("type") == "view_submission":
        # ("view", "state", "values", block_id, action_id, "value"): shown beside that input.
        field = str(where[3]) if where[:3] == ("view", "state", "values") and len(where) > 3 else None
        raise UserError(tr(MODAL_REFUSAL), field=field)
    if body.get("command") or body.get("response_url") or body.get("response_urls"):
        raise UserError(tr(REFUSAL))  # answered only to the person who sent it
    # An event, say: nobody to answer. Acknowledged, so that Slack does not send it again.
    log.info("ignored a Slack %s holding unstorable text at %s", body.get("type"), unstorable.dotted(where))
    return BoltResponse(status=200, body="")
