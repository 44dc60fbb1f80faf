"""What the benchmarks share: the real service (or the bare-Bolt floor) as a child process on loopback,
its resident memory, and percentiles."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Running:
    http: httpx.AsyncClient
    pid: int

    def resident_mb(self) -> float:
        """The process's resident memory (VmRSS, Linux), in MiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return kilobytes / 1024


@asynccontextmanager
async def http_process(argv: list[str], port: int, env: dict[str, str], cwd: Path) -> AsyncIterator[Running]:
    """A server process on loopback `port`, ready once `/healthz` answers; stopped afterwards."""
    process = await asyncio.create_subprocess_exec(*argv, env={**os.environ, **env}, cwd=cwd)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for _ in range(400):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            yield Running(http, process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 15)


@asynccontextmanager
async def service(api_url: str, database: Path, **env: str) -> AsyncIterator[Running]:
    """`warroom serve` on a free loopback port, on SQLite at `database`; yields a client for it."""
    port = free_port()
    settings = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "WARROOM_LOG_LEVEL": "WARNING",
        **env,
    }
    argv = [sys.executable, "-c", "from warroom_bot.cli import main; main()", "serve", "--port", str(port)]
    async with http_process(argv, port, settings, database.parent) as running:
        yield running


@asynccontextmanager
async def bare_bolt(api_url: str, folder: Path) -> AsyncIterator[Running]:
    """The floor: a Bolt app in FastAPI that only acknowledges (`bench.bare_bolt`), same uvicorn."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.bare_bolt:api", "--port", str(port), "--log-level", "warning"]
    async with http_process(argv, port, {"PYTHONPATH": str(ROOT), "SLACK_API_URL": api_url}, folder) as running:
        yield running
