"""The top of the hour: N war rooms' digests due at once, Slack answering slowly, and a red
escalation raised two seconds after the hour.

Prepares N live campaigns (one channel each, the digest slot at 12:00) in an SQLite database, runs
`warroom serve` on it with a simulated clock that reaches 12:00 a few seconds after it starts, and
the Slack stand-in answering every Web API call after `latency` seconds. Measures:

- page latency: from sending the signed `/escalate red …` (at 12:00:02) to the tier-1 DM arriving;
- time to the last digest: from 12:00 to the N-th digest arriving at the stand-in;
- the floor: N × latency / the outbox's concurrency (`WARROOM_OUTBOX_CONCURRENCY`).

With `--replicas 2 --postgres URL` the same scene runs on PostgreSQL with two `warroom serve`
processes sharing the work (`bench.replicas` compares one with two).

    python -m bench.fanout [--rooms 200] [--latency 0.15] [--replicas 1] [--postgres URL] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Running, service
from warroom_bot.campaigns import service as campaigns
from warroom_bot.core.db import create_engine, create_sessions, upgrade
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.metrics import service as metrics
from warroom_bot.models import Role, RoleAssignment

HOUR = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
LEAD_SECONDS = 6.0  # simulated time starts this long before the hour (the process starts meanwhile)
COMMANDER, TIER1 = "U0FANCMD01", "U0FANTIER1"
CONCURRENCY = Settings.model_fields["outbox_concurrency"].default


def room(number: int) -> str:
    return f"C0FAN{number:05d}"


class Arrivals:
    """When each room's digest and the page reached the stand-in (its on_message hook)."""

    def __init__(self, rooms: int) -> None:
        self.rooms = {room(n) for n in range(rooms)}
        self.digests: dict[str, float] = {}
        self.page: float | None = None
        self.changed = asyncio.Event()

    def __call__(self, method: str, channel: str, message: dict[str, Any]) -> None:
        text = message.get("text", "")
        if method == "chat.postMessage" and channel in self.rooms and " — status " in text:
            self.digests.setdefault(channel, time.time())
        elif method == "chat.postMessage" and channel.startswith("D") and text.startswith("RED #1 "):
            self.page = self.page or time.time()
        self.changed.set()

    async def wait(self, done: Any, within: float = 120.0) -> None:
        async with asyncio.timeout(within):
            while not done():
                self.changed.clear()
                await self.changed.wait()


async def prepare(url: str, rooms: int) -> None:
    """N live campaigns, each with its digest slot at the hour; tier 1 set in the first room."""
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    async with create_sessions(engine)() as session:
        for number in range(rooms):
            campaign = await campaigns.start(
                session,
                channel_id=room(number),
                name=f"Room {number}",
                starts_at=HOUR - timedelta(days=1),
                ends_at=HOUR + timedelta(days=2),
                timezone="UTC",
                user_id=COMMANDER,
                now=HOUR - timedelta(hours=1),
            )
            metrics.add_default_kpis(session, campaign.id)
            campaign.next_digest_at = HOUR
            if number == 0:
                session.add(
                    RoleAssignment(
                        campaign_id=campaign.id,
                        role=Role.TIER1,
                        primary_user=TIER1,
                        updated_by=COMMANDER,
                        updated_at=HOUR,
                    )
                )
        await session.commit()
    await engine.dispose()


async def run(rooms: int, latency: float, *, replicas: int = 1, database_url: str | None = None) -> dict[str, Any]:
    """The scene on an SQLite file (one process), or on `database_url` with `replicas` processes."""
    arrivals = Arrivals(rooms)
    standin = await SlackStandIn(on_message=arrivals).start()
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite+aiosqlite:///{folder}/fanout.db"
        await prepare(url, rooms)
        anchor = time.time() + 2.0 + replicas  # simulated time starts (LEAD_SECONDS before the hour) then
        hour_at = anchor + LEAD_SECONDS
        env = {
            "DATABASE_URL": url,
            "WARROOM_SIMULATED_START": (HOUR - timedelta(seconds=LEAD_SECONDS)).isoformat(),
            "WARROOM_SIMULATED_ANCHOR": str(anchor),
        }
        try:
            async with AsyncExitStack() as stack:
                served: list[Running] = [
                    await stack.enter_async_context(service(standin.api_url, Path(folder) / "fanout.db", **env))
                    for _ in range(replicas)
                ]
                standin.delay_seconds = latency
                await asyncio.sleep(max(0.0, hour_at + 2.0 - time.time()))
                sent = time.time()
                await served[0].slack(room(0), COMMANDER).ephemeral("red Checkout is failing", command="/escalate")
                await arrivals.wait(lambda: arrivals.page is not None and len(arrivals.digests) == rooms)
        finally:
            await standin.stop()
    assert arrivals.page is not None
    return {
        "rooms": rooms,
        "latency_s": latency,
        "replicas": replicas,
        "concurrency": CONCURRENCY,
        "page_s": arrivals.page - sent,
        "last_digest_s": max(arrivals.digests.values()) - hour_at,
        "floor_s": rooms * latency / (CONCURRENCY * replicas),
    }


def report(figures: dict[str, Any]) -> None:
    print(
        f"{figures['rooms']} rooms at the top of the hour, Slack answering after {figures['latency_s'] * 1000:.0f} ms, "
        f"{figures['replicas']} replica(s):"
    )
    print(f"  page raised at :02 arrived {figures['page_s']:.2f} s after the request")
    print(
        f"  last digest {figures['last_digest_s']:.2f} s after the hour "
        f"(floor {figures['floor_s']:.2f} s = rooms × latency / {figures['concurrency']} / replicas)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds the stand-in takes per Web API call")
    parser.add_argument("--replicas", type=int, default=1, help="`warroom serve` processes (2 needs --postgres)")
    parser.add_argument("--postgres", help="a PostgreSQL database URL to run on (emptied and migrated)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(
        run(arguments.rooms, arguments.latency, replicas=arguments.replicas, database_url=arguments.postgres)
    )
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
