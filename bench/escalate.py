"""How fast a page reaches a responder, and how late re-escalation steps fire.

Runs `warroom serve` as a real process on loopback (SQLite in a temporary directory, default tick of
one second) against the Slack stand-in in this process, and prints:

- page latency: from sending a signed `/escalate red …` to the tier-1 DM arriving at the stand-in,
  over N escalations sent one after another (median, p99, max);
- re-escalation lateness: with `ack.red` set to a few seconds, how long after each escalation's
  deadline the backup's page arrives (median, max).

The escalations go round `ROOMS` war rooms, each with its own tier-1 primary and backup: Slack (and
the outbox) pace a conversation at about one message a second, so 200 pages to one person in a few
seconds would measure that pacing, not the service; a real night pages many people.

    python -m bench.escalate [--pages 200] [--steps 20] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import Running, percentile, service
from warroom_bot.devtools.driver import SlackDriver
from warroom_bot.devtools.standin import SlackStandIn

COMMANDER = "U0BENCHCMD"
ACK_SECONDS = 3
ROOMS = 20


@dataclass(frozen=True)
class Room:
    """A war room with its own tier-1 primary and backup."""

    slack: SlackDriver
    tier1: str
    backup: str


async def open_rooms(running: Running, count: int, tag: str, ack_seconds: int | None = None) -> list[Room]:
    """`count` war rooms (ids made from `tag`, a few capital letters), each with its own tier-1 pair
    and, if given, `ack.red` of `ack_seconds`."""
    rooms = []
    for number in range(1, count + 1):
        room = Room(running.slack(f"C0{tag}{number:03d}", COMMANDER), f"U0{tag}P{number:03d}", f"U0{tag}B{number:03d}")
        await room.slack.ephemeral(f'start "{tag} {number}" 2026-01-01T00:00 2030-01-01T00:00')
        await room.slack.ephemeral(f"role tier1 <@{room.tier1}> <@{room.backup}>")
        if ack_seconds is not None:
            await room.slack.ephemeral(f"config ack.red {ack_seconds}s")
        rooms.append(room)
    return rooms


class PageClock:
    """Records when each escalation's page reached each user, from the stand-in's own hook."""

    def __init__(self) -> None:
        self.arrivals: dict[tuple[int, str], float] = {}
        self.changed = asyncio.Event()

    def __call__(self, method: str, channel: str, message: dict[str, Any]) -> None:
        found = re.match(r"RED #(\d+) ", message["text"])
        if method == "chat.postMessage" and channel.startswith("D") and found:
            self.arrivals.setdefault((int(found.group(1)), "U" + channel[1:]), time.time())
            self.changed.set()

    async def wait(self, number: int, user: str, within: float = 30.0) -> float:
        async with asyncio.timeout(within):
            while (number, user) not in self.arrivals:
                self.changed.clear()
                await self.changed.wait()
        return self.arrivals[(number, user)]


async def run(pages: int, steps: int) -> dict[str, Any]:
    clock = PageClock()
    standin = await SlackStandIn(on_message=clock).start()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        try:
            async with service(standin.api_url, database) as running:
                rooms = await open_rooms(running, ROOMS, "PAGE")
                latencies = []
                for sent in range(pages):
                    room, number = rooms[sent % ROOMS], sent // ROOMS + 1
                    started = time.time()
                    await room.slack.ephemeral(f"red Bench page {sent + 1}", command="/escalate")
                    latencies.append(await clock.wait(number, room.tier1) - started)

                stepped = await open_rooms(running, steps, "STEP", ack_seconds=ACK_SECONDS)
                for room in stepped:
                    await room.slack.ephemeral(f"red Bench step {room.slack.channel}", command="/escalate")
                    await asyncio.sleep(0.1)
                backup_pages = {room.slack.channel: await clock.wait(1, room.backup) for room in stepped}
        finally:
            await standin.stop()
        with sqlite3.connect(database) as db:
            raised = dict(
                db.execute("SELECT c.channel_id, e.raised_at FROM escalation e JOIN campaign c ON c.id = e.campaign_id")
            )
    lateness = [
        arrival - (datetime.fromisoformat(raised[channel]).timestamp() + ACK_SECONDS)
        for channel, arrival in backup_pages.items()
    ]
    return {
        "page_latency_ms": {
            "count": len(latencies),
            "median": statistics.median(latencies) * 1000,
            "p99": percentile(latencies, 0.99) * 1000,
            "max": max(latencies) * 1000,
        },
        "reescalation_lateness_s": {
            "count": len(lateness),
            "median": statistics.median(lateness),
            "max": max(lateness),
        },
    }


def report(figures: dict[str, Any]) -> None:
    latency, lateness = figures["page_latency_ms"], figures["reescalation_lateness_s"]
    print(f"page latency, /escalate to DM ({latency['count']} escalations, loopback):")
    print(f"  median {latency['median']:.1f} ms   p99 {latency['p99']:.1f} ms   max {latency['max']:.1f} ms")
    print(f"re-escalation lateness after the deadline ({lateness['count']} steps, 1 s tick):")
    print(f"  median {lateness['median']:.2f} s   max {lateness['max']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="escalations timed for page latency")
    parser.add_argument("--steps", type=int, default=20, help="escalations timed for re-escalation lateness")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(run(arguments.pages, arguments.steps))
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
