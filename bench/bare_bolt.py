"""The floor for slash-command acknowledgements: Bolt in FastAPI that verifies the request and acks.

Run by `bench.load` as `uvicorn bench.bare_bolt:api`: the same signing secret, the same uvicorn, the
same client to the Slack stand-in (Bolt checks the token once with `auth.test`, as in the service),
no database.
"""

from __future__ import annotations

import os
import re

from fastapi import FastAPI, Request
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.common import SECRET

bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]))


@bolt.command(re.compile(r".*"))
async def acknowledge(ack) -> None:  # type: ignore[no-untyped-def]
    await ack()


handler = AsyncSlackRequestHandler(bolt)
api = FastAPI()


@api.post("/slack/events")
async def slack_events(request: Request):  # type: ignore[no-untyped-def]
    return await handler.handle(request)


@api.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
