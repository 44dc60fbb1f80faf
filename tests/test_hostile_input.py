"""Property-based tests: whatever people type or send, every parser answers with a value or a
`UserError` that says what was wrong, never another exception; and user text never breaks a message."""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import HTTPException
from fastapi.responses import JSONResponse
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from sqlmodel import select
from starlette.requests import Request

from tests.conftest import CHANNEL, COMMANDER, START_LINE, SlackDriver
from tests.test_events import mention, replies_once_settled
from warroom_bot.api import deps as api_deps
from warroom_bot.api import metrics as api_metrics
from warroom_bot.campaigns import config
from warroom_bot.core import parsing, unstorable
from warroom_bot.core.blocks import MAX_BLOCKS, MAX_SECTION_TEXT, escape
from warroom_bot.core.errors import UserError
from warroom_bot.core.ids import ActionId, ActionItemPart, BlockId, CallbackId
from warroom_bot.escalations import render as render_escalations
from warroom_bot.handlers.budget_commands import USAGE, parse_change
from warroom_bot.metrics.service import DEFAULT_KPIS, BatchRejected, validate
from warroom_bot.models import Campaign, Escalation, Kpi
from warroom_bot.retros import service as retros

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
ENOUGH = settings(max_examples=300, deadline=None)

# Characters no database column can hold (a NUL; halves of a surrogate pair, as JSON's \ud800 decodes).
UNSTORABLE = ["\x00", "\ud800", "\udbff", "\udc00", "\udfff"]
# Text with some of them, among characters that can be stored.
unstorable_text = st.text(alphabet=st.sampled_from([*UNSTORABLE, "a", "1", " ", "é", "汉", "😀"]), max_size=12).filter(
    unstorable.UNSTORABLE.search
)

# Text people type: anything, plus the characters the parsers care about, so that near-misses are tried.
typed = st.one_of(
    st.text(),
    unstorable_text,
    st.text(alphabet="0123456789.,:-+%kKmM¥￥元 sdhT/@<>|UW\"'“”", max_size=30),
    st.from_regex(r"-?\d{1,25}(\.\d{0,25})?[kKmM%]?", fullmatch=True),
    st.from_regex(r"\d{1,6}-\d{1,4}-\d{1,4}([T ]\d{1,3}:\d{1,3})?", fullmatch=True),
)
zones = st.sampled_from(["UTC", "Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"])


def understood_or_refused(parse: Any, *args: Any) -> None:
    try:
        parse(*args)
    except UserError as error:
        assert error.message.strip(), "a refusal must say what was wrong"


@ENOUGH
@given(typed)
def test_every_text_parser_understands_or_refuses(text: str) -> None:
    for parse in (
        parsing.split_args,
        parsing.parse_duration,
        parsing.parse_amount,
        *(functools.partial(parsing.parse_kpi_value, unit=unit) for unit in ("¥", "%", "s", "")),
        parsing.parse_percent,
        parsing.parse_clock_time,
        parsing.parse_time_range,
        parsing.parse_mention,
        parsing.parse_timezone,
        parsing.parse_severity,
    ):
        understood_or_refused(parse, text)


@ENOUGH
@given(typed, zones)
@example("9999-12-31T23:59", "Etc/GMT+12")  # past the last date Python can hold, once in UTC
def test_dates_and_times_in_any_zone_are_understood_or_refused(text: str, zone: str) -> None:
    understood_or_refused(parsing.parse_local_datetime, text, ZoneInfo(zone))


@ENOUGH
@given(st.sampled_from([*sorted(config.CONFIG_KEYS), "nonsense", ""]), typed)
def test_every_setting_is_understood_or_refused(key: str, value: str) -> None:
    understood_or_refused(config.normalise, key, value)


@ENOUGH
@given(st.sampled_from(sorted(USAGE)), st.lists(typed, max_size=5))
def test_budget_changes_are_understood_or_refused(verb: str, words: list[str]) -> None:
    understood_or_refused(parse_change, verb, words)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80) | typed,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5) | unstorable_text, children, max_size=3)
    ),
    max_leaves=6,
)
reading = st.fixed_dictionaries(
    {},
    optional={
        "kpi": st.sampled_from(["gmv", "GMV", " orders ", "nope"]) | json_values,
        "value": json_values,
        "at": json_values | st.datetimes().map(lambda d: d.isoformat()),
        "dimension": json_values,
    },
)
KPIS = [Kpi(id=i + 1, campaign_id=1, **spec) for i, spec in enumerate(DEFAULT_KPIS)]


