"""A hostile pull source can never exhaust, stall, leak or probe (issue "Hostile input and abuse").

A source on loopback plays the attacker: a body without end, a gzip bomb, a drip feed, JSON nested
past any parser's depth. Each ends as a digest that names the problem, in bounded memory, while the
rest of the service's due work goes on. With WARROOM_PULL_ALLOW_PRIVATE off, loopback, private and
other non-public addresses are refused when set and again at each fetch, after DNS.
"""

from __future__ import annotations

import asyncio
import resource
import shutil
import ssl
import subprocess
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlmodel import select

from warroom_bot.campaigns.config import normalise
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.errors import UserError
from warroom_bot.devtools.driver import CHANNEL, LIVE_LINE, SlackDriver
from warroom_bot.devtools.standin import Call
from warroom_bot.metrics import pull
from warroom_bot.models import Campaign

OTHER_CHANNEL = "C0WARROOM2"
TIER1, TIER1_BACKUP = "U0TIER1PRI", "U0TIER1BAK"
MiB = 1024 * 1024
BOMB_SIZE = 256 * MiB  # inflated; about 250 kB as sent
# A sanity bound on the process's peak memory growth while the hostile answers are handled (the
# limits allow a few MB); without them these answers took hundreds of MB to GBs.
MEMORY_BOUND = 150 * MiB


@pytest.fixture
def private_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """WARROOM_PULL_ALLOW_PRIVATE on, in the environment the service and `/warroom config` read."""
    monkeypatch.setenv("WARROOM_PULL_ALLOW_PRIVATE", "true")


@pytest.fixture
def private_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARROOM_PULL_ALLOW_PRIVATE", raising=False)


