"""Schemathesis against the OpenAPI schema of a running `warroom serve`: no request, however odd,
gets a 5xx. Every operation is tried with a valid token on a real campaign, so that generated bodies
and query values reach the service rather than stopping at authentication."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error

from warroom_bot.app import create_app
from warroom_bot.settings import load_settings
from warroom_bot.slack_requests import SlackRequestFactory

SECRET = "fuzz-signing-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def running_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("fuzz")
    port, standin_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/fuzz.db",
        "SLACK_BOT_TOKEN": "xoxb-fuzz",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{standin_port}/api/",
        "WARROOM_LOG_LEVEL": "ERROR",
    }
    warroom = [sys.executable, "-c", "from warroom_bot.cli import main; main()"]
    standin = subprocess.Popen([*warroom, "standin", "--port", str(standin_port)], env=env, cwd=folder)
    process = subprocess.Popen([*warroom, "serve", "--port", str(port)], env=env, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        request = SlackRequestFactory(SECRET).slash_command(
            "/warroom", 'start "Fuzz" 2026-01-01T00:00 2030-01-01T00:00', user_id="U0FUZZ0001", channel_id="C0FUZZ"
        )
        httpx.post(f"{base}/slack/events", content=request.body, headers=request.headers).raise_for_status()
        created = subprocess.run(
            [*warroom, "token", "create", "--name", "fuzz"], env=env, cwd=folder, capture_output=True, text=True
        )
        token = created.stdout.strip().splitlines()[-1]
        yield {"base": base, "headers": {"Authorization": f"Bearer {token}"}, "campaign_id": 1, "folder": Path(folder)}
    finally:
        for server in (process, standin):
            server.terminate()
            server.wait(15)


# The schema the service publishes at /openapi.json, built here without serving it (pytest 9.2 broke
# schemathesis' lazy `from_fixture` loader).
schema = schemathesis.openapi.from_dict(
    create_app(
        load_settings(database_url="sqlite+aiosqlite:///:memory:", slack_bot_token="xoxb-fuzz", _env_file=None)
    ).openapi()
)


@schema.parametrize()
@settings(max_examples=40, deadline=None)
def test_no_request_gets_a_server_error(case: Any, running_service: dict[str, Any]) -> None:
    if "campaign_id" in (case.path_parameters or {}):
        case.path_parameters["campaign_id"] = running_service["campaign_id"]
    case.call_and_validate(
        base_url=running_service["base"], headers=running_service["headers"], checks=[not_a_server_error]
    )