@ENOUGH
@given(st.lists(reading | json_values, max_size=5))
@example([{"kpi": "gmv", "value": 10**400}])  # a JSON integer too large for a float
@example([{"kpi": "gmv", "value": 1, "at": "0001-01-01T00:00+01:00"}])  # before year 1 in UTC
def test_any_batch_of_readings_is_stored_whole_or_refused_row_by_row(rows: list[Any]) -> None:
    """What the REST API and the CSV import hand over: any JSON, row by row."""
    # The REST body comes from JSON: only what JSON can carry.
    rows = json.loads(json.dumps(rows, default=str))
    understood_or_refused(lambda: validate(rows, KPIS, now=NOW, source="api"))


CAMPAIGN = Campaign(
    id=1,
    channel_id="C1",
    name="x",
    timezone="Asia/Shanghai",
    starts_at=NOW,
    ends_at=NOW,
    phase="live",
    created_by="U1",
    created_at=NOW,
)


@ENOUGH
@given(st.lists(st.dictionaries(st.sampled_from(list(ActionItemPart)), typed), max_size=3))
def test_action_items_from_the_retro_form_are_understood_or_refused(slots: list[dict[ActionItemPart, str]]) -> None:
    understood_or_refused(retros.check_drafts, slots, CAMPAIGN, NOW)


@ENOUGH
@given(st.text(min_size=1, max_size=5000))
def test_user_text_cannot_mention_everyone_or_break_the_layout(summary: str) -> None:
    escaped = escape(summary)
    assert "<" not in escaped and ">" not in escaped  # so no <!channel>, <!here> or <@U…> of the user's own
    escalation = Escalation(
        id=1,
        campaign_id=1,
        number=7,
        severity="red",
        summary=summary[:200],
        details=summary,
        raised_by="U1",
        raised_at=NOW,
    )
    card = render_escalations.card(escalation, now=NOW)
    assert len(card.blocks) <= MAX_BLOCKS and len(card.text) <= 4000
    texts = [block["text"]["text"] for block in card.blocks if "text" in block]
    texts += [e["text"] for block in card.blocks for e in block.get("elements", []) if e["type"] == "mrkdwn"]
    for text in texts:
        assert len(text) <= MAX_SECTION_TEXT
        assert "<!" not in text.replace("<!date^", "")


# -- text no database can store, and JSON nested without end ---------------------------------------

storable_or_not = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | unstorable_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5) | unstorable_text, children, max_size=3)
    ),
    max_leaves=8,
)


def _nesting(value: Any) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    return 1 + max(map(_nesting, value), default=0) if isinstance(value, list) else 0


@ENOUGH
@given(storable_or_not)
def test_unstorable_text_is_found_wherever_it_hides(value: Any) -> None:
    where = unstorable.find(value)
    assert unstorable.depth(value) == _nesting(value)
    if where is None:
        encoded = json.dumps(value, ensure_ascii=False).encode("utf-8")  # what a database or an answer needs
        assert b"\\u0000" not in encoded
        return
    found: Any = value
    for step in where[:-1]:
        found = found[step]
    last = where[-1] if where else None
    held = found[last] if where and not (isinstance(found, dict) and unstorable.UNSTORABLE.search(str(last))) else last
    assert unstorable.UNSTORABLE.search(held if where else value)
    assert "\ufffd" in unstorable.dotted(where) or not any(map(unstorable.UNSTORABLE.search, map(str, where)))


async def _readings_of(body: bytes) -> list[Any]:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    return await api_metrics._readings(Request({"type": "http", "method": "POST", "headers": [], "path": "/"}, receive))


def _nested_value(levels: int) -> bytes:
    return b'{"readings": [{"kpi": "gmv", "value": ' + b"[" * levels + b"]" * levels + b"}]}"


rest_bodies = st.one_of(
    st.lists(reading | storable_or_not, max_size=5).map(lambda rows: json.dumps({"readings": rows}).encode()),
    # Unescaped, in encodings json.loads also reads: UTF-8 with encoded surrogates, UTF-16.
    st.tuples(st.lists(reading | storable_or_not, max_size=5), st.sampled_from(["utf-8", "utf-16", "utf-32"])).map(
        lambda pair: json.dumps({"readings": pair[0]}, ensure_ascii=False).encode(pair[1], "surrogatepass")
    ),
    st.integers(1, 50_000).map(lambda levels: b'{"readings": ' + b"[" * levels + b"]" * levels + b"}"),
    st.integers(1, 5_000).map(_nested_value),
    st.binary(max_size=40),
)


