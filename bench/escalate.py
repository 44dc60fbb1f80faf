"""How fast a page reaches a responder, and how late re-escalation steps fire.

Runs `warroom serve` as a real process on loopback (SQLite in a temporary directory, default tick of
one second) against the Slack stand-in in this process, and prints:

- page latency: from sending a signed `/escalate red …` to the tier-1 DM arriving at the stand-in,
  over N escalations sent one after another (median, p99, max);
- re-escalation lateness: with `ack.red` set to a few seconds, how long after each escalation's
  deadline the backup's page arrives (median, max).

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
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import percentile, service
from warroom_bot.devtools.standin import SlackStandIn

CHANNEL, COMMANDER, TIER1, BACKUP = "C0BENCHROOM", "U0BENCHCMD", "U0BENCHT1P", "U0BENCHT1B"
ACK_SECONDS = 3


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
                slack = running.slack(CHANNEL, COMMANDER)
                await slack.ephemeral('start "Bench" 2026-01-01T00:00 2030-01-01T00:00')
                await slack.ephemeral(f"role tier1 <@{TIER1}> <@{BACKUP}>")

                latencies = []
                for number in range(1, pages + 1):
                    started = time.time()
                    await slack.ephemeral(f"red Bench page {number}", command="/escalate")
                    latencies.append(await clock.wait(number, TIER1) - started)

                await slack.ephemeral(f"config ack.red {ACK_SECONDS}s")
                first = pages + 1
                for number in range(first, first + steps):
                    await slack.ephemeral(f"red Bench step {number}", command="/escalate")
                    await asyncio.sleep(0.1)
                backup_pages = {n: await clock.wait(n, BACKUP) for n in range(first, first + steps)}
        finally:
            await standin.stop()
        with sqlite3.connect(database) as db:
            raised = dict(db.execute("SELECT number, raised_at FROM escalation WHERE number >= ?", (first,)))
    lateness = [
        arrival - (datetime.fromisoformat(raised[n]).timestamp() + ACK_SECONDS) for n, arrival in backup_pages.items()
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
