"""Emergency plans end to end: the shipped plans, a plan's checklist in an escalation's thread with
Done buttons, step time boxes, resolve-by deadlines, update nudges, "Escalate this message", drills,
and a team's plan file (CLI and REST)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from warroom_bot.cli import main
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId, BlockId, CallbackId, step_block
from warroom_bot.core.settings import Settings
from warroom_bot.core.yaml_files import FileProblems
from warroom_bot.devtools.driver import ANA, BEN, CHANNEL, COMMANDER, DAN, SlackDriver
from warroom_bot.devtools.standin import Call
from warroom_bot.models import Campaign
from warroom_bot.plans.library import parse_plan_file

STOCKOUT = "red plan:stockout SKU-9 below the safety line in South"
LOGISTICS_LEAD, SALES_LEAD = "U0LOG00001", "U0SAL00001"


@pytest.fixture
async def room(bot: SlackDriver, campaign: Campaign, with_roster: Callable[[], Awaitable[None]]) -> Campaign:
    """Ana leads supply chain, Ben marketing; logistics and sales have leads; Dan is tier 1."""
    await with_roster()
    await bot.ephemeral(f"role lead:logistics <@{LOGISTICS_LEAD}>")
    await bot.ephemeral(f"role lead:sales <@{SALES_LEAD}>")
    await bot.ephemeral(f"role tier1 <@{DAN}>")
    await bot.tick()
    return campaign


def post_of(bot: SlackDriver, number: int) -> Call:
    return next(call for call in bot.posts(f"#{number} ", channel=CHANNEL) if "thread_ts" not in call.args)


def checklist_of(bot: SlackDriver, post: Call) -> Call:
    """The plan's checklist in the thread of `post`: the reply with a block per step."""
    return next(
        call
        for call in bot.posts()
        if call.args.get("thread_ts") == post.response["ts"]
        and any(block.get("block_id") == step_block(1) for block in call.args["blocks"])
    )


def shown(bot: SlackDriver, call: Call) -> dict[str, Any]:
    return bot.standin.messages[(call.response["channel"], call.response["ts"])]


def step_text(message: dict[str, Any], position: int) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b.get("block_id") == step_block(position))


def dms(bot: SlackDriver, user: str, containing: str = "") -> list[str]:
    return [call.args["text"] for call in bot.posts(containing, channel=user)]


async def status(bot: SlackDriver) -> str:
    """`/warroom status` as the caller sees it (its details are in the blocks)."""
    return json.dumps((await bot.command("status")).json()["blocks"], ensure_ascii=False)


async def escalate(bot: SlackDriver, text: str = STOCKOUT, **kwargs: Any) -> str:
    answer = await bot.ephemeral(text, command="/escalate", **kwargs)
    await bot.tick()
    return answer


async def test_the_shipped_plans_are_listed_and_shown(bot: SlackDriver, campaign: Campaign) -> None:
    listed = await bot.ephemeral("plans")
    for key in (
        "stockout",
        "system_outage",
        "payment_failure",
        "logistics_delay",
        "pr_crisis",
        "traffic_surge",
        "price_error",
    ):
        assert f"`{key}`" in listed
    one = await bot.ephemeral("plans stockout")
    assert "*Stock shortage* (`stockout`)" in one
    assert "2. Transfer stock across warehouses to the short region · lead:logistics · within 2h" in one
    refused = await bot.ephemeral("plans stockuot")
    assert "There is no plan `stockuot`. Did you mean `stockout`?" in refused


