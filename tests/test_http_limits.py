"""The HTTP edge: bodies too large or too slow, slow and idle clients, too many connections, bugs
answered without a second log, and the try-out mode kept on loopback.

The in-process tests send bodies that are only produced as the service reads them, so they can
count how much it read. The tests against a real `warroom serve` check what only a socket shows:
connections closed, and the process's memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import CliRunner

from warroom_bot import app as edge
from warroom_bot import cli
from warroom_bot.cli import main
from warroom_bot.core.ids import ActionId
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, SlackDriver
from warroom_bot.devtools.processes import ServerProcess
from warroom_bot.devtools.slack_requests import SlackRequestFactory
from warroom_bot.digest import snapshot as digest
from warroom_bot.metrics import service as metrics
from warroom_bot.models import ActionItem, Campaign, RetroEntry
from warroom_bot.retros.render import modal
from warroom_bot.retros.service import Form

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
CHUNK = 64 * 1024
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Flood:
    """A request body of `total` bytes, produced only as fast as the service reads it."""

    def __init__(self, total: int, *, stall_after: int | None = None) -> None:
        self.total = total
        self.stall_after = stall_after
        self.read = 0

    async def stream(self) -> AsyncIterator[bytes]:
        while self.read < self.total:
            if self.stall_after is not None and self.read >= self.stall_after:
                await asyncio.sleep(3600)  # a client that stops sending halfway
            self.read += CHUNK
            yield bytes(CHUNK)


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert "Traceback" not in caplog.text


# -- Slack: the signature is checked on the raw bytes, before anything parses them -------------------

# The probe's bodies: Bolt parsed each before checking the signature, and answered with a 500 and a
# 75-line traceback, whoever sent it.
MALFORMED = [
    (b"payload=notjson", "application/x-www-form-urlencoded"),
    (b"{", "application/json"),
    (b"{", "application/x-www-form-urlencoded"),
    (b"[1]", "application/json"),
    (b"payload=[1]", "application/x-www-form-urlencoded"),
    (b'payload={"type": "block_actions", "actions": "x"', "application/x-www-form-urlencoded"),
    (b'"text"', "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"\xff\xfe not UTF-8", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_unsigned_forged_or_stale_bodies_are_a_401_before_any_parsing(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    stamp = {"X-Slack-Request-Timestamp": str(int(time.time()))}
    made_up = {"Content-Type": content_type, **stamp, "X-Slack-Signature": "v0=" + "0" * 64}
    attempts = [
        {"Content-Type": content_type},
        made_up,
        {**made_up, "X-Slack-Request-Timestamp": "not-a-number"},
        {**made_up, "X-Slack-Request-Timestamp": "9" * 5000},
    ]
    if body.isascii():  # the verifier signs text; a body that is not UTF-8 cannot be signed at all
        attempts.append(SlackRequestFactory("not-the-signing-secret").sign(body, content_type).headers)
        attempts.append(bot.requests.sign(body, content_type, timestamp=int(time.time()) - 301).headers)
    for headers in attempts:
        response = await bot.http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert len(response.content) < 100
    _no_traceback(caplog)
    assert bot.standin.calls == []


@pytest.mark.parametrize(("body", "content_type"), MALFORMED[:-1])
async def test_a_signed_body_slack_would_never_send_is_a_400(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    signed = bot.requests.sign(body, content_type)
    response = await bot.http.post("/slack/events", content=signed.body, headers=signed.headers)
    assert response.status_code == 400 and response.json() == {"error": "malformed request"}
    _no_traceback(caplog)


async def test_slacks_unsigned_certificate_check_is_answered_and_goes_no_further(bot: SlackDriver) -> None:
    response = await bot.http.post("/slack/events", content=b"ssl_check=1&token=legacy", headers=FORM)
    assert response.status_code == 200 and response.content == b""
    smuggled = b"ssl_check=1&command=%2Fwarroom&text=help&user_id=U0X&channel_id=C0X"
    assert (await bot.http.post("/slack/events", content=smuggled, headers=FORM)).status_code == 401
    assert bot.standin.calls == []


# -- body size ------------------------------------------------------------------------------------


async def test_ten_concurrent_oversized_bodies_are_refused_without_being_read(
    bot: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """The probe's attack: ten unsigned 50 MB posts at once. None is read past the limit, and a
    signed command sent alongside is answered as usual."""
    caplog.set_level(logging.INFO)
    streamed = [Flood(50 * MiB) for _ in range(5)]  # chunked: counted as they arrive
    declared = [Flood(50 * MiB) for _ in range(5)]  # Content-Length says it all: nothing is read

    async def post(flood: Flood, headers: dict[str, str]) -> httpx.Response:
        return await bot.http.post("/slack/events", content=flood.stream(), headers={**FORM, **headers})

    *refused, answered = await asyncio.gather(
        *(post(flood, {}) for flood in streamed),
        *(post(flood, {"Content-Length": str(50 * MiB)}) for flood in declared),
        bot.command("help"),
    )
    assert [response.status_code for response in refused] == [413] * 10
    assert all("1 MiB" in response.json()["detail"] for response in refused)
    assert all(response.headers["connection"] == "close" for response in refused)
    assert max(flood.read for flood in streamed) <= edge.SLACK_MAX_BODY_BYTES + CHUNK
    assert [flood.read for flood in declared] == [0] * 5
    assert answered.status_code == 200 and answered.json()["response_type"] == "ephemeral"
    _no_traceback(caplog)


async def test_the_slack_limit_is_exact(bot: SlackDriver) -> None:
    at_limit = b"x" * edge.SLACK_MAX_BODY_BYTES
    assert (await bot.http.post("/slack/events", content=at_limit, headers=FORM)).status_code == 401  # read, unsigned
    over = await bot.http.post("/slack/events", content=at_limit + b"x", headers=FORM)
    assert over.status_code == 413


async def test_the_largest_requests_slack_sends_fit_the_limit() -> None:
    """The two largest bodies Slack can send this app, at their worst, well inside the limit."""
    wide = "汉"  # \u-escaped in Slack's JSON: 6 bytes, 8 once percent-encoded in a form
    now = datetime(2026, 11, 11, 12, tzinfo=UTC)
    day = date(2026, 11, 11)
    campaign = Campaign(
        id=2**31 - 1,
        channel_id=CHANNEL,
        name=wide * 100,
        timezone="Asia/Shanghai",
        starts_at=now,
        ends_at=now,
        phase="live",
        created_by=COMMANDER,
        created_at=now,
    )
    answers = {field: wide * 3000 for field in ("targets_vs_actual", "problems", "adjustments")}
    entry = RetroEntry(id=1, campaign_id=1, day=day, user_id=COMMANDER, submitted_at=now, edited_at=now, **answers)
    item = {part: wide * 300 for part in ("problem", "cause", "action")}
    items = [
        ActionItem(id=n, campaign_id=1, entry_id=1, owner=COMMANDER, due=day, created_at=now, **item) for n in (1, 2, 3)
    ]
    view = modal(Form(campaign=campaign, day=day, figures=wide * 3000, entry=entry, items=items))
    values = {}
    for block in view["blocks"]:
        element = block.get("element", {})
        if element.get("type") == "plain_text_input":  # typed to the input's maximum
            values[block["block_id"]] = {
                ActionId.INPUT: {"type": element["type"], "value": wide * element["max_length"]}
            }
    submission = {"type": "view_submission", "view": {**view, "state": {"values": values}}}
    form = urlencode({"payload": json.dumps(submission)}).encode()
    text = wide * 40_000  # Slack's longest message
    rich_text = [
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}
    ]
    mention = json.dumps(
        {"type": "event_callback", "event": {"type": "app_mention", "text": text, "blocks": rich_text}}
    ).encode()
    assert len(values) == 12
    assert 150 * 1024 < len(form) < edge.SLACK_MAX_BODY_BYTES / 4
    assert 400 * 1024 < len(mention) < edge.SLACK_MAX_BODY_BYTES / 2


async def test_a_whole_batch_of_the_longest_readings_fits_and_a_larger_body_does_not(
    bot: SlackDriver, campaign: Campaign
) -> None:
    headers = await bot.bearer()
    reading = {
        "kpi": "new_customers",
        "value": "1,234.5万",
        "at": "2026-11-09T12:00:00.000000+08:00",
        "dimension": "汉" * 60,
    }
    batch = json.dumps({"readings": [reading] * metrics.MAX_BATCH}, indent=2).encode()
    assert 4 * MiB < len(batch) < edge.METRICS_MAX_BODY_BYTES
    url = f"/api/campaigns/{campaign.id}/metrics"
    stored = await bot.http.post(url, content=batch, headers={**headers, "Content-Type": "application/json"})
    assert stored.json() == {"stored": metrics.MAX_BATCH}

    flood = Flood(50 * MiB)
    refused = await bot.http.post(url, content=flood.stream(), headers=headers)
    assert refused.status_code == 413 and "8 MiB" in refused.json()["detail"]
    assert flood.read <= edge.METRICS_MAX_BODY_BYTES + CHUNK
    # Routes without a body of their own take at most 64 KiB.
    other = await bot.http.request(
        "GET", f"/api/campaigns/{campaign.id}", content=b"x" * (64 * 1024 + 1), headers=headers
    )
    assert other.status_code == 413


async def test_a_response_before_the_body_was_read_closes_the_connection(bot: SlackDriver, campaign: Campaign) -> None:
    """An unauthenticated batch is refused before its body is read; the rest of it cannot hold the
    connection open."""
    flood = Flood(5 * MiB)
    response = await bot.http.post(f"/api/campaigns/{campaign.id}/metrics", content=flood.stream())
    assert response.status_code == 401 and response.headers["connection"] == "close"
    assert flood.read <= CHUNK


async def test_a_body_that_stops_arriving_gets_a_408(
    bot: SlackDriver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(edge, "BODY_TIMEOUT_SECONDS", 0.2)
    flood = Flood(MiB, stall_after=2 * CHUNK)
    response = await asyncio.wait_for(bot.http.post("/slack/events", content=flood.stream(), headers=FORM), 10)
    assert response.status_code == 408 and response.headers["connection"] == "close"
    assert "did not arrive within 0.2 s" in response.json()["detail"]
    _no_traceback(caplog)


async def test_an_impossible_content_length_is_a_400(bot: SlackDriver) -> None:
    for declared in ("-1", "12abc", "9" * 5000):
        response = await bot.http.post("/slack/events", content=b"", headers={**FORM, "Content-Length": declared})
        assert response.status_code in (400, 413), (declared, response.status_code)


# -- bugs -----------------------------------------------------------------------------------------


async def test_a_genuine_bug_is_a_500_with_an_error_id_logged_once_without_the_body(
    bot: SlackDriver, campaign: Campaign, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(metrics, "record", broken)
    monkeypatch.setattr(digest, "snapshot", broken)
    headers = await bot.bearer()
    caplog.set_level(logging.INFO)
    batch = {"readings": [{"kpi": "gmv", "value": 1, "dimension": "SECRET-IN-THE-BODY"}]}
    for response in (
        await bot.http.post(f"/api/campaigns/{campaign.id}/metrics", json=batch, headers=headers),
        await bot.http.get(f"/api/campaigns/{campaign.id}/status", headers=headers),
    ):
        assert response.status_code == 500
        error_id = response.json()["detail"].split("error id ")[1].rstrip(").")
        logged = [record for record in caplog.records if error_id in record.getMessage()]
        assert len(logged) == 1 and logged[0].exc_info is not None
    assert len([record for record in caplog.records if record.levelno >= logging.ERROR]) == 2
    assert "SECRET-IN-THE-BODY" not in caplog.text


# -- a real `warroom serve`: slow clients, connection cap, memory -----------------------------------


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Everything the server sent until it closed the connection, which must be within `seconds`."""
    return await asyncio.wait_for(reader.read(), seconds)