@ENOUGH
@given(rest_bodies)
@example(b'{"readings": ' + b"[" * 955 + b"]" * 955 + b"}")  # the probe's RecursionError
@example(_nested_value(990))
@example(b'{"readings": [{"kpi": "\\ud800", "value": 1}]}')  # the probe's UnicodeEncodeErrors
@example(b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "\\udfff"}]}')
@example(b'{"readings": [{"kpi": "gmv", "value": 1, "at": "\\ud800"}]}')
@example(b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "North\\u0000"}]}')  # PostgreSQL refuses NUL
@example(b'{"readings": [{"kpi": "gmv", "value": 1, "\\ud800": 1}]}')
@example(b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "\xed\xa0\x80"}]}')  # json.loads takes these
@example('{"readings": [{"kpi": "\ud800", "value": 1}]}'.encode("utf-16", "surrogatepass"))
def test_any_rest_body_is_read_or_refused_with_an_answer_that_can_be_sent(body: bytes) -> None:
    """What `POST …/metrics` does with a body before storing it: read rows that can be stored, or a
    422 that says why; and every 422, the service's own row checks included, can be sent."""
    try:
        rows = asyncio.run(_readings_of(body))
    except HTTPException as refused:
        assert refused.status_code == 422 and refused.detail["message"]
        JSONResponse(refused.detail)  # encodes: an unstorable character echoed in it was a 500
        return
    assert unstorable.find(rows) is None and unstorable.depth(rows) < api_deps.MAX_JSON_DEPTH
    try:
        validate(rows, KPIS, now=NOW, source="api")
    except BatchRejected as rejected:
        JSONResponse(
            {"message": rejected.message, "errors": [{"row": e.row, "error": e.error} for e in rejected.errors]}
        )
    except UserError as error:
        JSONResponse({"message": error.message})


CAMPAIGN_IDS = TypeAdapter(api_deps.CampaignId)
EDGES = [0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 9223372036854775808, 10**40]


@ENOUGH
@given(st.integers() | st.sampled_from(EDGES))
def test_a_campaign_id_in_a_path_is_one_both_databases_can_hold(value: int) -> None:
    """A PostgreSQL `integer` (SQLite's go to 2**63 - 1, and past that its driver overflows)."""
    try:
        CAMPAIGN_IDS.validate_python(value)
    except ValidationError:
        assert not 1 <= value <= 2**31 - 1
    else:
        assert 1 <= value <= 2**31 - 1


# -- the same in Slack: refused before any listener, nothing changed ----------------------------------


@pytest.mark.parametrize("bad", UNSTORABLE[:1])  # a form-encoded command cannot carry a surrogate
async def test_a_command_with_unstorable_text_is_refused_and_changes_nothing(bot: SlackDriver, bad: str) -> None:
    refusal = await bot.ephemeral(f'start "Double{bad} 11" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai')
    assert "cannot be stored" in refusal and "nothing was changed" in refusal
    assert await bot.campaigns() == []
    await bot.ephemeral(f"start {START_LINE}")
    for command, text in (
        ("/escalate", f"red Site{bad} down"),
        ("/budget", f"plan 1m{bad}"),
        ("/warroom", f"metric gmv 1{bad}"),
    ):
        assert "cannot be stored" in await bot.ephemeral(text, command=command)
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Escalation))).all() == []


@pytest.mark.parametrize("bad", UNSTORABLE)
async def test_a_form_with_unstorable_text_shows_the_error_beside_that_input(bot: SlackDriver, bad: str) -> None:
    await bot.ephemeral(f"start {START_LINE}")
    response = await bot.send(
        bot.requests.view_submission(
            callback_id=CallbackId.RAISE_ESCALATION,
            user_id=COMMANDER,
            values={
                BlockId.SEVERITY: {ActionId.INPUT: {"type": "static_select", "selected_option": {"value": "red"}}},
                BlockId.SUMMARY: {ActionId.INPUT: {"type": "plain_text_input", "value": f"Site{bad}down"}},
            },
            private_metadata=json.dumps({"channel_id": CHANNEL}),
        )
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors" and "cannot be stored" in answer["errors"][BlockId.SUMMARY]
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Escalation))).all() == []


@pytest.mark.parametrize("bad", UNSTORABLE[:2])
async def test_a_mention_with_unstorable_text_is_acknowledged_and_ignored(bot: SlackDriver, bad: str) -> None:
    await bot.ephemeral(f"start {START_LINE}")
    event = {**mention(), "text": f"how are we{bad} doing?"}
    bot.standin.messages[(CHANNEL, event["ts"])] = {"ts": event["ts"], "text": event["text"]}
    response = await bot.send(bot.requests.event_callback(event, event_id="Ev0HOSTILE1"))
    assert response.status_code == 200  # Slack does not retry it
    assert await replies_once_settled(bot, event["ts"], at_least=0) == []
