"""Every request to /slack/events must carry a valid, fresh signature over the exact body."""

from __future__ import annotations

import time

from tests.conftest import CHANNEL, COMMANDER, START_LINE, SlackDriver
from warroom_bot.slack_requests import SignedRequest, SlackRequestFactory


def _start_request(factory: SlackRequestFactory, **kwargs: object) -> SignedRequest:
    return factory.slash_command("/warroom", f"start {START_LINE}", user_id=COMMANDER, channel_id=CHANNEL, **kwargs)


async def _assert_refused(bot: SlackDriver, request: SignedRequest) -> None:
    response = await bot.send(request)
    assert response.status_code == 401
    await bot.tick()
    assert await bot.campaigns() == []
    assert bot.standin.calls == []


async def test_a_forged_signature_is_refused_and_changes_nothing(bot: SlackDriver) -> None:
    await _assert_refused(bot, _start_request(SlackRequestFactory("not-the-signing-secret")))


async def test_a_replayed_request_older_than_five_minutes_is_refused(bot: SlackDriver) -> None:
    await _assert_refused(bot, _start_request(bot.requests, timestamp=int(time.time()) - 301))


async def test_a_body_changed_after_signing_is_refused(bot: SlackDriver) -> None:
    signed = _start_request(bot.requests)
    tampered = SignedRequest(body=signed.body.replace(COMMANDER.encode(), b"U0ATTACKER"), headers=signed.headers)
    await _assert_refused(bot, tampered)


async def test_a_request_without_signature_headers_is_refused(bot: SlackDriver) -> None:
    signed = _start_request(bot.requests)
    await _assert_refused(
        bot, SignedRequest(body=signed.body, headers={"Content-Type": signed.headers["Content-Type"]})
    )


async def test_a_correctly_signed_request_is_accepted(bot: SlackDriver) -> None:
    assert (await bot.send(_start_request(bot.requests))).status_code == 200
    assert len(await bot.campaigns()) == 1