async def test_slow_and_silent_clients_are_closed(served: ServerProcess) -> None:
    """A client that sends nothing, one that sends half a request head, and one that sends the head
    and part of the body: each connection is closed by the server, the last with a 408."""
    port = served.port
    silent = await asyncio.open_connection("127.0.0.1", port)
    half_head = await asyncio.open_connection("127.0.0.1", port)
    half_head[1].write(b"GET /healthz HTTP/1.1\r\nHost: warroom\r\n")
    half_body = await asyncio.open_connection("127.0.0.1", port)
    half_body[1].write(
        b"POST /slack/events HTTP/1.1\r\nHost: warroom\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000\r\n\r\ncommand=%2Fwarroom"
    )
    limit = max(cli.HEAD_TIMEOUT_SECONDS, edge.BODY_TIMEOUT_SECONDS) + 5
    sent = await asyncio.gather(*(_closed_within(reader, limit) for reader, _ in (silent, half_head, half_body)))
    assert sent[:2] == [b"", b""]
    assert sent[2].startswith(b"HTTP/1.1 408 ") and b"did not arrive within" in sent[2]
    for _, writer in (silent, half_head, half_body):
        writer.close()


async def test_connections_beyond_the_cap_are_answered_503(served: ServerProcess) -> None:
    idle = [await asyncio.open_connection("127.0.0.1", served.port) for _ in range(cli.MAX_CONCURRENCY)]
    async with httpx.AsyncClient(base_url=served.url) as http:
        assert (await http.get("/healthz")).status_code == 503
        for _, writer in idle:
            writer.close()
        for _ in range(100):
            if (await http.get("/healthz")).status_code == 200:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the service did not recover once the idle connections closed")


