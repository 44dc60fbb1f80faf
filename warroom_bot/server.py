"""How `warroom serve` listens: uvicorn with limits on slow, large and too many clients.

The body limits themselves are in warroom_bot.app (`HttpEdge`). A reverse proxy in front should apply
the same or tighter limits (see the README's deployment notes).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

# The request line and headers must arrive within this many seconds of connecting, or of the end of
# the previous response on a kept-alive connection; uvicorn itself never times a request head out.
HEAD_TIMEOUT_SECONDS = 10.0
# At most this many bytes of request line and headers (h11's default, made explicit): larger is a 400.
MAX_HEAD_BYTES = 16 * 1024
# An idle kept-alive connection is closed after this many seconds (uvicorn's default).
KEEP_ALIVE_SECONDS = 5
# Beyond this many open connections or requests in progress, a new request is answered 503 at once
# (uvicorn's limit_concurrency). Slack's traffic to one war room is a few requests a second.
MAX_CONCURRENCY = 100


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's line and headers.

    uvicorn only times out a kept-alive connection that sends nothing at all after a response; a
    client that connects and sends nothing, or half a request line, holds its connection for ever.
    Here the head must be complete within HEAD_TIMEOUT_SECONDS, or the connection is closed. The
    body has its own deadline, answered with a 408 (`warroom_bot.app.HttpEdge`)."""

    _head_timer: asyncio.TimerHandle | None = None

    # asyncio.Protocol takes any BaseTransport; uvicorn's H11Protocol (and so this) needs a Transport.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # a whole request head has arrived
            self._stop_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._start_head_timer()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """uvicorn as `warroom serve` runs it, with the limits above."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=HeadTimeoutProtocol,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=MAX_CONCURRENCY,
    )
