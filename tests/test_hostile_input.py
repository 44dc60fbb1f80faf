"""Property-based tests: whatever people type or send, every parser answers with a value or a
`UserError` that says what was wrong, never another exception; and user text never breaks a message."""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import HTTPException
from fastapi.responses import JSONResponse
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from sqlmodel import select
from starlette.requests import Request

from warroom_bot.api import deps as api_deps
from warroom_bot.api import metrics as api_metrics
from warroom_bot.campaigns import config
from warroom_bot.core import parsing, unstorable
from warroom_bot.core.blocks import MAX_BLOCKS, MAX_SECTION_TEXT, escape
from warroom_bot.core.errors import UserError
from warroom_bot.core.ids import ActionId, ActionItemPart, BlockId, CallbackId
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, START_LINE, SlackDriver
from warroom_bot.escalations import render as render_escalations
from warroom_bot.handlers.budget_commands import USAGE, parse_change
from warroom_bot.metrics.service import DEFAULT_KPIS, BatchRejected, validate
from warroom_bot.models import Campaign, Escalation, Kpi, Severity
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
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == summary  # and nothing lost
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
    ts, text = "1700000100.000200", f"how are we{bad} doing?"
    bot.standin.messages[(CHANNEL, ts)] = {"ts": ts, "text": text}
    response = await bot.mention("Ev0HOSTILE1", ts=ts, text=text)
    assert response.status_code == 200  # Slack does not retry it
    assert await bot.replies(ts) == []


# -- and what is valid is read, to the right value ------------------------------------------------------
# The properties above would hold for parsers that refused everything: each parser is also given what
# it must accept, in the forms people type, with the value it must come to.

SCALE_WORDS = {"": 1, "k": 10**3, "千": 10**3, "w": 10**4, "万": 10**4, "m": 10**6, "百万": 10**6, "亿": 10**8}


@st.composite
def typed_amounts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """An amount as people type it (`¥1,200`, `50万元`, `1.2m`, `3.75`) and its value in yuan."""
    scale = draw(st.sampled_from(sorted(SCALE_WORDS)))
    tenths = draw(st.integers(1, 10**6))
    number = Decimal(tenths) / 10 if draw(st.booleans()) else Decimal(tenths)
    value = number * SCALE_WORDS[scale]
    assume(value < parsing.MAX_AMOUNT and value == value.quantize(Decimal("0.01")))
    shown = f"{number:,}" if not scale and draw(st.booleans()) else str(number)
    yuan = draw(st.sampled_from([("", ""), ("¥", ""), ("", "元"), (" ¥", " ")]))
    return f"{yuan[0]}{shown}{scale}{yuan[1]}", value


