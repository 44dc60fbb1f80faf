"""Who a Slack user id is, for what is read outside Slack (the report) and for checks on people.

Slack resolves `<@U…>` in a message, but a report pasted into a wiki or opened as a file shows the
bare id. `People` asks `users.info` once per user and keeps the answer for an hour, so a report
naming forty people costs forty calls the first time and none after. When Slack cannot tell (no
token, an unknown user, an outage) the id stands in for the name: a report is never held up by it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.core.clock import Clock

log = logging.getLogger(__name__)

CACHE_TTL = timedelta(hours=1)
CACHE_SIZE = 5_000
CONCURRENT_LOOKUPS = 8


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str  # the display name, else the real name, else the id
    found: bool  # Slack knows the user
    active: bool  # a person who can act: found, not deactivated, not a bot


class People:
    def __init__(self, client: AsyncWebClient | None, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._cache: OrderedDict[str, tuple[datetime, Person]] = OrderedDict()
        self._slots = asyncio.Semaphore(CONCURRENT_LOOKUPS)

    async def get(self, user_id: str) -> Person:
        """The user as Slack describes them; raises `SlackApiError` only for errors other than
        `user_not_found` (a caller that must know, like an owner check, decides what to do)."""
        cached = self._cache.get(user_id)
        now = self._clock.now()
        if cached and now - cached[0] < CACHE_TTL:
            return cached[1]
        if self._client is None:
            return Person(user_id, user_id, found=False, active=False)
        try:
            async with self._slots:
                user = (await self._client.users_info(user=user_id))["user"]
        except SlackApiError as error:
            if error.response.get("error") != "user_not_found":
                raise
            user = None
        person = _person(user_id, user)
        self._cache[user_id] = (now, person)
        self._cache.move_to_end(user_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return person

    async def names(self, user_ids: Iterable[str | None]) -> dict[str, str]:
        """Each id's name; the id itself where Slack cannot be asked or does not answer."""
        wanted = sorted({user_id for user_id in user_ids if user_id})
        found = await asyncio.gather(*(self._name(user_id) for user_id in wanted))
        return dict(zip(wanted, found, strict=True))

    async def _name(self, user_id: str) -> str:
        try:
            return (await self.get(user_id)).name
        except (TimeoutError, SlackApiError, SlackClientError, OSError) as error:
            log.warning("users.info for %s failed (%s); the report shows the id", user_id, error)
            return user_id


def _person(user_id: str, user: dict[str, Any] | None) -> Person:
    if not user:
        return Person(user_id, user_id, found=False, active=False)
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    active = not user.get("deleted") and not user.get("is_bot")
    return Person(user_id, str(name or user_id), found=True, active=active)
