"""What the benchmarks share: the real service as a child process on loopback, and percentiles."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

SECRET = "bench-signing-secret"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@asynccontextmanager
async def service(api_url: str, database: Path) -> AsyncIterator[httpx.AsyncClient]:
    """`warroom serve` on a free loopback port, on SQLite at `database`; yields a client for it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "WARROOM_LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-c", "from warroom_bot.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        cwd=database.parent,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for _ in range(400):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            yield http
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 15)
