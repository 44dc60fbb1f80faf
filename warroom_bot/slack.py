"""The Slack Web API client and the Bolt app, built from settings."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from warroom_bot.settings import Settings

SLACK_TIMEOUT_SECONDS = 10


def create_client(settings: Settings) -> AsyncWebClient:
    """A Web API client for `SLACK_API_URL` that retries once on its own on connection errors, 429
    (after Retry-After) and 5xx. Longer outages are the outbox's to ride out."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def create_bolt_app(settings: Settings, client: AsyncWebClient) -> AsyncApp:
    """Bolt with request verification on (the signing secret checks every HTTP request)."""
    return AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None,
        request_verification_enabled=settings.slack_signing_secret is not None,
    )
