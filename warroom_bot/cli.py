"""The `warroom` command: run the service, migrate, make API tokens, and local-development helpers.

Every verb and option is here. How the service listens is `warroom_bot.server`'s; the database work
of the admin verbs (token create, import-metrics, report) is `warroom_bot.admin`'s.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
import uvicorn

from warroom_bot import admin
from warroom_bot.core.errors import ConfigError, UserError
from warroom_bot.core.i18n import ENGLISH, LANGUAGES, tr
from warroom_bot.core.settings import Settings, load_settings
from warroom_bot.server import HEAD_TIMEOUT_SECONDS, MAX_CONCURRENCY, server_config

if TYPE_CHECKING:
    from warroom_bot.devtools.tryout import TryOut

# How `warroom serve` treats clients is warroom_bot.server's; its limits stay readable here too.
__all__ = ["HEAD_TIMEOUT_SECONDS", "MAX_CONCURRENCY", "main"]

# Used only with `--standin`, where the service and the stand-in both listen on loopback: the secret
# is in the source, so anyone who could reach the service could sign requests with it.
STANDIN_SIGNING_SECRET = "warroom-local-standin-secret"
STANDIN_BOT_TOKEN = "xoxb-warroom-local-standin"


def _friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Configuration and input problems end the program with one sentence, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ConfigError, UserError) as error:
            click.echo(f"warroom: {error}", err=True)
            sys.exit(2)

    return wrapper


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("alembic.runtime.plugins", "apscheduler.executors.default", "apscheduler.scheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


@click.group()
def main() -> None:
    """warroom-bot: the Slack war room of a promotion campaign."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3000, show_default=True, help="Port to listen on.")
@click.option("--standin", is_flag=True, help="Talk to a local Slack stand-in instead of Slack (try-out mode).")
@click.option(
    "--standin-port", type=int, help="Port of the stand-in in try-out mode (default: the service's port + 1)."
)
@_friendly_errors
def serve(host: str, port: int, standin: bool, standin_port: int | None) -> None:
    """Run the HTTP service: Slack at POST /slack/events, REST API under /api, the scheduler inside."""
    if standin:
        _require_loopback(
            host,
            "warroom serve --standin signs requests with a secret published in the source, so it listens on "
            "loopback only: use --host 127.0.0.1, or run without --standin with your own Slack app's secret.",
        )
        asyncio.run(_serve_with_standin(host, port, port + 1 if standin_port is None else standin_port))
        return
    settings = load_settings()
    settings.require("slack_bot_token", "slack_signing_secret", purpose="warroom serve")
    _configure_logging(settings)
    asyncio.run(_serve(settings, host, port))