durations = st.integers(1, 30 * 24 * 60).flatmap(
    lambda minutes: st.tuples(
        st.sampled_from(["{h}h{m}m", "{h} h {m} m", "{h}hrs{m}min", "{h}小时{m}分钟", "{h}个小时{m}分"]).map(
            lambda form: form.format(h=minutes // 60, m=minutes % 60)
        ),
        st.just(timedelta(minutes=minutes)),
    )
)
clock_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
severities = st.sampled_from([*Severity, *parsing.SEVERITY_ALIASES])
user_ids = st.from_regex(r"[UW][A-Z0-9]{2,20}", fullmatch=True)
plain_words = st.lists(st.text(alphabet="abcXYZ019-_.@#", min_size=1, max_size=8), min_size=1, max_size=5)

# Each: what is typed, and what the parser must make of it.
understood = st.one_of(
    durations.map(lambda pair: (parsing.parse_duration, pair[0], pair[1])),
    typed_amounts().map(lambda pair: (parsing.parse_amount, pair[0], pair[1])),
    typed_amounts().map(lambda pair: (functools.partial(parsing.parse_kpi_value, unit="¥"), pair[0], float(pair[1]))),
    st.integers(0, 10**9).map(lambda n: (functools.partial(parsing.parse_kpi_value, unit=""), f"{n:,}", float(n))),
    st.integers(0, 10**6).map(lambda ms: (functools.partial(parsing.parse_kpi_value, unit="s"), f"{ms}ms", ms / 1000)),
    st.integers(0, 10**4).map(lambda n: (functools.partial(parsing.parse_kpi_value, unit="%"), f"{n} %", float(n))),
    st.integers(1, 10_000).map(lambda n: (parsing.parse_percent, f"{Decimal(n) / 100}%", Decimal(n) / 100)),
    clock_times.map(lambda at: (parsing.parse_clock_time, f" {at.hour}:{at.minute:02d} ", at)),
    st.tuples(clock_times, clock_times)
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: (parsing.parse_time_range, f"{pair[0]:%H:%M}-{pair[1]:%H:%M}", pair)),
    st.tuples(user_ids, st.sampled_from(["", "|dana", "|Dana Li"])).map(
        lambda pair: (parsing.parse_mention, f"<@{pair[0]}{pair[1]}>", pair[0])
    ),
    st.sampled_from(["UTC", "Asia/Shanghai", "America/Argentina/Buenos_Aires", "Etc/GMT+12", "Europe/Berlin"]).map(
        lambda name: (parsing.parse_timezone, f" {name}", ZoneInfo(name))
    ),
    severities.map(
        lambda word: (parsing.parse_severity, f" {word.upper()} ", parsing.SEVERITY_ALIASES.get(word, word))
    ),
    st.tuples(plain_words, plain_words).map(
        lambda pair: (parsing.split_args, f"{' '.join(pair[0])} “{' '.join(pair[1])}”", [*pair[0], " ".join(pair[1])])
    ),
)


@ENOUGH
@given(understood)
def test_every_text_parser_reads_what_people_type_to_its_value(case: tuple[Any, str, Any]) -> None:
    parse, text, expected = case
    assert parse(text) == expected, text


