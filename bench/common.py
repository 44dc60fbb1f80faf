"""What the benchmarks share: the real service (or the bare-Bolt floor) as a child process on loopback,
a client for it that speaks as Slack does, its resident memory, and percentiles."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from warroom_bot.devtools.driver import SlackDriver
from warroom_bot.devtools.processes import ServerProcess, free_port, warroom

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Running:
    http: httpx.AsyncClient
    server: ServerProcess

    def slack(self, channel: str, user: str) -> SlackDriver:
        """Signed Slack requests to this server from `user` in `channel`."""
        return SlackDriver(self.http, signing_secret=SECRET, channel=channel, user=user)

    def resident_mb(self) -> float:
        """The process's resident memory (VmRSS, Linux), in MiB."""
        return self.server.memory_mb("VmRSS")


@asynccontextmanager
async def running(server: ServerProcess) -> AsyncIterator[Running]:
    """`server` started (ready once it answers), with a client for it; stopped afterwards."""
    async with server, httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        yield Running(http, server)


@asynccontextmanager
async def service(api_url: str, database: Path, **env: str) -> AsyncIterator[Running]:
    """`warroom serve` on a free loopback port, on SQLite at `database`; yields a client for it."""
    settings = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "WARROOM_LOG_LEVEL": "WARNING",
        **env,
    }
    async with running(warroom("serve", env=settings, cwd=database.parent)) as served:
        yield served


@asynccontextmanager
async def bare_bolt(api_url: str, folder: Path) -> AsyncIterator[Running]:
    """The floor: a Bolt app in FastAPI that only acknowledges (`bench.bare_bolt`), same uvicorn."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.bare_bolt:api", "--port", str(port), "--log-level", "warning"]
    env = {"PYTHONPATH": str(ROOT), "SLACK_API_URL": api_url}
    async with running(ServerProcess(argv, port=port, env=env, cwd=folder)) as served:
        yield served