async def test_a_plan_runs_in_the_thread_and_done_marks_a_step_with_who_and_when(
    bot: SlackDriver, room: Campaign
) -> None:
    await escalate(bot)
    post = post_of(bot, 1)
    assert "*Plan:* Stock shortage (`stockout`)" in str(post.args["blocks"])
    thread = bot.thread(post.response["ts"])
    assert any("Plan *Stock shortage* (`stockout`) started: 5 steps" in line and f"<@{ANA}>" in line for line in thread)
    assert dms(bot, ANA, "plan *Stock shortage*, which your department owns, started")
    checklist = checklist_of(bot, post)
    dones = [b for b in checklist.args["blocks"] if (b.get("accessory") or {}).get("action_id") == ActionId.STEP_DONE]
    assert len(dones) == 5
    assert "0 of 5 steps done" in str(checklist.args["blocks"])

    assert (await bot.tap(checklist, ActionId.STEP_DONE, LOGISTICS_LEAD, block=step_block(2))).status_code == 200
    await bot.tick()
    now_shown = shown(bot, checklist)
    assert f"done by <@{LOGISTICS_LEAD}> at <!date^" in step_text(now_shown, 2)
    assert "1 of 5 steps done" in str(now_shown["blocks"])
    assert not any(
        (b.get("accessory") or {}).get("action_id") for b in now_shown["blocks"] if b.get("block_id") == step_block(2)
    )
    assert f"Step 2 done by <@{LOGISTICS_LEAD}>: Transfer stock" in "\n".join(bot.thread(post.response["ts"]))

    # A second tap, from a phone still showing the first checklist, changes nothing and says who did it.
    again = await bot.tap(checklist, ActionId.STEP_DONE, ANA, stale=True, block=step_block(2))
    assert again.status_code == 200
    answers = [call.args for call in bot.standin.calls if call.method == "response_url"]
    assert f"Step 2 was done by <@{LOGISTICS_LEAD}>" in answers[-1]["text"]
    assert "1 of 5 steps done" in str(shown(bot, checklist)["blocks"])


async def test_the_form_offers_the_plans(bot: SlackDriver, room: Campaign) -> None:
    assert (await bot.command("", command="/escalate")).status_code == 200
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    plan_block = next(b for b in view["blocks"] if b["block_id"] == BlockId.PLAN)
    assert {o["value"] for o in plan_block["element"]["options"]} >= {"stockout", "pr_crisis"}
    answers = {BlockId.SEVERITY: "orange", BlockId.SUMMARY: "Couriers in the North are two days late"}
    submitted = await bot.submit(view, {**answers, BlockId.PLAN: "logistics_delay"}, user=COMMANDER)
    assert submitted.status_code == 200 and not submitted.content, submitted.text
    await bot.tick()
    assert "Plan: Logistics delay" in str(checklist_of(bot, post_of(bot, 1)).args["blocks"])


async def test_escalate_this_message_opens_the_form_filled_in_and_the_thread_links_back(
    bot: SlackDriver, room: Campaign
) -> None:
    said = bot.standin.say(CHANNEL, BEN, "Checkout errors in the app since 21:05\nabout 1 in 5 orders fail")
    assert (await bot.message_shortcut(said, user=BEN)).status_code == 200
    (opened,) = await bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == CallbackId.RAISE_ESCALATION
    fields = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert fields[BlockId.SUMMARY] == "Checkout errors in the app since 21:05"
    assert fields[BlockId.DETAILS] == "Checkout errors in the app since 21:05\nabout 1 in 5 orders fail"
    assert (
        await bot.submit(view, {BlockId.SEVERITY: "red", BlockId.PLAN: "payment_failure"}, user=BEN)
    ).status_code == 200
    await bot.tick()
    post = post_of(bot, 1)
    link = f"https://warroom-standin.slack.com/archives/{CHANNEL}/p{said.replace('.', '')}"
    assert f"<{link}|the message it was raised from>" in str(post.args["blocks"])
    assert f"Raised by <@{BEN}> from <{link}|this message>." in bot.thread(post.response["ts"])


async def test_a_shortcut_outside_a_war_room_is_refused(bot: SlackDriver, room: Campaign) -> None:
    said = bot.standin.say("C0ELSEWHERE", BEN, "hello")
    assert (await bot.message_shortcut(said, user=BEN, channel="C0ELSEWHERE")).status_code == 200
    answers = [call.args for call in bot.standin.calls if call.method == "response_url"]
    assert "This channel has no campaign" in answers[-1]["text"]
    assert not bot.standin.ok_calls("views.open")


