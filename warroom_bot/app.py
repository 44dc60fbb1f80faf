"""`create_app()`: the FastAPI service with Bolt, the REST API and the scheduler wired together,
behind `HttpEdge`, which refuses oversized, slow and unsigned requests before anything parses them."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warroom_bot import __version__, handlers
from warroom_bot.api import routes as api
from warroom_bot.core import telemetry
from warroom_bot.core.clock import Clock
from warroom_bot.core.db import UNAVAILABLE, UNAVAILABLE_ERRORS, unavailable, upgrade_async
from warroom_bot.core.runtime import Runtime
from warroom_bot.core.settings import Settings
from warroom_bot.core.slack import create_bolt_app
from warroom_bot.handlers.text_guard import refuse_unstorable_text
from warroom_bot.scheduler import Ticker

log = logging.getLogger(__name__)


class Service:
    """The runtime, the Bolt app and the scheduler; started and stopped as one (HTTP or Socket Mode)."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.runtime = Runtime.build(settings, clock)
        self.bolt: AsyncApp = create_bolt_app(settings, self.runtime.client)
        # Before the listeners' own middleware: text no database can store never reaches them.
        self.bolt.middleware(refuse_unstorable_text)
        handlers.register(self.bolt, self.runtime)
        self.ticker = Ticker(self.runtime.background())

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Service]:
        """Migrate the database, start the tick, and on exit stop it all cleanly."""
        await upgrade_async(self.runtime.settings.database_url)
        self.ticker.start()
        self.runtime.outbox.wake()
        try:
            yield self
        finally:
            await self.ticker.stop()
            await self.runtime.outbox.close()
            await self.runtime.dispose()
            log.info("warroom-bot stopped cleanly")


# -- the HTTP edge ----------------------------------------------------------------------------------
# Request bodies: how large, and how long they may take to arrive once the headers are in. Slack
# publishes no maximum; the largest it sends this app is an app_mention of a 40,000-character message
# (Slack's limit) with its rich-text blocks, about 470 KiB in \u-escaped CJK, or a retro form's
# view_submission (three 3,000-character answers, nine 300-character action-item fields, each also
# echoed as the input's initial value, \u-escaped and percent-encoded), about 195 KiB.
# tests/test_http_limits.py builds both and checks that they fit.
SLACK_MAX_BODY_BYTES = 1024 * 1024
# A metrics batch holds up to 10,000 readings (metrics.MAX_BATCH); with a 60-character CJK dimension,
# a value as text, a timestamp with microseconds and offset, \u-escaped and indented, it is 4.9 MiB.
METRICS_MAX_BODY_BYTES = 8 * 1024 * 1024
# The team's emergency plans (PUT /api/plans): at most 50 plans of 20 steps (plans.library), about
# 200 KiB of JSON in \u-escaped CJK at their longest.
PLANS_MAX_BODY_BYTES = 512 * 1024
# Every other route takes no body at all.
OTHER_MAX_BODY_BYTES = 64 * 1024
# Slack needs its answer within 3 s, so its own bodies arrive at once; an 8 MiB batch from an
# office link gets longer. The request line and headers have their own limit (server.HEAD_TIMEOUT_SECONDS).
BODY_TIMEOUT_SECONDS = 10.0
METRICS_BODY_TIMEOUT_SECONDS = 60.0

_METRICS_PATH = re.compile(r"/api/campaigns/[^/]+/metrics/?")


@dataclass(frozen=True)
class BodyLimit:
    max_bytes: int
    timeout_seconds: float


def body_limit(path: str) -> BodyLimit:
    if path == "/slack/events":
        return BodyLimit(SLACK_MAX_BODY_BYTES, BODY_TIMEOUT_SECONDS)
    if _METRICS_PATH.fullmatch(path):
        return BodyLimit(METRICS_MAX_BODY_BYTES, METRICS_BODY_TIMEOUT_SECONDS)
    if path.rstrip("/") == "/api/plans":
        return BodyLimit(PLANS_MAX_BODY_BYTES, BODY_TIMEOUT_SECONDS)
    return BodyLimit(OTHER_MAX_BODY_BYTES, BODY_TIMEOUT_SECONDS)


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count % (1024 * 1024) == 0 else f"{count // 1024} KiB"


