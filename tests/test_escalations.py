"""Escalations end to end: signed requests in, pages and updates out at the stand-in, clock moved."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId, BlockId, CallbackId
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, START_LINE, SlackDriver, in_process
from warroom_bot.devtools.standin import Call, SlackStandIn
from warroom_bot.escalations import messages
from warroom_bot.escalations import service as escalations
from warroom_bot.models import Campaign, Escalation, EscalationEvent, EscalationStatus

TIER1, TIER1_BACKUP, TIER2, TIER2_BACKUP, TIER3 = "U0TIER1PRI", "U0TIER1BAK", "U0TIER2PRI", "U0TIER2BAK", "U0TIER3PRI"
RAISE = "red Inventory of SKU-9 below safety line"


@pytest.fixture
async def roster(bot: SlackDriver, campaign: Campaign) -> Campaign:
    await bot.ephemeral(f"role tier1 <@{TIER1}> <@{TIER1_BACKUP}>")
    await bot.ephemeral(f"role tier2 <@{TIER2}> <@{TIER2_BACKUP}>")
    await bot.ephemeral(f"role tier3 <@{TIER3}>")
    await bot.tick()
    return campaign


async def escalate(bot: SlackDriver, text: str = RAISE, **kwargs: Any) -> str:
    answer = await bot.ephemeral(text, command="/escalate", **kwargs)
    await bot.tick()
    return answer


def dms(standin: SlackStandIn, user_id: str) -> list[Call]:
    return [call for call in standin.ok_calls("chat.postMessage") if call.args["channel"] == user_id]


def paged_users(standin: SlackStandIn) -> list[str]:
    return [c.args["channel"] for c in standin.ok_calls("chat.postMessage") if c.args["channel"].startswith("U")]


def channel_post(standin: SlackStandIn, number: int = 1) -> Call:
    return next(
        call
        for call in standin.ok_calls("chat.postMessage")
        if call.args["channel"] == CHANNEL and f"#{number} " in call.args["text"] and "thread_ts" not in call.args
    )


def thread(standin: SlackStandIn, post: Call) -> list[str]:
    return [
        call.args["text"]
        for call in standin.ok_calls("chat.postMessage")
        if call.args.get("thread_ts") == post.response["ts"]
    ]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The buttons a message shows now: action id → value."""
    return {
        element["action_id"]: element["value"]
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


def shown(standin: SlackStandIn, call: Call) -> dict[str, Any]:
    """The message as Slack shows it now (after any updates)."""
    return standin.messages[(call.response["channel"], call.response["ts"])]


async def tap(bot: SlackDriver, call: Call, action: ActionId, user_id: str) -> None:
    """`user_id` taps a button of the message as it shows now, then a tick."""
    assert (await bot.tap(call, action, user_id)).status_code == 200
    await bot.tick()


async def stored(bot: SlackDriver) -> list[Escalation]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(Escalation).order_by(Escalation.number))).all())


async def test_raising_posts_in_the_channel_and_pages_tier1_with_a_phone_friendly_dm(
    bot: SlackDriver, roster: Campaign
) -> None:
    answer = await escalate(bot)

    assert "Raised *RED #1 Inventory of SKU-9 below safety line*" in answer
    (page,) = dms(bot.standin, TIER1)
    assert page.args["text"] == "RED #1 Inventory of SKU-9 below safety line — acknowledge within 5m"
    assert set(buttons(page.args)) == {ActionId.ACKNOWLEDGE, ActionId.RESOLVE}
    post = channel_post(bot.standin)
    assert set(buttons(post.args)) == {ActionId.ACKNOWLEDGE, ActionId.RESOLVE}
    assert thread(bot.standin, post) == [
        f"Raised by <@{COMMANDER}>.",
        f"Paged <@{TIER1}> (tier 1 primary); acknowledge within 5m.",
    ]
    (escalation,) = await stored(bot)
    assert (escalation.number, escalation.severity, escalation.status) == (1, "red", EscalationStatus.OPEN)