async def test_a_step_past_its_time_box_is_named_once_and_dmed_to_its_role(
    bot: SlackDriver, room: Campaign, clock: ManualClock
) -> None:
    await escalate(bot)
    post = post_of(bot, 1)
    clock.advance(timedelta(minutes=29))
    await bot.tick()
    assert not dms(bot, ANA, "past its time box")
    clock.advance(timedelta(minutes=1))
    await bot.tick()
    await bot.tick()
    (late,) = dms(bot, ANA, "past its time box")
    assert "Step 1 is past its time box (30m): Confirm the real stock" in late
    assert sum("Step 1 is past its time box" in line for line in bot.thread(post.response["ts"])) == 1
    assert ":alarm_clock:" in step_text(shown(bot, checklist_of(bot, post)), 1)


async def test_resolving_and_closing_cancel_what_is_pending(
    bot: SlackDriver, room: Campaign, clock: ManualClock
) -> None:
    await escalate(bot)  # #1 stockout: time boxes from 30m, resolve-by 2h
    await escalate(bot, "orange plan:logistics_delay Couriers late")  # #2: time boxes from 1h, resolve-by 6h
    await bot.ephemeral("ack 1", command="/escalate", user=DAN)
    await bot.ephemeral("ack 2", command="/escalate", user=BEN)
    await bot.ephemeral("resolve 1 restocked", command="/escalate")
    await bot.tick()
    first, second = post_of(bot, 1).response["ts"], post_of(bot, 2).response["ts"]
    clock.advance(timedelta(hours=3))
    await bot.tick()
    assert not [line for line in bot.thread(first) if "time box" in line or "resolve-by" in line]
    assert not bot.posts("nothing new in its thread", channel=DAN)  # no nudge for the resolved one
    assert any("Step 1 is past its time box" in line for line in bot.thread(second))
    assert bot.posts("ORANGE #2 Couriers late: nothing new in its thread for 1h", channel=BEN)

    await bot.ephemeral("phase closed --force")
    await bot.tick()
    sent = len(bot.standin.ok_calls("chat.postMessage"))
    clock.advance(timedelta(days=2))
    await bot.tick()
    assert bot.standin.ok_calls("chat.postMessage")[sent:] == []


async def test_resolve_by_breach_is_told_once_in_the_thread_and_to_the_commander(
    bot: SlackDriver, room: Campaign, clock: ManualClock
) -> None:
    await bot.ephemeral("config resolve.yellow 1h")
    await escalate(bot, "yellow Slow image loading")
    await escalate(bot, "yellow Coupon banner typo")
    await bot.ephemeral("resolve 2 fixed", command="/escalate")
    clock.advance(timedelta(minutes=59))
    await bot.tick()
    assert not dms(bot, COMMANDER, "resolve-by")
    clock.advance(timedelta(minutes=1))
    await bot.tick()
    clock.advance(timedelta(hours=3))
    await bot.tick()
    (breach,) = dms(bot, COMMANDER, "resolve-by")
    assert "YELLOW #1 Slow image loading is not resolved after 1h, its resolve-by deadline" in breach
    post = post_of(bot, 1)
    assert sum("resolve-by" in line for line in bot.thread(post.response["ts"])) == 1
    assert "1 past resolve-by" in await status(bot)