_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    """BOMB_SIZE bytes of JSON whitespace after `[`, gzipped (made once)."""
    global _bomb
    if _bomb is None:
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        parts = [packer.compress(b"[")]
        spaces = b" " * MiB
        parts += [packer.compress(spaces) for _ in range(BOMB_SIZE // MiB)]
        _bomb = b"".join([*parts, packer.flush()])
    return _bomb


class HostileSource:
    """A pull source on loopback that answers as an attacker would."""

    def __init__(self) -> None:
        self.url = ""
        self.hits = 0
        self.serving = 0  # requests being answered right now
        self.hosts: list[str] = []
        self.closing = asyncio.Event()

    async def _stream(self, request: web.Request, chunks: AsyncIterator[bytes], **headers: str) -> web.StreamResponse:
        self.hits += 1
        self.hosts.append(request.headers.get("Host", ""))
        self.serving += 1
        response = web.StreamResponse(headers={"Content-Type": "application/json", **headers})
        try:
            await response.prepare(request)
            async for chunk in chunks:
                await response.write(chunk)
            await response.write_eof()
        except ConnectionError:
            pass  # the service hung up: what it should do
        finally:
            self.serving -= 1
        return response

    async def huge(self, request: web.Request) -> web.StreamResponse:
        """A JSON array without end (up to 256 MB), 64 kB at a time."""

        async def chunks() -> AsyncIterator[bytes]:
            yield b"["
            piece = b"0," * (32 * 1024)
            for _ in range(256 * MiB // len(piece)):
                if self.closing.is_set():
                    return
                yield piece

        return await self._stream(request, chunks())

    async def bomb(self, request: web.Request) -> web.StreamResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield gzip_bomb()

        return await self._stream(request, chunks(), **{"Content-Encoding": "gzip"})

    async def drip(self, request: web.Request) -> web.StreamResponse:
        """One byte of JSON whitespace every 50 ms, for as long as the service keeps listening."""

        async def chunks() -> AsyncIterator[bytes]:
            yield b"["
            while not self.closing.is_set():
                await asyncio.sleep(0.05)
                yield b" "

        return await self._stream(request, chunks())

    async def deep(self, request: web.Request) -> web.StreamResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"[" * 100_000 + b"]" * 100_000

        return await self._stream(request, chunks())

    async def nested(self, request: web.Request) -> web.StreamResponse:
        """Deeper than MAX_JSON_DEPTH, not deep enough for a RecursionError."""

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"readings": [{"kpi": "gmv", "value": ' + b"[" * 40 + b"]" * 40 + b"}]}"

        return await self._stream(request, chunks())

    async def readings(self, request: web.Request) -> web.StreamResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"readings": [{"kpi": "gmv", "value": 1300000}]}'

        return await self._stream(request, chunks())


@pytest.fixture
async def source() -> AsyncIterator[HostileSource]:
    hostile = HostileSource()
    app = web.Application()
    for name in ("huge", "bomb", "drip", "deep", "nested", "readings"):
        app.router.add_get(f"/{name}", getattr(hostile, name))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hostile.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield hostile
    hostile.closing.set()
    await runner.cleanup()


async def pulling_from(bot: SlackDriver, url: str, channel: str = CHANNEL) -> Campaign:
    """A live campaign (a quarter of its 48 hours gone at 12:00) pulling from `url`; slot at 13:00."""
    await bot.ephemeral(f"start {LIVE_LINE}", channel=channel)
    await bot.ephemeral("target gmv 4m", channel=channel)
    assert "is now" in await bot.ephemeral(f"config pull.url {url}", channel=channel)
    await bot.tick()
    return next(campaign for campaign in await bot.campaigns() if campaign.channel_id == channel)


async def digest_in(bot: SlackDriver, count: int) -> dict[str, Any]:
    """Wait (tick-started pulls first) until the channel has `count` digests; the last one."""
    await pull.puller(bot.runtime).settle()
    async with asyncio.timeout(20):
        while len(bot.digests()) < count:
            await asyncio.sleep(0.01)
    return bot.digests()[count - 1]


async def status_posts(bot: SlackDriver, count: int) -> list[Call]:
    """Wait (tick-started pulls first) until `count` digests reached any channel; them."""
    await pull.puller(bot.runtime).settle()
    async with asyncio.timeout(30):
        while (
            len(posted := [c for c in bot.standin.ok_calls("chat.postMessage") if "— status" in c.args["text"]]) < count
        ):
            await asyncio.sleep(0.01)
    return posted


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


@pytest.mark.usefixtures("private_allowed")
@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("huge", "its answer is larger than 2 MB"),
        ("bomb", "its answer is larger than 2 MB"),
        ("drip", "no answer within 1 s"),
        ("deep", "its JSON is nested deeper than 16 levels"),
        ("nested", "its JSON is nested deeper than 16 levels"),
    ],
)
async def test_a_hostile_answer_ends_as_a_named_problem_in_bounded_memory(
    bot: SlackDriver,
    source: HostileSource,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    problem: str,
) -> None:
    monkeypatch.setattr(pull, "PULL_TIMEOUT_SECONDS", 1.0)
    campaign = await pulling_from(bot, f"{source.url}/{path}")
    gzip_bomb()  # made before measuring
    before = peak_rss()

    clock.advance(timedelta(hours=1))
    async with asyncio.timeout(60):  # not a timing check: without the deadline, a drip feed never ends
        await bot.tick()
        posted = await digest_in(bot, 1)
    assert f"Pull source {source.url}/{path} failed: {problem}." in posted["text"]
    assert peak_rss() - before < MEMORY_BOUND

    # The slot moved on: the next ticks at the same time fetch nothing again.
    await bot.tick()
    await bot.tick()
    await pull.puller(bot.runtime).settle()
    assert source.hits == 1
    (stored,) = await bot.campaigns()
    assert stored.id == campaign.id and stored.next_digest_at == clock.now() + timedelta(hours=1)


@pytest.mark.usefixtures("private_allowed")
async def test_four_hostile_answers_at_once_stay_within_the_memory_bound(
    bot: SlackDriver, source: HostileSource, clock: ManualClock
) -> None:
    channels = [f"C0HOSTILE{n}" for n in range(4)]
    for channel, path in zip(channels, ("huge", "bomb", "huge", "bomb"), strict=True):
        await pulling_from(bot, f"{source.url}/{path}", channel)
    gzip_bomb()
    before = peak_rss()
    clock.advance(timedelta(hours=1))
    await bot.tick()  # four background pulls
    posted = await status_posts(bot, 4)
    assert peak_rss() - before < MEMORY_BOUND
    assert sorted(call.args["channel"] for call in posted) == channels
    assert all("its answer is larger than 2 MB" in call.args["text"] for call in posted)


@pytest.mark.usefixtures("private_allowed")
async def test_a_drip_feeding_source_does_not_hold_up_another_campaigns_red_escalation(
    bot: SlackDriver, source: HostileSource, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pull, "PULL_TIMEOUT_SECONDS", 5.0)  # the drip outlasts this test's middle part
    dripping = await pulling_from(bot, f"{source.url}/drip")
    # Another campaign, in another channel, with a red escalation whose next step falls due at 13:03.
    await bot.ephemeral(f"start {LIVE_LINE}", channel=OTHER_CHANNEL)
    await bot.ephemeral(f"role tier1 <@{TIER1}> <@{TIER1_BACKUP}>", channel=OTHER_CHANNEL)
    clock.advance(timedelta(minutes=58))
    await bot.ephemeral("red Checkout failing", command="/escalate", channel=OTHER_CHANNEL)
    await bot.tick()
    paged = [call.args["channel"] for call in bot.standin.ok_calls("chat.postMessage")]
    assert TIER1 in paged and TIER1_BACKUP not in paged

    clock.advance(timedelta(minutes=2))  # 13:00: the dripping campaign's digest slot
    async with asyncio.timeout(60):  # not a timing check: before the fix this tick never returned
        await bot.tick()
        while not source.serving:
            await asyncio.sleep(0.01)
    clock.advance(timedelta(minutes=3))  # 13:03: the red escalation's next step
    await bot.tick()

    assert source.serving == 1 and pull.puller(bot.runtime).running(dripping.id)  # still dripping
    paged = [call.args["channel"] for call in bot.standin.ok_calls("chat.postMessage")]
    assert TIER1_BACKUP in paged  # paged on time, while the fetch goes on

    posted = await digest_in(bot, 1)
    assert "failed: no answer within 5 s." in posted["text"]
    async with asyncio.timeout(10):  # the service hung up; the source notices at its next byte
        while source.serving:
            await asyncio.sleep(0.01)


@pytest.mark.usefixtures("private_allowed")
async def test_a_manual_digest_with_a_broken_source_still_posts(bot: SlackDriver, source: HostileSource) -> None:
    """`'['*100000` once blocked every digest of its campaign and answered "Something went wrong"."""
    await pulling_from(bot, f"{source.url}/deep")
    assert "Posting the status digest" in await bot.ephemeral("digest")
    posted = await digest_in(bot, 1)
    assert "its JSON is nested deeper than 16 levels" in posted["text"]
    assert not [call for call in bot.standin.calls if call.method == "response_url"]  # no error answer


@pytest.mark.usefixtures("private_allowed")
async def test_a_stored_url_that_cannot_be_fetched_is_named_and_the_slot_moves_on(
    bot: SlackDriver, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A value stored before URLs were checked (`http://[::1/` raised InvalidURL on every tick)."""
    await bot.ephemeral(f"start {LIVE_LINE}")
    await bot.tick()
    for stored in ["http://[::1/", "http://user:SECRET@example.com/readings"]:
        bot.standin.calls.clear()
        async with bot.runtime.transaction() as session:
            (campaign,) = (await session.exec(select(Campaign))).all()
            campaign.config = {**campaign.config, "pull.url": stored}
            session.add(campaign)
        clock.advance(timedelta(hours=1))
        await bot.tick()
        posted = await digest_in(bot, 1)
        assert "failed: its URL is refused:" in posted["text"]
        assert "SECRET" not in str(posted)
        assert "Posting the status digest" in await bot.ephemeral("digest")
        assert "its URL is refused" in (await digest_in(bot, 2))["text"]
        clock.advance(timedelta(minutes=1))
        await bot.tick()
        await pull.puller(bot.runtime).settle()
        assert len(bot.digests()) == 2  # nothing retried
    assert "SECRET" not in caplog.text


@pytest.mark.usefixtures("private_allowed")
async def test_twenty_manual_digests_at_once_never_find_the_database_busy(
    bot: SlackDriver, source: HostileSource
) -> None:
    """Each stores its pulled readings; the SAVEPOINT used to read before writing and lose the race
    for SQLite's write lock ("database busy" 16 times in 20)."""
    channels = [f"C0BUSY{n:04d}" for n in range(20)]
    for channel in channels:
        await pulling_from(bot, f"{source.url}/readings", channel)
    answers = await asyncio.gather(*(bot.ephemeral("digest", channel=channel) for channel in channels))
    assert all("Posting the status digest" in answer for answer in answers)
    async with asyncio.timeout(30):
        while len(await status_posts(bot, 0)) < 20:
            assert not [call.args for call in bot.standin.calls if call.method == "response_url"]
            await asyncio.sleep(0.01)
    posted = await status_posts(bot, 20)
    assert not [call.args for call in bot.standin.calls if call.method == "response_url"]
    assert sorted(call.args["channel"] for call in posted) == channels
    assert all("¥1.30m" in call.args["text"] or "¥1.30m" in str(call.args["blocks"]) for call in posted)


# --- The address guard, with WARROOM_PULL_ALLOW_PRIVATE off ----------------------------------------

REFUSED_WHEN_SET = [
    "http://127.0.0.1:8080/readings",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/",
    "http://2130706433:8080/",
    "http://0x7f.1:8080/",
    "http://127.1/",
    "http://017700000001/",
    "http://localhost:8080/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:a00:1::]/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
]


@pytest.mark.usefixtures("private_refused")
@pytest.mark.parametrize("url", REFUSED_WHEN_SET)
def test_a_non_public_address_is_refused_when_set(url: str) -> None:
    with pytest.raises(UserError, match="cannot be a pull source: it names a loopback, private"):
        normalise("pull.url", url)


@pytest.mark.usefixtures("private_refused")
@pytest.mark.parametrize(
    "url",
    ["http://user:SECRET@example.com/readings", "https://:SECRET@example.com/", "http://token@example.com/"],
)
def test_a_user_name_or_password_is_refused_and_not_repeated(url: str) -> None:
    with pytest.raises(UserError, match="user name or password") as refused:
        normalise("pull.url", url)
    assert "SECRET" not in refused.value.message and "token" not in refused.value.message


@pytest.mark.usefixtures("private_refused")
@pytest.mark.parametrize("url", ["http://[::1/", "http://exa%20mple.com/", "http://%31%32%37.0.0.1/"])
def test_a_url_that_cannot_be_fetched_is_refused_when_set(url: str) -> None:
    with pytest.raises(UserError, match="cannot be a pull source"):
        normalise("pull.url", url)


@pytest.mark.usefixtures("private_refused")
@pytest.mark.parametrize(
    "url",
    ["https://bi.example.com/readings?campaign=11", "http://93.184.216.34:8080/", "https://[2606:4700::1111]/"],
)
def test_a_public_address_is_accepted(url: str) -> None:
    assert normalise("pull.url", url) == ("pull.url", url)


@pytest.mark.usefixtures("private_allowed")
def test_the_setting_lets_loopback_through_but_never_a_password() -> None:
    assert normalise("pull.url", "http://127.0.0.1:8080/")[1] == "http://127.0.0.1:8080/"
    with pytest.raises(UserError, match="user name or password"):
        normalise("pull.url", "http://user:pass@127.0.0.1:8080/")


@pytest.mark.usefixtures("private_refused")
async def test_a_name_that_resolves_to_loopback_is_refused_at_fetch_time(
    bot: SlackDriver, source: HostileSource, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS may answer a private address (rebinding, internal names): checked at every fetch, nothing sent."""
    assert not bot.runtime.settings.pull_allow_private
    port = source.url.rpartition(":")[2]
    await bot.ephemeral(f"start {LIVE_LINE}")
    assert "loopback" in await bot.ephemeral(f"config pull.url {source.url}/readings")
    assert "is now" in await bot.ephemeral(f"config pull.url http://bi.example.test:{port}/readings")
    real_resolve = pull._resolve

    async def resolve(host: str, port: int) -> list[str]:
        return ["203.0.113.7", "127.0.0.1"] if host == "bi.example.test" else []

    monkeypatch.setattr(pull, "_resolve", resolve)
    await bot.tick()
    clock.advance(timedelta(hours=1))
    await bot.tick()
    posted = await digest_in(bot, 1)
    assert "failed: its URL is refused: its host resolves to a loopback, private" in posted["text"]
    assert "127.0.0.1" not in posted["text"]  # which address stays in the log
    assert source.hits == 0

    # A value stored before this check existed is refused at fetch time too.
    async with bot.runtime.transaction() as session:
        (campaign,) = (await session.exec(select(Campaign))).all()
        campaign.config = {**campaign.config, "pull.url": f"{source.url}/readings"}
        session.add(campaign)
    monkeypatch.setattr(pull, "_resolve", real_resolve)
    clock.advance(timedelta(hours=1))
    await bot.tick()
    assert "its URL is refused" in (await digest_in(bot, 2))["text"]
    assert source.hits == 0


@pytest.mark.usefixtures("private_allowed")
async def test_the_fetch_goes_to_the_checked_address_with_the_names_host_header(
    bot: SlackDriver, source: HostileSource, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once, checked, and the connection made to that address: a second DNS
    answer (rebinding) is never asked for."""
    answers = iter([["127.0.0.1"]])

    async def resolve(host: str, port: int) -> list[str]:
        assert host == "bi.example.test"
        return next(answers)  # a second lookup would raise StopIteration

    monkeypatch.setattr(pull, "_resolve", resolve)
    port = source.url.rpartition(":")[2]
    await pulling_from(bot, f"http://bi.example.test:{port}/readings")
    clock.advance(timedelta(hours=1))
    await bot.tick()
    posted = await digest_in(bot, 1)
    assert "Pull source" not in posted["text"]
    assert source.hosts == [f"bi.example.test:{port}"]


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for bi.example.test: (certificate, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    name = "bi.example.test"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}"]
    command += ["-addext", f"subjectAltName=DNS:{name}", "-keyout", "key.pem", "-out", "cert.pem"]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path / "cert.pem", tmp_path / "key.pem"


async def test_an_https_source_is_reached_at_the_checked_address_under_its_own_name(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TLS server name (SNI) and the certificate check use the URL's host name, while the
    connection goes to the address that was checked."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(*certificate)
    names: list[str | None] = []

    def remember_name(_socket: object, name: str | None, _context: object) -> None:
        names.append(name)

    server_context.sni_callback = remember_name  # type: ignore[assignment]

    async def readings(_request: web.Request) -> web.Response:
        return web.json_response({"readings": []})

    app = web.Application()
    app.router.add_get("/readings", readings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context).start()
    port = runner.addresses[0][1]

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    monkeypatch.setattr(pull, "_resolve", resolve)
    monkeypatch.setattr(pull, "TLS_VERIFY", ssl.create_default_context(cafile=certificate[0]))
    try:
        assert (await pull.fetch(f"https://bi.example.test:{port}/readings", allow_private=True)).problem is None
        assert names == ["bi.example.test"]
        other = await pull.fetch(f"https://other.example.test:{port}/readings", allow_private=True)
        assert other.problem == pull.UNREACHABLE  # the certificate is not for that name
    finally:
        await runner.cleanup()
