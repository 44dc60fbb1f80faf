"""Schemathesis against the OpenAPI schema of a running `warroom serve`: no request, however odd,
gets a 5xx. Every operation is tried with a valid token on a real campaign, so that generated bodies
and query values reach the service rather than stopping at authentication. Then the inputs that once
did get a 5xx: ids no database can hold, JSON nested without end, NUL and lone surrogates."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from warroom_bot.app import create_app
from warroom_bot.core.settings import load_settings
from warroom_bot.core.unstorable import UNSTORABLE
from warroom_bot.devtools.processes import WARROOM_ARGV, warroom
from warroom_bot.devtools.slack_requests import SlackRequestFactory

pytestmark = pytest.mark.slow

SECRET = "fuzz-signing-secret"


@pytest.fixture(scope="module")
def running_service(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    """`warroom serve` and `warroom standin` as processes, a campaign started and an admin token."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copyfile(sqlite_template, folder / "fuzz.db")
    standin = warroom("standin", cwd=folder)
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/fuzz.db",
        "SLACK_BOT_TOKEN": "xoxb-fuzz",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{standin.url}/api/",
        "WARROOM_LOG_LEVEL": "ERROR",
    }
    with standin, warroom("serve", env=env, cwd=folder) as service:
        request = SlackRequestFactory(SECRET).slash_command(
            "/warroom", 'start "Fuzz" 2026-01-01T00:00 2030-01-01T00:00', user_id="U0FUZZ0001", channel_id="C0FUZZ"
        )
        httpx.post(f"{service.url}/slack/events", content=request.body, headers=request.headers).raise_for_status()
        created = subprocess.run(
            [*WARROOM_ARGV, "token", "create", "--name", "fuzz"],
            env=service.env,
            cwd=folder,
            capture_output=True,
            text=True,
        )
        token = created.stdout.strip().splitlines()[-1]
        yield {"base": service.url, "headers": {"Authorization": f"Bearer {token}"}, "campaign_id": 1}


# The schema the service publishes at /openapi.json, built here without serving it (pytest 9.2 broke
# schemathesis' lazy `from_fixture` loader).
OPENAPI = create_app(
    load_settings(database_url="sqlite+aiosqlite:///:memory:", slack_bot_token="xoxb-fuzz", _env_file=None)
).openapi()
schema = schemathesis.openapi.from_dict(copy.deepcopy(OPENAPI))


@schema.parametrize()
@settings(max_examples=40, deadline=None)
def test_no_request_gets_a_server_error(case: Any, running_service: dict[str, Any]) -> None:
    if "campaign_id" in (case.path_parameters or {}):
        case.path_parameters["campaign_id"] = running_service["campaign_id"]
    case.call_and_validate(
        base_url=running_service["base"], headers=running_service["headers"], checks=[not_a_server_error]
    )


# The values below replace what schemathesis generates for one part of a request; the rest is kept
# valid (a negative case could drop the token, and the request would stop at a 401).
hostile = schemathesis.openapi.from_dict(copy.deepcopy(OPENAPI))
hostile.config.generation.update(modes=[GenerationMode.POSITIVE])
# Ids past what a database holds (PostgreSQL's integer, SQLite's 64 bits) and below the first.
huge_ids = st.sampled_from([2**31, 2**32, 2**63 - 1, 2**63, 10**40, 0, -1, -(2**63) - 1]) | st.integers(min_value=2**31)
# Strings with a NUL or half a surrogate pair (sent \u-escaped, as any JSON encoder does).
unstorable = st.text(
    alphabet=st.sampled_from(["\x00", "\ud800", "\udfff", "g", "m", "v", "1", "-", ":"]), min_size=1
).filter(UNSTORABLE.search)
scalar = st.none() | st.integers() | st.text(max_size=10)
hostile_reading = st.fixed_dictionaries(
    {"kpi": st.sampled_from(["gmv", "orders"]) | unstorable, "value": st.integers(0, 10**6) | unstorable},
    optional={"at": unstorable, "dimension": unstorable | scalar},
).filter(lambda row: any(isinstance(v, str) and UNSTORABLE.search(v) for v in row.values()))
hostile_bodies = st.one_of(
    st.lists(hostile_reading, min_size=1, max_size=3).map(lambda rows: {"readings": rows}),
    st.integers(17, 100_000).map(lambda levels: b'{"readings": ' + b"[" * levels + b"]" * levels + b"}"),
    st.integers(17, 2_000).map(
        lambda levels: b'{"readings": [{"kpi": "gmv", "value": ' + b"[" * levels + b"]" * levels + b"}]}"
    ),
)


