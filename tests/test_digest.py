"""KPIs, readings and the digest end to end: slash commands, the REST API, the CLI and the tick."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from warroom_bot.campaigns import service as campaigns
from warroom_bot.cli import main
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.db import create_engine, create_sessions
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import LIVE_LINE, SlackDriver, in_process, kpi_line
from warroom_bot.devtools.standin import SlackStandIn
from warroom_bot.digest import schedule as digest
from warroom_bot.metrics import service as metrics
from warroom_bot.models import Campaign, Reading


@pytest.fixture
async def live(bot: SlackDriver) -> Campaign:
    await bot.ephemeral(f"start {LIVE_LINE}")
    await bot.tick()
    (campaign,) = await bot.campaigns()
    return campaign


async def post_digest(bot: SlackDriver) -> dict[str, Any]:
    """`/warroom digest`, then the digest as it reached the channel (it is posted after the ack)."""
    before = len(bot.digests())
    assert "Posting the status digest" in await bot.ephemeral("digest")
    async with asyncio.timeout(5):
        while len(bot.digests()) == before:
            await asyncio.sleep(0.01)
    return bot.digests()[-1]


async def readings(bot: SlackDriver) -> list[Reading]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(Reading))).all())


async def test_targets_and_readings_give_lights_in_the_posted_digest(bot: SlackDriver, live: Campaign) -> None:
    assert "Target of *GMV* set to 4m" in await bot.ephemeral("target gmv 4m")  # 1m due by now
    await bot.ephemeral("target orders 10k")  # 2,500 due by now
    await bot.ephemeral("target inventory 1000")  # the safety line
    assert "Recorded gmv = 899k" in await bot.ephemeral("metric gmv 899k")
    await bot.ephemeral("metric orders 2,250")
    await bot.ephemeral("metric inventory 599")
    await bot.ephemeral("metric response_time 5")  # threshold 3 s by default, lower is better

    posted = await post_digest(bot)
    assert kpi_line(posted, "GMV").startswith(":large_yellow_circle: *GMV*: ¥899.0k vs ¥1.00m to date · 89.9%")
    assert ":large_green_circle: *Orders*: 2,250 vs 2,500 to date · 90.0% · green" in kpi_line(posted, "Orders")
    assert "*Inventory vs safety stock*: 599 (safety line 1,000) · 59.9% · purple" in kpi_line(
        posted, "Inventory vs safety stock"
    )
    # Lower is better: against its limit, and how far over it (its attainment 3 ÷ 5 gives the light).
    assert ":red_circle: *System response time*: 5 s (limit 3 s) · over by 66.7% · red" in kpi_line(
        posted, "System response time"
    )
    assert "*Visitors*: — vs — to date · — · no light" in kpi_line(posted, "Visitors")
    assert posted["text"].startswith("Double 11 — status Mon 09 Nov 12:00 (UTC): overall purple.")
    assert "open escalations: none" in posted["text"].lower()


async def test_numbers_read_as_a_campaign_team_reads_them(bot: SlackDriver, live: Campaign) -> None:
    """Counts whole, money in whole yuan, gauges against their limit or safety line, and no lower-is-
    better KPI with an attainment above 100 %: its margin under the limit instead."""
    await bot.ephemeral("target orders 28511")  # a quarter due by now: 7,127.75
    await bot.ephemeral("target complaints 40")  # at most 10 by now
    await bot.ephemeral("target aov 200")
    await bot.ephemeral("target inventory 1000")
    await bot.ephemeral("metric orders 7000.4")
    await bot.ephemeral("metric complaints 4")
    await bot.ephemeral("metric aov 198.6")
    await bot.ephemeral("metric inventory 820")
    await bot.ephemeral("metric response_time 0.9")
    posted = await post_digest(bot)
    assert ":large_green_circle: *Orders*: 7,000 vs 7,128 to date · 98.2% · green" in kpi_line(posted, "Orders")
    assert "*Complaints*: 4 (limit 10 to date) · margin 60.0% · green" in kpi_line(posted, "Complaints")
    assert "*Average order value*: ¥199 (target ¥200) · 99.3% · green" in kpi_line(posted, "Average order value")
    assert "*Inventory vs safety stock*: 820 (safety line 1,000) · 82.0% · yellow" in kpi_line(
        posted, "Inventory vs safety stock"
    )
    assert "*System response time*: 0.9 s (limit 3 s) · margin 70.0% · green" in kpi_line(
        posted, "System response time"
    )
    blocks = json.dumps(posted["blocks"], ensure_ascii=False)
    assert "7,127" not in blocks and "7,000.4" not in blocks
    assert "333.3%" not in blocks and "250.0%" not in blocks  # 3 s ÷ 0.9 s, 10 ÷ 4: the attainments behind the lights

    await bot.ephemeral("metric orders 7250")
    await bot.ephemeral("metric response_time 1.4")
    again = await post_digest(bot)
    assert "7,250 vs 7,128 to date · 101.7% · green · ▲ 250" in kpi_line(again, "Orders")
    assert "1.4 s (limit 3 s) · margin 53.3% · green · ▲ 0.5 s" in kpi_line(again, "System response time")


async def test_status_shows_the_same_numbers_to_the_caller_only(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("metric gmv 640k")
    body = (await bot.command("status")).json()
    assert body["response_type"] == "ephemeral"
    assert "overall red" in body["text"]
    assert "¥640.0k vs ¥1.00m to date · 64.0% · red" in json.dumps(body["blocks"], ensure_ascii=False)
    await bot.tick()
    assert bot.digests() == []


async def test_the_worst_dimensions_are_named(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral('target gmv 2m "South region"')
    await bot.ephemeral("target gmv 2m North")
    await bot.ephemeral('metric gmv 320k "South region"')  # 64 % of the 500k due
    await bot.ephemeral("metric gmv 600k North")  # 120 %
    line = kpi_line(await post_digest(bot), "GMV")
    assert "¥920.0k vs ¥1.00m to date · 92.0% · green" in line  # the sum of the regions
    assert "South region: 64.0% red" in line
    assert "North" not in line  # only the dimensions that are behind


async def test_a_digest_leads_with_what_got_worse_and_the_change(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("metric gmv 1m")
    first = await post_digest(bot)
    await bot.ephemeral("metric gmv 1.1m")
    bot.runtime.clock.advance(timedelta(hours=4))  # 1.333m due now
    second = await post_digest(bot)
    assert "No KPI got worse since the last digest." in first["text"]
    assert "Worse since the last digest: GMV green → yellow." in second["text"]
    assert "¥1.10m vs ¥1.33m to date · 82.5% · yellow · ▲ ¥100.0k" in kpi_line(second, "GMV")


async def test_digests_post_once_per_slot_and_catch_up_once(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.tick()  # schedules the first slot: 13:00
    assert bot.digests() == []
    clock.advance(timedelta(minutes=59))
    await bot.tick()
    assert bot.digests() == []
    clock.advance(timedelta(minutes=1))
    await bot.tick()
    await bot.tick()
    assert len(bot.digests()) == 1

    clock.advance(timedelta(hours=5, minutes=20))  # the service was down through five slots
    await bot.tick()
    await bot.tick()
    assert len(bot.digests()) == 2  # one catch-up, not five
    (campaign,) = await bot.campaigns()
    assert campaign.next_digest_at == datetime(2026, 11, 9, 19, 0, tzinfo=UTC)


async def test_two_replicas_sharing_a_database_post_each_slot_once(
    settings: Settings, clock: ManualClock, standin: SlackStandIn
) -> None:
    async with in_process(settings, clock, standin) as first:
        await first.ephemeral(f"start {LIVE_LINE}")
        async with in_process(settings, clock, standin) as second:
            await first.tick()
            for _ in range(12):
                clock.advance(timedelta(hours=1))
                await asyncio.gather(first.tick(), second.tick())
    assert len(first.digests()) == 12


async def test_a_slot_claimed_after_another_worker_listed_it_is_not_posted_again(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    """The interleaving two replicas can produce: B lists the slot as due, A claims and posts it,
    then B reads the campaign, now holding the *next* slot, and must not claim that one early."""
    await bot.tick()  # schedules 13:00
    clock.advance(timedelta(hours=1))
    async with bot.runtime.sessions() as session:
        listed_by_b = await digest.due_slots(session, clock.now())
    async with bot.runtime.transaction() as session:
        assert await digest.post_slot(session, campaign_id=live.id, now=clock.now())  # A
    async with bot.runtime.transaction() as session:
        assert not await digest.post_slot(session, campaign_id=listed_by_b[0].id, now=clock.now())  # B
    await bot.tick()
    assert len(bot.digests()) == 1


async def test_quiet_hours_cadence_and_phases_decide_when_digests_come(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config quiet 12:30-15:30")
    await bot.tick()
    clock.advance(timedelta(hours=3, minutes=30))  # 15:30
    await bot.tick()
    assert bot.digests() == []
    clock.advance(timedelta(minutes=30))
    await bot.tick()
    assert len(bot.digests()) == 1

    await bot.ephemeral("phase wrapup")
    clock.advance(timedelta(hours=3))
    await bot.tick()
    await bot.tick()
    assert len(bot.digests()) == 1


async def test_kpis_can_be_added_and_removed(bot: SlackDriver, live: Campaign) -> None:
    assert "Added KPI `repeat_buyers`" in await bot.ephemeral('kpi add repeat_buyers cumulative higher "Repeat buyers"')
    await bot.ephemeral("metric complaints 3")
    assert "Removed KPI `complaints`" in await bot.ephemeral("kpi remove complaints")
    status = json.dumps((await bot.command("status")).json()["blocks"])
    assert "Repeat buyers" in status and "Complaints" not in status
    assert "already a KPI" in await bot.ephemeral("kpi add gmv cumulative higher")
    assert "not a KPI key" in await bot.ephemeral("kpi add Bad-Key gauge lower")
    assert "`complaints` is not a KPI" in await bot.ephemeral("metric complaints 1")


async def test_an_hourly_curve_shapes_the_target_to_date(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("metric gmv 500k")
    evening = ",".join("3" if hour >= 12 else "1" for hour in range(24))  # afternoons sell three times as much
    assert "now follows the hourly curve" in await bot.ephemeral(f"kpi curve gmv {evening}")
    # At 12:00 on day 1 of 2: 12 of the 2 × 48 weight units are done, so 0.5m is due rather than 1m.
    assert "¥500.0k vs ¥500.0k to date · 100.0% · green" in json.dumps(
        (await bot.command("status")).json()["blocks"], ensure_ascii=False
    )
    assert "grows linearly" in await bot.ephemeral("kpi curve gmv linear")
    assert "24 weights" in await bot.ephemeral("kpi curve gmv 1,2,3")
    assert "is a gauge" in await bot.ephemeral(f"kpi curve inventory {evening}")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("metric sales 5", "`sales` is not a KPI of this campaign"),
        ("metric gmv lots", "`lots` is not a number"),
        ("metric gmv -5", "`-5` is not a number"),
        ("metric gmv", "takes a KPI, a value"),
        ("target gmv 0", "must be more than zero"),
        ("target inventory 5 SKU-9", "is a gauge"),
    ],
)
async def test_bad_metric_and_target_commands_store_nothing(
    bot: SlackDriver, live: Campaign, text: str, problem: str
) -> None:
    assert problem in await bot.ephemeral(text)
    assert await readings(bot) == []


async def test_the_api_ingests_a_batch_and_reports_status_as_json(bot: SlackDriver, live: Campaign) -> None:
    headers = await bot.bearer(live.id)
    await bot.ephemeral("target gmv 4m")
    batch = {
        "readings": [
            {"kpi": "gmv", "value": 500_000, "at": "2026-11-09T10:00:00+00:00"},
            {"kpi": "gmv", "value": "950k", "at": "2026-11-09T11:59:00Z"},
            {"kpi": "orders", "value": 120, "dimension": "South"},
        ]
    }
    response = await bot.http.post(f"/api/campaigns/{live.id}/metrics", json=batch, headers=headers)
    assert response.json() == {"stored": 3}

    status = (await bot.http.get(f"/api/campaigns/{live.id}/status", headers=headers)).json()
    gmv = next(kpi for kpi in status["kpis"] if kpi["key"] == "gmv")
    assert (gmv["value"], gmv["target_to_date"], gmv["light"]) == (950_000, 1_000_000, "green")
    assert gmv["attainment"] == pytest.approx(0.95)
    assert all(isinstance(gmv[key], (int, float)) for key in ("value", "target_to_date", "attainment"))
    assert status["overall"] == "green"
    assert (status["campaign_id"], status["phase"], status["at"]) == (live.id, "live", "2026-11-09T12:00:00Z")
    assert (status["escalations"], status["budget"], status["actions_due"]) == (NO_ESCALATIONS, None, [])


NO_ESCALATIONS = {
    "open": 0,
    "by_severity": {"red": 0, "orange": 0, "yellow": 0, "blue": 0},
    "unacknowledged": 0,
    "from_lights": 0,
    "oldest_unacknowledged_seconds": None,
}


async def test_the_status_json_gives_escalations_and_budget_as_numbers(bot: SlackDriver, live: Campaign) -> None:
    headers = await bot.bearer(live.id)
    before = (await bot.http.get(f"/api/campaigns/{live.id}/status", headers=headers)).json()
    assert (before["escalations"], before["budget"]) == (NO_ESCALATIONS, None)

    await bot.ephemeral("yellow Ad spend pacing high", command="/escalate")
    bot.runtime.clock.advance(timedelta(minutes=2))
    await bot.ephemeral("red Checkout errors", command="/escalate")
    await bot.ephemeral("orange Slow search", command="/escalate")
    await bot.ephemeral("ack 3", command="/escalate")
    bot.runtime.clock.advance(timedelta(minutes=10))
    assert "Budget planned" in await bot.ephemeral("plan 1m", command="/budget")  # ¥100,000 held back
    assert "Done" in await bot.ephemeral("spend online 12,345.67", command="/budget")
    await bot.tick()

    status = (await bot.http.get(f"/api/campaigns/{live.id}/status", headers=headers)).json()
    assert status["escalations"] == {
        "open": 3,
        "by_severity": {"red": 1, "orange": 1, "yellow": 1, "blue": 0},
        "unacknowledged": 2,
        "oldest_unacknowledged_seconds": 12 * 60,
        "from_lights": 0,
    }
    assert status["budget"] == {
        "planned": 900_000,
        "spent": 12_345.67,
        "used": pytest.approx(12_345.67 / 900_000),
        "elapsed": pytest.approx((12 * 60 + 12) / (48 * 60)),
        "reserve_left": 100_000,
    }
    assert all(isinstance(value, (int, float)) for value in status["budget"].values())

    # The digest and /warroom status say the same in words.
    posted = await post_digest(bot)
    assert "Open escalations: 1 red, 1 orange, 1 yellow (oldest unacknowledged 12m)." in posted["text"]
    footer = posted["blocks"][-1]["elements"][0]["text"]
    assert "budget: 1% of plan used at 25% of the campaign; reserve ¥100,000 left" in footer
    shown = json.dumps((await bot.command("status")).json()["blocks"], ensure_ascii=False)
    assert "*Open escalations:* 1 red, 1 orange, 1 yellow (oldest unacknowledged 12m)" in shown
    assert "*Budget:* 1% of plan used at 25% of the campaign; reserve ¥100,000 left" in shown


async def test_a_bad_batch_is_refused_whole_with_every_bad_row_named(bot: SlackDriver, live: Campaign) -> None:
    headers = await bot.bearer()
    batch = {
        "readings": [
            {"kpi": "gmv", "value": 1},
            {"kpi": "sales", "value": 1},
            {"kpi": "gmv", "value": "lots"},
            {"kpi": "gmv", "value": 1, "at": "2027-01-01T00:00:00Z"},
            {"kpi": "gmv", "value": 1, "at": "yesterday"},
        ]
    }
    response = await bot.http.post(f"/api/campaigns/{live.id}/metrics", json=batch, headers=headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [error["row"] for error in detail["errors"]] == [2, 3, 4, 5]
    assert "`sales` is not a KPI" in detail["errors"][0]["error"]
    assert "in the future" in detail["errors"][2]["error"]
    too_many = {"readings": [{"kpi": "gmv", "value": 1}] * 10_001}
    response = await bot.http.post(f"/api/campaigns/{live.id}/metrics", json=too_many, headers=headers)
    assert response.status_code == 422 and "at most 10000 readings" in response.json()["detail"]["message"]
    assert await readings(bot) == []


def test_csv_import_is_all_or_nothing(tmp_path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path}/csv.db"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(sqlite_template, tmp_path / "csv.db")

    async def start() -> int:
        engine = create_engine(database_url)
        async with create_sessions(engine)() as session:
            campaign = await campaigns.start(
                session,
                channel_id="C0CSV",
                name="CSV",
                starts_at=datetime(2026, 1, 1, tzinfo=UTC),
                ends_at=datetime(2030, 1, 1, tzinfo=UTC),
                timezone="UTC",
                user_id="U0CSV",
                now=datetime(2026, 1, 1, tzinfo=UTC),
            )
            metrics.add_default_kpis(session, campaign.id)
            await session.commit()
        await engine.dispose()
        return campaign.id or 0

    campaign_id = asyncio.run(start())
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,value,at,dimension\ngmv,100,2026-11-01T00:00:00Z,South\nsales,5,,\n")
    refused = CliRunner().invoke(main, ["import-metrics", str(bad), "--campaign", str(campaign_id)])
    assert refused.exit_code == 2
    assert "line 3: `sales` is not a KPI" in refused.output

    good = tmp_path / "good.csv"
    good.write_text("kpi,value,at,dimension\ngmv,100,2026-11-01T00:00:00Z,South\norders,5,,\n")
    imported = CliRunner().invoke(main, ["import-metrics", str(good), "--campaign", str(campaign_id)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 2 readings" in imported.output
    with sqlite3.connect(tmp_path / "csv.db") as db:
        assert db.execute("SELECT count(*) FROM reading").fetchone() == (2,)  # nothing from the refused file


# -- in Chinese (`/warroom config lang zh-CN`) -----------------------------------------------------------------


def chinese_digests(bot: SlackDriver) -> list[dict[str, Any]]:
    return [call.args for call in bot.posts("战报", channel=bot.channel)]


async def test_the_hourly_digest_speaks_the_campaigns_chinese(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    """The tick serves every campaign: the digest is written in this one's language, whatever the job's."""
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("metric gmv 1m")
    await bot.ephemeral("metric inventory 599")
    await bot.ephemeral("target inventory 1000")
    await bot.tick()  # schedules the first slot: 13:00
    clock.advance(timedelta(hours=1))
    await bot.tick()
    (posted,) = chinese_digests(bot)
    assert posted["text"].startswith("Double 11 战报 11月9日 周一 13:00（UTC）：整体紫灯。")
    assert "与上一期战报相比，没有 KPI 变差。" in posted["text"]
    assert posted["blocks"][0]["text"]["text"] == "Double 11 战报 11月9日 周一 13:00（UTC）"
    assert posted["blocks"][1]["text"]["text"].startswith(":large_purple_circle: 整体 *紫灯* · ")
    footer = posted["blocks"][-1]["elements"][0]["text"]
    assert "阶段：" in footer
    for english in ("overall", "Overall", "status", "phase", "Worse since", "No KPI"):
        assert english not in posted["text"] + footer

    clock.advance(timedelta(hours=1))  # 1.17m of GMV due now: 1m is no longer green
    await bot.tick()
    worse = chinese_digests(bot)[-1]["text"]
    assert "与上一期战报相比变差：" in worse and "绿灯 → 黄灯。" in worse


async def test_the_status_in_chinese(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("metric gmv 640k")
    await bot.ephemeral("red Checkout errors", command="/escalate")
    body = (await bot.command("status")).json()
    assert body["text"].startswith("Double 11：") and "整体红灯。" in body["text"]
    assert "活动时间已过 25%" in body["text"]
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    for chinese in (
        "Double 11 活动状况",
        "*阶段*",
        "*时间进度*",
        "*开始*",
        "*结束*",
        "*未解决的升级：*",
        "*值班表*",
        "设置：",
    ):
        assert chinese in shown, chinese
    for english in ("*Phase*", "Open escalations", "*Roster*", "Settings:", "Overall"):
        assert english not in shown, english
    assert "整体 *红灯*" in shown
