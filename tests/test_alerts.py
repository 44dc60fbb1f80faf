"""Lights that act: a reading that turns a KPI red or purple raises an escalation by itself, at
once and once, whatever door the reading came in by."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlmodel import select

from warroom_bot.core.clock import ManualClock
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import ANA, CHANNEL, SlackDriver
from warroom_bot.devtools.standin import Call
from warroom_bot.models import Campaign, Escalation, EscalationStatus

Start = Callable[..., Awaitable[Campaign]]
SUPPLY_LEAD, SUPPLY_BACKUP, TIER1 = ANA, "U0SUPBAK01", "U0TIER1PRI"


@pytest.fixture
async def live(bot: SlackDriver, start_live: Start) -> Campaign:
    """A live campaign whose supply-chain lead (with a backup) and tier 1 are set, inventory's safety line 1,000."""
    campaign = await start_live()
    await bot.ephemeral(f"role lead:supply_chain <@{SUPPLY_LEAD}> <@{SUPPLY_BACKUP}>")
    await bot.ephemeral(f"role tier1 <@{TIER1}>")
    await bot.ephemeral("target inventory 1000")
    await bot.tick()
    return campaign


async def escalations_of(bot: SlackDriver) -> list[Escalation]:
    async with bot.runtime.sessions() as session:
        return list((await session.exec(select(Escalation).order_by(Escalation.number))).all())


def card(bot: SlackDriver, number: int = 1) -> Call:
    (post,) = [c for c in bot.posts(f"#{number} ", channel=CHANNEL) if "thread_ts" not in c.args]
    return post


async def status_of(bot: SlackDriver) -> str:
    """`/warroom status` as the caller reads it (its blocks)."""
    response = await bot.command("status")
    return str(response.json()["blocks"])


def dms(bot: SlackDriver, user: str) -> list[str]:
    return [call.args["text"] for call in bot.posts(channel=user)]


def pages(bot: SlackDriver, user: str) -> list[str]:
    """The DMs paging `user` (not, say, the news that their department's plan started)."""
    return [text for text in dms(bot, user) if "— acknowledge within" in text]