async def _stream_until_closed(port: int, total: int) -> int:
    """Send a chunked body of `total` bytes; how much went out before the server closed on it."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: warroom\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    chunk = b"%x\r\n%s\r\n" % (CHUNK, b"x" * CHUNK)
    try:
        while sent < total:
            writer.write(chunk)
            await writer.drain()
            sent += CHUNK
    except ConnectionError:
        pass
    finally:
        writer.close()
    return sent


async def test_a_flood_of_large_bodies_costs_the_server_no_memory(served: ServerProcess) -> None:
    """Ten clients each sending 50 MB at once: every connection is cut short, the peak memory of the
    service hardly moves, and a signed command sent meanwhile is answered."""
    port = served.port
    before = served.memory_mb("VmHWM")
    declared = []
    for _ in range(10):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: warroom\r\nContent-Length: %d\r\n\r\n" % (50 * MiB))
        declared.append((reader, writer))
    answers = await asyncio.gather(*(_closed_within(reader, 10) for reader, _ in declared))
    assert all(answer.startswith(b"HTTP/1.1 413 ") for answer in answers), answers
    async with httpx.AsyncClient(base_url=served.url) as http:
        *sent, answered = await asyncio.wait_for(
            asyncio.gather(
                *(_stream_until_closed(port, 50 * MiB) for _ in range(10)),
                SlackDriver(http).command("help"),
            ),
            60,
        )
    assert answered.status_code == 200
    assert max(sent) < 50 * MiB
    assert served.memory_mb("VmHWM") - before < 64  # reading all ten would take 500 MiB


# -- the try-out mode stays on this machine ----------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "warroom.example.com", ""])
def test_the_try_out_mode_refuses_to_listen_beyond_loopback(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def listens(*_args: object) -> None:
        raise AssertionError(f"started listening on {host!r}")

    monkeypatch.setattr(cli, "_serve_with_standin", listens)
    monkeypatch.setattr("warroom_bot.devtools.standin.serve_forever", listens)
    for argv in (["serve", "--standin", "--host", host], ["standin", "--host", host]):
        result = CliRunner().invoke(main, argv)
        assert result.exit_code == 2, (argv, result.output, result.exception)
        assert result.output.startswith("warroom: ") and result.output.count("\n") == 1
        assert "loopback only" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_addresses_are_accepted(host: str) -> None:
    cli._require_loopback(host, "refused")
