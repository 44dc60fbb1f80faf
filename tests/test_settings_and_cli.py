"""Configuration errors are one clear sentence; the CLI's own commands work on a real database."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from warroom_bot.cli import main
from warroom_bot.core.errors import ConfigError
from warroom_bot.core.settings import load_settings

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No settings from the machine or a stray .env file."""
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults(clean_env: None) -> None:
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite+aiosqlite:///./warroom.db"
    assert settings.slack_bot_token is None


def test_settings_come_from_a_dotenv_file(clean_env: None, tmp_path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings()
    assert settings.secret("slack_bot_token") == "xoxb-from-dotenv"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_sync_driver_urls_are_turned_into_async_ones(clean_env: None) -> None:
    assert load_settings(database_url="postgres://u:p@db/warroom").database_url == "postgresql+asyncpg://u:p@db/warroom"
    assert load_settings(database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


@pytest.mark.parametrize(
    ("overrides", "sentence"),
    [
        ({"slack_bot_token": "xoxp-user-token"}, "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"),
        ({"slack_app_token": "xoxb-wrong"}, "SLACK_APP_TOKEN must be an app-level token starting with xapp-"),
        ({"database_url": "mysql://db/x"}, "DATABASE_URL must be SQLite or PostgreSQL"),
        ({"database_url": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"slack_api_url": "slack.com/api"}, "SLACK_API_URL must be an http(s) URL"),
    ],
)
def test_malformed_settings_are_one_clear_sentence(clean_env: None, overrides: dict, sentence: str) -> None:
    with pytest.raises(ConfigError, match=sentence.replace("(", r"\(").replace(")", r"\)")):
        load_settings(**overrides)


def test_serve_without_slack_credentials_says_what_to_set(clean_env: None) -> None:
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "warroom: warroom serve needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set them in the environment "
        "or in a .env file (see the README's configuration table)."
    )
    assert "Traceback" not in result.output


def test_a_malformed_variable_stops_the_cli_with_one_line(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "nonsense")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "SLACK_BOT_TOKEN must be a bot token" in result.output


def test_db_upgrade_and_token_create(clean_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    database = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")

    upgraded = CliRunner().invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"campaign", "roleassignment", "outboxmessage", "apitoken", "alembic_version"} <= tables

    created = CliRunner().invoke(main, ["token", "create", "--name", "finance-dashboard"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("wrb_") and len(token) > 40
    with sqlite3.connect(database) as db:
        ((name, stored),) = db.execute("SELECT name, token_hash FROM apitoken").fetchall()
    assert name == "finance-dashboard" and token not in stored

    unknown = CliRunner().invoke(main, ["token", "create", "--name", "x", "--campaign", "42"])
    assert unknown.exit_code == 2 and "Campaign 42 does not exist" in unknown.output