async def test_a_quiet_acknowledged_escalation_nudges_and_an_update_resets_the_timer(
    bot: SlackDriver, room: Campaign, clock: ManualClock
) -> None:
    await escalate(bot, "red Checkout slow")
    await bot.ephemeral("ack 1", command="/escalate", user=DAN)
    clock.advance(timedelta(minutes=20))
    await bot.ephemeral("update 1 Rolled back the release; watching", command="/escalate", user=DAN)
    clock.advance(timedelta(minutes=20))
    await bot.tick()
    assert not dms(bot, DAN, "Post an update")
    clock.advance(timedelta(minutes=10))
    await bot.tick()
    (nudge,) = bot.posts("nothing new in its thread for 30m", channel=DAN)
    view = await bot.open_form(nudge, ActionId.POST_UPDATE, DAN)
    assert view["callback_id"] == CallbackId.POST_UPDATE
    assert (await bot.submit(view, {BlockId.UPDATE: "Error rate back to 0.1%"}, user=DAN)).status_code == 200
    await bot.tick()
    thread = bot.thread(post_of(bot, 1).response["ts"])
    assert f"Update from <@{DAN}>: Rolled back the release; watching" in thread
    assert f"Update from <@{DAN}>: Error rate back to 0.1%" in thread
    clock.advance(timedelta(minutes=29))
    await bot.tick()
    assert len(bot.posts("nothing new in its thread", channel=DAN)) == 1


async def test_a_drill_is_labelled_everywhere_and_kept_out_of_the_figures(
    bot: SlackDriver, room: Campaign, clock: ManualClock
) -> None:
    started = await bot.ephemeral("drill stockout")
    await bot.tick()
    assert "DRILL RED #1 Stock shortage" in started
    post = post_of(bot, 1)
    assert post.args["text"].startswith("DRILL RED #1")
    assert "This is a drill" in str(post.args["blocks"])
    (page,) = bot.posts("", channel=DAN)
    assert page.args["text"].startswith("DRILL RED #1 Stock shortage — acknowledge within")
    assert all("DRILL" in line for line in dms(bot, ANA))
    clock.advance(timedelta(minutes=3))
    await bot.tap(page, ActionId.ACKNOWLEDGE, DAN)
    await bot.tick()
    assert "*Open escalations:* none" in await status(bot)
    checklist = checklist_of(bot, post)
    assert (await bot.tap(checklist, ActionId.STEP_DONE, ANA, block=step_block(1))).status_code == 200
    clock.advance(timedelta(hours=1))  # step 3 (1h) and step 5 (1h) pass their time boxes
    await bot.tick()
    headers = await bot.bearer()
    times = (await bot.http.get(f"/api/campaigns/{room.id}/escalations", headers=headers)).json()
    assert times["response_times"] == []
    assert times["escalations"][0]["drill"] is True
    report = (await bot.http.get(f"/api/campaigns/{room.id}/report", headers=headers)).text
    assert "No escalations were raised." in report
    assert "### Drills" in report and "| #1 | Stock shortage |" in report and "| 3m | 1/5 | 2 |" in report


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plans.yaml"
    path.write_text(text, encoding="utf-8")
    return path


TEAM_PLANS = """\
plans:
  - key: stockout
    title: Out of stock (our way)
    risk: A hero SKU sells out
    severity: orange
    owner: supply_chain
    steps:
      - do: Call the factory
        role: lead:supply_chain
        within: 1h
  - key: live_stream_down
    title: Live stream down
    risk: The host's stream drops during a flash sale
    severity: red
    owner: marketing
    steps:
      - do: Switch to the backup stream
        role: lead:tech
        within: 5m
      - do: Post a notice in the shop
    contacts: [Studio manager]
"""


async def test_a_team_plan_file_is_validated_by_line_and_replaces_the_shipped_plan(
    bot: SlackDriver, campaign: Campaign, settings: Settings, tmp_path: Path
) -> None:
    broken = TEAM_PLANS.replace("within: 5m", "within: soon").replace("severity: orange", "severity: crimson")
    env = {"DATABASE_URL": settings.database_url}
    result = await asyncio.to_thread(CliRunner().invoke, main, ["plans", "load", str(write(tmp_path, broken))], env=env)
    assert result.exit_code == 2
    assert "line 5: plans.0.severity: Input should be 'blue', 'yellow', 'orange' or 'red'" in result.output
    assert "line 19: plans.1.steps.0.within: soon is not a duration" in result.output
    assert "Stock shortage" in await bot.ephemeral("plans stockout")

    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["plans", "load", str(write(tmp_path, TEAM_PLANS))], env=env
    )
    assert result.exit_code == 0, result.output
    assert "Loaded 2 plans" in result.output
    listed = await bot.ephemeral("plans")
    assert "`stockout` Out of stock (our way) (your team's)" in listed
    assert "`live_stream_down` Live stream down (your team's)" in listed
    assert "`pr_crisis` Public-opinion crisis —" in listed
    await escalate(bot, "red plan:live_stream_down Stream dropped")
    assert "Plan: Live stream down* — 0 of 2 steps done" in str(checklist_of(bot, post_of(bot, 1)).args["blocks"])


