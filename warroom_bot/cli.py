"""The `warroom` command: run the service, migrate, make API tokens, and local-development helpers."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import ipaddress
import logging
import sys
from collections.abc import AsyncIterator, Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from warroom_bot.core.errors import ConfigError, UserError
from warroom_bot.core.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from warroom_bot.devtools.tryout import TryOut

# Used only with `--standin`, where the service and the stand-in both listen on loopback: the secret
# is in the source, so anyone who could reach the service could sign requests with it.
STANDIN_SIGNING_SECRET = "warroom-local-standin-secret"
STANDIN_BOT_TOKEN = "xoxb-warroom-local-standin"

# How `warroom serve` treats clients (the body limits themselves are in warroom_bot.app). A reverse
# proxy in front should apply the same or tighter limits (see the README's deployment notes).
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


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's line and headers.

    uvicorn only times out a kept-alive connection that sends nothing at all after a response; a
    client that connects and sends nothing, or half a request line, holds its connection for ever.
    Here the head must be complete within HEAD_TIMEOUT_SECONDS, or the connection is closed. The
    body has its own deadline, answered with a 408 (`warroom_bot.app.HttpEdge`)."""

    _head_timer: asyncio.TimerHandle | None = None

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
def demo(speed: float, seed: int, out: str) -> None:
    """A whole campaign day in about two minutes: the real service, a local Slack stand-in, a fast clock."""
    from warroom_bot.devtools.demo import Demo, DemoError

    try:
        result = asyncio.run(Demo(speed=speed, seed=seed, out=Path(out)).run())
    except DemoError as error:
        click.echo(f"warroom demo: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"\nDemo finished in {result.real_seconds:.0f} s.\n"
        f"  The channel as a web page: {result.transcript}\n"
        f"  The campaign report:       {result.report_md} and {result.report_html}"
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
    token_value = asyncio.run(_create_token(settings, name, campaign_id))
    scope = f"campaign {campaign_id}" if campaign_id is not None else "all campaigns"
    click.echo(f"Token for {name} ({scope}); store it now, it is not shown again:\n{token_value}")


@contextlib.asynccontextmanager
async def _database_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on the configured database, migrated first, for the admin commands."""
    from warroom_bot.core.db import create_engine, create_sessions, upgrade_async

    await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessions(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def _create_token(settings: Settings, name: str, campaign_id: int | None) -> str:
    from warroom_bot.api import tokens
    from warroom_bot.core.clock import SystemClock

    async with _database_session(settings) as session:
        value, _row = await tokens.create(session, name=name, campaign_id=campaign_id, now=SystemClock().now())
        await session.commit()
    return value


@main.command("import-metrics")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign id (see GET /api/campaigns).")
@_friendly_errors
def import_metrics(csv_file: TextIO, campaign_id: int) -> None:
    """Import readings from a CSV export (columns kpi,value and optionally at,dimension), all or nothing."""
    settings = load_settings()
    reader = csv.DictReader(csv_file)
    missing = {"kpi", "value"} - set(reader.fieldnames or [])
    if missing:
        raise UserError(
            f"The CSV needs a header with the columns kpi and value (missing: {', '.join(sorted(missing))})."
        )
    try:
        rows = list(reader)
    except csv.Error as error:
        raise UserError(f"The CSV cannot be read: {error}.") from None
    stored = asyncio.run(_import(settings, campaign_id, rows))
    click.echo(f"Imported {stored} readings into campaign {campaign_id}.")


async def _import(settings: Settings, campaign_id: int, rows: list[dict[str, Any]]) -> int:
    from warroom_bot.campaigns import service as campaigns
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.metrics import service as metrics

    async with _database_session(settings) as session:
        campaign = await campaigns.get(session, campaign_id)
        try:
            stored = await metrics.record(session, campaign=campaign, rows=rows, now=SystemClock().now(), source="csv")
        except metrics.BatchRejected as rejected:
            lines = "\n".join(f"  line {e.row + 1}: {e.error}" for e in rejected.errors[:50])
            more = f"\n  … and {len(rejected.errors) - 50} more" if len(rejected.errors) > 50 else ""
            raise UserError(f"{rejected.message}\n{lines}{more}") from None
        await session.commit()
    return stored


@main.command()
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign id (see GET /api/campaigns).")
@click.option("--format", "format_", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of printing.")
@_friendly_errors
def report(campaign_id: int, format_: str, out: str | None) -> None:
    """Print or write the final campaign report: Markdown for pasting, HTML for sharing."""
    document = asyncio.run(_report(load_settings(), campaign_id, format_))
    if out is None:
        click.echo(document)
        return
    Path(out).write_text(document, encoding="utf-8")
    click.echo(f"Wrote the report of campaign {campaign_id} to {out}.")


async def _report(settings: Settings, campaign_id: int, format_: str) -> str:
    from warroom_bot.campaigns import service as campaigns
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.core.people import People
    from warroom_bot.core.slack import create_client
    from warroom_bot.report import build as reports
    from warroom_bot.report.render import document

    clock = SystemClock()
    # Names come from Slack when a bot token is set; without one the report shows user ids.
    people = People(create_client(settings) if settings.slack_bot_token else None, clock)
    async with _database_session(settings) as session:
        built = await reports.build(session, await campaigns.get(session, campaign_id), clock.now(), people)
    return document(built, format_)


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
