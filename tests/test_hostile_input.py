"""Property-based tests: whatever people type or send, every parser answers with a value or a
`UserError` that says what was wrong, never another exception; and user text never breaks a message."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from handlers.budget_commands import USAGE, parse_change
from models import Campaign, Escalation, Kpi
from warroom_bot import config, parsing, retros
from warroom_bot.errors import UserError
from warroom_bot.ids import ActionItemPart
from warroom_bot.metrics import DEFAULT_KPIS, validate
from warroom_bot.render import escalations as render_escalations
from warroom_bot.render.blocks import MAX_BLOCKS, MAX_SECTION_TEXT, escape

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
ENOUGH = settings(max_examples=300, deadline=None)

# Text people type: anything, plus the characters the parsers care about, so that near-misses are tried.
typed = st.one_of(
    st.text(),
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
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
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