async def test_plans_over_rest(bot: SlackDriver, campaign: Campaign) -> None:
    admin, scoped = await bot.bearer(), await bot.bearer(campaign.id, name="wall")
    listed = (await bot.http.get("/api/plans", headers=scoped)).json()
    assert [p["key"] for p in listed][:2] == ["stockout", "system_outage"]
    assert listed[0]["shipped"] is True and listed[0]["steps"][0]["within"] == "30m"
    body = {
        "plans": [
            {
                "key": "flash_fail",
                "title": "Flash sale failed",
                "risk": "x",
                "severity": "red",
                "owner": "tech",
                "steps": [{"do": "Restart the sale", "within": "10m"}],
            }
        ]
    }
    assert (await bot.http.put("/api/plans", json=body, headers=scoped)).status_code == 403
    bad = {"plans": [{**body["plans"][0], "severity": "purple"}]}
    refused = await bot.http.put("/api/plans", json=bad, headers=admin)
    assert refused.status_code == 422
    assert [problem["loc"] for problem in refused.json()["detail"]] == [["body", "plans", 0, "severity"]]
    stored = await bot.http.put("/api/plans", json=body, headers=admin)
    assert stored.status_code == 200
    assert [p["key"] for p in stored.json()][-1] == "flash_fail"
    assert "`flash_fail`" in await bot.ephemeral("plans")


async def test_a_chinese_war_room_runs_the_shipped_plan_in_chinese(bot: SlackDriver, room: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    await escalate(bot, "红 预案:stockout 南区 SKU-9 跌破安全线")
    post = post_of(bot, 1)
    checklist = checklist_of(bot, post)
    assert "预案：缺货* —— 已完成 0/5 步" in str(checklist.args["blocks"])
    assert "1. 核实各仓及在途的真实库存 · 供应链负责人 · 时限 30分钟" in step_text(checklist.args, 1)
    assert "*缺货*（`stockout`）" in await bot.ephemeral("plans stockout")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("plans:\n  - &a {key: x}\n  - *a\n", "line 3: anchors and aliases (*name) are not accepted"),
        ("plans: [\n", "not valid YAML"),
        ("- just a list\n", "line 1: the file must be a mapping with a `plans:` list"),
        ("plans:\n  - key: Bad Key!\n", "line 2: plans.0.key: String should match pattern"),
        ("plans: []\n" + "#" * (256 * 1024), "the file is larger than 256 KiB"),
        (TEAM_PLANS.replace("key: live_stream_down", "key: stockout"), "the key stockout is used twice"),
    ],
)
def test_a_plan_file_is_refused_whole_with_each_mistake_named(text: str, problem: str) -> None:
    with pytest.raises(FileProblems) as refused:
        parse_plan_file(text)
    assert any(problem in line for line in refused.value.problems), refused.value.problems


async def test_an_update_too_long_or_empty_is_refused_and_changes_nothing(bot: SlackDriver, room: Campaign) -> None:
    await escalate(bot, "red Checkout slow")
    refused = await bot.ephemeral("update 1 " + "x" * 2001, command="/escalate")
    assert "An update can be at most 2000 characters (it has 2001)." in refused
    assert "An update needs a few words" in await bot.ephemeral("update 1", command="/escalate")
    assert not [line for line in bot.thread(post_of(bot, 1).response["ts"]) if line.startswith("Update from")]
