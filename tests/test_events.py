"""Events API: `@warroom` answers in the thread, and Slack's retries of an event are handled once."""

from __future__ import annotations

import asyncio

from tests.conftest import CHANNEL, COMMANDER, SlackDriver
from warroom_bot.devtools.standin import BOT_USER_ID
from warroom_bot.models import Campaign


def mention(ts: str = "1700000100.000200", channel: str = CHANNEL) -> dict:
    return {
        "type": "app_mention",
        "user": COMMANDER,
        "text": f"<@{BOT_USER_ID}> how are we doing?",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def thread_replies(bot: SlackDriver, ts: str) -> list[str]:
    return [c.args["text"] for c in bot.standin.ok_calls("chat.postMessage") if c.args.get("thread_ts") == ts]


async def replies_once_settled(bot: SlackDriver, ts: str, at_least: int = 1) -> list[str]:
    """Bolt runs event listeners after acknowledging, so wait for the replies, then a moment more
    for any listener still running (a duplicate would show up by then)."""
    for _ in range(200):
        if len(thread_replies(bot, ts)) >= at_least:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    await bot.tick()
    return thread_replies(bot, ts)


async def test_a_mention_is_answered_with_the_status_in_its_thread(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("target gmv 1m")
    await bot.ephemeral("metric gmv 100k")
    bot.standin.messages[("C0WARROOM1", "1700000100.000200")] = {"ts": "1700000100.000200", "text": "question"}

    response = await bot.send(bot.requests.event_callback(mention(), event_id="Ev0MENTION1"))
    assert response.status_code == 200
    (reply,) = await replies_once_settled(bot, "1700000100.000200")
    assert reply.startswith("Double 11 — status")


async def test_slack_retries_of_an_event_are_handled_once(bot: SlackDriver, campaign: Campaign) -> None:
    bot.standin.messages[("C0WARROOM1", "1700000100.000200")] = {"ts": "1700000100.000200", "text": "question"}
    first = bot.requests.event_callback(mention(), event_id="Ev0RETRIED1")
    retries = [bot.requests.event_callback(mention(), event_id="Ev0RETRIED1", retry_num=n) for n in (1, 2, 3)]
    for request in (first, *retries):
        assert (await bot.send(request)).status_code == 200
    assert len(await replies_once_settled(bot, "1700000100.000200")) == 1

    another = bot.requests.event_callback(mention(), event_id="Ev0ANOTHER1")  # a new mention is a new event
    assert (await bot.send(another)).status_code == 200
    assert len(await replies_once_settled(bot, "1700000100.000200", at_least=2)) == 2


async def test_a_mention_outside_a_war_room_says_how_to_start_one(bot: SlackDriver) -> None:
    bot.standin.messages[("C0ELSEWHERE", "1700000100.000200")] = {"ts": "1700000100.000200", "text": "hi"}
    await bot.send(bot.requests.event_callback(mention(channel="C0ELSEWHERE"), event_id="Ev0NOWHERE1"))
    assert await replies_once_settled(bot, "1700000100.000200") == [
        "This channel has no campaign yet; start one with `/warroom start`."
    ]
