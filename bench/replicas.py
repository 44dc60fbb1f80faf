"""One replica against two: the top-of-the-hour fan-out (`bench.fanout`) on PostgreSQL, first with
one `warroom serve` process, then with two sharing the database (their claims keep every digest and
page exactly once; the outbox work is split between them).

Needs a PostgreSQL server: `WARROOM_TEST_POSTGRES_URL` (what `.ci/run` starts) or `--postgres`; a
role that may create databases. Without one it says so and measures nothing.

    python -m bench.replicas [--rooms 200] [--latency 0.15] [--postgres URL] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench import fanout

SERVER_VARIABLE = "WARROOM_TEST_POSTGRES_URL"


@asynccontextmanager
async def fresh_database(server: str) -> AsyncIterator[str]:
    """A new, empty database on `server` (dropped afterwards), as an SQLAlchemy asyncpg URL."""
    name = f"warroom_bench_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def run(rooms: int, latency: float, server: str | None) -> dict[str, Any]:
    if not server:
        print(f"  skipped: no PostgreSQL server ({SERVER_VARIABLE} is not set; .ci/run starts one)")
        return {"skipped": True}
    figures: dict[str, Any] = {"skipped": False, "rooms": rooms, "latency_s": latency}
    for replicas in (1, 2):
        async with fresh_database(server) as url:
            figures[f"replicas_{replicas}"] = await fanout.run(rooms, latency, replicas=replicas, database_url=url)
    one, two = figures["replicas_1"], figures["replicas_2"]
    figures["speedup"] = one["last_digest_s"] / two["last_digest_s"]
    return figures


def report(figures: dict[str, Any]) -> None:
    if figures["skipped"]:
        return
    print(
        f"{figures['rooms']} rooms at the top of the hour on PostgreSQL, Slack at {figures['latency_s'] * 1000:.0f} ms:"
    )
    for replicas in (1, 2):
        row = figures[f"replicas_{replicas}"]
        print(
            f"  {replicas} replica(s): last digest {row['last_digest_s']:.2f} s after the hour "
            f"(floor {row['floor_s']:.2f} s), page {row['page_s']:.2f} s after the request"
        )
    print(f"  two replicas finish the fan-out {figures['speedup']:.2f} × as fast as one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--postgres", default=os.environ.get(SERVER_VARIABLE), help="a PostgreSQL server URL")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    figures = asyncio.run(run(arguments.rooms, arguments.latency, arguments.postgres))
    report(figures)
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
