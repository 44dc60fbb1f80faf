"""The database work behind the admin commands: `warroom token create`, `import-metrics`, `report`,
`plans load`, `wall`.

Each opens the configured database, migrated first, does one thing and commits; `warroom_bot.cli`
reads the arguments and prints the outcome.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from warroom_bot.core.errors import UserError
from warroom_bot.core.settings import Settings

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

# How many of a rejected CSV's (or plan file's, or template's) bad lines are listed.
SHOWN_ERRORS = 50
Parsed = TypeVar("Parsed")


@contextlib.asynccontextmanager
async def database_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on the configured database, migrated first, for the admin commands."""
    from warroom_bot.core.db import create_engine, create_sessions, upgrade_async

    await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessions(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def create_token(settings: Settings, name: str, campaign_id: int | None) -> str:
    """A new REST API bearer token; only its hash is stored."""
    from warroom_bot.api import tokens
    from warroom_bot.core.clock import SystemClock

    async with database_session(settings) as session:
        value, _row = await tokens.create(session, name=name, campaign_id=campaign_id, now=SystemClock().now())
        await session.commit()
    return value


def read_readings(csv_file: TextIO) -> list[dict[str, Any]]:
    """The rows of a CSV export with at least the columns kpi and value."""
    reader = csv.DictReader(csv_file)
    missing = {"kpi", "value"} - set(reader.fieldnames or [])
    if missing:
        raise UserError(
            f"The CSV needs a header with the columns kpi and value (missing: {', '.join(sorted(missing))})."
        )
    try:
        return list(reader)
    except csv.Error as error:
        raise UserError(f"The CSV cannot be read: {error}.") from None


async def import_readings(settings: Settings, campaign_id: int, rows: list[dict[str, Any]]) -> int:
    """Store the readings in the campaign, all or none; how many were stored."""
    from warroom_bot.campaigns import service as campaigns
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.metrics import service as metrics

    async with database_session(settings) as session:
        campaign = await campaigns.get(session, campaign_id)
        try:
            stored = await metrics.record(session, campaign=campaign, rows=rows, now=SystemClock().now(), source="csv")
        except metrics.BatchRejected as rejected:
            lines = "\n".join(f"  line {e.row + 1}: {e.error}" for e in rejected.errors[:SHOWN_ERRORS])
            left = len(rejected.errors) - SHOWN_ERRORS
            more = f"\n  … and {left} more" if left > 0 else ""
            raise UserError(f"{rejected.message}\n{lines}{more}") from None
        await session.commit()
    return stored


def _parsed(parse: Callable[[str], Parsed], text: str, what: str) -> Parsed:
    """A team's YAML file parsed, or a `UserError` naming its first mistakes by line."""
    from warroom_bot.core.yaml_files import FileProblems

    try:
        return parse(text)
    except FileProblems as refused:
        lines = "\n".join(f"  {problem}" for problem in refused.problems[:SHOWN_ERRORS])
        raise UserError(f"The {what} was not loaded; nothing changed:\n{lines}") from None


async def load_plans(settings: Settings, text: str) -> list[str]:
    """Make a YAML plan file the team's plans (all or nothing); the keys loaded."""
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.plans import service as plans
    from warroom_bot.plans.library import parse_plan_file

    loaded = _parsed(parse_plan_file, text, "plan file")
    async with database_session(settings) as session:
        await plans.replace(session, loaded, SystemClock().now())
        await session.commit()
    return [plan.key for plan in loaded]


async def load_template(settings: Settings, text: str) -> int:
    """Make a YAML countdown template the team's (all or nothing); how many milestones it has."""
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.tasks import service as tasks
    from warroom_bot.tasks.template import parse_template_file

    loaded = _parsed(parse_template_file, text, "template")
    async with database_session(settings) as session:
        await tasks.replace_template(session, loaded, SystemClock().now())
        await session.commit()
    return len(loaded)


async def wall_link(settings: Settings, campaign_id: int) -> str:
    """A new link to the campaign's war-room wall (`WARROOM_PUBLIC_URL` and a secret token)."""
    from warroom_bot.campaigns import service as campaigns
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.models import Phase
    from warroom_bot.wall import service as wall

    async with database_session(settings) as session:
        campaign = await campaigns.get(session, campaign_id)
        if campaign.phase == Phase.CLOSED:
            raise UserError(f"Campaign {campaign_id} is closed: its wall is gone.")
        token = await wall.create_link(session, campaign=campaign, user_id=None, now=SystemClock().now())
        await session.commit()
    return wall.url(settings.public_url, token)


async def campaign_report(settings: Settings, campaign_id: int, format_: str) -> str:
    """The final report of a campaign as a document, `md` or `html`."""
    from warroom_bot.campaigns import service as campaigns
    from warroom_bot.core.clock import SystemClock
    from warroom_bot.core.people import People
    from warroom_bot.core.slack import create_client
    from warroom_bot.report import build as reports
    from warroom_bot.report.render import document

    clock = SystemClock()
    # Names come from Slack when a bot token is set; without one the report shows user ids.
    people = People(create_client(settings) if settings.slack_bot_token else None, clock)
    async with database_session(settings) as session:
        built = await reports.build(session, await campaigns.get(session, campaign_id), clock.now(), people)
    return document(built, format_)
