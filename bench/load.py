"""Slash-command acknowledgements under load, beside the framework's floor.

30 concurrent clients (the load the targets are set for) send signed slash commands for a while to
`warroom serve` (SQLite, a campaign with a roster, readings and a budget) and then, with the same client, to a bare Bolt app in FastAPI
that only acknowledges (`bench.bare_bolt`). The commands are a war room's usual mix: `/warroom
status` (reads every KPI, the budget and the escalations), `/warroom metric` (a write), `/escalate
list` and `/budget`. Prints throughput, p50/p99 acknowledgement latency and errors for both, and the
ratio of the p99s (target ≤ 1.5; Slack allows 3 s).

While the clients run, a red escalation is raised every `STEP_EVERY` seconds, each in a war room of
its own (its own responders, `ack.red` 3 s); how late each backup's page comes after its deadline is
the due work's lateness under command load (target ≤ 2 s).

The clients run in this process and share the machine with the server, as they would on loopback.

    python -m bench.load [--clients 30] [--seconds 60] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import Running, bare_bolt, percentile, service
from bench.escalate import ACK_SECONDS, PageClock, Room, open_rooms
from warroom_bot.devtools.standin import SlackStandIn

CHANNEL, COMMANDER = "C0LOADROOM", "U0LOADCMD1"
CLIENTS = 30
STEP_EVERY = 2.0  # seconds between escalations raised during the load
MIX = [
    ("/warroom", "status"),
    ("/warroom", "metric inventory {n}"),  # a gauge: concurrent clients send totals out of order
    ("/escalate", "list"),
    ("/warroom", "status"),
    ("/budget", ""),
]


async def hammer(running: Running, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` loops sending the mix until the time is up; latency of each acknowledgement."""
    slack = running.slack(CHANNEL, COMMANDER)
    latencies: list[float] = []
    errors = 0
    counter = itertools.count(1)
    deadline = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        for command, text in itertools.islice(itertools.cycle(MIX), offset, None):
            if time.perf_counter() >= deadline:
                return
            request = slack.requests.slash_command(
                command, text.format(n=next(counter)), user_id=COMMANDER, channel_id=CHANNEL
            )
            started = time.perf_counter()
            try:
                response = await slack.send(request)
                ok = response.status_code == 200 and "warning" not in response.text and "boom" not in response.text
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    began = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "errors": errors,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
    }


async def prepare(running: Running) -> None:
    slack = running.slack(CHANNEL, COMMANDER)
    for command, text in [
        ("/warroom", 'start "Load" 2026-01-01T00:00 2030-01-01T00:00'),
        ("/warroom", "role tier1 <@U0LOADT1P1> <@U0LOADT1B1>"),
        ("/warroom", "role finance <@U0LOADFIN1>"),
        ("/warroom", "target gmv 12m"),
        ("/warroom", "target orders 58000"),
        ("/warroom", "metric gmv 4000000"),
        ("/budget", "plan 500k"),
        ("/budget", "spend online 120k"),
        ("/escalate", "orange Courier pickups late in the South"),
    ]:
        await slack.ephemeral(text, command=command)


def step_count(seconds: float) -> int:
    return max(2, int((seconds - ACK_SECONDS) / STEP_EVERY))


async def escalate_during(rooms: list[Room], pages: PageClock) -> list[float]:
    """Raise a red escalation every STEP_EVERY seconds, one in each room, while the load runs; how
    late (seconds after its deadline) each one's backup was paged."""
    deadlines: dict[str, float] = {}
    for room in rooms:
        await room.slack.ephemeral(f"red Load step in {room.slack.channel}", command="/escalate")
        deadlines[room.backup] = time.time() + ACK_SECONDS
        await asyncio.sleep(STEP_EVERY)
    return [await pages.wait(1, backup) - deadline for backup, deadline in deadlines.items()]


async def run(clients: int, seconds: float) -> dict[str, Any]:
    pages = PageClock()
    standin = await SlackStandIn(on_message=pages).start()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        try:
            async with service(standin.api_url, folder / "load.db") as running:
                await prepare(running)
                rooms = await open_rooms(running, step_count(seconds), "LOAD", ack_seconds=ACK_SECONDS)
                await hammer(running, clients, min(seconds / 3, 2.0))  # warm up
                warroom, lateness = await asyncio.gather(
                    hammer(running, clients, seconds), escalate_during(rooms, pages)
                )
            async with bare_bolt(standin.api_url, folder) as running:
                await hammer(running, clients, min(seconds / 3, 2.0))
                floor = await hammer(running, clients, seconds)
        finally:
            await standin.stop()
    return {
        "clients": clients,
        "seconds": seconds,
        "warroom": warroom,
        "bare_bolt": floor,
        "p99_ratio": warroom["p99_ms"] / floor["p99_ms"],
        "step_lateness_s": {"count": len(lateness), "median": statistics.median(lateness), "max": max(lateness)},
    }


def report(figures: dict[str, Any]) -> None:
    print(f"slash commands, {figures['clients']} concurrent clients for {figures['seconds']:.0f} s (loopback):")
    for label, key in (("warroom-bot", "warroom"), ("bare Bolt", "bare_bolt")):
        row = figures[key]
        print(
            f"  {label:<12} {row['per_second']:8.0f} req/s   p50 {row['p50_ms']:7.1f} ms   "
            f"p99 {row['p99_ms']:7.1f} ms   errors {row['errors']}"
        )
    print(f"  p99 ratio {figures['p99_ratio']:.2f}   (target ≤ 1.5; Slack allows 3000 ms)")
    late = figures["step_lateness_s"]
    print(
        f"  re-escalation lateness under this load ({late['count']} steps): "
        f"median {late['median']:.2f} s   max {late['max']:.2f} s   (target ≤ 2 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(run(arguments.clients, arguments.seconds))
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
