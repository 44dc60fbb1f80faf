"""Resident memory of the service: idle, and with 200 campaigns loaded.

Starts `warroom serve` (SQLite, loopback), lets it settle and reads its resident set size (VmRSS).
Then opens CAMPAIGNS campaigns through signed `/warroom start` commands, each with a roster, targets,
a budget and a batch of readings through the REST API, builds every campaign's status once (as the
hourly digest does), and reads it again. Target: idle ≤ 150 MB.

    python -m bench.memory [--campaigns 200] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import Running, service
from warroom_bot.api import tokens
from warroom_bot.core.clock import SystemClock
from warroom_bot.core.db import create_engine, create_sessions
from warroom_bot.devtools.standin import SlackStandIn

SETTLE_SECONDS = 3.0
COMMANDER = "U0MEMCMDR1"


async def load_campaigns(running: Running, database: Path, count: int) -> None:
    for number in range(count):
        slack = running.slack(f"C{number:09d}", COMMANDER)
        for command, text in [
            ("/warroom", f'start "Campaign {number}" 2026-01-01T00:00 2030-01-01T00:00 Asia/Shanghai'),
            ("/warroom", "role tier1 <@U0MEMT1PR1> <@U0MEMT1BK1>"),
            ("/warroom", "target gmv 12m"),
            ("/budget", "plan 500k"),
        ]:
            await slack.ephemeral(text, command=command)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    async with create_sessions(engine)() as session:
        token, _ = await tokens.create(session, name="memory", campaign_id=None, now=SystemClock().now())
        await session.commit()
    await engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    readings = [{"kpi": key, "value": 1000 + i} for i, key in enumerate(("gmv", "orders", "visitors", "inventory"))]
    for campaign_id in range(1, count + 1):
        response = await running.http.post(
            f"/api/campaigns/{campaign_id}/metrics", json={"readings": readings}, headers=headers
        )
        response.raise_for_status()
        (await running.http.get(f"/api/campaigns/{campaign_id}/status", headers=headers)).raise_for_status()


async def run(campaigns: int, settle: float = SETTLE_SECONDS) -> dict[str, Any]:
    standin = await SlackStandIn().start()
    with tempfile.TemporaryDirectory() as name:
        database = Path(name) / "memory.db"
        try:
            async with service(standin.api_url, database) as running:
                await asyncio.sleep(settle)
                idle = running.resident_mb()
                await load_campaigns(running, database, campaigns)
                await asyncio.sleep(settle)
                loaded = running.resident_mb()
        finally:
            await standin.stop()
    return {"campaigns": campaigns, "idle_mb": idle, "loaded_mb": loaded}


def report(figures: dict[str, Any]) -> None:
    print("resident memory of warroom serve (VmRSS):")
    print(f"  idle                     {figures['idle_mb']:6.1f} MiB   (target ≤ 150)")
    print(f"  {figures['campaigns']:>4} campaigns loaded     {figures['loaded_mb']:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(run(arguments.campaigns))
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
