"""Real `warroom serve` processes on one database and one stand-in, sharing a simulated clock:
two replicas over a simulated campaign day post everything exactly once (what a KPI's light does too), and a service killed with
`kill -9` between a page and its re-escalation fires the step on time after a restart."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.core.clock import ScaledClock
from warroom_bot.core.db import create_engine
from warroom_bot.devtools.driver import COMMANDER, SlackDriver, local
from warroom_bot.devtools.processes import warroom
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.models import Escalation, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.slow

SECRET = "process-test-secret"
CHANNEL = "C0REPLICAS"
TIER1, TIER1_BACKUP, TIER2, TIER3 = "U0TIER1PRI", "U0TIER1BAK", "U0TIER2PRI", "U0TIER3PRI"
SUPPLY_LEAD = "U0SUPPLY01"


class Service:
    """One `warroom serve` process on a loopback port, and the commands it is sent."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.process = warroom("serve", env=env, cwd=folder)

    async def start(self) -> Service:
        await self.process.started()
        return self

    async def command(self, text: str, command: str = "/warroom", user: str = COMMANDER) -> str:
        async with httpx.AsyncClient(base_url=self.process.url) as http:
            slack = SlackDriver(http, signing_secret=SECRET, channel=CHANNEL, user=user)
            answer = await slack.ephemeral(text, command=command)
        assert not answer.startswith(":warning:") and ":boom:" not in answer, answer  # a refusal, an error
        return answer

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        await self.process.stopped(sig)


def simulated_env(
    database_url: str, standin: SlackStandIn, start: datetime, speed: float, anchor: float, tick: float
) -> dict:
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.api_url,
        "SLACK_BOT_TOKEN": "xoxb-process-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "WARROOM_LOG_LEVEL": "WARNING",
        "WARROOM_TICK_SECONDS": str(tick),
        "WARROOM_SIMULATED_START": start.isoformat(),
        "WARROOM_SIMULATED_SPEED": str(speed),
        "WARROOM_SIMULATED_ANCHOR": str(anchor),
        # Slack's pacing (a message a second per channel) is real time: at 3600× a channel could
        # take one message per simulated hour, and the hourly digests alone fill that. Pacing has
        # its own tests (tests/test_outbox.py); here the channel is let through faster.
        "WARROOM_OUTBOX_CHANNEL_RATE": "50",
    }


async def until(clock: ScaledClock, moment: datetime) -> None:
    await asyncio.sleep(max((moment - clock.now()).total_seconds() / clock.speed, 0))


def posts(standin: SlackStandIn, channel: str, prefix: str) -> list[str]:
    return [
        c.args["text"]
        for c in standin.ok_calls("chat.postMessage")
        if c.args["channel"] == channel and c.args["text"].startswith(prefix)
    ]