async def test_a_purple_reading_raises_an_escalation_paging_the_owner_first_and_once(
    bot: SlackDriver, live: Campaign
) -> None:
    await bot.ephemeral("metric inventory 400")
    await bot.tick()

    (raised,) = await escalations_of(bot)
    assert (raised.severity, raised.light, raised.dimension, raised.owner) == ("red", "purple", "", "lead:supply_chain")
    post = card(bot)
    assert "Inventory vs safety stock purple: 400 (safety line 1,000) · 40.0%" in post.args["text"]
    assert "raised by the purple light of inventory" in str(post.args["blocks"])
    actions = [e["action_id"] for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["escalation_acknowledge", "escalation_resolve"]
    assert any("acknowledge within 5m" in text for text in dms(bot, SUPPLY_LEAD))
    assert not dms(bot, TIER1)  # the owner first, the tiers after
    assert not bot.digests()
    thread = bot.thread(post.response["ts"])
    assert any(line.startswith("Reading: *Inventory vs safety stock*: 400") for line in thread)
    assert raised.plan_key == "stockout"  # alert.plans: inventory runs the stock-shortage plan
    assert any(line.endswith("plan checklist, 0 of 5 done") for line in thread)

    await bot.ephemeral("metric inventory 300")
    await bot.tick()
    assert len(await escalations_of(bot)) == 1
    assert any("Reading: *Inventory vs safety stock*: 300" in line for line in bot.thread(post.response["ts"]))

    await bot.ephemeral("metric inventory 1200")
    await bot.tick()
    (still,) = await escalations_of(bot)
    assert still.status == EscalationStatus.OPEN and still.recovered_at is not None
    lines = bot.thread(post.response["ts"])
    assert any("Recovered: *Inventory vs safety stock*: 1,200" in line for line in lines)
    assert any("green again. Resolve it" in line for line in lines)


async def test_the_owner_backup_and_then_the_tiers_are_paged_in_turn(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        await bot.tick()
    assert dms(bot, SUPPLY_BACKUP) and dms(bot, TIER1)


# -- every door ------------------------------------------------------------------------------------------


async def test_a_rest_batch_raises_it_for_a_dimension_with_its_own_target(bot: SlackDriver, live: Campaign) -> None:
    """Inventory is a gauge: its safety line applies to every dimension; South alone is purple."""
    batch = {
        "readings": [
            {"kpi": "inventory", "value": 1500, "dimension": "East"},
            {"kpi": "inventory", "value": 450, "dimension": "South"},
        ]
    }
    response = await bot.http.post(f"/api/campaigns/{live.id}/metrics", json=batch, headers=await bot.bearer(live.id))
    assert response.status_code == 200
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert (raised.dimension, raised.light, raised.area) == ("South", "purple", "inventory · South")
    assert "Inventory vs safety stock (South) purple: 450" in card(bot).args["text"]


async def test_a_csv_import_raises_it(bot: SlackDriver, live: Campaign, settings: Settings) -> None:
    from warroom_bot import admin

    await admin.import_readings(settings, live.id or 0, [{"kpi": "inventory", "value": "700"}])
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert (raised.severity, raised.light) == ("orange", "red")  # 70 %: red, which raises orange


async def test_per_dimension_targets_of_a_cumulative_kpi(bot: SlackDriver, live: Campaign, clock: ManualClock) -> None:
    """GMV's target for North is ¥2m over 28 hours; two hours in, ¥40k in North is 28 % of its ¥143k to date."""
    await bot.ephemeral("target gmv 4m")
    await bot.ephemeral("target gmv 2m North")
    clock.advance(timedelta(hours=1, minutes=30))
    await bot.ephemeral("metric gmv 300k")  # 105 % of the whole's ¥286k to date: green
    await bot.ephemeral("metric gmv 40k North")
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert (raised.kpi_id is not None, raised.dimension, raised.light, raised.owner) == (
        True,
        "North",
        "purple",
        "lead:sales",
    )


# -- the rules: yellow, off, hold -------------------------------------------------------------------------


async def test_yellow_posts_a_notice_naming_the_owner_and_pages_nobody(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("metric inventory 850")
    await bot.tick()
    assert await escalations_of(bot) == []
    (warning,) = bot.posts("yellow light is a warning, no page", channel=CHANNEL)
    assert f"<@{SUPPLY_LEAD}> <@{SUPPLY_BACKUP}>" in warning.args["text"]
    assert not dms(bot, SUPPLY_LEAD)
    await bot.ephemeral("metric inventory 840")
    await bot.tick()
    assert len(bot.posts("yellow light is a warning", channel=CHANNEL)) == 1  # once, not per reading
    await bot.ephemeral("metric inventory 990")
    await bot.tick()
    assert bot.posts("green again", channel=CHANNEL)


async def test_a_light_set_off_does_nothing(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("config alert.purple off")
    await bot.ephemeral("metric inventory 100")
    await bot.tick()
    assert await escalations_of(bot) == []
    assert not bot.posts("Inventory", channel=CHANNEL)


async def test_a_light_must_hold_for_two_readings(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("config alert.hold 2 readings")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    assert await escalations_of(bot) == []
    await bot.ephemeral("metric inventory 1100")  # a blip: back to green, nothing raised
    await bot.tick()
    await bot.ephemeral("metric inventory 420")
    await bot.tick()
    assert await escalations_of(bot) == []
    await bot.ephemeral("metric inventory 410")
    await bot.tick()
    assert len(await escalations_of(bot)) == 1


async def test_a_light_must_hold_for_fifteen_minutes(bot: SlackDriver, live: Campaign, clock: ManualClock) -> None:
    await bot.ephemeral("config alert.hold 15m")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    clock.advance(timedelta(minutes=14))
    await bot.tick()
    assert await escalations_of(bot) == []
    clock.advance(timedelta(minutes=1))
    await bot.tick()  # no new reading: the hold ran out by itself
    assert len(await escalations_of(bot)) == 1


# -- once, not a storm ---------------------------------------------------------------------------------------


async def test_getting_worse_raises_the_severity_in_place_and_pages_at_the_new_deadline(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("metric inventory 700")  # red: orange, 15 minutes to acknowledge
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert raised.severity == "orange"
    clock.advance(timedelta(minutes=2))
    await bot.ephemeral("metric inventory 300")  # purple: red, 5 minutes
    await bot.tick()
    (worse,) = await escalations_of(bot)
    assert (worse.severity, worse.light) == ("red", "purple")
    assert worse.next_step_at == clock.now() + timedelta(minutes=5)
    paged = pages(bot, SUPPLY_LEAD)
    assert len(paged) == 2 and "acknowledge within 5m" in paged[-1]
    post = card(bot)
    assert "RED #1" in bot.standin.messages[(post.response["channel"], post.response["ts"])]["text"]
    assert any("severity raised from ORANGE to RED" in line for line in bot.thread(post.response["ts"]))


async def test_with_autoresolve_green_resolves_it(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("config alert.autoresolve on")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    await bot.ephemeral("metric inventory 1500")
    await bot.tick()
    (resolved,) = await escalations_of(bot)
    assert resolved.status == EscalationStatus.RESOLVED and resolved.resolved_by == ""
    assert any("Resolved by the alert rules" in line for line in bot.thread(card(bot).response["ts"]))


async def test_a_resolved_one_lets_the_next_bad_light_raise_a_new_one(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    await bot.ephemeral("resolve 1 restocked", command="/escalate")
    await bot.ephemeral("metric inventory 300")  # still purple: the resolved one is not raised again
    await bot.tick()
    assert len(await escalations_of(bot)) == 1
    await bot.ephemeral("metric inventory 1200")
    await bot.tick()
    await bot.ephemeral("metric inventory 350")
    await bot.tick()
    assert [e.number for e in await escalations_of(bot)] == [1, 2]


# -- where it lands: quiet hours, no data, the digest and the status --------------------------------------


async def test_quiet_hours_hold_digests_not_alerts(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("config quiet 20:00-08:00")  # it is 20:30 in Shanghai
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    assert len(await escalations_of(bot)) == 1 and dms(bot, SUPPLY_LEAD)


async def test_no_data_for_three_hours_is_announced_once_and_marked_stale(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("metric orders 120")
    await bot.tick()
    clock.advance(timedelta(hours=2, minutes=59))
    await bot.tick()
    assert not bot.posts("No new reading", channel=CHANNEL)
    clock.advance(timedelta(minutes=1))
    await bot.tick()
    (notice,) = bot.posts("No new reading of *Orders* for 3h", channel=CHANNEL)
    assert "lead:sales (nobody holds it" in notice.args["text"]
    clock.advance(timedelta(minutes=30))
    await bot.tick()
    assert len(bot.posts("No new reading", channel=CHANNEL)) == 1
    assert "stale: the latest reading is 3h30m old" in await status_of(bot)
    await bot.ephemeral("metric orders 150")
    await bot.tick()
    assert "stale" not in await status_of(bot)


async def test_the_status_and_the_digest_show_the_open_alert(bot: SlackDriver, live: Campaign) -> None:
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    status = await status_of(bot)
    assert ":rotating_light: #1 RED, waiting for an acknowledgement" in status
    assert "1 red, 1 raised by lights" in status
    body = (await bot.http.get(f"/api/campaigns/{live.id}/status", headers=await bot.bearer(live.id))).json()
    assert body["alerts"] == [
        {"kpi": "inventory", "dimension": "", "light": "purple", "number": 1, "severity": "red", "status": "open"}
    ]
    assert body["escalations"]["from_lights"] == 1


# -- owners ---------------------------------------------------------------------------------------------------


async def test_kpi_owner_names_who_is_paged_first(bot: SlackDriver, live: Campaign) -> None:
    answer = await bot.ephemeral("kpi owner inventory <@U0DANA0001>")
    assert "`inventory` belongs to <@U0DANA0001>" in answer
    await bot.ephemeral("config alert.plans none")  # no plan: its lead hears nothing of this one
    assert "`inventory` belongs to lead:supply_chain" in await bot.ephemeral("kpi owner inventory 供应链")
    refused = await bot.ephemeral("kpi owner inventory warehouse")
    assert "`warehouse` is not an owner" in refused
    await bot.ephemeral("kpi owner inventory <@U0DANA0001>")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    assert pages(bot, "U0DANA0001") and not dms(bot, SUPPLY_LEAD)


async def test_an_added_kpi_is_owned_by_the_commander_until_told(bot: SlackDriver, live: Campaign) -> None:
    answer = await bot.ephemeral("kpi add returns gauge lower")
    assert "its bad lights go to the commander first" in answer
    await bot.ephemeral("target returns 100")
    await bot.ephemeral("metric returns 300")
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert raised.owner == "commander"


async def test_the_report_gives_time_to_detect_and_time_to_recover(
    bot: SlackDriver, live: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config alert.hold 15m")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    clock.advance(timedelta(minutes=15))
    await bot.tick()  # raised: 15 minutes after the first bad reading
    clock.advance(timedelta(minutes=3))
    await bot.ephemeral("ack 1", command="/escalate", user=SUPPLY_LEAD)
    clock.advance(timedelta(minutes=40))
    await bot.ephemeral("metric inventory 1300")
    await bot.tick()
    clock.advance(timedelta(minutes=15))
    await bot.tick()  # green held for 15 minutes: recovered 58 minutes after it was raised
    report = await bot.http.get(
        f"/api/campaigns/{live.id}/report", params={"format": "md"}, headers=await bot.bearer(live.id)
    )
    assert "| Time to detect | Time to ack | Time to recover |" in report.text
    assert "| #1 | inventory | green | 15m | 3m | 58m |" in report.text
    assert "| Inventory vs safety stock | 1,300 | safety line 1,000 | 130.0% | green | #1 RED |" in report.text


async def test_in_a_chinese_war_room_the_escalation_and_its_thread_are_chinese(
    bot: SlackDriver, live: Campaign
) -> None:
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("metric inventory 400")
    await bot.tick()
    post = card(bot)
    assert post.args["text"].startswith("红色 #1 库存 紫灯：400（安全线 1,000） · 40.0%"), post.args["text"]
    assert any(line.startswith("最新数据：") for line in bot.thread(post.response["ts"]))


async def test_the_landing_forecast_and_alert_forecast(bot: SlackDriver, live: Campaign, clock: ManualClock) -> None:
    """At 22:00, two hours into a 28-hour day, GMV is ¥270k of ¥286k to date (94.5 %, green), but the
    last hour brought only ¥70k: at that pace it lands at ¥2.09m, 52.2 % of ¥4m, below the red line."""
    await bot.ephemeral("target gmv 4m")
    clock.advance(timedelta(hours=1, minutes=30))
    batch = {
        "readings": [
            {"kpi": "gmv", "value": 200_000, "at": "2026-11-10T13:00:00Z"},
            {"kpi": "gmv", "value": 270_000, "at": "2026-11-10T14:00:00Z"},
        ]
    }
    headers = await bot.bearer(live.id)
    await bot.http.post(f"/api/campaigns/{live.id}/metrics", json=batch, headers=headers)
    await bot.tick()
    assert await escalations_of(bot) == []  # green: the forecast alone does not act by default
    assert "at this pace 52.2% of target" in await status_of(bot)
    body = (await bot.http.get(f"/api/campaigns/{live.id}/status", headers=headers)).json()
    gmv = next(kpi for kpi in body["kpis"] if kpi["key"] == "gmv")
    assert gmv["forecast"] == pytest.approx((270_000 + 70_000 * 26) / 4_000_000)

    await bot.ephemeral("config alert.forecast on")
    await bot.http.post(
        f"/api/campaigns/{live.id}/metrics", json={"readings": [{"kpi": "gmv", "value": 271_000}]}, headers=headers
    )
    await bot.tick()
    (raised,) = await escalations_of(bot)
    assert (raised.light, raised.severity) == ("red", "orange")
