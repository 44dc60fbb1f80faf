"""Every request to /slack/events must carry a valid, fresh signature over the exact body."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from warroom_bot.budget import service as budget
from warroom_bot.core.ids import ActionId, BlockId, CallbackId, ModalContext
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, OTHER, START_LINE, SlackDriver
from warroom_bot.devtools.slack_requests import SignedRequest, SlackRequestFactory
from warroom_bot.models import Campaign, Escalation


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


async def test_a_replayed_command_or_form_is_not_run_twice(bot: SlackDriver, campaign: Campaign) -> None:
    """The same signed request sent again inside the five-minute window: one escalation, one spend."""
    escalate = bot.requests.slash_command(
        "/escalate", "red Payment gateway down", user_id=COMMANDER, channel_id=CHANNEL
    )
    first, again = await bot.send(escalate), await bot.send(escalate)
    assert "Raised" in first.json()["text"]
    assert "already received, so it was not run again" in again.json()["text"], (again.status_code, again.text)
    await bot.ephemeral("plan 1m", command="/budget")
    spend = bot.requests.slash_command("/budget", "spend online 5k", user_id=COMMANDER, channel_id=CHANNEL)
    await bot.send(spend)
    await bot.send(spend)
    async with bot.runtime.sessions() as session:
        assert len((await session.exec(select(Escalation))).all()) == 1
        assert [entry.kind for entry in await budget.ledger(session, campaign.id)] == ["plan", "spend"]
    raise_form = await _raise_form(bot, COMMANDER)
    await bot.send(raise_form)
    await bot.send(raise_form)
    async with bot.runtime.sessions() as session:
        assert len((await session.exec(select(Escalation))).all()) == 2


async def _raise_form(bot: SlackDriver, user: str, metadata: str | None = None) -> SignedRequest:
    """`/escalate` opens the form for `user`; its submission, with the metadata Slack kept (or `metadata`)."""
    opened = len(bot.standin.ok_calls("views.open"))
    await bot.command("", command="/escalate", user=COMMANDER)
    view = (await bot.standin.wait_for("views.open", count=opened + 1))[-1].args["view"]
    return bot.requests.view_submission(
        callback_id=CallbackId.RAISE_ESCALATION,
        user_id=user,
        values={
            BlockId.SEVERITY: {ActionId.INPUT: {"type": "static_select", "selected_option": {"value": "red"}}},
            BlockId.SUMMARY: {ActionId.INPUT: {"type": "plain_text_input", "value": "Site down"}},
        },
        private_metadata=view["private_metadata"] if metadata is None else metadata,
    )


async def test_a_forms_metadata_is_bound_to_who_opened_it_and_where(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai', channel="C0OTHERROOM")
    forged = ModalContext(channel_id="C0OTHERROOM").dump()  # Slack hands private_metadata back as sent
    for request in (
        await _raise_form(bot, COMMANDER, metadata=forged),
        await _raise_form(bot, COMMANDER, metadata=f"{forged}|{'0' * 64}"),
        await _raise_form(bot, "U0SOMEONE1"),  # opened by the commander, submitted by someone else
    ):
        response = await bot.send(request)
        assert "could not be verified" in json.dumps(response.json())
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Escalation))).all() == []
    assert (await bot.send(await _raise_form(bot, COMMANDER))).status_code == 200
    async with bot.runtime.sessions() as session:
        (raised,) = (await session.exec(select(Escalation))).all()
    assert raised.campaign_id == campaign.id


async def test_a_button_acts_only_on_its_own_campaigns_messages(bot: SlackDriver, campaign: Campaign) -> None:
    """A signed tap whose value names another campaign's escalation changes nothing, whether it
    arrives from this campaign's channel or from the DM of someone that campaign never wrote to."""
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai', channel="C0OTHERROOM")
    await bot.ephemeral("red Their problem", command="/escalate", channel="C0OTHERROOM")
    await bot.tick()
    async with bot.runtime.sessions() as session:
        (theirs,) = (await session.exec(select(Escalation))).all()
    ours = (await bot.standin.wait_for("chat.postMessage"))[0]  # this campaign's start post
    for user, channel, ts in ((COMMANDER, CHANNEL, ours.response["ts"]), (OTHER, "D0OTHER001", "1700000001.000100")):
        response = await bot.send(
            bot.requests.block_action(
                action_id=ActionId.ACKNOWLEDGE,
                value=f"{theirs.id}:open",
                user_id=user,
                channel_id=channel,
                message_ts=ts,
                block_id=BlockId.ESCALATION_ACTIONS,
            )
        )
        assert response.status_code == 200
        refusal = bot.standin.ok_calls("response_url")[-1].args["text"]
        assert "belongs to another campaign's message, so nothing was changed" in refusal
    async with bot.runtime.sessions() as session:
        assert (await session.get(Escalation, theirs.id)).acknowledged_by is None
    for value in ("not-a-number:open", f"{2**40}:open"):
        await bot.send(
            bot.requests.block_action(
                action_id=ActionId.ACKNOWLEDGE, value=value, user_id=COMMANDER, channel_id=CHANNEL, message_ts="1.2"
            )
        )
    for refusal in bot.standin.ok_calls("response_url")[-2:]:  # no id a database could not even look up
        assert "not one this bot made" in refusal.args["text"]
