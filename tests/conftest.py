"""Fixtures that run the real service the way Slack drives it.

`bot` starts the FastAPI app (lifespan and all: scheduler, outbox, and the migration it runs, a no-op
on the migrated copy each test gets) with its Slack client pointed at an in-process stand-in, and
sends it signed requests in Slack's own shapes (`warroom_bot.devtools.driver`). Time is a
`ManualClock` the test moves; the scheduler's own tick is slowed to an hour so that tests decide when
due work runs (`bot.tick()`), except where a test checks the scheduler itself.

Every database test runs on SQLite and on PostgreSQL (when WARROOM_TEST_POSTGRES_URL names a
server). The migrations run once per session, into an SQLite file and a PostgreSQL template
database; each test gets a copy. `empty_database_url` is a database with nothing in it, for the
tests of the migrations themselves.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.db import upgrade
from warroom_bot.core.settings import Settings, load_settings
from warroom_bot.devtools.driver import (
    ANA,
    BEN,
    CHANNEL,
    CHO,
    COMMANDER,
    OTHER,
    SHANGHAI,
    SIGNING_SECRET,
    START_LINE,
    SlackDriver,
    in_process,
    local,
    retro_answers,
)
from warroom_bot.devtools.processes import ServerProcess, warroom
from warroom_bot.devtools.standin import Call, SlackStandIn
from warroom_bot.models import Campaign


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandIn]:
    """The Slack stand-in; when the test ends, every message the bot sent it is checked for mentions
    that Slack would no longer resolve, so each flow the suite drives checks its own renderers."""
    server = await SlackStandIn().start()
    yield server
    await server.stop()
    broken = [(call.method, token) for call in server.calls for token in broken_mentions(call.args)]
    assert not broken, f"mentions Slack would not resolve: {broken}"


_SPECIAL_TOKEN = re.compile(r"<([@!#])([^<>]*)>")
_VALID_TOKEN = {
    "@": re.compile(r"[UW][A-Z0-9]{2,20}(\|[^|]*)?"),
    "!": re.compile(r"(here|channel|everyone)(\|[^|]*)?|date\^\d+\^[^|]*(\|.*)?|subteam\^[A-Z0-9]+(\|.*)?"),
    "#": re.compile(r"C[A-Z0-9]{2,20}(\|[^|]*)?"),
}
_BARE_USER_ID = re.compile(r"(?<![<\w])@[UW][A-Z0-9]{8,}\b")


def broken_mentions(payload: object) -> list[str]:
    """Tokens in a Slack payload's text that are meant as mentions but that Slack would show as
    plain text: `<@u0dan>` (case changed), `@U0DAN0001` (brackets lost), `<!Here>`."""
    text = json.dumps(payload, ensure_ascii=False)
    broken = [
        match.group(0)
        for match in _SPECIAL_TOKEN.finditer(text)
        if not _VALID_TOKEN[match.group(1)].fullmatch(match.group(2))
    ]
    return broken + _BARE_USER_ID.findall(text)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 9, 12, 0, tzinfo=UTC))


# -- databases --------------------------------------------------------------------------------------

POSTGRES_VARIABLE = "WARROOM_TEST_POSTGRES_URL"


def pytest_report_header() -> str:
    server = os.environ.get(POSTGRES_VARIABLE)
    if server:
        return f"databases: SQLite and PostgreSQL at {make_url(server).render_as_string(hide_password=True)}"
    return f"databases: SQLite only; the PostgreSQL runs are skipped ({POSTGRES_VARIABLE} is not set)"


def _apart(function: Callable[..., Any], *args: Any) -> Any:
    """Run `function` in a thread of its own: Alembic's environment and `asyncio.run` need a thread
    without an event loop, and a fixture may be set up while the test's loop runs."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(function, *args).result()


def _postgres_server() -> str:
    server = os.environ.get(POSTGRES_VARIABLE)
    if not server:
        pytest.skip(f"PostgreSQL run skipped: no server ({POSTGRES_VARIABLE} is not set; .ci/run starts one)")
    return server


