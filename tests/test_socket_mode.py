"""`warroom socket`: the same bot over Socket Mode, against the stand-in's WebSocket."""

from __future__ import annotations

import asyncio
import contextlib

from sqlmodel import select

from warroom_bot.cli import _socket
from warroom_bot.core.db import create_engine, create_sessions
from warroom_bot.core.settings import load_settings
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, SIGNING_SECRET, START_LINE
from warroom_bot.devtools.slack_requests import SlackRequestFactory
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Campaign


async def test_a_slash_command_over_socket_mode_starts_a_campaign(standin: SlackStandIn, database_url: str) -> None:
    settings = load_settings(
        database_url=database_url,
        slack_api_url=standin.api_url,
        slack_bot_token="xoxb-test-token",
        slack_app_token="xapp-test",
    )
    bot = asyncio.create_task(_socket(settings))
    try:
        fields = SlackRequestFactory(SIGNING_SECRET).slash_command_fields(
            "/warroom", f"start {START_LINE}", user_id=COMMANDER, channel_id=CHANNEL
        )
        answer = await standin.socket_request("slash_commands", fields, within=10)

        assert answer["response_type"] == "ephemeral"
        assert "Started *Double 11*" in answer["text"]
        (post,) = await standin.wait_for("chat.postMessage")
        assert post.args["channel"] == CHANNEL
        (connect,) = standin.ok_calls("apps.connections.open")
        assert connect.token == "xapp-test"
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot
    engine = create_engine(database_url)
    async with create_sessions(engine)() as session:
        assert [c.name for c in (await session.exec(select(Campaign))).all()] == ["Double 11"]
    await engine.dispose()