@ENOUGH
@given(st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31)), zones, st.sampled_from(["T", " "]))
def test_dates_and_times_in_any_zone_are_read_in_that_zone(moment: datetime, zone: str, separator: str) -> None:
    text = f"{moment:%Y-%m-%d}{separator}{moment:%H:%M}"
    expected = moment.replace(second=0, microsecond=0, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert parsing.parse_local_datetime(text, ZoneInfo(zone)) == expected


valid_settings = st.one_of(
    st.tuples(st.sampled_from([f"ack.{severity}" for severity in Severity]), durations).map(
        lambda pair: (pair[0], pair[1][0], parsing.format_duration(pair[1][1]))
    ),
    st.tuples(st.sampled_from(["retro.remind", "approval.expires"]), durations).map(
        lambda pair: (pair[0], pair[1][0], parsing.format_duration(pair[1][1]))
    ),
    st.integers(0, 5).map(lambda n: ("escalation.repeat", f" {n} ", str(n))),
    st.tuples(st.sampled_from(["retro.time", "retro.summary"]), clock_times).map(
        lambda pair: (pair[0], f"{pair[1].hour}:{pair[1].minute:02d}", f"{pair[1]:%H:%M}")
    ),
    st.sampled_from(["1h", "2H"]).map(lambda every: ("digest.every", every, every.lower())),
    st.lists(st.integers(1, 100), min_size=3, max_size=3, unique=True)
    .map(lambda three: sorted(three, reverse=True))
    .map(lambda three: ("lights", "/".join(map(str, three)), "/".join(map(str, three)))),
    st.sampled_from(["https://bi.example.com/readings?token=abc", "http://203.0.114.7:8080/r", "none"]).map(
        lambda url: ("pull.url", f"<{url}>" if url != "none" else url, url)
    ),
    st.tuples(st.integers(0, 23), st.integers(2, 23)).map(
        lambda pair: (
            "quiet",
            f"{(pair[0] + pair[1]) % 24:02d}:00-{pair[0]:02d}:00",
            f"{(pair[0] + pair[1]) % 24:02d}:00-{pair[0]:02d}:00",
        )
    ),
    st.integers(1, 100).map(lambda share: ("approval.threshold", f"{share}%", f"{share}%")),
    st.integers(1, 10**9).map(lambda yuan: ("approval.threshold", f"{yuan}元", f"¥{yuan:,}")),
)


@ENOUGH
@given(valid_settings)
def test_every_setting_reads_its_valid_values(case: tuple[str, str, str]) -> None:
    key, typed_value, stored = case
    assert config.normalise(f" {key.upper()} ", typed_value) == (key, stored)


words_of_a_reason = st.lists(st.text(alphabet="abc xyz", min_size=1, max_size=6).filter(str.strip), max_size=3)


@ENOUGH
@given(
    st.sampled_from(sorted(USAGE)),
    typed_amounts().filter(lambda pair: " " not in pair[0].strip()),
    st.sampled_from(["Online", "offline", "materials"]),
    st.sampled_from(["online", "OFFLINE"]),
    st.lists(st.sampled_from(["ads", "for", "the", "evening", "peak"]), max_size=3),
)
def test_budget_changes_are_read_in_each_verbs_order(
    verb: str, amount: tuple[str, Decimal], first: str, second: str, reason: list[str]
) -> None:
    typed, yuan = amount[0].strip(), amount[1]
    words = {
        "spend": [first, typed],
        "move": [typed, first, second],
        "add": [typed, first],
        "cut": [typed, first],
        "reserve": [typed, first],
    }[verb]
    change = parse_change(verb, [*words, *reason])
    source, target = {
        "spend": (first, None),
        "move": (first, second),
        "add": (None, first),
        "cut": (first, None),
        "reserve": ("reserve", first),
    }[verb]
    assert change.kind == verb and change.amount == int(yuan * 100)
    assert (change.from_line, change.to_line) == (source and source.lower(), target and target.lower())
    assert change.reason == (" ".join(reason) or None) and change.over is False


valid_readings = st.lists(
    st.fixed_dictionaries(
        {
            "kpi": st.sampled_from([spec["key"] for spec in DEFAULT_KPIS]),
            "value": st.integers(0, 10**12) | st.floats(0, 1e12),
        },
        optional={
            "at": st.datetimes(
                datetime(2000, 1, 1),
                datetime(2026, 11, 11),
                timezones=st.sampled_from([UTC, ZoneInfo("Asia/Shanghai")]),
            ).map(datetime.isoformat),
            "dimension": st.text(alphabet="North 东区 -1", max_size=20),
        },
    ),
    max_size=20,
)


@ENOUGH
@given(valid_readings)
def test_valid_batches_are_stored_as_sent(rows: list[dict[str, Any]]) -> None:
    body = json.dumps({"readings": rows}).encode()
    assert asyncio.run(_readings_of(body)) == json.loads(body)["readings"]
    ids = {kpi.key: kpi.id for kpi in KPIS}
    assert validate(rows, KPIS, now=NOW, source="api") == [
        {
            "kpi_id": ids[row["kpi"]],
            "value": float(row["value"]),
            "at": datetime.fromisoformat(row["at"]).astimezone(UTC) if "at" in row else NOW,
            "dimension": " ".join(row.get("dimension", "").split()),
            "source": "api",
        }
        for row in rows
    ]


@ENOUGH
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                ActionItemPart.PROBLEM: st.text(min_size=1, max_size=40).filter(str.strip),
                ActionItemPart.ACTION: st.text(min_size=1, max_size=40).filter(str.strip),
                ActionItemPart.OWNER: user_ids,
                ActionItemPart.DUE: st.dates(NOW.date(), NOW.date().replace(year=2030)).map(date.isoformat),
            },
            optional={ActionItemPart.CAUSE: st.text(max_size=40)},
        ),
        max_size=3,
    )
)
def test_action_items_filled_in_are_read_as_drafts(slots: list[dict[ActionItemPart, str]]) -> None:
    drafts = retros.check_drafts(slots, CAMPAIGN, NOW)
    assert [(d.problem, d.cause, d.action, d.owner, d.due) for d in drafts] == [
        (
            slot[ActionItemPart.PROBLEM].strip(),
            slot.get(ActionItemPart.CAUSE, "").strip(),
            slot[ActionItemPart.ACTION].strip(),
            slot[ActionItemPart.OWNER],
            date.fromisoformat(slot[ActionItemPart.DUE]),
        )
        for slot in slots
    ]