def _postgres_url(server: str, name: str) -> str:
    return make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


async def _connect(database_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


@pytest.fixture
def connect_directly() -> Callable[[str], Awaitable[asyncpg.Connection]]:
    """A plain asyncpg connection to the PostgreSQL database a URL names, outside the service's
    engine: for holding locks as another client would."""
    return _connect


async def _administer(server: str, statement: str) -> None:
    """CREATE or DROP a database. A moment after a database was used, an autovacuum worker (the
    superuser's, which a non-superuser role may not end) can still be on it: wait for it."""
    connection = await _connect(server)
    try:
        for attempt in range(50):
            try:
                await connection.execute(statement)
                return
            except (asyncpg.exceptions.InsufficientPrivilegeError, asyncpg.exceptions.ObjectInUseError):
                if attempt == 49:
                    raise
                await asyncio.sleep(0.1)
    finally:
        await connection.close()


def _create(server: str, name: str) -> str:
    _apart(asyncio.run, _administer(server, f'CREATE DATABASE "{name}"'))
    return _postgres_url(server, name)


def _drop(server: str, name: str) -> None:
    _apart(asyncio.run, _administer(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once for the session, whole in its main file (no write-ahead log)."""
    path = tmp_path_factory.mktemp("template") / "warroom.db"
    _apart(upgrade, f"sqlite+aiosqlite:///{path}")
    with closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


class PostgresCopies:
    """Copies of a migrated template database, each made while the test before it runs and dropped
    while the test after it runs: one thread of their own does both, in turn."""

    def __init__(self, server: str, template: str) -> None:
        self.server, self.template = server, template
        self._thread = ThreadPoolExecutor(1)
        self._next = self._thread.submit(self._copy)
        self._dropped: list[Future[None]] = []

    def _copy(self) -> str:
        name = f"warroom_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_administer(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return name

    def take(self) -> str:
        """A copy of this test's own (the next one is begun at once); its URL."""
        name, self._next = self._next.result(), self._thread.submit(self._copy)
        return _postgres_url(self.server, name)

    def give_back(self, url: str) -> None:
        statement = f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
        self._dropped.append(self._thread.submit(asyncio.run, _administer(self.server, statement)))

    def close(self) -> None:
        self.give_back(_postgres_url(self.server, self._next.result()))
        self._thread.shutdown(wait=True)
        for dropped in self._dropped:
            dropped.result()  # a copy that could not be dropped says so


@pytest.fixture(scope="session")
def postgres_copies() -> Iterator[PostgresCopies]:
    """A PostgreSQL database migrated once for the session, and the copies each test gets of it.
    Nobody connects to the template once it is migrated: `CREATE DATABASE … TEMPLATE` needs that."""
    server = _postgres_server()
    name = f"warroom_template_{uuid.uuid4().hex[:12]}"
    _apart(upgrade, _create(server, name))
    # Nor does autovacuum then, which would hold up every copy while it worked on the new tables.
    _apart(asyncio.run, _administer(server, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
    copies = PostgresCopies(server, name)
    try:
        yield copies
    finally:
        copies.close()
        _drop(server, name)


def _database(request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool) -> Iterator[str]:
    """A database of this test's own, on `request.param`'s engine: a copy of the migrated template,
    or empty."""
    if request.param == "sqlite":
        path = tmp_path / "warroom.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
    elif migrated:
        copies: PostgresCopies = request.getfixturevalue("postgres_copies")
        url = copies.take()
        try:
            yield url
        finally:
            copies.give_back(url)
    else:
        server, name = _postgres_server(), f"warroom_test_{uuid.uuid4().hex[:12]}"
        try:
            yield _create(server, name)
        finally:
            _drop(server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database for each test, on SQLite and on PostgreSQL: every test runs on both."""
    yield from _database(request, tmp_path, migrated=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it (not even the migrations' version table), on both engines."""
    yield from _database(request, tmp_path, migrated=False)


# -- the service ------------------------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn) -> Settings:
    return load_settings(
        database_url=database_url,
        slack_api_url=standin.api_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        tick_seconds=3600,
        outbox_channel_rate=1000.0,  # Slack's pacing (1/s) has its own test: tests/test_outbox.py
    )


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock, standin: SlackStandIn) -> AsyncIterator[SlackDriver]:
    async with in_process(settings, clock, standin) as driver:
        yield driver


@pytest.fixture
async def served(standin: SlackStandIn, tmp_path: Path, sqlite_template: Path) -> AsyncIterator[ServerProcess]:
    """`warroom serve` as a child process on a loopback port, on a copy of the migrated SQLite
    database, talking to the stand-in; stopped (if the test did not) and its output checked for
    tracebacks at the end."""
    database = tmp_path / "served.db"
    shutil.copyfile(sqlite_template, database)
    env = {
        "SLACK_BOT_TOKEN": "xoxb-served",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    async with warroom("serve", env=env, cwd=tmp_path, capture=True) as server:
        yield server
    assert "Traceback" not in server.output, server.output


@pytest.fixture
async def campaign(bot: SlackDriver) -> Campaign:
    """A campaign started in CHANNEL by COMMANDER, its announcement delivered."""
    await bot.ephemeral(f"start {START_LINE}")
    await bot.standin.wait_for("chat.postMessage")
    (started,) = await bot.campaigns()
    return started


# -- a retrospective day --------------------------------------------------------------------------------


@pytest.fixture
def start_live(bot: SlackDriver, clock: ManualClock) -> Callable[..., Awaitable[Campaign]]:
    """`await start_live(zone)`: a campaign live from 10 Nov 20:00 to 12 Nov 00:00 in `zone`
    (Shanghai by default), started at 20:30 on the first day."""

    async def start(zone: str = SHANGHAI) -> Campaign:
        clock.set(local("2026-11-10T20:30", zone))
        await bot.ephemeral(f'start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 {zone}')
        await bot.tick()  # schedules the first prompt
        (campaign,) = await bot.campaigns()
        return campaign

    return start


@pytest.fixture
def with_roster(bot: SlackDriver) -> Callable[[], Awaitable[None]]:
    """`await with_roster()`: Ana leads supply chain, Ben (Cho his backup) marketing; all are people
    of the workspace, as are COMMANDER and OTHER."""

    async def staff() -> None:
        for user, name in ((ANA, "ana"), (BEN, "ben"), (CHO, "cho"), (COMMANDER, "commander"), (OTHER, "other")):
            bot.standin.add_user(user, name)
        await bot.ephemeral(f"role lead:supply_chain <@{ANA}>")
        await bot.ephemeral(f"role lead:marketing <@{BEN}> <@{CHO}>")

    return staff


@pytest.fixture
async def prompt(
    bot: SlackDriver,
    clock: ManualClock,
    start_live: Callable[..., Awaitable[Campaign]],
    with_roster: Callable[[], Awaitable[None]],
) -> Call:
    """A campaign live in Shanghai with a roster, at its first 21:00 retro prompt: the prompt."""
    await start_live()
    await with_roster()
    clock.set(local("2026-11-10T21:00"))
    await bot.tick()
    (posted,) = bot.posts("Daily retro", channel=CHANNEL)
    return posted


@pytest.fixture
def write_retro(bot: SlackDriver) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await write_retro(view, user, problems=…, items=[…])`: the retro form `view` sent with those
    answers (sample ones for the steps not given, no action items unless given), then a tick; the
    answer Slack got (empty, or the form's errors)."""

    async def write(
        view: dict[str, Any],
        user: str,
        *,
        targets: str = "GMV at 95% of target; orders on track",
        problems: str = "SKU-9 sold out at 22:00",
        adjustments: str = "Raise the safety stock of SKU-9",
        items: list[dict[Any, str]] | None = None,
    ) -> dict[str, Any]:
        answers = retro_answers(targets=targets, problems=problems, adjustments=adjustments, items=items)
        response = await bot.submit(view, answers, user)
        assert response.status_code == 200, response.text
        await bot.tick()
        return response.json() if response.content else {}

    return write