def _require_loopback(host: str, refusal: str) -> None:
    """Refuse to listen anywhere but on this machine (127.0.0.0/8, ::1 or localhost)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UserError(refusal)


async def _serve(settings: Settings, host: str, port: int) -> None:
    from warroom_bot.app import create_app

    server = uvicorn.Server(server_config(create_app(settings), host, port))
    click.echo(f"warroom-bot listening on http://{host}:{port} (Slack requests at /slack/events)")
    await server.serve()


async def _serve_with_standin(host: str, port: int, standin_port: int) -> None:
    from warroom_bot.devtools.standin import SlackStandIn, printed_transcript

    standin = await SlackStandIn(on_message=printed_transcript().on_message).start("127.0.0.1", standin_port)
    settings = load_settings(
        slack_bot_token=STANDIN_BOT_TOKEN,
        slack_signing_secret=STANDIN_SIGNING_SECRET,
        slack_api_url=standin.api_url,
    )
    _configure_logging(settings)
    click.echo(f"Local Slack stand-in at {standin.url}; messages the bot posts are printed below.")
    click.echo(f'Try: warroom command "/warroom help" --url http://{host}:{port}/slack/events')
    try:
        await _serve(settings, host, port)
    finally:
        await standin.stop()


@main.command()
@click.option(
    "--speed",
    type=click.FloatRange(min=1),
    default=720.0,
    show_default=True,
    help="Simulated seconds per real second (720: an hour every 5 s).",
)
@click.option("--seed", type=int, default=11, show_default=True, help="Seed of the simulated readings.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="warroom-demo",
    show_default=True,
    help="Folder for the channel as HTML and the report.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES, case_sensitive=False),
    default=ENGLISH,
    show_default=True,
    help="The campaign's language, and the narration's and the page's.",
)
def demo(speed: float, seed: int, out: str, lang: str) -> None:
    """A whole campaign day in about two minutes: the real service, a local Slack stand-in, a fast clock."""
    from warroom_bot.devtools.demo import Demo, DemoError

    try:
        result = asyncio.run(Demo(speed=speed, seed=seed, out=Path(out), lang=lang).run())
    except DemoError as error:
        click.echo(f"warroom demo: {error}", err=True)
        sys.exit(1)
    click.echo(
        tr(
            "\nDemo finished in {seconds} s.\n  The channel as a web page: {page}\n"
            "  The campaign report:       {markdown} and {html}",
            seconds=f"{result.real_seconds:.0f}",
            page=result.transcript,
            markdown=result.report_md,
            html=result.report_html,
        )
    )


@main.command()
@_friendly_errors
def socket() -> None:
    """Run the bot over Socket Mode (no public URL needed); the scheduler runs inside."""
    settings = load_settings()
    settings.require("slack_bot_token", "slack_app_token", purpose="warroom socket")
    _configure_logging(settings)
    asyncio.run(_socket(settings))


async def _socket(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from warroom_bot.app import Service

    service = Service(settings)
    async with service.running():
        handler = AsyncSocketModeHandler(service.bolt, settings.secret("slack_app_token"))
        try:
            await handler.start_async()
        finally:
            await handler.close_async()


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@_friendly_errors
def upgrade() -> None:
    """Apply the database migrations (the service also does this when it starts)."""
    from warroom_bot.core.db import upgrade as run_upgrade

    settings = load_settings()
    run_upgrade(settings.database_url)
    click.echo("Database is up to date.")


@main.group()
def token() -> None:
    """REST API tokens."""


@token.command("create")
@click.option("--name", required=True, help="Who or what uses the token, e.g. finance-dashboard.")
@click.option("--campaign", "campaign_id", type=int, help="Limit the token to this campaign id.")
@_friendly_errors
def token_create(name: str, campaign_id: int | None) -> None:
    """Make a bearer token for the REST API; it is shown once and stored only as a hash."""
    settings = load_settings()
    token_value = asyncio.run(admin.create_token(settings, name, campaign_id))
    scope = f"campaign {campaign_id}" if campaign_id is not None else "all campaigns"
    click.echo(f"Token for {name} ({scope}); store it now, it is not shown again:\n{token_value}")


@main.command("import-metrics")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign id (see GET /api/campaigns).")
@_friendly_errors
def import_metrics(csv_file: TextIO, campaign_id: int) -> None:
    """Import readings from a CSV export (columns kpi,value and optionally at,dimension), all or nothing."""
    settings = load_settings()
    rows = admin.read_readings(csv_file)
    stored = asyncio.run(admin.import_readings(settings, campaign_id, rows))
    click.echo(f"Imported {stored} readings into campaign {campaign_id}.")


@main.group()
def plans() -> None:
    """Emergency plans: the team's own, from a YAML file under version control (README: Emergency plans)."""


@plans.command("load")
@click.argument("plan_file", type=click.File("r", encoding="utf-8-sig"))
@_friendly_errors
def plans_load(plan_file: TextIO) -> None:
    """Validate a plan file and make it the team's plans (a plan of a shipped key replaces that one)."""
    keys = asyncio.run(admin.load_plans(load_settings(), plan_file.read()))
    click.echo(f"Loaded {len(keys)} plans: {', '.join(keys)}.")


@main.group()
def template() -> None:
    """The countdown template: the milestones a campaign started well ahead gets (README: Countdown and tasks)."""