async def test_nobody_acknowledges_so_the_chain_climbs_on_time_then_is_exhausted(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config escalation.repeat 0")
    await bot.ephemeral("config resolve.red off")  # its breach DM has its own test (test_plans.py)
    await escalate(bot)
    expected = [TIER1]
    for next_user in (TIER1_BACKUP, TIER2, TIER2_BACKUP, TIER3, COMMANDER):
        clock.advance(timedelta(minutes=5) - timedelta(seconds=1))
        await bot.tick()
        assert paged_users(bot.standin) == expected, "paged before the deadline"
        clock.advance(timedelta(seconds=1))
        await bot.tick()
        expected.append(next_user)
        assert paged_users(bot.standin) == expected

    clock.advance(timedelta(minutes=5))
    await bot.tick()
    alert = [c for c in bot.standin.ok_calls("chat.postMessage") if c.args["text"].startswith("<!here>")]
    # the channel, and a DM to the commander (two channels: delivered side by side, in either order)
    assert sorted(c.args["channel"] for c in alert) == sorted([CHANNEL, COMMANDER])
    assert "Nobody acknowledged RED #1" in alert[0].args["text"]
    (escalation,) = await stored(bot)
    assert escalation.status == EscalationStatus.EXHAUSTED and escalation.next_step_at is None
    assert "whole response chain was paged" in shown(bot.standin, channel_post(bot.standin))["text"]

    clock.advance(timedelta(hours=2))
    await bot.tick()
    assert len(paged_users(bot.standin)) == 7  # six pages and the commander's exhaustion DM; nothing more


async def test_the_chain_repeats_as_configured_before_it_is_exhausted(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config ack.red 1m")
    await escalate(bot)
    for _ in range(6):
        clock.advance(timedelta(minutes=1))
        await bot.tick()
    chain = [TIER1, TIER1_BACKUP, TIER2, TIER2_BACKUP, TIER3, COMMANDER]
    assert paged_users(bot.standin) == [*chain, TIER1]  # round 2 begins
    assert "starting again (round 2)" in " ".join(thread(bot.standin, channel_post(bot.standin)))


async def test_an_ack_from_the_dm_updates_every_copy_and_stops_the_chain(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config update.red off")  # the update nudge has its own test (test_plans.py)
    await escalate(bot)
    clock.advance(timedelta(minutes=5))
    await bot.tick()  # tier 1 backup paged too
    clock.advance(timedelta(seconds=130))
    await tap(bot, dms(bot.standin, TIER1_BACKUP)[0], ActionId.ACKNOWLEDGE, TIER1_BACKUP)

    for copy in (channel_post(bot.standin), dms(bot.standin, TIER1)[0], dms(bot.standin, TIER1_BACKUP)[0]):
        now_shown = shown(bot.standin, copy)
        acknowledged_at = int((clock.now()).timestamp())
        assert (
            f"Acknowledged by <@{TIER1_BACKUP}> at <!date^{acknowledged_at}^{{time}}|12:07 UTC>, after 7m10s"
            in json.dumps(now_shown["blocks"])
        )
        assert set(buttons(now_shown)) == {ActionId.RESOLVE}
    assert f"Acknowledged by <@{TIER1_BACKUP}> after 7m10s." in thread(bot.standin, channel_post(bot.standin))

    pages_before = paged_users(bot.standin)
    clock.advance(timedelta(hours=1))
    await bot.tick()
    assert paged_users(bot.standin) == pages_before


async def test_a_second_tap_or_someone_elses_changes_nothing_and_says_who_did_it(
    bot: SlackDriver, roster: Campaign
) -> None:
    await escalate(bot)
    page = dms(bot.standin, TIER1)[0]
    stale_value = buttons(page.args)[ActionId.ACKNOWLEDGE]
    await tap(bot, page, ActionId.ACKNOWLEDGE, TIER1)
    (first,) = await stored(bot)
    updates = len(bot.standin.ok_calls("chat.update"))

    # The same tap again, from a phone that still shows the old message.
    await bot.send(
        bot.requests.block_action(
            action_id=ActionId.ACKNOWLEDGE,
            value=stale_value,
            user_id=TIER2,
            channel_id=CHANNEL,
            message_ts=channel_post(bot.standin).response["ts"],
        )
    )
    await bot.tick()
    (answer,) = bot.standin.ok_calls("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert f"#1 was acknowledged by <@{TIER1}>" in answer.args["text"]
    assert "Nothing was changed" in answer.args["text"]
    (after,) = await stored(bot)
    assert (after.acknowledged_by, after.acknowledged_at) == (first.acknowledged_by, first.acknowledged_at)
    assert len(bot.standin.ok_calls("chat.update")) == updates

    double = await bot.ephemeral("ack 1", command="/escalate", user=TIER2)
    assert f"#1 was acknowledged by <@{TIER1}>" in double and "nothing was changed" in double


async def test_resolve_from_the_button_asks_for_a_note_and_closes_every_copy(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await escalate(bot)
    page = dms(bot.standin, TIER1)[0]
    clock.advance(timedelta(minutes=3))
    await tap(bot, page, ActionId.RESOLVE, TIER1)
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == CallbackId.RESOLVE_ESCALATION

    response = await bot.send(
        bot.requests.view_submission(
            callback_id=CallbackId.RESOLVE_ESCALATION,
            private_metadata=view["private_metadata"],
            user_id=TIER1,
            values={BlockId.NOTE: {ActionId.INPUT: {"type": "plain_text_input", "value": "Restocked from East"}}},
        )
    )
    assert response.status_code == 200
    await bot.tick()

    (escalation,) = await stored(bot)
    assert escalation.status == EscalationStatus.RESOLVED
    assert (escalation.resolution_note, escalation.resolved_by) == ("Restocked from East", TIER1)
    assert escalation.acknowledged_at == escalation.resolved_at  # resolving acknowledges too
    for copy in (channel_post(bot.standin), page):
        assert buttons(shown(bot.standin, copy)) == {}
        assert "Resolved by" in json.dumps(shown(bot.standin, copy)["blocks"])
    assert f"Resolved by <@{TIER1}> after 3m. Note: Restocked from East" in thread(
        bot.standin, channel_post(bot.standin)
    )

    # A late ack tap from the old page (a phone that had not refreshed) leaves it resolved.
    await bot.send(
        bot.requests.block_action(
            action_id=ActionId.ACKNOWLEDGE,
            value=buttons(page.args)[ActionId.ACKNOWLEDGE],
            user_id=TIER1,
            channel_id=page.response["channel"],
            message_ts=page.response["ts"],
        )
    )
    await bot.tick()
    assert "#1 was resolved by" in bot.standin.ok_calls("response_url")[-1].args["text"]
    assert (await stored(bot))[0].status == EscalationStatus.RESOLVED


async def test_resolve_and_ack_by_command(bot: SlackDriver, roster: Campaign) -> None:
    await escalate(bot)
    await escalate(bot, "orange Payment page slow, p95 5s")
    assert "#2 was acknowledged by" in await bot.ephemeral("ack #2", command="/escalate", user=TIER2)
    answer = await bot.ephemeral("resolve 1 restocked; it's fine now", command="/escalate", user=TIER1)
    assert "#1 was resolved by" in answer
    first, second = await stored(bot)
    assert first.resolution_note == "restocked; it's fine now"
    assert second.status == EscalationStatus.ACKNOWLEDGED


async def test_list_shows_unacknowledged_first_and_status_counts_them(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await escalate(bot, "yellow Ad spend pacing high")
    clock.advance(timedelta(minutes=2))
    await escalate(bot, "red Checkout errors")
    clock.advance(timedelta(minutes=10))
    await bot.ephemeral("ack 2", command="/escalate", user=TIER1)
    await escalate(bot, "blue Banner typo")

    listing = (await bot.command("list", command="/escalate")).json()
    assert listing["text"] == "Open escalations: 1 red, 1 yellow, 1 blue (oldest unacknowledged 12m)"
    order = [line.split("*")[1] for line in listing["blocks"][0]["text"]["text"].splitlines()]
    assert order == ["YELLOW #1 Ad spend pacing high", "BLUE #3 Banner typo", "RED #2 Checkout errors"]
    status = json.dumps((await bot.command("status")).json()["blocks"])
    assert "1 red, 1 yellow, 1 blue (oldest unacknowledged 12m)" in status


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("purple Something", "`purple` is not a severity"),
        ("red", "needs a summary"),
        ("red    ", "needs a summary"),
        ("ack 99", "no escalation #99 in this campaign"),
        ("ack seven", "`seven` is not an escalation number"),
        ("resolve", "`` is not an escalation number"),
        ("red " + "x" * 201, "at most 200 characters"),
    ],
)
async def test_bad_escalate_commands_change_nothing(
    bot: SlackDriver, roster: Campaign, text: str, problem: str
) -> None:
    outbox_before = len(await bot.outbox())
    answer = await bot.ephemeral(text, command="/escalate")
    assert problem in answer
    assert await stored(bot) == []
    assert len(await bot.outbox()) == outbox_before


async def test_an_escalation_of_another_campaign_cannot_be_touched_by_number(
    bot: SlackDriver, roster: Campaign
) -> None:
    await escalate(bot)
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00', channel="C0OTHERROOM")
    answer = await bot.ephemeral("ack 1", command="/escalate", channel="C0OTHERROOM")
    assert "no escalation #1 in this campaign" in answer
    assert (await stored(bot))[0].status == EscalationStatus.OPEN
    assert "This channel has no campaign" in await bot.ephemeral(RAISE, command="/escalate", channel="C0NOCAMPAIGN")


async def test_with_nobody_on_tier1_the_channel_is_told_who_to_set_and_the_commander_is_paged(
    bot: SlackDriver, campaign: Campaign
) -> None:
    await escalate(bot)
    post = channel_post(bot.standin)
    assert "/warroom role tier1 @primary @backup" in json.dumps(post.args["blocks"])
    assert any("Nobody is on tier 1" in line for line in thread(bot.standin, post))
    assert paged_users(bot.standin) == [COMMANDER]


async def test_the_modal_raises_an_escalation(bot: SlackDriver, roster: Campaign) -> None:
    await bot.command("", command="/escalate")
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]

    def values(severity: str, summary: str) -> dict[str, Any]:
        return {
            BlockId.SEVERITY: {ActionId.INPUT: {"type": "static_select", "selected_option": {"value": severity}}},
            BlockId.SUMMARY: {ActionId.INPUT: {"type": "plain_text_input", "value": summary}},
            BlockId.AREA: {ActionId.INPUT: {"type": "plain_text_input", "value": "inventory"}},
            BlockId.DETAILS: {ActionId.INPUT: {"type": "plain_text_input", "value": None}},
        }

    def submit(severity: str, summary: str) -> Any:
        return bot.send(
            bot.requests.view_submission(
                callback_id=CallbackId.RAISE_ESCALATION,
                private_metadata=view["private_metadata"],
                user_id=COMMANDER,
                values=values(severity, summary),
            )
        )

    empty = await submit("red", "   ")
    assert empty.json()["errors"] == {BlockId.SUMMARY: "An escalation needs a summary: what is wrong, in a few words."}
    assert await stored(bot) == []
    long_area = values("red", "Warehouse B offline")
    long_area[BlockId.AREA][ActionId.INPUT]["value"] = "x" * 81
    too_long = await bot.send(
        bot.requests.view_submission(
            callback_id=CallbackId.RAISE_ESCALATION,
            private_metadata=view["private_metadata"],
            user_id=COMMANDER,
            values=long_area,
        )
    )
    assert too_long.json()["errors"] == {BlockId.AREA: "The area can be at most 80 characters (it has 81)."}
    assert await stored(bot) == []

    assert (await submit("orange", "Warehouse B offline")).status_code == 200
    await bot.tick()
    (escalation,) = await stored(bot)
    assert (escalation.severity, escalation.area, escalation.details) == ("orange", "inventory", None)
    assert dms(bot.standin, TIER1)[0].args["text"].endswith("acknowledge within 15m")


async def test_a_restart_between_two_steps_keeps_the_schedule(
    settings: Settings, clock: ManualClock, standin: SlackStandIn
) -> None:
    async with in_process(settings, clock, standin) as bot:
        await bot.ephemeral(f"start {START_LINE}")
        await bot.ephemeral(f"role tier1 <@{TIER1}> <@{TIER1_BACKUP}>")
        await escalate(bot)
    assert paged_users(standin) == [TIER1]

    clock.advance(timedelta(minutes=4))
    async with in_process(settings, clock, standin) as bot:
        await bot.tick()
        assert paged_users(standin) == [TIER1]
        clock.advance(timedelta(minutes=1))
        await bot.tick()
        await bot.tick()
    assert paged_users(standin) == [TIER1, TIER1_BACKUP]


async def test_a_red_escalation_raised_while_slack_answers_429_still_reaches_the_responder(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    bot.standin.fail(429, times=3, method="chat.postMessage", retry_after=10)
    await escalate(bot)
    assert dms(bot.standin, TIER1) == []
    for _ in range(4):
        clock.advance(timedelta(seconds=10))
        await bot.tick()
    (page,) = dms(bot.standin, TIER1)
    assert page.args["text"].startswith("RED #1")


async def test_closing_the_campaign_cancels_every_pending_page(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await escalate(bot)
    await bot.ephemeral("phase closed")
    clock.advance(timedelta(days=14))
    await bot.tick()
    assert paged_users(bot.standin) == [TIER1]
    (escalation,) = await stored(bot)
    assert escalation.next_step_at is None


async def test_the_api_gives_every_escalation_with_its_timeline_and_response_times(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    await escalate(bot)
    await escalate(bot, "red Checkout errors")
    clock.advance(timedelta(minutes=4))
    await bot.ephemeral("ack 1", command="/escalate", user=TIER1)
    clock.advance(timedelta(minutes=2))
    await bot.ephemeral("ack 2", command="/escalate", user=TIER1)
    clock.advance(timedelta(minutes=4))
    await bot.ephemeral("resolve 1 fixed", command="/escalate", user=TIER1)

    body = (await bot.http.get(f"/api/campaigns/{roster.id}/escalations", headers=await bot.bearer())).json()
    first = body["escalations"][0]
    assert first["status"] == "resolved" and first["resolution_note"] == "fixed"
    assert [event["kind"] for event in first["timeline"]] == ["raised", "paged", "acknowledged", "resolved"]
    assert [(event["actor"], event["data"]) for event in first["timeline"]] == [
        (COMMANDER, {}),
        (None, {"user": TIER1, "responder": "tier 1 primary", "deadline_seconds": 300}),
        (TIER1, {"after_seconds": 240}),
        (TIER1, {"after_seconds": 600, "note": "fixed"}),
    ]
    assert "<@" not in json.dumps(body)  # data, not Slack markup
    assert body["response_times"] == [
        {
            "severity": "red",
            "raised": 2,
            "acknowledged": 2,
            "resolved": 1,
            "mtta_seconds": 300.0,
            "mttr_seconds": 600.0,
            "resolved_with_deadline": 1,
            "resolved_by_deadline": 1,
        }
    ]


async def test_a_step_fired_by_another_worker_is_not_fired_again(
    bot: SlackDriver, roster: Campaign, clock: ManualClock
) -> None:
    """Two replicas list the same due step; the second to claim it must find it already taken."""
    await escalate(bot)
    clock.advance(timedelta(minutes=5))
    async with bot.runtime.sessions() as session:
        (listed,) = await escalations.due_steps(session, clock.now())
    for expected in (True, False):
        async with bot.runtime.transaction() as session:
            fired = await escalations.fire_step(session, escalation_id=listed.id, now=clock.now())
            assert (fired is not None) is expected
            if fired is not None:
                assert isinstance(fired, escalations.Paged)
                await messages.publish(session, fired, now=clock.now())
    await bot.tick()
    assert paged_users(bot.standin) == [TIER1, TIER1_BACKUP]


async def test_a_double_tap_on_acknowledge_and_a_double_submitted_resolve_count_once(
    bot: SlackDriver, roster: Campaign
) -> None:
    """Both taps of a double tap arrive together; the second must find the first's work done."""
    await escalate(bot)
    page = dms(bot.standin, TIER1)[0]
    await asyncio.gather(tap(bot, page, ActionId.ACKNOWLEDGE, TIER1), tap(bot, page, ActionId.ACKNOWLEDGE, TIER1))
    assert len([line for line in thread(bot.standin, channel_post(bot.standin)) if "Acknowledged by" in line]) == 1

    await tap(bot, page, ActionId.RESOLVE, TIER1)
    (opened,) = await bot.standin.wait_for("views.open")
    note = {BlockId.NOTE: {ActionId.INPUT: {"type": "plain_text_input", "value": "Restocked"}}}
    submission = bot.requests.view_submission(
        callback_id=CallbackId.RESOLVE_ESCALATION,
        private_metadata=opened.args["view"]["private_metadata"],
        user_id=TIER1,
        values=note,
    )
    answers = await asyncio.gather(bot.send(submission), bot.send(submission))
    assert [answer.status_code for answer in answers] == [200, 200]
    await bot.tick()
    assert len([line for line in thread(bot.standin, channel_post(bot.standin)) if "Resolved by" in line]) == 1
    async with bot.runtime.sessions() as session:
        kinds = [event.kind for event in (await session.exec(select(EscalationEvent))).all()]
    assert (kinds.count("acknowledged"), kinds.count("resolved")) == (1, 1), kinds
