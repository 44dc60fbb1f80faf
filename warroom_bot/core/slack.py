"""The Slack Web API client and the Bolt app, built from settings."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.core.settings import Settings

SLACK_TIMEOUT_SECONDS = 10
MAX_IN_CALL_WAIT_SECONDS = 2


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retry a 429 inside the call only when Slack asks for a short wait.

    slack_sdk's handler sleeps for the whole Retry-After, which would hold up every other message
    behind one rate-limited channel; a longer wait is scheduled by the outbox instead.
    """

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        retry_after = next((v[0] for k, v in response.headers.items() if k.lower() == "retry-after"), "1")
        return retry_after.isdigit() and int(retry_after) <= MAX_IN_CALL_WAIT_SECONDS


def create_client(settings: Settings) -> AsyncWebClient:
    """A Web API client for `SLACK_API_URL` that retries once on its own on connection errors, 5xx
    and short 429s. Longer outages are the outbox's to ride out."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            ShortRateLimitRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def create_bolt_app(settings: Settings, client: AsyncWebClient) -> AsyncApp:
    """Bolt with request verification on (the signing secret checks every HTTP request).

    `process_before_response`: the acknowledgement goes out when the listener returns. Listeners
    answer in the acknowledgement after milliseconds of database work and start anything slower
    with `handlers.errors.after_ack`; Bolt's default instead runs each listener as a task and polls
    every 10 ms for its acknowledgement, which under load cost half the CPU of a command."""
    return AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None,
        request_verification_enabled=settings.slack_signing_secret is not None,
        process_before_response=True,
    )
