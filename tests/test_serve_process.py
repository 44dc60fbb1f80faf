"""`warroom serve` as a real process: HTTP in, Web API calls out to the stand-in, state in SQLite."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from warroom_bot.devtools.driver import CHANNEL, START_LINE, SlackDriver
from warroom_bot.devtools.processes import ServerProcess
from warroom_bot.devtools.standin import SlackStandIn

pytestmark = pytest.mark.slow


async def test_warroom_serve_starts_a_campaign_end_to_end(
    served: ServerProcess, standin: SlackStandIn, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        answer = await SlackDriver(http).ephemeral(f"start {START_LINE}")
    assert "Started *Double 11*" in answer

    (post,) = await standin.wait_for("chat.postMessage")
    assert post.args["channel"] == CHANNEL and post.token == "xoxb-served"
    with sqlite3.connect(tmp_path / "served.db") as db:
        assert db.execute("SELECT name, timezone FROM campaign").fetchall() == [("Double 11", "Asia/Shanghai")]

    output = await served.stopped()
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal as the exit status.
    assert served.returncode in (0, -signal.SIGTERM), output
    assert "warroom-bot stopped cleanly" in output
    assert "Traceback" not in output