@template.command("load")
@click.argument("template_file", type=click.File("r", encoding="utf-8-sig"))
@_friendly_errors
def template_load(template_file: TextIO) -> None:
    """Validate a template file and make it the team's (for campaigns started from now on)."""
    count = asyncio.run(admin.load_template(load_settings(), template_file.read()))
    click.echo(f"Loaded a countdown template of {count} milestones; campaigns started from now on use it.")


@main.command()
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign id (see GET /api/campaigns).")
@_friendly_errors
def wall(campaign_id: int) -> None:
    """Print a new link to the campaign's war-room wall (WARROOM_PUBLIC_URL + a secret token)."""
    link = asyncio.run(admin.wall_link(load_settings(), campaign_id))
    click.echo(f"The war-room wall of campaign {campaign_id} (revoke with /warroom wall revoke):\n{link}")


@main.command()
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign id (see GET /api/campaigns).")
@click.option("--format", "format_", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of printing.")
@_friendly_errors
def report(campaign_id: int, format_: str, out: str | None) -> None:
    """Print or write the final campaign report: Markdown for pasting, HTML for sharing."""
    document = asyncio.run(admin.campaign_report(load_settings(), campaign_id, format_))
    if out is None:
        click.echo(document)
        return
    Path(out).write_text(document, encoding="utf-8")
    click.echo(f"Wrote the report of campaign {campaign_id} to {out}.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--port", default=8900, show_default=True)
@_friendly_errors
def standin(host: str, port: int) -> None:
    """Run the local Slack stand-in on its own (for a service started separately)."""
    from warroom_bot.devtools.standin import serve_forever

    _require_loopback(
        host,
        "The Slack stand-in accepts any token and answers as Slack would, so it listens on loopback only: "
        "use --host 127.0.0.1.",
    )

    asyncio.run(serve_forever(host, port))


def _try_out(url: str, standin_url: str) -> TryOut:
    """Requests signed with SLACK_SIGNING_SECRET, or with the stand-in's secret when that is not set."""
    from warroom_bot.devtools.tryout import TryOut

    settings = load_settings()
    secret = settings.secret("slack_signing_secret") if settings.slack_signing_secret else STANDIN_SIGNING_SECRET
    return TryOut(url, standin_url, secret)


_SERVICE_URL = click.option("--url", default="http://127.0.0.1:3000/slack/events", show_default=True)
_STANDIN_URL = click.option(
    "--standin-url",
    default="http://127.0.0.1:3001/",
    show_default=True,
    help="The stand-in of `warroom serve --standin`, read for what the service did after its answer.",
)
_USER = click.option("--user", "user_id", default="U0LOCALUSER", show_default=True, help="Slack user id of the sender.")


@main.command()
@click.argument("command_line")
@_SERVICE_URL
@_STANDIN_URL
@_USER
@click.option("--channel", "channel_id", default="C0LOCALROOM", show_default=True, help="Slack channel id.")
@_friendly_errors
def command(command_line: str, url: str, standin_url: str, user_id: str, channel_id: str) -> None:
    """Send a signed slash command, as Slack would, and print the answer only the sender sees,
    blocks and buttons included, and any form it opened."""
    lines = _try_out(url, standin_url).command(command_line, user_id=user_id, channel_id=channel_id)
    click.echo("\n".join(lines))


@main.command()
@click.argument("button")
@_SERVICE_URL
@_STANDIN_URL
@_USER
@click.option("--message", "containing", help="Only a message whose text contains this (default: the newest).")
@_friendly_errors
def tap(button: str, url: str, standin_url: str, user_id: str, containing: str | None) -> None:
    """Press a button (by its label, e.g. Acknowledge, Approve) on the newest message in the stand-in
    that has one and that the user can see, as that user; print what only they see."""
    click.echo("\n".join(_try_out(url, standin_url).tap(button, user_id=user_id, containing=containing)))


if __name__ == "__main__":
    main()