async def test_two_replicas_post_every_slot_step_prompt_and_reminder_once(
    empty_database_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    database_url = empty_database_url  # both replicas migrate it as they start
    start, speed = local("2026-11-10T20:00"), 3600.0  # a simulated hour every second
    anchor = time.time() + 8  # both processes are up by then
    env = simulated_env(database_url, standin, start, speed, anchor, tick=0.15)  # 9 simulated minutes
    clock = ScaledClock(start, speed, anchor=anchor)
    first, second = Service(env, tmp_path), Service(env, tmp_path)
    try:
        await asyncio.gather(first.start(), second.start())  # both migrate the new database at once
        await until(clock, local("2026-11-10T20:01"))
        await first.command('start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
        await second.command(f"role tier1 <@{TIER1}> <@{TIER1_BACKUP}>")
        await first.command(f"role tier2 <@{TIER2}>")
        await second.command(f"role tier3 <@{TIER3}>")
        await first.command("config escalation.repeat 0")
        await second.command("red Payment gateway timeouts", command="/escalate")
        await first.command(f"role lead:supply_chain <@{SUPPLY_LEAD}>")
        await second.command("target inventory 1000")
        await first.command("config alert.purple notify")  # a notice rather than an escalation: less traffic
        # the same purple light reported to both replicas at once: one notice between them, and one
        # "no new reading" three hours later
        await asyncio.gather(first.command("metric inventory 400"), second.command("metric inventory 300"))
        await until(clock, local("2026-11-11T09:40"))
    finally:
        await asyncio.gather(first.stop(), second.stop())

    digests = posts(standin, CHANNEL, "Double 11 — status")
    hours = Counter(text.split("status ")[1][:13] for text in digests)  # "Tue 10 Nov 21"
    assert set(hours.values()) == {1}, hours  # each slot once …
    first = datetime.strptime(f"2026 {digests[0].split('status ')[1][:16]}", "%Y %a %d %b %H:%M")
    assert first.hour in (21, 22) and len(hours) == 24 + 9 - first.hour + 1, hours  # … and none missed up to 09:00
    breaches = posts(standin, COMMANDER, "RED #1 Payment gateway timeouts is not resolved after 2h")
    pages = Counter(
        c.args["channel"]
        for c in standin.ok_calls("chat.postMessage")
        if c.args["text"].startswith("RED #1") and c.args["text"] not in breaches
    )
    assert pages == {CHANNEL: 1, TIER1: 1, TIER1_BACKUP: 1, TIER2: 1, TIER3: 1, COMMANDER: 1}, pages
    assert len(posts(standin, CHANNEL, "<!here> Nobody acknowledged RED #1")) == 1
    assert len(breaches) == 1  # its resolve-by deadline (2h), told once between the two replicas
    assert len([text for text in posts(standin, CHANNEL, ":large_purple_circle: *Inventory") if "warning" in text]) == 1
    assert len(posts(standin, CHANNEL, ":hourglass: No new reading of *Inventory")) == 1
    assert len(posts(standin, CHANNEL, "Daily retro of Double 11, Tue 10 Nov")) == 1
    for user in (COMMANDER, TIER1, TIER1_BACKUP, TIER2, TIER3):
        assert len(posts(standin, user, "Reminder: your retro")) == 1, user
    assert len(posts(standin, CHANNEL, "Retro summary of Double 11, Tue 10 Nov")) == 1


async def test_a_service_killed_between_a_page_and_its_re_escalation_fires_the_step_on_time(
    database_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    start, speed = local("2026-11-10T21:00"), 30.0  # a simulated minute every 2 seconds
    anchor = time.time() + 4
    env = simulated_env(database_url, standin, start, speed, anchor, tick=0.05)
    clock = ScaledClock(start, speed, anchor=anchor)
    arrivals: dict[str, datetime] = {}
    standin.on_message = lambda method, channel, message: arrivals.setdefault(channel, clock.now())
    service, restarted = Service(env, tmp_path), Service(env, tmp_path)
    try:
        deadline = await killed_and_restarted(service, restarted, clock, start, arrivals, database_url)
    finally:
        await asyncio.gather(service.stop(), restarted.stop())

    pages = Counter(
        c.args["channel"] for c in standin.ok_calls("chat.postMessage") if c.args["text"].startswith("RED #1")
    )
    assert pages == {CHANNEL: 1, TIER1: 1, TIER1_BACKUP: 1}, pages  # nothing twice
    late = arrivals["D" + TIER1_BACKUP[1:]] - deadline
    assert timedelta(0) <= late <= timedelta(seconds=2) * speed, late  # the 2 s lateness target, in real seconds


async def unsent_and_deadline(database_url: str) -> tuple[int, datetime | None]:
    """Outbox rows not yet sent, and when the open escalation's next step is due (the service's own record)."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            unsent = (await session.exec(select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT))).one()
            deadline = (await session.exec(select(Escalation.next_step_at))).first()
            return unsent, deadline
    finally:
        await engine.dispose()


async def killed_and_restarted(
    service: Service,
    restarted: Service,
    clock: ScaledClock,
    start: datetime,
    arrivals: dict[str, datetime],
    database_url: str,
) -> datetime:
    """Page tier 1, `kill -9` the service, start it again, and wait past the re-escalation deadline,
    which this returns."""
    await service.start()
    await until(clock, start)
    await service.command('start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
    await service.command(f"role tier1 <@{TIER1}> <@{TIER1_BACKUP}>")
    await service.command("config ack.red 2m")
    await service.command("red Payment gateway timeouts", command="/escalate")
    for _ in range(200):
        unsent, deadline = await unsent_and_deadline(database_url)
        if "D" + TIER1[1:] in arrivals and unsent == 0:
            break  # the page is out and recorded as sent: now we are between it and the next step
        await asyncio.sleep(0.01)
    assert deadline is not None and deadline - arrivals["D" + TIER1[1:]] < timedelta(minutes=2)

    await service.stop(signal.SIGKILL)  # no shutdown of any kind
    await restarted.start()
    await until(clock, deadline + timedelta(minutes=1))
    return deadline
