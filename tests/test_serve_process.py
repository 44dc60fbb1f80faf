"""`warroom serve` as a real process: HTTP in, Web API calls out to the stand-in, state in SQLite."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys

import httpx
import pytest

from tests.conftest import CHANNEL, COMMANDER, SIGNING_SECRET
from warroom_bot.devtools.slack_requests import SlackRequestFactory
from warroom_bot.devtools.standin import SlackStandIn

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_warroom_serve_starts_a_campaign_end_to_end(standin: SlackStandIn, tmp_path) -> None:
    port = _free_port()
    database = tmp_path / "served.db"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-served",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from warroom_bot.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            request = SlackRequestFactory(SIGNING_SECRET).slash_command(
                "/warroom",
                'start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai',
                user_id=COMMANDER,
                channel_id=CHANNEL,
            )
            response = await http.post("/slack/events", content=request.body, headers=request.headers)
            assert response.status_code == 200, response.text
            assert "Started *Double 11*" in response.json()["text"]

        (post,) = await standin.wait_for("chat.postMessage")
        assert post.args["channel"] == CHANNEL and post.token == "xoxb-served"
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT name, timezone FROM campaign").fetchall() == [("Double 11", "Asia/Shanghai")]
    finally:
        process.terminate()
        # In a thread: the stand-in shares this event loop and must keep answering while the service stops.
        output = (await asyncio.to_thread(process.communicate, timeout=10))[0].decode()
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal as the exit status.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "warroom-bot stopped cleanly" in output
    assert "Traceback" not in output
