"""The outbox delivers several channels at once: each channel in order, threads after their parent,
the most urgent first, every message once even with two senders, paced per channel; `/metrics`
shows what it did."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta

import pytest

from warroom_bot.core.blocks import notice
from warroom_bot.core.outbox import OutboxSender, enqueue
from warroom_bot.core.pacing import SlackPacing
from warroom_bot.devtools.driver import SlackDriver
from warroom_bot.models import OutboxMessage, OutboxStatus, Priority

CHANNELS = [f"C0ROOM{n:04d}" for n in range(12)]


@pytest.fixture
async def bot(bot: SlackDriver) -> SlackDriver:
    """The service, its own sender done with the delivery it started with: here the tests' senders deliver."""
    await bot.runtime.outbox.close()
    return bot


def sender(bot: SlackDriver, *, concurrency: int = 4, channel_rate: float = 1000.0) -> OutboxSender:
    """A second sender on the service's database and Slack client, with its own settings."""
    runtime = bot.runtime
    return OutboxSender(
        runtime.sessions, runtime.client, runtime.clock, concurrency=concurrency, channel_rate=channel_rate
    )


async def write(
    bot: SlackDriver,
    text: str,
    channel: str,
    *,
    priority: Priority = Priority.NORMAL,
    thread_of: OutboxMessage | None = None,
) -> OutboxMessage:
    async with bot.runtime.sessions() as session:
        row = await enqueue(
            session,
            notice(text),
            now=bot.runtime.clock.now(),
            channel=channel,
            priority=priority,
            thread_of=thread_of,
        )
        await session.commit()
        return row


def posted(bot: SlackDriver) -> list[tuple[str, str]]:
    """(channel, text) of every message Slack accepted, in the order it accepted them."""
    return [(call.args["channel"], call.args["text"]) for call in bot.standin.ok_calls("chat.postMessage")]


async def test_channels_go_side_by_side_each_in_order_threads_after_their_parent(bot: SlackDriver) -> None:
    bot.standin.delay_seconds = 0.05
    parents = {}
    for round_ in range(3):
        for channel in CHANNELS:
            row = await write(bot, f"{channel} #{round_}", channel)
            parents.setdefault(channel, row)
    for channel in CHANNELS:
        await write(bot, f"{channel} reply", channel, thread_of=parents[channel])

    assert await sender(bot, concurrency=4).drain() == 4 * len(CHANNELS)

    by_channel: dict[str, list[str]] = defaultdict(list)
    for channel, text in posted(bot):
        by_channel[channel].append(text)
    assert by_channel == {c: [f"{c} #0", f"{c} #1", f"{c} #2", f"{c} reply"] for c in CHANNELS}
    calls = {call.args["text"]: call for call in bot.standin.ok_calls("chat.postMessage")}
    for channel in CHANNELS:
        parent, reply = calls[f"{channel} #0"], calls[f"{channel} reply"]
        assert reply.args["thread_ts"] == parent.response["ts"] and parent.at <= reply.at
    # four at a time: the stand-in saw up to four calls under way together, never more
    assert 1 < max_overlap(bot) <= 4


def max_overlap(bot: SlackDriver) -> int:
    """The most chat.postMessage calls the stand-in had under way at once (each took delay_seconds)."""
    calls = bot.standin.ok_calls("chat.postMessage")
    ends = sorted(call.at for call in calls)
    starts = sorted(call.at - bot.standin.delay_seconds for call in calls)
    return max(sum(1 for s in starts if s < end) - sum(1 for e in ends if e < end) for end in ends)


async def test_the_most_urgent_channel_goes_first_and_a_page_written_mid_fan_out_is_next(bot: SlackDriver) -> None:
    bot.standin.delay_seconds = 0.05
    for channel in CHANNELS:
        await write(bot, f"digest {channel}", channel, priority=Priority.BULK)
    await write(bot, "thread line", CHANNELS[5], priority=Priority.NORMAL)
    outbox = sender(bot, concurrency=1)

    async def page_during_the_fan_out() -> None:
        while len(posted(bot)) < 3:
            await asyncio.sleep(0.01)
        await write(bot, "PAGE", "U0TIER1001", priority=Priority.URGENT)
        outbox.wake()

    await asyncio.gather(outbox.drain(), page_during_the_fan_out())
    await outbox.close()  # the delivery the wake started (nothing left for it)
    texts = [text for _channel, text in posted(bot)]
    # The channel with a normal message waiting went before the other digests (its own order kept);
    assert texts[:2] == [f"digest {CHANNELS[5]}", "thread line"]
    # the page, written after the third message went, was the next but one (one was under way).
    assert texts.index("PAGE") in (3, 4)
    assert len(texts) == len(CHANNELS) + 2


