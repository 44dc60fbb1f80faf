"""The outbox rides out Slack outages and restarts: every message arrives once, in order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from warroom_bot.core.blocks import notice
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.outbox import LEASE, enqueue
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import CHANNEL, START_LINE, SlackDriver, in_process
from warroom_bot.devtools.processes import free_port
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import OutboxMessage, OutboxStatus


async def _settle(bot: SlackDriver, clock: ManualClock, *, rounds: int = 8) -> None:
    """Let time pass in big steps, ticking after each, as the scheduler would."""
    for _ in range(rounds):
        clock.advance(timedelta(minutes=6))
        await bot.tick()


async def test_429_then_500_delivers_exactly_once_after_recovery(bot: SlackDriver, clock: ManualClock) -> None:
    bot.standin.fail(429, times=2, method="chat.postMessage", retry_after=1)
    bot.standin.fail(500, times=4, method="chat.postMessage")

    await bot.ephemeral(f"start {START_LINE}")
    await _settle(bot, clock)

    attempts = [call.status for call in bot.standin.calls if call.method == "chat.postMessage"]
    assert attempts == [429, 429, 500, 500, 500, 500, 200]
    (row,) = await bot.outbox()
    assert row.status == OutboxStatus.SENT
    assert (row.sent_channel, row.ts) == (CHANNEL, bot.standin.ok_calls("chat.postMessage")[0].response["ts"])


async def test_retry_after_is_honoured_before_the_next_attempt(bot: SlackDriver, clock: ManualClock) -> None:
    bot.standin.fail(429, method="chat.postMessage", retry_after=30)
    await bot.ephemeral(f"start {START_LINE}")
    await bot.standin.wait_for("auth.test")  # the request itself is done; the sender has had its go
    await bot.tick()

    (row,) = await bot.outbox()
    assert row.status == OutboxStatus.PENDING
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=29))
    await bot.tick()
    assert bot.standin.ok_calls("chat.postMessage") == []
    clock.advance(timedelta(seconds=1))
    await bot.tick()
    assert len(bot.standin.ok_calls("chat.postMessage")) == 1


async def test_a_channel_gets_its_messages_in_order_after_an_outage(bot: SlackDriver, clock: ManualClock) -> None:
    bot.standin.fail(500, times=3, method="chat.postMessage")
    await bot.ephemeral(f"start {START_LINE}")
    await bot.ephemeral("role tier1 <@U0TIER1001>")
    await bot.ephemeral("phase live --force")
    await _settle(bot, clock)

    texts = [call.args["text"] for call in bot.standin.ok_calls("chat.postMessage")]
    assert len(texts) == 3
    assert "starts in this channel" in texts[0]
    assert "Role tier1" in texts[1]
    assert "phase changed" in texts[2]


async def test_timeouts_and_refused_connections_deliver_once_in_order_after_recovery(
    bot: SlackDriver, clock: ManualClock
) -> None:
    client = bot.runtime.client
    api_url, timeout = client.base_url, client.timeout
    client.timeout = 0.2
    bot.standin.fail(504, times=2, method="chat.postMessage", hang=0.6)  # Slack slower than our timeout
    await bot.ephemeral(f"start {START_LINE}")
    await _settle(bot, clock, rounds=2)
    assert bot.standin.ok_calls("chat.postMessage") == []

    client.base_url = f"http://127.0.0.1:{free_port()}/api/"  # then not answering at all
    await bot.ephemeral("role tier1 <@U0TIER1001>")
    await bot.ephemeral("phase live --force")
    await _settle(bot, clock, rounds=2)
    first, *waiting = await bot.outbox()
    assert "Cannot connect" in first.last_error and {row.status for row in waiting} == {OutboxStatus.PENDING}

    client.base_url, client.timeout = api_url, timeout
    await _settle(bot, clock, rounds=4)  # ends before the first digest slot
    texts = [call.args["text"] for call in bot.standin.ok_calls("chat.postMessage")]
    assert len(texts) == 3, texts
    assert "starts in this channel" in texts[0] and "Role tier1" in texts[1] and "phase changed" in texts[2]
    assert {row.status for row in await bot.outbox()} == {OutboxStatus.SENT}


async def test_a_message_survives_a_restart_during_an_outage(
    settings: Settings, clock: ManualClock, standin: SlackStandIn
) -> None:
    standin.fail(500, times=1000, method="chat.postMessage")
    async with in_process(settings, clock, standin) as bot:
        await bot.ephemeral(f"start {START_LINE}")
        await _settle(bot, clock, rounds=2)
    assert standin.ok_calls("chat.postMessage") == []

    standin.recover()
    async with in_process(settings, clock, standin) as bot:
        await _settle(bot, clock, rounds=4)  # ends before the first hourly digest slot
        (row,) = await bot.outbox()
    assert row.status == OutboxStatus.SENT
    assert len(standin.ok_calls("chat.postMessage")) == 1


async def test_a_message_claimed_by_a_worker_that_died_is_sent_once_after_its_lease(
    bot: SlackDriver, clock: ManualClock
) -> None:
    """A replica (or this process before a kill -9) claimed the row and never finished it."""
    async with bot.runtime.transaction() as session:
        row = await enqueue(session, notice("hello"), now=clock.now(), channel=CHANNEL)
        await session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status=OutboxStatus.SENDING, claimed_until=clock.now() + LEASE)
        )

    await bot.tick()
    assert bot.standin.ok_calls("chat.postMessage") == []  # the other worker may still be sending it
    clock.advance(LEASE)
    await bot.tick()
    await bot.tick()
    assert len(bot.standin.ok_calls("chat.postMessage")) == 1


async def test_thread_replies_and_updates_wait_for_the_message_they_refer_to(
    bot: SlackDriver, clock: ManualClock
) -> None:
    bot.standin.fail(500, times=2, method="chat.postMessage")
    async with bot.runtime.transaction() as session:
        parent = await enqueue(session, notice("parent"), now=clock.now(), channel="U0DMUSER01")
        await enqueue(session, notice("reply"), now=clock.now(), channel="U0DMUSER01", thread_of=parent)
        await enqueue(session, notice("edited"), now=clock.now(), channel="U0DMUSER01", updates=parent)
    await _settle(bot, clock)

    posted = bot.standin.ok_calls("chat.postMessage")
    assert [call.args["text"] for call in posted] == ["parent", "reply"]
    parent_ts = posted[0].response["ts"]
    assert posted[1].args["thread_ts"] == parent_ts
    (edit,) = bot.standin.ok_calls("chat.update")
    assert (edit.args["channel"], edit.args["ts"], edit.args["text"]) == ("D0DMUSER01", parent_ts, "edited")
    assert bot.standin.messages[("D0DMUSER01", parent_ts)]["text"] == "edited"


async def test_a_refused_message_is_marked_failed_and_does_not_block_the_channel(
    bot: SlackDriver, clock: ManualClock
) -> None:
    bot.standin.fail(200, method="chat.postMessage", error="not_in_channel")
    await bot.ephemeral(f"start {START_LINE}")
    await bot.ephemeral("phase live --force")
    await _settle(bot, clock, rounds=2)

    first, second = await bot.outbox()
    assert (first.status, first.last_error) == (OutboxStatus.FAILED, "not_in_channel")
    assert second.status == OutboxStatus.SENT
    assert len([call for call in bot.standin.calls if call.method == "chat.postMessage"]) == 2