class _Refused(Exception):
    """Raised from `receive` when the body is too large or too slow; `HttpEdge` answers it."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


async def _answer(send: Send, status: int, detail: str) -> None:
    """A short JSON answer that also closes the connection (what is left of the body is not read)."""
    body = JSONResponse({"detail": detail}).body
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class HttpEdge:
    """The app's own outermost middleware (pure ASGI, so that it sees every byte as it arrives).

    - A body larger than its route's `BodyLimit` is refused with 413: at once when Content-Length
      says so, otherwise as soon as the count passes the limit; more than the limit is never read.
    - A body that has not fully arrived `timeout_seconds` after the headers is refused with 408.
    - A response sent before the body was read (a 401, say) closes the connection, so the rest of
      the body cannot keep it open.
    - Any other exception is a bug: logged once with an error id (never the body), answered with a
      500 carrying that id, and not re-raised (Starlette and uvicorn would each log it again).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        too_large = f"The body is larger than the {_size(limit.max_bytes)} this endpoint accepts."
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            await _answer(send, 400, "Content-Length must be a number of bytes.")
            return
        if declared is not None and (len(declared) > 18 or int(declared) > limit.max_bytes):
            await _answer(send, 413, too_large)
            return
        has_body = (declared is not None and int(declared) > 0) or "transfer-encoding" in headers
        deadline = asyncio.get_running_loop().time() + limit.timeout_seconds
        received = 0
        complete = not has_body
        started = False
        refused: _Refused | None = None

        async def limited_receive() -> Message:
            nonlocal received, complete, refused
            if refused is not None:
                raise refused
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                refused = _Refused(408, f"The body did not arrive within {limit.timeout_seconds:g} s.")
                raise refused from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.max_bytes:
                    refused = _Refused(413, too_large)
                    raise refused
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None and not started:
                return  # the app's own answer to the refusal (FastAPI makes body errors 400s): ours goes instead
            if message["type"] == "http.response.start":
                started = True
                if not complete:
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _Refused:
            pass
        except ClientDisconnect:
            return  # the client went away mid-body: nobody to answer, nothing to log
        except Exception as error:
            if refused is None:
                error_id = secrets.token_hex(4)
                log.error("unexpected error %s on %s %s", error_id, scope["method"], scope["path"], exc_info=error)
                if not started:
                    await _answer(send, 500, f"Something went wrong on our side (error id {error_id}).")
                return
        if refused is not None and not started:
            await _answer(send, refused.status, refused.detail)


def _signed(verifier: SignatureVerifier, body: bytes, headers: Headers) -> bool:
    """Slack's signature over these exact bytes, made within the last five minutes."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12 and signature):
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except UnicodeDecodeError:  # Slack's bodies are UTF-8; the verifier decodes before hashing
        return False


def _ssl_check(body: bytes) -> bool:
    """Slack's certificate check of a slash command's URL (`ssl_check=1&token=…`), the one request
    it sends unsigned; answered with an empty 200 here, as Bolt would, and never handed on."""
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return fields.get("ssl_check") == ["1"] and set(fields) <= {"ssl_check", "token"}


async def _database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    """503 and a retry hint for the database being locked or out of reach; other errors stay 500s."""
    if not unavailable(error):
        raise error
    log.warning("database unavailable: %s", error)
    return JSONResponse({"detail": UNAVAILABLE}, status_code=503, headers={"Retry-After": "2"})


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    service = Service(settings, clock)
    secret = settings.slack_signing_secret
    verifier = SignatureVerifier(secret.get_secret_value()) if secret is not None else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with service.running():
            yield

    app = FastAPI(title="warroom-bot", version=__version__, lifespan=lifespan)
    app.state.runtime = service.runtime
    app.state.service = service
    app.include_router(api.router)
    app.add_middleware(HttpEdge)
    for error_type in UNAVAILABLE_ERRORS:
        app.add_exception_handler(error_type, _database_unavailable)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Slash commands, interactivity and events: one URL, routed by Bolt.

        The signature is checked here, on the raw bytes, before anything parses them: Bolt parses
        the body before its own check (kept as a second line), so a forged body used to reach its
        JSON parser and end as a 500 with a traceback. A signed body Bolt cannot read is a 400."""
        with telemetry.REQUEST_LATENCY.labels(route="/slack/events").time():
            return await _slack_events(request)

    async def _slack_events(request: Request) -> Response:
        body = await request.body()
        if verifier is not None and not _signed(verifier, body, request.headers):
            if _ssl_check(body):
                return Response(status_code=200)
            log.debug("refused a request to /slack/events without a valid signature")
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        try:
            bolt_request = to_async_bolt_request(request, body)
            readable = isinstance(bolt_request.body, dict)
        except Exception:  # the payload's JSON or form, or Bolt's reading of it
            readable = False
        if not readable:
            log.info("refused a signed request to /slack/events whose body Bolt cannot read")
            return JSONResponse({"error": "malformed request"}, status_code=400)
        return to_starlette_response(await service.bolt.async_dispatch(bolt_request))

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        """The process can reach its database."""
        try:
            async with service.runtime.sessions() as session:
                await session.scalar(text("SELECT 1"))  # exec() takes only select/update/delete statements
        except Exception as error:
            return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get("/metrics", tags=["health"], include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics (the README lists them): operational figures only, no campaign data."""
        async with service.runtime.sessions() as session:
            await telemetry.sample_outbox(session, service.runtime.clock.now())
        return Response(generate_latest(telemetry.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return app
