"""/warroom through signed requests: campaign state in the database, messages at the stand-in."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from warroom_bot.core.ids import ActionId, BlockId, CallbackId
from warroom_bot.devtools.driver import CHANNEL, COMMANDER, OTHER, START_LINE, SlackDriver
from warroom_bot.models import Campaign, Phase


async def test_one_line_start_creates_the_campaign_and_announces_it(bot: SlackDriver) -> None:
    answer = await bot.ephemeral(f"start {START_LINE}")

    assert "Started *Double 11*" in answer
    (campaign,) = await bot.campaigns()
    assert campaign.channel_id == CHANNEL
    assert campaign.timezone == "Asia/Shanghai"
    assert campaign.starts_at == datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    assert campaign.ends_at == datetime(2026, 11, 11, 16, 0, tzinfo=UTC)
    assert campaign.phase == Phase.WARMUP  # the clock stands at 9 Nov
    (post,) = await bot.standin.wait_for("chat.postMessage")
    assert post.args["channel"] == CHANNEL
    assert "Double 11" in post.args["text"]
    assert "Tue 10 Nov 20:00" in post.args["text"]  # shown in the campaign's own time zone
    assert post.token == "xoxb-test-token"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("start Double", "takes a name, a start, an end"),
        ('start "Double 11" 2026-11-10T20:00 tomorrow', "`tomorrow` is not a date and time"),
        ('start "Double 11" 2026-11-12T00:00 2026-11-10T20:00', "must end after it starts"),
        ('start "Double 11" 2026-11-10T20:00 2026-11-12T00:00 Mars/Base', "not a time zone"),
        ('start "" 2026-11-10T20:00 2026-11-12T00:00', "needs a name"),
        ('start "Double 11 2026-11-10T20:00', "quote is not closed"),
    ],
)
async def test_malformed_start_names_the_problem_and_the_form_and_changes_nothing(
    bot: SlackDriver, text: str, problem: str
) -> None:
    answer = await bot.ephemeral(text)

    assert problem in answer
    assert "/warroom start" in answer or "quote" in problem
    assert await bot.campaigns() == []
    assert await bot.outbox() == []


@pytest.mark.parametrize(
    ("period", "phase"),
    [
        ("2026-11-10T20:00 2026-11-12T00:00", Phase.WARMUP),
        ("2026-11-09T00:00 2026-11-12T00:00", Phase.LIVE),
        ("2026-11-01T00:00 2026-11-02T00:00", Phase.WRAPUP),
    ],
)
async def test_the_first_phase_follows_the_clock(bot: SlackDriver, period: str, phase: Phase) -> None:
    await bot.ephemeral(f'start "Double 11" {period}')
    (campaign,) = await bot.campaigns()
    assert campaign.phase == phase


async def test_a_channel_runs_one_campaign_at_a_time(bot: SlackDriver, campaign: Campaign) -> None:
    answer = await bot.ephemeral(f"start {START_LINE}")

    assert "already runs *Double 11*" in answer
    assert len(await bot.campaigns()) == 1
    assert "not a /warroom command" in await bot.ephemeral("launch")


async def test_commands_outside_a_campaign_channel_say_so(bot: SlackDriver) -> None:
    for text in ("status", "phase live", "role tier1 <@U1>", "config ack.red 5m"):
        assert "This channel has no campaign" in await bot.ephemeral(text)


async def test_status_is_for_the_caller_only_and_shows_roster_and_settings(
    bot: SlackDriver, campaign: Campaign
) -> None:
    posts_before = len(bot.standin.ok_calls("chat.postMessage"))
    response = await bot.command("status", user=OTHER)

    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Double 11: warm-up" in body["text"]
    rendered = json.dumps(body["blocks"])
    assert f"<@{COMMANDER}>" in rendered and "commander" in rendered
    assert "ack.red" in rendered and "5m" in rendered
    await bot.tick()
    assert len(bot.standin.ok_calls("chat.postMessage")) == posts_before  # nothing was posted to the channel


async def test_roles_are_set_by_the_commander_and_announced(bot: SlackDriver, campaign: Campaign) -> None:
    answer = await bot.ephemeral("role tier1 <@U0PRIMARY1|ana> <@U0BACKUP01>")
    assert "tier1 is now <@U0PRIMARY1>" in answer
    await bot.ephemeral("role lead:supply-chain <@U0SUPPLY01>")

    posts = await bot.standin.wait_for("chat.postMessage", 3)
    assert "Role tier1: <@U0PRIMARY1>, backup <@U0BACKUP01>" in posts[1].args["text"]
    status = json.dumps((await bot.command("status")).json()["blocks"])
    assert "*lead:supply_chain*: <@U0SUPPLY01>" in status

    # A new commander takes over the right to set roles; the starter keeps it too.
    await bot.ephemeral(f"role commander <@{OTHER}>")
    assert "tier2 is now" in await bot.ephemeral("role tier2 <@U0TIER2001>", user=OTHER)
    assert "Only the commander" in await bot.ephemeral("role tier3 <@U0TIER3001>", user="U0STRANGER")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("role chief <@U0X1>", "`chief` is not a role"),
        ("role lead:legal <@U0X1>", "names no department"),
        ("role tier1 dana", "`dana` is not a person"),
        ("role tier1 <!channel>", "is not a person"),
        ("role tier1", "takes a role, a person"),
        ("role tier1 <@U0X1> <@U0X1>", "backup must be someone other"),
    ],
)
async def test_bad_role_commands_change_nothing(bot: SlackDriver, campaign: Campaign, text: str, problem: str) -> None:
    outbox_before = await bot.outbox()
    answer = await bot.ephemeral(text)
    assert problem in answer
    assert "/warroom role <role> @primary [@backup]" in answer
    assert len(await bot.outbox()) == len(outbox_before)


async def test_phase_changes_are_announced_and_closed_frees_the_channel(bot: SlackDriver, campaign: Campaign) -> None:
    early = await bot.ephemeral("phase live")  # the live period starts tomorrow: probably a slip
    assert "The live period starts Tue 10 Nov 20:00 (Asia/Shanghai), in 1d" in early and "--force" in early
    assert [c.phase for c in await bot.campaigns()] == [Phase.WARMUP]
    assert "Phase set to *live*" in await bot.ephemeral("phase live --force")
    assert "already in its live phase; nothing was changed" in await bot.ephemeral("phase live")
    assert "not a phase" in await bot.ephemeral("phase party")
    assert "Only the commander" in await bot.ephemeral("phase wrapup", user=OTHER)
    posts = await bot.standin.wait_for("chat.postMessage", 2)
    assert "phase changed from warm-up to live" in posts[1].args["text"]

    await bot.ephemeral("phase closed")
    assert "This channel has no campaign" in await bot.ephemeral("status")
    assert "Started" in await bot.ephemeral(f"start {START_LINE}")
    assert [c.phase for c in await bot.campaigns()] == [Phase.CLOSED, Phase.WARMUP]


async def test_config_validates_and_stores_normalised_values(bot: SlackDriver, campaign: Campaign) -> None:
    assert "`ack.red` is now `1h30m`" in await bot.ephemeral("config ack.RED 90m")
    assert "`quiet` is now `23:00-07:00`" in await bot.ephemeral("config quiet 23:00-07:00")
    assert "`approval.threshold` is now `¥50,000`" in await bot.ephemeral("config approval.threshold 50k")
    assert "leave 1m of the day for digests" in await bot.ephemeral("config quiet 00:00-23:59")  # never a digest
    bad = await bot.ephemeral("config digest.every 3h")
    assert "not a digest cadence" in bad and "/warroom config digest.every <1h|2h>" in bad
    assert "not a setting" in await bot.ephemeral("config colour blue")
    assert "Only the commander" in await bot.ephemeral("config ack.red 1m", user=OTHER)

    (stored,) = await bot.campaigns()
    assert stored.config == {"ack.red": "1h30m", "quiet": "23:00-07:00", "approval.threshold": "¥50,000"}


async def test_config_alone_lists_every_setting_in_force(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config ack.red 3m")
    answer = await bot.ephemeral("config")
    assert answer.startswith("*Settings of Double 11* — change one with `/warroom config <key> <value>`:")
    assert "• `ack.red` `3m` — time to acknowledge a red escalation" in answer
    assert "• `lang` `en` — the language of the war room's messages" in answer
    await bot.ephemeral("config lang zh-CN")
    assert "• `ack.red` `3m` —— 红色升级的确认时限" in await bot.ephemeral("config")


async def test_changes_are_announced_in_the_campaigns_language(bot: SlackDriver, campaign: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    await bot.ephemeral("config ack.red 3m")
    await bot.ephemeral("target gmv 1m")
    await bot.ephemeral("role lead:supply-chain <@U0SUPPLY01>")
    await bot.tick()
    texts = [call.args["text"] for call in bot.standin.ok_calls("chat.postMessage")]
    assert f"<@{COMMANDER}> 修改了设置 ack.red：`5m` → `3m`。" in texts
    assert f"<@{COMMANDER}> 新增了目标（gmv）：`1,000,000`。" in texts
    assert f"角色 供应链负责人：<@U0SUPPLY01>（由 <@{COMMANDER}> 设置）。" in texts


async def test_help_lists_the_commands(bot: SlackDriver) -> None:
    """What the person sees is the blocks (the text, their notification fallback, is cut at 4,000 characters)."""
    for text in ("", "help"):
        shown = "\n".join(block["text"]["text"] for block in (await bot.command(text)).json()["blocks"])
        for word in ("/warroom start", "/warroom role", "/warroom tasks", "/escalate list", "/budget plan", "ack.red"):
            assert word in shown


def _modal_values(**fields: str) -> dict[str, dict[str, dict[str, str]]]:
    return {block: {ActionId.INPUT: {"type": "plain_text_input", "value": value}} for block, value in fields.items()}


async def test_start_without_text_opens_the_modal_and_its_submission_starts_the_campaign(bot: SlackDriver) -> None:
    response = await bot.command("start")
    assert response.status_code == 200

    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == CallbackId.START_CAMPAIGN
    assert opened.args["trigger_id"]

    bad = await bot.send(
        bot.requests.view_submission(
            callback_id=CallbackId.START_CAMPAIGN,
            private_metadata=view["private_metadata"],
            user_id=COMMANDER,
            values=_modal_values(name="618", starts="next week", ends="2026-11-12T00:00", timezone="UTC"),
        )
    )
    assert bad.json() == {
        "response_action": "errors",
        "errors": {BlockId.STARTS: "`next week` is not a date and time: write it like `2026-11-10T20:00`."},
    }
    assert await bot.campaigns() == []

    good = await bot.send(
        bot.requests.view_submission(
            callback_id=CallbackId.START_CAMPAIGN,
            private_metadata=view["private_metadata"],
            user_id=COMMANDER,
            values=_modal_values(
                name="618", starts="2026-11-10T00:00", ends="2026-11-12T00:00", timezone="Europe/Berlin"
            ),
        )
    )
    assert good.status_code == 200 and good.content in (b"", b"null")
    (campaign,) = await bot.campaigns()
    assert (campaign.name, campaign.channel_id, campaign.timezone) == ("618", CHANNEL, "Europe/Berlin")
    (announcement,) = await bot.standin.wait_for("chat.postMessage")
    assert announcement.args["channel"] == CHANNEL


async def test_user_text_cannot_ping_the_channel(bot: SlackDriver) -> None:
    await bot.ephemeral('start "<!channel> sale & <b>" 2026-11-10T20:00 2026-11-12T00:00')
    (post,) = await bot.standin.wait_for("chat.postMessage")
    mrkdwn = [post.args["text"], *re.findall(r'"type": "mrkdwn", "text": "([^"]*)"', json.dumps(post.args["blocks"]))]
    assert len(mrkdwn) > 1
    assert not any("<!channel>" in text for text in mrkdwn)  # plain_text (the header) is never parsed for mentions
    assert "&lt;!channel&gt; sale &amp; &lt;b&gt;" in post.args["text"]


async def test_a_slash_command_without_a_listener_gets_a_clear_answer(bot: SlackDriver) -> None:
    answer = await bot.ephemeral("list", command="/incident")
    assert "`/incident` is not handled by this warroom-bot server" in answer


async def test_a_start_without_a_time_zone_or_in_the_past_is_done_with_a_warning(bot: SlackDriver) -> None:
    answer = await bot.ephemeral('start "618" 2026-11-01T20:00 2026-11-12T00:00')
    assert "Started *618*" in answer
    assert "No time zone was given, so these times are UTC" in answer
    assert "The live period began Sun 01 Nov 20:00, 7d16h ago, so the campaign opens in *live*" in answer
    quiet = await bot.ephemeral(f"start {START_LINE}", channel="C0OTHERROOM")
    assert "Started" in quiet and ":warning:" not in quiet


async def test_a_cumulative_reading_below_the_last_is_stored_with_a_warning(
    bot: SlackDriver, campaign: Campaign
) -> None:
    assert ":warning:" not in await bot.ephemeral("metric orders 500")
    lower = await bot.ephemeral("metric orders 20")
    assert "Recorded orders = 20" in lower
    assert "less than the previous reading (500 at Mon 09 Nov 20:00)" in lower and "send the new total" in lower
    assert ":warning:" not in await bot.ephemeral("metric inventory 900")
    assert ":warning:" not in await bot.ephemeral("metric inventory 100")  # a gauge may fall
