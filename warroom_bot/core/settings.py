"""Configuration from the environment or a `.env` file (the table in the README)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from warroom_bot.core.errors import ConfigError
from warroom_bot.core.i18n import LANGUAGES, language_of

# Synchronous driver names people write by habit, and the async driver the service needs instead.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
}
_SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite+aiosqlite:///./warroom.db"
    tick_seconds: float = Field(default=1.0, gt=0, alias="WARROOM_TICK_SECONDS")
    log_level: str = Field(default="INFO", alias="WARROOM_LOG_LEVEL")
    # The outbox delivers this many channels at once; each channel gets about `channel_rate`
    # messages a second (Slack's pacing of chat.postMessage), in bursts of up to 4.
    outbox_concurrency: int = Field(default=8, ge=1, le=64, alias="WARROOM_OUTBOX_CONCURRENCY")
    outbox_channel_rate: float = Field(default=1.0, gt=0, alias="WARROOM_OUTBOX_CHANNEL_RATE")
    # A simulated clock, for rehearsals and for tests that run several processes: the service's
    # time is SIMULATED_START at the wall-clock moment SIMULATED_ANCHOR (Unix seconds; default: when
    # the process starts) and runs SIMULATED_SPEED times faster. Never set in production.
    simulated_start: datetime | None = Field(default=None, alias="WARROOM_SIMULATED_START")
    simulated_speed: float = Field(default=1.0, gt=0, alias="WARROOM_SIMULATED_SPEED")
    simulated_anchor: float | None = Field(default=None, alias="WARROOM_SIMULATED_ANCHOR")
    # Let a campaign's pull source (`/warroom config pull.url`) be on a loopback, private, link-local
    # or other non-public address. Off in production, where it would let a campaign manager make the
    # service fetch internal URLs (cloud metadata, admin ports); for tests and local demos.
    pull_allow_private: bool = Field(default=False, alias="WARROOM_PULL_ALLOW_PRIVATE")
    # Where people reach this service from their browsers (behind the HTTPS proxy): the war-room
    # wall's links (`/warroom wall`) start with it.
    public_url: str = Field(default="http://127.0.0.1:3000", alias="WARROOM_PUBLIC_URL")
    # The language of a new campaign (`en` or `zh-CN`); each campaign then has its own (`lang`).
    default_language: str = Field(default="en", alias="WARROOM_LANG")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        language = language_of(value)
        if language is None:
            raise ValueError(f"WARROOM_LANG must be one of {', '.join(LANGUAGES)}")
        return language

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"SLACK_API_URL must be an http(s) URL, not {value!r}")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"DATABASE_URL is not a database URL: {value!r}") from None
        driver = _ASYNC_DRIVERS.get(url.drivername, url.drivername)
        if driver not in _SUPPORTED_DRIVERS:
            raise ValueError(
                f"DATABASE_URL must be SQLite or PostgreSQL (sqlite+aiosqlite:// or postgresql+asyncpg://), "
                f"not {url.drivername}://"
            )
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("simulated_start")
    @classmethod
    def _aware_start(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("WARROOM_SIMULATED_START needs a UTC offset, like 2026-11-10T20:30+08:00")
        return value

    def require(self, *names: str, purpose: str) -> None:
        """Stop with one sentence naming every missing variable that `purpose` needs."""
        missing = [name.upper() for name in names if getattr(self, name) is None]
        if missing:
            raise ConfigError(
                f"{purpose} needs {' and '.join(missing)}: set {'them' if len(missing) > 1 else 'it'} "
                "in the environment or in a .env file (see the README's configuration table)."
            )

    def secret(self, name: str) -> str:
        value: SecretStr | None = getattr(self, name)
        if value is None:
            raise ConfigError(f"{name.upper()} is not set.")
        return value.get_secret_value()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning a validation failure into one clear sentence.

    `overrides` are field values or BaseSettings' own arguments (`_env_file=None`); pydantic checks them."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not any(word.isupper() for word in message.split()):
            message = f"{'.'.join(str(part) for part in first['loc']).upper()}: {message}"
        raise ConfigError(f"Configuration error: {message}.") from None
