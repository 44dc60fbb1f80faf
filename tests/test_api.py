"""The REST API: health, readiness, bearer tokens and campaign reads."""

from __future__ import annotations

import json

from sqlmodel import select

from warroom_bot.core.db import create_engine, create_sessions
from warroom_bot.devtools.driver import COMMANDER, SlackDriver
from warroom_bot.models import ApiToken, Campaign, Reading


async def test_health_and_readiness(bot: SlackDriver) -> None:
    assert (await bot.http.get("/healthz")).json() == {"status": "ok"}
    assert (await bot.http.get("/readyz")).json() == {"status": "ok", "database": "ok"}


async def test_readiness_fails_when_the_database_cannot_be_reached(bot: SlackDriver, tmp_path) -> None:
    healthy = bot.runtime.sessions
    unreachable = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing-dir/warroom.db")
    bot.runtime.sessions = create_sessions(unreachable)
    try:
        response = await bot.http.get("/readyz")
    finally:
        bot.runtime.sessions = healthy
        await unreachable.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_the_api_needs_a_valid_bearer_token(bot: SlackDriver, campaign: Campaign) -> None:
    for headers in ({}, {"Authorization": "Bearer wrb_not-a-real-token"}, {"Authorization": "Basic dXNlcjpwdw=="}):
        response = await bot.http.get("/api/campaigns", headers=headers)
        assert response.status_code == 401
        assert "warroom token create" in response.json()["detail"]
        assert response.headers["www-authenticate"] == "Bearer"


async def test_tokens_are_stored_only_as_hashes(bot: SlackDriver) -> None:
    headers = await bot.bearer()
    clear = headers["Authorization"].removeprefix("Bearer ")
    async with bot.runtime.sessions() as session:
        (row,) = (await session.exec(select(ApiToken))).all()
    assert clear not in row.token_hash and len(row.token_hash) == 64


async def test_campaigns_are_listed_and_read_with_their_roster(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("role tier1 <@U0TIER1001> <@U0TIER1002>")
    headers = await bot.bearer()

    (listed,) = (await bot.http.get("/api/campaigns", headers=headers)).json()
    assert listed["name"] == "Double 11" and listed["phase"] == "warmup"
    assert listed["starts_at"].startswith("2026-11-10T12:00:00")

    detail = (await bot.http.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
    roster = {entry["role"]: entry for entry in detail["roster"]}
    assert roster["commander"]["primary_user"] == COMMANDER
    assert roster["tier1"] == {"role": "tier1", "primary_user": "U0TIER1001", "backup_user": "U0TIER1002"}
    missing = await bot.http.get("/api/campaigns/999", headers=headers)
    assert missing.status_code == 404 and "999" in missing.json()["detail"]


async def test_a_campaign_token_reads_and_writes_only_its_campaign(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00', channel="C0OTHERROOM")
    other = next(c for c in await bot.campaigns() if c.id != campaign.id)
    headers = await bot.bearer(campaign.id)

    assert [c["id"] for c in (await bot.http.get("/api/campaigns", headers=headers)).json()] == [campaign.id]
    assert (await bot.http.get(f"/api/campaigns/{campaign.id}", headers=headers)).status_code == 200
    assert (await bot.http.get(f"/api/campaigns/{other.id}", headers=headers)).status_code == 404
    batch = {"readings": [{"kpi": "gmv", "value": 1}]}
    written = await bot.http.post(f"/api/campaigns/{other.id}/metrics", json=batch, headers=headers)
    assert written.status_code == 404
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Reading))).all() == []


async def test_openapi_documents_the_api(bot: SlackDriver) -> None:
    schema = (await bot.http.get("/openapi.json")).json()
    assert {"/api/campaigns", "/api/campaigns/{campaign_id}", "/healthz", "/readyz"} <= set(schema["paths"])
    assert "/slack/events" not in schema["paths"]
    assert (await bot.http.get("/docs")).status_code == 200


# Ids a path can carry that neither database can hold: SQLite's driver overflowed past 2**63 - 1,
# PostgreSQL's integer column past 2**31 - 1; both were 500s.
IDS_BEYOND = ["2147483648", "9223372036854775808", str(10**40), "0", "-1"]
ROUTES = ["", "/escalations", "/status", "/budget", "/budget/ledger", "/retros", "/report"]


async def test_ids_no_database_can_hold_are_refused_with_a_message(bot: SlackDriver, campaign: Campaign) -> None:
    headers = await bot.bearer()
    for campaign_id in IDS_BEYOND:
        for route in ROUTES:
            response = await bot.http.get(f"/api/campaigns/{campaign_id}{route}", headers=headers)
            assert response.status_code == 422, (campaign_id, route, response.text)
            assert response.json()["detail"][0]["loc"] == ["path", "campaign_id"]
        batch = {"readings": [{"kpi": "gmv", "value": 1}]}
        posted = await bot.http.post(f"/api/campaigns/{campaign_id}/metrics", json=batch, headers=headers)
        assert posted.status_code == 422
    largest = await bot.http.get(f"/api/campaigns/{2**31 - 1}", headers=headers)
    assert largest.status_code == 404 and str(2**31 - 1) in largest.json()["detail"]


HOSTILE_BATCHES = [
    # (body, what the 422 says)
    (b'{"readings": ' + b"[" * 955 + b"]" * 955 + b"}", "nests deeper than 16 levels"),
    (b'{"readings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests deeper than 16 levels"),
    (b'{"readings": [{"kpi": "gmv", "value": ' + b"[" * 900 + b"]" * 900 + b"}]}", "nests deeper than 16 levels"),
    (b'{"readings": [{"kpi": "\\ud800", "value": 1}]}', "`kpi` holds a character that cannot be stored"),
    (b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "\\udfff"}]}', "`dimension` holds a character"),
    (b'{"readings": [{"kpi": "gmv", "value": 1, "at": "\\ud800"}]}', "`at` holds a character"),
    (b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "North\\u0000"}]}', "`dimension` holds a character"),
    (b'{"readings": [{"kpi": "gmv", "value": ["\\u0000"]}]}', "`value[0]` holds a character"),
    (b'{"readings": [{"kpi": "gmv", "value": 1, "\\ud800": 1}]}', "`\ufffd` holds a character"),
    (b'{"readings": ["\\u0000"]}', "The reading holds a character"),
    (b"\xff\xfe\x00{", "The body is not JSON in UTF-8."),
    # json.loads would read both, the surrogate included: UTF-16, and a surrogate encoded in UTF-8.
    ('{"readings": [{"kpi": "gmv", "value": 1, "dimension": "\ud800"}]}'.encode("utf-16", "surrogatepass"), "UTF-8"),
    (b'{"readings": [{"kpi": "gmv", "value": 1, "dimension": "\xed\xa0\x80"}]}', "The body is not JSON in UTF-8."),
]


async def test_hostile_batches_are_refused_with_a_message_and_store_nothing(
    bot: SlackDriver, campaign: Campaign
) -> None:
    headers = {**(await bot.bearer()), "Content-Type": "application/json"}
    for body, says in HOSTILE_BATCHES:
        response = await bot.http.post(f"/api/campaigns/{campaign.id}/metrics", content=body, headers=headers)
        assert response.status_code == 422, (body[:60], response.text)
        detail = response.json()["detail"]
        assert says in json.dumps(detail, ensure_ascii=False), (says, detail)
        if detail["errors"]:
            assert detail["errors"][0]["row"] == 1
    async with bot.runtime.sessions() as session:
        assert (await session.exec(select(Reading))).all() == []
