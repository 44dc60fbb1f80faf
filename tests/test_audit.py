"""The audit trail: KPI, target, roster, setting and phase changes are announced, kept and reported;
a removed KPI keeps its readings and comes back with them."""

from __future__ import annotations

from datetime import timedelta

from warroom_bot.core.clock import ManualClock
from warroom_bot.devtools.driver import COMMANDER, OTHER, SlackDriver
from warroom_bot.metrics import service as metrics
from warroom_bot.models import Campaign

DANA = "U0DANA0001"


def channel_posts(bot: SlackDriver) -> list[str]:
    return [call.args["text"] for call in bot.standin.ok_calls("chat.postMessage")]


async def test_every_change_is_announced_kept_and_served(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config ack.red 3m")
    await bot.ephemeral("target gmv 2m", user=OTHER)
    await bot.ephemeral("target gmv 2.5m", user=OTHER)
    await bot.ephemeral(f"role tier1 <@{DANA}>")
    await bot.ephemeral(f"role tier1 <@{OTHER}> <@{DANA}>")
    await bot.ephemeral("kpi remove complaints", user=OTHER)
    await bot.ephemeral("phase live --force")
    await bot.tick()

    posts = channel_posts(bot)
    assert f"<@{COMMANDER}> changed setting ack.red: `5m` → `3m`." in posts
    assert f"<@{OTHER}> added the target of gmv: `2,000,000`." in posts
    assert f"<@{OTHER}> changed the target of gmv: `2,000,000` → `2,500,000`." in posts
    assert f"<@{OTHER}> removed KPI complaints: `cumulative, lower is better (readings kept)`." in posts

    response = await bot.http.get(f"/api/campaigns/{campaign.id}/audit", headers=await bot.bearer())
    assert response.status_code == 200
    trail = [(entry["user_id"], entry["subject"], entry["old"], entry["new"]) for entry in response.json()]
    assert trail == [
        (COMMANDER, "setting ack.red", "5m", "3m"),
        (OTHER, "the target of gmv", None, "2,000,000"),
        (OTHER, "the target of gmv", "2,000,000", "2,500,000"),
        (COMMANDER, "role tier1", None, DANA),
        (COMMANDER, "role tier1", DANA, f"{OTHER} {DANA}"),
        (OTHER, "KPI complaints", "cumulative, lower is better (readings kept)", None),
        (COMMANDER, "phase", "warmup", "live"),
    ]
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00 Asia/Shanghai', channel="C0OTHERROOM")
    other = next(c for c in await bot.campaigns() if c.id != campaign.id)
    other_token = await bot.bearer(other.id)
    assert (await bot.http.get(f"/api/campaigns/{campaign.id}/audit", headers=other_token)).status_code == 404

    bot.standin.add_user(DANA, "dana")
    report = (await bot.http.get(f"/api/campaigns/{campaign.id}/report", headers=await bot.bearer())).text
    assert "### Changes to how the campaign was run" in report
    assert "| role tier1 | @dana | @U0OTHER001 / @dana |" in report


async def test_a_removed_kpi_keeps_its_readings_and_comes_back_with_them(
    bot: SlackDriver, campaign: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("metric gmv 500000")
    answer = await bot.ephemeral("kpi remove gmv", user=OTHER)
    assert "its readings are kept: `/warroom kpi restore gmv` brings it back" in answer
    assert "not a KPI of this campaign" in await bot.ephemeral("metric gmv 600000")
    assert "`/warroom kpi restore gmv` brings it back" in await bot.ephemeral("kpi add gmv cumulative higher")
    clock.advance(timedelta(minutes=5))
    assert "Restored KPI `gmv` with its readings" in await bot.ephemeral("kpi restore gmv")
    async with bot.runtime.sessions() as session:
        (gmv,) = [kpi for kpi in await metrics.kpis_of(session, campaign.id) if kpi.key == "gmv"]
        assert (await metrics.latest(session, [gmv.id]))[gmv.id][""].value == 500_000
    assert "not a removed KPI" in await bot.ephemeral("kpi restore gmv")
