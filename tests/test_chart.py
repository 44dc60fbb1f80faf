"""`/warroom chart <kpi>`: a PNG drawn from the stored readings, uploaded by the files upload v2 flow."""

from __future__ import annotations

import struct
from datetime import timedelta

from models import Campaign
from tests.conftest import CHANNEL, SlackDriver
from tests.test_digest import LIVE
from warroom_bot.clock import ManualClock


async def test_a_chart_of_actual_against_target_is_uploaded_to_the_channel(
    bot: SlackDriver, clock: ManualClock
) -> None:
    await bot.ephemeral(f"start {LIVE}")
    await bot.ephemeral("target gmv 4m")
    for value in ("200k", "600k", "1.1m"):
        await bot.ephemeral(f"metric gmv {value}")
        clock.advance(timedelta(hours=2))

    assert "Drawing gmv" in await bot.ephemeral("chart gmv")
    (complete,) = await bot.standin.wait_for("files.completeUploadExternal")
    (requested,) = bot.standin.ok_calls("files.getUploadURLExternal")
    assert requested.args["filename"] == "gmv.png"
    assert complete.args["channel_id"] == CHANNEL
    assert "GMV: actual against target to date" in complete.args["initial_comment"]
    png = bot.standin.uploads[requested.response["file_id"]]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (800, 400)  # the IHDR chunk: width and height


async def test_a_chart_needs_readings_and_a_known_kpi(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("chart visitors")
    await bot.standin.wait_for("response_url")
    assert "Visitors has no readings yet" in bot.standin.ok_calls("response_url")[-1].args["text"]
    await bot.ephemeral("chart sales")
    await bot.standin.wait_for("response_url", 2)
    assert "`sales` is not a KPI" in bot.standin.ok_calls("response_url")[-1].args["text"]
    assert bot.standin.ok_calls("files.completeUploadExternal") == []