async def test_two_senders_at_once_deliver_every_message_exactly_once(bot: SlackDriver) -> None:
    bot.standin.delay_seconds = 0.02
    for round_ in range(4):
        for channel in CHANNELS:
            await write(bot, f"{channel} #{round_}", channel)

    first, second = sender(bot, concurrency=3), sender(bot, concurrency=3)
    settled = await asyncio.gather(first.drain(), second.drain())

    texts = [text for _channel, text in posted(bot)]
    assert sorted(texts) == sorted(f"{c} #{r}" for c in CHANNELS for r in range(4))
    assert sum(settled) == len(texts)
    for channel in CHANNELS:
        assert [t for c, t in posted(bot) if c == channel] == [f"{channel} #{r}" for r in range(4)]
    assert {row.status for row in await bot.outbox()} == {OutboxStatus.SENT}


async def test_a_channel_is_paced_after_a_burst_and_others_are_not_held_up(bot: SlackDriver) -> None:
    bot.standin.channel_limit = (5.0, 4)  # Slack's limit, as the stand-in enforces it: no 429 may come
    for n in range(7):
        await write(bot, f"busy {n}", CHANNELS[0])
    await write(bot, "quiet", CHANNELS[1])

    await sender(bot, concurrency=4, channel_rate=4.0).drain()  # a little under the limit Slack enforces

    busy = [call for call in bot.standin.ok_calls("chat.postMessage") if call.args["channel"] == CHANNELS[0]]
    assert [call.args["text"] for call in busy] == [f"busy {n}" for n in range(7)]
    # A burst of four, then one every 1/4 s: the last three waited for their tokens.
    assert busy[-1].at - busy[0].at >= 3 / 4.0 - 0.1
    quiet = next(call for call in bot.standin.ok_calls("chat.postMessage") if call.args["text"] == "quiet")
    assert quiet.at < busy[4].at
    assert [call for call in bot.standin.calls if call.status == 429] == []


async def test_without_pacing_slack_answers_429_and_the_channel_still_gets_everything_in_order(
    bot: SlackDriver,
) -> None:
    bot.standin.channel_limit = (10.0, 2)
    for n in range(5):
        await write(bot, f"busy {n}", CHANNELS[0])

    unpaced = sender(bot, concurrency=4, channel_rate=1000.0)
    for _ in range(5):
        await unpaced.drain()
        bot.runtime.clock.advance(timedelta(seconds=2))  # the Retry-After, on the service's clock
        await asyncio.sleep(0.3)  # and Slack's own bucket refilling, in real time

    assert [call.status for call in bot.standin.calls if call.method == "chat.postMessage"][:3] == [200, 200, 429]
    assert [text for _channel, text in posted(bot)] == [f"busy {n}" for n in range(5)]


async def test_metrics_show_the_outbox_deliveries_and_latencies(bot: SlackDriver) -> None:
    await write(bot, "page", "U0TIER1001", priority=Priority.URGENT)
    await write(bot, "later", CHANNELS[0], priority=Priority.BULK)
    before = (await bot.http.get("/metrics")).text
    assert 'warroom_outbox_depth{priority="urgent"} 1.0' in before
    assert 'warroom_outbox_depth{priority="bulk"} 1.0' in before

    await bot.runtime.outbox.drain()
    after = (await bot.http.get("/metrics")).text
    assert 'warroom_outbox_depth{priority="urgent"} 0.0' in after
    assert "warroom_outbox_deliveries_total" in after
    assert 'warroom_outbox_latency_seconds_count{priority="urgent"}' in after
    for name in ("warroom_due_lateness_seconds", "warroom_request_seconds", "warroom_slack_rate_limited_total"):
        assert f"# TYPE {name.removesuffix('_total')}" in after


def test_429s_from_three_channels_within_a_second_pause_every_channel() -> None:
    pacing = SlackPacing(rate=1.0, burst=4)
    assert pacing.rate_limited("C1", timedelta(seconds=5), now=100.0) == "channel"
    assert pacing.rate_limited("C2", timedelta(seconds=5), now=100.5) == "channel"
    assert pacing.paused_for(100.5) == 0
    assert pacing.rate_limited("C3", timedelta(seconds=5), now=100.9) == "workspace"
    assert pacing.paused_for(101.0) == pytest.approx(4.9)
    assert pacing.rate_limited("C4", None, now=110.0) == "channel"  # the earlier ones are over a second old


def test_a_channel_takes_a_burst_then_one_message_a_second() -> None:
    pacing = SlackPacing(rate=1.0, burst=2)
    for _ in range(2):
        assert pacing.wait("C1", 0.0) == 0
        pacing.take("C1")
    assert pacing.wait("C1", 0.0) == 1.0
    assert pacing.wait("C2", 0.0) == 0  # another channel is not held up
    assert pacing.wait("C1", 0.5) == 0.5
    assert pacing.wait("C1", 1.0) == 0
