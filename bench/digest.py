"""The cost of building digests must not grow with the history behind them.

Fills a SQLite database with CAMPAIGNS live campaigns of 12 KPIs each, a reading every 5 minutes for
3 days per KPI, and times building every campaign's digest (the median of 3 rounds). Then adds
readings until the history is 10 × as long and times it again. Prints both and the ratio
(target ≤ 1.5).

    python -m bench.digest [--campaigns 200] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from warroom_bot.core.db import create_engine, create_sessions, upgrade
from warroom_bot.digest import snapshot as digest
from warroom_bot.metrics.service import DEFAULT_KPIS
from warroom_bot.models import Campaign

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=3)
EXTRA_KPIS = ("repeat_buyers", "refunds", "ad_clicks")


def _stamp(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(sep=" ")


def fill(database: Path, campaigns: int) -> list[int]:
    """Campaigns and KPIs, with targets, by plain SQL (the schema comes from the migrations)."""
    with sqlite3.connect(database) as db:
        for number in range(campaigns):
            cursor = db.execute(
                "INSERT INTO campaign (channel_id, name, timezone, starts_at, ends_at, phase, created_by, created_at,"
                " config, escalation_seq) VALUES (?, ?, 'Asia/Shanghai', ?, ?, 'live', 'U0BENCH', ?, '{}', 0)",
                (f"C{number:08d}", f"Campaign {number}", _stamp(START), _stamp(NOW + timedelta(days=2)), _stamp(START)),
            )
            specs = [*DEFAULT_KPIS, *({"key": key, "label": key, "kind": "cumulative"} for key in EXTRA_KPIS)]
            db.executemany(
                "INSERT INTO kpi (campaign_id, key, label, unit, kind, direction, target, position)"
                " VALUES (?, ?, ?, '', ?, 'higher', 1000000, ?)",
                [(cursor.lastrowid, s["key"], s["label"], s["kind"], i) for i, s in enumerate(specs)],
            )
        return [row[0] for row in db.execute("SELECT id FROM kpi")]


def add_history(database: Path, kpi_ids: list[int], every: timedelta, offset: timedelta) -> int:
    """Readings from START to NOW for every KPI, `every` apart, starting at START + `offset`."""

    def rows() -> Iterator[tuple[int, str, str, float, str]]:
        steps = int((NOW - START - offset) / every)
        for kpi_id in kpi_ids:
            for step in range(steps + 1):
                yield kpi_id, "", _stamp(START + offset + step * every), float(step * 1000), "bench"

    with sqlite3.connect(database) as db:
        before = db.execute("SELECT count(*) FROM reading").fetchone()[0]
        db.executemany("INSERT INTO reading (kpi_id, dimension, at, value, source) VALUES (?, ?, ?, ?, ?)", rows())
        db.execute(
            "INSERT OR REPLACE INTO latestreading (kpi_id, dimension, at, value)"
            " SELECT kpi_id, dimension, max(at), max(value) FROM reading GROUP BY kpi_id, dimension"
        )
        return db.execute("SELECT count(*) FROM reading").fetchone()[0] - before


async def time_digests(database: Path) -> float:
    """Seconds to build every campaign's digest, as the tick does: a session per campaign."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessions = create_sessions(engine)
    async with sessions() as session:
        campaigns = list((await session.exec(select(Campaign))).all())
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        for campaign in campaigns:
            async with sessions() as session:
                await digest.snapshot(session, campaign, NOW)
        rounds.append(time.perf_counter() - started)
    await engine.dispose()
    return statistics.median(rounds)


def run(campaign_count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "digest.db"
        upgrade(f"sqlite+aiosqlite:///{database}")
        kpi_ids = fill(database, campaign_count)
        base_rows = add_history(database, kpi_ids, timedelta(minutes=5), timedelta(0))
        base = asyncio.run(time_digests(database))
        # Nine more readings between each pair of the first ones: ten times the history.
        extra_rows = add_history(database, kpi_ids, timedelta(minutes=5) / 9, timedelta(seconds=1))
        tenfold = asyncio.run(time_digests(database))
    return {
        "campaigns": campaign_count,
        "kpis": len(kpi_ids),
        "readings": base_rows,
        "readings_10x": base_rows + extra_rows,
        "seconds": base,
        "seconds_10x": tenfold,
        "ratio": tenfold / base,
    }


def report(figures: dict[str, float]) -> None:
    print(f"digests of {figures['campaigns']} campaigns × 12 KPIs (SQLite):")
    print(f"  history {figures['readings']:>11,} readings   {figures['seconds'] * 1000:8.0f} ms for all digests")
    print(
        f"  history {figures['readings_10x']:>11,} readings   {figures['seconds_10x'] * 1000:8.0f} ms for all digests"
    )
    print(f"  ratio 10× history / 1× history: {figures['ratio']:.2f}   (target ≤ 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = run(arguments.campaigns)
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
