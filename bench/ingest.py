"""Readings per second through the REST API, beside a raw SQLite insert of the same rows.

Runs `warroom serve` on loopback (SQLite), posts batches of 10 000 readings to
`POST /api/campaigns/{id}/metrics` one after another, and times them. Then inserts the same rows
into the same table of a fresh database with Python's sqlite3 `executemany` in one transaction (the
median of three runs): the floor no service can beat on this machine. Prints both rates and the
ratio (target: ≥ 25 %).

    python -m bench.ingest [--readings 200000] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import service
from warroom_bot.api import tokens
from warroom_bot.campaigns import service as campaigns
from warroom_bot.core.clock import SystemClock
from warroom_bot.core.db import create_engine, create_sessions, upgrade
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.metrics import service as metrics

BATCH = 10_000
KPIS = ("gmv", "orders", "visitors", "new_customers")


def make_rows(count: int) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(seconds=count, hours=1)  # every reading in the past
    generator = random.Random(7)
    return [
        {
            "kpi": KPIS[i % len(KPIS)],
            "value": round(generator.uniform(0, 1_000_000), 2),
            "at": (start + timedelta(seconds=i)).isoformat(),
            "dimension": f"region-{i % 8}",
        }
        for i in range(count)
    ]


async def prepare(database: Path) -> tuple[int, str]:
    """A campaign and an API token in a fresh database."""
    url = f"sqlite+aiosqlite:///{database}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    now = SystemClock().now()
    async with create_sessions(engine)() as session:
        campaign = await campaigns.start(
            session,
            channel_id="C0BENCH",
            name="Bench",
            starts_at=now - timedelta(days=3),
            ends_at=now + timedelta(days=3),
            timezone="UTC",
            user_id="U0BENCH",
            now=now,
        )
        metrics.add_default_kpis(session, campaign.id)
        token, _ = await tokens.create(session, name="bench", campaign_id=campaign.id, now=now)
        await session.commit()
    await engine.dispose()
    return campaign.id or 0, token


async def through_the_api(rows: list[dict[str, Any]], folder: Path) -> float:
    standin = await SlackStandIn().start()
    database = folder / "api.db"
    campaign_id, token = await prepare(database)
    try:
        async with service(standin.api_url, database) as running:
            http = running.http
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            # Encoded before the clock starts: the client's JSON encoding is not the service's cost.
            bodies = [json.dumps({"readings": rows[i : i + BATCH]}).encode() for i in range(0, len(rows), BATCH)]
            started = time.perf_counter()
            for body in bodies:
                response = await http.post(f"/api/campaigns/{campaign_id}/metrics", content=body, headers=headers)
                response.raise_for_status()
            elapsed = time.perf_counter() - started
    finally:
        await standin.stop()
    return len(rows) / elapsed


def raw_insert(rows: list[dict[str, Any]], folder: Path, attempt: int) -> float:
    database = folder / f"raw-{attempt}.db"
    upgrade(f"sqlite+aiosqlite:///{database}")
    values = [
        (1 + KPIS.index(row["kpi"]), row["dimension"], row["at"][:26].replace("T", " "), row["value"], "raw")
        for row in rows
    ]
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "INSERT INTO campaign (channel_id, name, timezone, starts_at, ends_at, phase, created_by, created_at,"
            " config, escalation_seq) VALUES ('C', 'raw', 'UTC', '2026-01-01', '2027-01-01', 'live', 'U', '2026-01-01',"
            " '{}', 0)"
        )
        db.executemany(
            "INSERT INTO kpi (campaign_id, key, label, unit, kind, direction, position) "
            "VALUES (1, ?, ?, '', 'cumulative', 'higher', 0)",
            [(key, key) for key in KPIS],
        )
        started = time.perf_counter()
        db.executemany("INSERT INTO reading (kpi_id, dimension, at, value, source) VALUES (?, ?, ?, ?, ?)", values)
        db.commit()
        elapsed = time.perf_counter() - started
    return len(rows) / elapsed


async def run(count: int) -> dict[str, float]:
    rows = make_rows(count)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        api = await through_the_api(rows, folder)
        raw = statistics.median([await asyncio.to_thread(raw_insert, rows, folder, n) for n in range(3)])
    return {"readings": count, "api_per_second": api, "raw_insert_per_second": raw, "ratio": api / raw}


def report(figures: dict[str, float]) -> None:
    print(f"ingestion of {figures['readings']:,} readings in batches of {BATCH:,} (SQLite, loopback):")
    print(f"  REST API        {figures['api_per_second']:>12,.0f} readings/s")
    print(f"  raw sqlite3     {figures['raw_insert_per_second']:>12,.0f} readings/s")
    print(f"  ratio           {figures['ratio']:>12.1%}   (target ≥ 25%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(run(arguments.readings))
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
