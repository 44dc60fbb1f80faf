"""Events API: `@warroom` answers in the thread, and Slack's retries of an event are handled once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from warroom_bot.core import events
from warroom_bot.core.clock import ManualClock
from warroom_bot.devtools.driver import CHANNEL, SlackDriver
from warroom_bot.models import Campaign, OutboxStatus, SlackEvent

TS = "1700000100.000200"  # the message that mentions the bot


async def replies(bot: SlackDriver) -> list[str]:
    """The replies to the mention, everything answered so far delivered (see `SlackDriver.replies`)."""
    answered = await bot.replies(TS)
    assert {row.status for row in await bot.outbox()} <= {OutboxStatus.SENT}
    return answered


async def handled_events(bot: SlackDriver) -> list[str]:
    """The Events API deliveries recorded as handled (the replay guard keeps its triggers there too)."""
    async with bot.runtime.sessions() as session:
        return [
            event.event_id for event in (await session.exec(select(SlackEvent))).all() if event.event_id[:2] == "Ev"
        ]


async def test_a_mention_is_answered_with_the_status_in_its_thread(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("target gmv 1m")
    await bot.ephemeral("metric gmv 100k")
    bot.standin.messages[(CHANNEL, TS)] = {"ts": TS, "text": "question"}

    assert (await bot.mention("Ev0MENTION1")).status_code == 200
    (reply,) = await replies(bot)
    assert reply.startswith("Double 11 — status")


async def test_slack_retries_of_an_event_are_handled_once(bot: SlackDriver, campaign: Campaign) -> None:
    bot.standin.messages[(CHANNEL, TS)] = {"ts": TS, "text": "question"}
    for retry in (None, 1, 2, 3):
        assert (await bot.mention("Ev0RETRIED1", retry_num=retry)).status_code == 200
    assert len(await replies(bot)) == 1
    assert await handled_events(bot) == ["Ev0RETRIED1"]

    assert (await bot.mention("Ev0ANOTHER1")).status_code == 200  # a new mention is a new event
    assert len(await replies(bot)) == 2
    assert sorted(await handled_events(bot)) == ["Ev0ANOTHER1", "Ev0RETRIED1"]


async def test_a_mention_outside_a_war_room_says_how_to_start_one(bot: SlackDriver) -> None:
    bot.standin.messages[("C0ELSEWHERE", TS)] = {"ts": TS, "text": "hi"}
    await bot.mention("Ev0NOWHERE1", channel="C0ELSEWHERE")
    assert await replies(bot) == ["This channel has no campaign yet; start one with `/warroom start`."]


async def test_delivery_ids_are_forgotten_after_a_day_by_the_housekeeping_not_before(
    bot: SlackDriver, campaign: Campaign, clock: ManualClock
) -> None:
    bot.standin.messages[(CHANNEL, TS)] = {"ts": TS, "text": "question"}
    await bot.mention("Ev0YESTERDAY")
    clock.advance(events.KEEP - timedelta(minutes=1))
    await bot.tick()
    assert await handled_events(bot) == ["Ev0YESTERDAY"]

    clock.advance(timedelta(minutes=2))
    await bot.tick()
    assert await handled_events(bot) == []