@hostile.include(path_regex=r"\{campaign_id\}").parametrize()
@hostile.given(campaign_id=huge_ids)
@settings(max_examples=10, deadline=None)
def test_ids_no_database_can_hold_get_a_client_error(
    case: Any, campaign_id: int, running_service: dict[str, Any]
) -> None:

    case.path_parameters["campaign_id"] = campaign_id
    response = case.call_and_validate(
        base_url=running_service["base"], headers=running_service["headers"], checks=[not_a_server_error]
    )
    assert response.status_code == 422, response.text


@hostile.include(path_regex=r"/metrics$", method="POST").parametrize()
@hostile.given(body=hostile_bodies)
@settings(max_examples=40, deadline=None)
def test_hostile_batches_get_a_422_that_says_why(case: Any, body: Any, running_service: dict[str, Any]) -> None:
    case.path_parameters["campaign_id"] = running_service["campaign_id"]
    case.body, case.media_type = body, "application/json"
    response = case.call_and_validate(
        base_url=running_service["base"],
        headers={**running_service["headers"], "Content-Type": "application/json"},
        checks=[not_a_server_error],
    )
    assert response.status_code == 422 and response.json()["detail"]["message"], response.text


# -- and what is valid is accepted, with the right values ------------------------------------------------
# "No 5xx" would hold for a service that refused everything.


def test_every_read_of_a_campaign_that_exists_is_answered(running_service: dict[str, Any]) -> None:
    reads = [path for path, operations in OPENAPI["paths"].items() if "get" in operations and "{" in path]
    assert reads, "the schema names the campaign routes"
    for path in reads:
        url = running_service["base"] + path.format(campaign_id=running_service["campaign_id"])
        response = httpx.get(url, headers=running_service["headers"])
        assert response.status_code == 200, (path, response.text)


@pytest.fixture(scope="module")
def quiet_campaign(running_service: dict[str, Any]) -> int:
    """A second campaign, which only the checks of valid readings write to: its latest values are theirs."""
    request = SlackRequestFactory(SECRET).slash_command(
        "/warroom", 'start "Quiet" 2026-01-01T00:00 2030-01-01T00:00', user_id="U0FUZZ0001", channel_id="C0QUIET"
    )
    httpx.post(f"{running_service['base']}/slack/events", content=request.body, headers=request.headers)
    listed = httpx.get(f"{running_service['base']}/api/campaigns", headers=running_service["headers"]).json()
    return next(campaign["id"] for campaign in listed if campaign["channel_id"] == "C0QUIET")


# A KPI, a value as a BI feed sends it (a JSON number, or text in the KPI's unit), and its value.
valid_readings = st.one_of(
    st.integers(0, 10**12).map(lambda n: ("orders", n, float(n))),
    st.floats(0, 1e9, allow_nan=False).map(lambda value: ("inventory", value, value)),
    st.integers(1, 99_999).map(lambda n: ("gmv", f"¥{n}万", n * 10_000.0)),
    st.integers(0, 100_000).map(lambda ms: ("response_time", f"{ms}ms", ms / 1000)),
    st.integers(0, 100).map(lambda share: ("conversion", f"{share}%", float(share))),
)


@given(reading=valid_readings)
@settings(max_examples=25, deadline=None)
def test_valid_readings_are_stored_and_served_back(
    reading: tuple[str, Any, float], running_service: dict[str, Any], quiet_campaign: int
) -> None:
    kpi, sent, value = reading
    base, headers = f"{running_service['base']}/api/campaigns/{quiet_campaign}", running_service["headers"]
    row = {"kpi": kpi, "value": sent, "at": datetime.now(UTC).isoformat()}  # each one later than the last
    stored = httpx.post(f"{base}/metrics", json={"readings": [row]}, headers=headers)
    assert stored.status_code == 200 and stored.json() == {"stored": 1}, stored.text
    (shown,) = [
        status for status in httpx.get(f"{base}/status", headers=headers).json()["kpis"] if status["key"] == kpi
    ]
    assert shown["value"] == pytest.approx(value)
