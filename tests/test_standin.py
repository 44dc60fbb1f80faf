"""The Slack stand-in answers the real slack_sdk client with Slack's shapes and errors."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.devtools.standin import MANIFEST_BOT_SCOPES, SlackStandIn


async def test_users_dms_messages_and_updates() -> None:
    # conversations.open needs im:write, which the bot does not ask for (it posts DMs to user ids).
    standin = await SlackStandIn(scopes=[*MANIFEST_BOT_SCOPES, "im:write"]).start()
    try:
        await _users_dms_messages_and_updates(standin)
    finally:
        await standin.stop()


async def _users_dms_messages_and_updates(standin: SlackStandIn) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=standin.api_url)
    standin.add_user("U0DANA0001", "dana", tz="Asia/Shanghai")

    user = (await client.users_info(user="U0DANA0001"))["user"]
    assert (user["name"], user["tz"]) == ("dana", "Asia/Shanghai")
    dm = (await client.conversations_open(users="U0DANA0001"))["channel"]["id"]
    posted = await client.chat_postMessage(channel=dm, text="hello")
    assert (await client.chat_postMessage(channel=dm, text="reply", thread_ts=posted["ts"]))["ok"]
    await client.chat_update(channel=dm, ts=posted["ts"], text="hello again")
    assert standin.messages[(dm, posted["ts"])]["text"] == "hello again"

    for call, error in (
        (client.users_info(user="U0NOBODY01"), "user_not_found"),
        (client.chat_update(channel=dm, ts="1.2", text="x"), "message_not_found"),
        (client.chat_postMessage(channel=dm, text="x", thread_ts="1.2"), "thread_not_found"),
        (AsyncWebClient(base_url=standin.api_url).auth_test(), "not_authed"),
    ):
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error
