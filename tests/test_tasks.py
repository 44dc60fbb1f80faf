"""Countdown and checklists end to end: the milestones of a campaign started weeks ahead, tasks
added, closed and skipped (command and Done button), the owners' reminders and the overdue raise,
the daily countdown and the go/no-go, recurring tasks and key moments through a DST change and
quiet hours, the on-time figures in the digest, retro, report and REST API, and a team's template."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from warroom_bot.cli import main
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import ANA, BEN, CHANNEL, CHO, COMMANDER, OTHER, SlackDriver, local
from warroom_bot.models import Campaign

# Started at noon on 21 Oct, Shanghai: 20 days before a launch on 10 Nov 00:00.
AHEAD_LINE = '"Double 11" 2026-11-10T00:00 2026-11-12T00:00 Asia/Shanghai'


@pytest.fixture
async def ahead(bot: SlackDriver, clock: ManualClock, with_roster: Callable[[], Awaitable[None]]) -> Campaign:
    """A campaign started 20 days before launch, with Ana leading supply chain and Ben marketing."""
    clock.set(local("2026-10-21T12:00"))
    await bot.ephemeral(f"start {AHEAD_LINE}")
    await with_roster()
    await bot.tick()
    (campaign,) = await bot.campaigns()
    return campaign


def listed(answer: dict) -> str:
    return json.dumps(answer["blocks"], ensure_ascii=False)


def dms(bot: SlackDriver, user: str, containing: str = "") -> list[str]:
    return [call.args["text"] for call in bot.posts(containing, channel=user)]


async def test_a_campaign_started_twenty_days_ahead_lists_the_countdown_milestones(
    bot: SlackDriver, ahead: Campaign
) -> None:
    answer = (await bot.command("tasks")).json()
    shown = listed(answer)
    assert "Open tasks (13)" in shown
    for milestone in ("Stress test passed", "Core systems (CRM, ERP) upgraded", "Full-flow rehearsal"):
        assert milestone in shown
    assert "(T-7)" in shown and "lead:tech" in shown
    buttons = [
        b["accessory"] for b in answer["blocks"] if b.get("accessory", {}).get("action_id") == ActionId.TASK_DONE
    ]
    assert len(buttons) == 13


def tasks_of(answer: dict) -> str:
    return answer["text"] + listed(answer)


async def test_a_task_added_appears_and_done_or_skip_closes_it(bot: SlackDriver, ahead: Campaign) -> None:
    added = await bot.ephemeral(f'task add "Print the store posters" <@{BEN}> T-9 14:00')
    assert "Added task #14 *Print the store posters* for <@U0BEN00001>, due Sun 01 Nov 14:00 (T-9)." in added
    assert dms(bot, BEN, "gave you a task") == []  # not before the outbox is drained
    await bot.tick()
    (assigned,) = bot.posts("gave you a task", channel=BEN)
    assert "#14 *Print the store posters*" in assigned.args["text"]
    assert "Print the store posters" in tasks_of((await bot.command("tasks")).json())

    done = await bot.ephemeral("task done 14", user=BEN)
    assert "Task #14 Print the store posters done (<@U0BEN00001>)." in done
    assert "Print the store posters" not in tasks_of((await bot.command("tasks")).json())
    again = await bot.ephemeral("task done #14", user=BEN)
    assert "Task #14 was already closed by <@U0BEN00001> at Wed 21 Oct 12:00; nothing was changed." in again

    await bot.ephemeral('task add "Book the photographer" lead:marketing 2026-10-30')
    refused = await bot.ephemeral("task skip 15")
    assert "`task skip` takes a task number and the reason it is skipped." in refused
    skipped = await bot.ephemeral("task skip 15 the agency shoots it", user=CHO)  # Cho backs Ben up as lead
    assert "Task #15 Book the photographer skipped by <@U0CHO00001>: the agency shoots it" in skipped
    await bot.tick()
    assert bot.posts("skipped by", channel=CHANNEL) and bot.posts("Print the store posters done", channel=CHANNEL)


async def test_the_done_button_closes_the_task_and_redraws_the_list(bot: SlackDriver, ahead: Campaign) -> None:
    await bot.ephemeral(f'task add "Count the stock" <@{ANA}> tomorrow 17:00')
    answer = (await bot.command("tasks", user=ANA)).json()
    (task,) = [b for b in answer["blocks"] if "Count the stock" in b.get("text", {}).get("text", "")]
    tap = bot.tap_request(answer, ActionId.TASK_DONE, ANA, channel=CHANNEL, ts="1", block=task["block_id"])
    assert (await bot.send(tap)).status_code == 200
    redrawn = (await bot.standin.wait_for("response_url"))[-1].args
    assert redrawn["replace_original"] is True and "Open tasks (13)" in redrawn["text"] + json.dumps(redrawn["blocks"])
    assert "Count the stock" not in json.dumps(redrawn["blocks"])
    await bot.send(tap)  # a second tap (another phone, a stale list)
    assert "already closed by <@U0ANA00001>" in (await bot.standin.wait_for("response_url", count=2))[-1].args["text"]
    other = bot.tap_request(answer, ActionId.TASK_DONE, OTHER, channel=CHANNEL, ts="1")
    await bot.send(other)  # someone who neither owns the first milestone nor runs the campaign
    assert (
        "Only the commander or whoever started the campaign may close another person's task."
        in (bot.standin.ok_calls("response_url")[-1].args["text"])
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('task add "x" <@U0ANA00001> someday', "`someday` is not a due time"),
        ('task add "x" <@U0ANA00001> 2026-10-01', "That due time has passed"),
        ('task add "x" sales-ish T-3', "`sales-ish` is not an owner"),
        ('task add "x" <@U0NOBODY1> T-3', "U0NOBODY1 is not a person in this Slack workspace"),
        ('task add "x" lead:tech T-300', "`T-300` is too far from launch"),
        ("task add", "`task add` takes a title, an owner and a due time."),
        ("task fly", "`task` takes `add`, `done`, `skip`, `every` or `stop`."),
        ("task done twelve", "`twelve` is not a task number"),
        ("task done 999", "There is no task #999 in this campaign"),
        ('task every 25:00 "x" lead:tech', "`25:00` is not when a task recurs"),
        ('moment 9am "Flash sale"', "`9am` is not a time of day"),
    ],
)
async def test_bad_task_commands_are_refused_and_change_nothing(
    bot: SlackDriver, ahead: Campaign, line: str, problem: str
) -> None:
    answer = await bot.ephemeral(line)
    assert problem in answer, answer
    assert "Open tasks (13)" in listed((await bot.command("tasks")).json())


async def test_reminders_and_the_overdue_raise_fire_once_each(
    bot: SlackDriver, clock: ManualClock, ahead: Campaign
) -> None:
    await bot.ephemeral(f'task add "Confirm the carriers\' peak capacity" <@{ANA}> 2026-10-25')
    for moment in ("2026-10-24T09:59", "2026-10-24T10:00", "2026-10-24T12:00"):
        clock.set(local(moment))
        await bot.tick()
    (day_before,) = dms(bot, ANA, "Due ")
    assert day_before.startswith(
        "Due tomorrow in Double 11: #14 *Confirm the carriers' peak capacity*, by Sun 25 Oct 18:00"
    )
    for moment in ("2026-10-25T10:00", "2026-10-25T17:59"):
        clock.set(local(moment))
        await bot.tick()
    assert dms(bot, ANA, "Due today in Double 11: #14")
    assert len(dms(bot, ANA, "Due ")) == 2
    assert not bot.posts("Overdue in Double 11: #14", channel=CHANNEL)
    for moment in ("2026-10-25T18:00", "2026-10-25T19:00", "2026-10-26T10:00"):
        clock.set(local(moment))
        await bot.tick()
    (raised,) = bot.posts("Overdue in Double 11: #14", channel=CHANNEL)
    assert f"owner <@{ANA}> (<@{ANA}>)" in raised.args["text"]
    assert len(dms(bot, COMMANDER, "Overdue in Double 11: #14")) == 1
    assert len(dms(bot, ANA, "Due ")) == 2


async def test_quiet_hours_hold_reminders_and_the_overdue_raise_until_they_end(
    bot: SlackDriver, clock: ManualClock, ahead: Campaign
) -> None:
    await bot.ephemeral("config quiet 22:00-08:00")
    await bot.ephemeral("config countdown.time 07:00")
    await bot.ephemeral(f'task add "Night shift roster" <@{ANA}> 2026-10-24 23:00')
    clock.set(local("2026-10-23T07:00"))  # the day before, at countdown.time, in quiet hours
    await bot.tick()
    assert dms(bot, ANA, "Due ") == []
    clock.set(local("2026-10-23T08:00"))
    await bot.tick()
    assert len(dms(bot, ANA, "Due tomorrow in Double 11")) == 1
    clock.set(local("2026-10-24T23:00"))
    await bot.tick()
    assert not [call for call in bot.posts("Overdue", channel=CHANNEL) if "Night shift roster" in call.args["text"]]
    clock.set(local("2026-10-25T08:00"))
    await bot.tick()
    assert [call for call in bot.posts("Overdue", channel=CHANNEL) if "Night shift roster" in call.args["text"]]


async def test_the_daily_countdown_and_the_go_no_go(bot: SlackDriver, clock: ManualClock, ahead: Campaign) -> None:
    await bot.ephemeral("task done 2", user=COMMANDER)  # core systems upgraded, on the day it is due
    clock.set(local("2026-10-22T09:59"))
    await bot.tick()
    assert not bot.posts("days to launch", channel=CHANNEL)
    clock.set(local("2026-10-22T10:00"))
    await bot.tick()
    (countdown,) = bot.posts("days to launch", channel=CHANNEL)
    assert countdown.args["text"].startswith("Double 11 — 19 days to launch (Tue 10 Nov 00:00). 1 of 13 done")
    body = json.dumps(countdown.args["blocks"])
    assert "*Overdue*" in body and "Campaign materials designed" in body  # T-25, before the room opened
    assert "*Due this week*" in body and "Carriers' peak-season agreements signed" in body
    clock.set(local("2026-10-22T15:00"))
    await bot.tick()
    assert len(bot.posts("days to launch", channel=CHANNEL)) == 1

    async with bot.runtime.transaction() as session:
        from sqlalchemy import update

        from warroom_bot.models import Task, TaskState

        await session.exec(update(Task).values(state=TaskState.DONE, closed_by=COMMANDER, closed_at=clock.now()))
    await bot.ephemeral('task add "Sign off the price list" lead:finance T-1 09:00')
    clock.set(local("2026-11-09T10:00"))
    await bot.tick()
    (go,) = bot.posts("go/no-go", channel=CHANNEL)
    assert go.args["text"].startswith("Double 11 — go/no-go: launch tomorrow, Tue 10 Nov 00:00.")
    assert "*No-go*" in json.dumps(go.args["blocks"]) and "Sign off the price list" in json.dumps(go.args["blocks"])


async def test_on_launch_day_the_countdown_says_launch_today(
    bot: SlackDriver, clock: ManualClock, with_roster: Callable[[], Awaitable[None]]
) -> None:
    clock.set(local("2026-10-21T12:00"))
    await bot.ephemeral('start "Double 11" 2026-10-25T20:00 2026-10-27T00:00 Asia/Shanghai')
    await bot.tick()  # schedules the first countdown post
    await at(bot, clock, "2026-10-25T10:00", zone="Asia/Shanghai")
    (today,) = bot.posts("launch today", channel=CHANNEL)
    assert today.args["text"].startswith("Double 11 — launch today, Sun 25 Oct 20:00.")


async def test_closing_the_campaign_cancels_what_is_pending(
    bot: SlackDriver, clock: ManualClock, ahead: Campaign
) -> None:
    await bot.ephemeral(f'task add "Stock count" <@{ANA}> 2026-10-25')
    await bot.ephemeral("phase closed")
    await bot.tick()
    before = len(bot.standin.ok_calls("chat.postMessage"))
    for day in range(22, 32):
        clock.set(local(f"2026-10-{day}T10:00"))
        await bot.tick()
        clock.set(local(f"2026-10-{day}T18:00"))
        await bot.tick()
    assert len(bot.standin.ok_calls("chat.postMessage")) == before


BERLIN = "Europe/Berlin"  # summer time ends on Sunday 25 Oct 2026 at 03:00 (clocks go back to 02:00)


@pytest.fixture
async def autumn(bot: SlackDriver, clock: ManualClock, with_roster: Callable[[], Awaitable[None]]) -> Campaign:
    """A sale live in Berlin from Sat 24 Oct to Tue 27 Oct, across the end of summer time."""
    clock.set(local("2026-10-24T08:30", BERLIN))
    await bot.ephemeral(f'start "Herbst" 2026-10-24T00:00 2026-10-27T00:00 {BERLIN}')
    await with_roster()
    await bot.tick()
    (campaign,) = await bot.campaigns()
    return campaign


async def at(bot: SlackDriver, clock: ManualClock, *moments: str, zone: str = BERLIN) -> None:
    for moment in moments:
        clock.set(local(moment, zone))
        await bot.tick()


async def test_a_daily_task_comes_at_its_local_time_across_a_dst_change(
    bot: SlackDriver, clock: ManualClock, autumn: Campaign
) -> None:
    answer = await bot.ephemeral(f'task every 09:00 "Store materials checked" <@{ANA}>')
    assert "Recurring task R1 *Store materials checked*, every day at 09:00" in answer
    await bot.tick()
    await at(bot, clock, "2026-10-24T08:59", "2026-10-24T09:00")
    (first,) = dms(bot, ANA, "Store materials checked")
    assert first.startswith("Now in Herbst: *Store materials checked* (#1); done on time by Sat 24 Oct 10:00.")
    # On Sunday 09:00 is an hour later in UTC than on Saturday: 08:00 UTC is still 09:00 summer time's
    # hour of real time, but the wall clocks say 09:00 only at 08:00 UTC.
    clock.set(local("2026-10-24T09:00", BERLIN).astimezone(UTC) + timedelta(days=1))  # 08:00 on the wall
    await bot.tick()
    assert len(dms(bot, ANA, "Store materials checked")) == 1
    await at(bot, clock, "2026-10-25T09:00")
    assert len(dms(bot, ANA, "Store materials checked")) == 2
    assert dms(bot, ANA, "Store materials checked")[-1].endswith("done on time by Sun 25 Oct 10:00.")


async def test_an_hourly_task_skips_quiet_hours_and_missed_ones_are_counted_not_chased(
    bot: SlackDriver, clock: ManualClock, autumn: Campaign
) -> None:
    await bot.ephemeral("config quiet 23:00-07:00")
    await bot.ephemeral(f'task every hour "Watch the online data for anomalies" <@{BEN}>')
    await at(bot, clock, "2026-10-24T21:30")
    for hour in ("22", "23"):
        await at(bot, clock, f"2026-10-24T{hour}:00")
    for hour in ("00", "01", "02", "03", "04", "05", "06", "07"):
        await at(bot, clock, f"2026-10-25T{hour}:00")
    sent = dms(bot, BEN, "Watch the online data")
    assert [text.split("done on time by ")[1] for text in sent] == ["Sat 24 Oct 23:00.", "Sun 25 Oct 08:00."]
    await bot.tap(bot.posts("Watch the online data", channel=BEN)[-1], ActionId.TASK_DONE, BEN)
    assert (
        "Task #2 Watch the online data for anomalies done"
        in (await bot.standin.wait_for("response_url"))[-1].args["text"]
    )
    await at(bot, clock, "2026-10-25T08:00", "2026-10-25T09:00")  # nobody ticks off 08:00's
    listing = listed((await bot.command("tasks")).json())
    assert "#4 *Watch the online data for anomalies*" in listing
    assert "#3 " not in listing and "#1 " not in listing  # missed ones are counted, not listed
    assert "Today's tasks: 1 of 2 done on time (50%, target ≥ 95%) · 1 missed" in listing
    assert len(dms(bot, BEN, "Watch the online data")) == 4  # one DM each, never a second one
    assert "Only the commander" in await bot.ephemeral("task stop R1", user=BEN)
    assert "Stopped *Watch the online data for anomalies*" in await bot.ephemeral("task stop R1")
    await at(bot, clock, "2026-10-25T10:00", "2026-10-25T11:00")
    assert len(dms(bot, BEN, "Watch the online data")) == 4


async def test_a_key_moment_is_announced_beforehand_and_the_next_digest_notes_the_change(
    bot: SlackDriver, clock: ManualClock, autumn: Campaign
) -> None:
    answer = await bot.ephemeral(f'moment 10:00 "Flash sale" <@{BEN}>')
    assert "Key moment M1 *Flash sale* at 10:00 each day of the sale" in answer
    await bot.ephemeral('moment 00:00 "Midnight deals"')
    await bot.ephemeral("config quiet 23:00-07:00")
    await bot.tick()
    for moment, gmv in (("2026-10-24T09:00", 10_000), ("2026-10-24T09:44", 12_000)):
        await at(bot, clock, moment)
        await bot.ephemeral(f"metric gmv {gmv}")
    assert not bot.posts("Coming up", channel=CHANNEL)
    await at(bot, clock, "2026-10-24T09:45")
    (coming,) = bot.posts("Coming up", channel=CHANNEL)
    assert coming.args["text"] == f"Coming up at Sat 24 Oct 10:00: *Flash sale*. Owner: <@{BEN}> (<@{BEN}>)."
    await at(bot, clock, "2026-10-24T10:00")
    await bot.ephemeral("metric gmv 14000")
    digest_at_ten = bot.posts("status Sat 24 Oct 10:00", channel=CHANNEL)
    assert digest_at_ten and "Flash sale" not in json.dumps(digest_at_ten[-1].args["blocks"])
    await at(bot, clock, "2026-10-24T10:30")
    await bot.ephemeral("metric gmv 26000")
    await at(bot, clock, "2026-10-24T11:00")
    (digest,) = bot.posts("status Sat 24 Oct 11:00", channel=CHANNEL)
    noted = next(b["text"]["text"] for b in digest.args["blocks"] if "After *Flash sale*" in b["text"]["text"])
    assert noted == ":stopwatch: After *Flash sale* (10:00): GMV +¥12.0k since (+¥4,000 in as long before)"
    await at(bot, clock, "2026-10-24T12:00")
    assert "Flash sale" not in json.dumps(bot.posts("status Sat 24 Oct 12:00", channel=CHANNEL)[0].args["blocks"])
    # In quiet hours, and on the night the clocks go back: the midnight moment is still announced.
    await at(bot, clock, "2026-10-24T23:44", "2026-10-24T23:45")
    assert bot.posts("Coming up at Sun 25 Oct 00:00: *Midnight deals*.", channel=CHANNEL)
    await at(bot, clock, "2026-10-25T09:45")
    assert len(bot.posts("Coming up at Sun 25 Oct 10:00: *Flash sale*", channel=CHANNEL)) == 1
    assert "Stopped *Flash sale*" in await bot.ephemeral("moment stop M1")
    await at(bot, clock, "2026-10-26T09:45")
    assert not bot.posts("Coming up at Mon 26 Oct 10:00", channel=CHANNEL)


async def test_the_on_time_rate_in_the_digest_retro_report_and_api_matches_the_tasks(
    bot: SlackDriver,
    clock: ManualClock,
    start_live: Callable[..., Awaitable[Campaign]],
    with_roster: Callable[[], Awaitable[None]],
) -> None:
    live = await start_live()  # Shanghai, live since 20:00, now 20:30
    await with_roster()
    await bot.ephemeral("config retro.time 23:30")
    await bot.ephemeral(f'task add "Check the store displays" <@{ANA}> 21:30')  # done on time
    await bot.ephemeral('task add "Swap the banner" lead:marketing 22:00')  # done late
    await bot.ephemeral('task add "Post the teaser" lead:marketing 22:30')  # skipped
    await bot.ephemeral(f'task add "Recount SKU-9" <@{ANA}> 23:00')  # missed
    await at(bot, clock, "2026-11-10T21:00", zone="Asia/Shanghai")
    await bot.ephemeral("task done 1", user=ANA)
    await at(bot, clock, "2026-11-10T22:10", zone="Asia/Shanghai")
    await bot.ephemeral("task skip 3 the teaser moved to tomorrow", user=BEN)
    await at(bot, clock, "2026-11-10T22:15", zone="Asia/Shanghai")
    await bot.ephemeral("task done 2", user=BEN)
    await at(bot, clock, "2026-11-10T23:00", "2026-11-10T23:30", zone="Asia/Shanghai")

    figures = "Today's tasks: 1 of 3 done on time (33%, target ≥ 95%) · 1 done late · 1 missed · 1 skipped"
    (digest,) = bot.posts("status Tue 10 Nov 23:00", channel=CHANNEL)
    assert f":warning: {figures}" in json.dumps(digest.args["blocks"], ensure_ascii=False)
    (prompt,) = bot.posts("Daily retro", channel=CHANNEL)
    assert figures.replace("Today's", "The day's") in json.dumps(prompt.args["blocks"], ensure_ascii=False)

    headers = await bot.bearer(live.id)
    api = (await bot.http.get(f"/api/campaigns/{live.id}/tasks", headers=headers)).json()
    assert api["today"] == {"due": 4, "on_time": 1, "late": 1, "missed": 1, "skipped": 1, "rate": 1 / 3}
    assert [task["on_time"] for task in api["tasks"]] == [True, False, None, False]
    assert api["tasks"][2]["skip_reason"] == "the teaser moved to tomorrow"

    report = (await bot.http.get(f"/api/campaigns/{live.id}/report", headers=headers)).text
    assert "### Milestones and tasks" in report
    assert "| supply chain | — | 1 of 2 (50%) | 0 | 1 | 0 |" in report
    assert "| marketing | — | 0 of 1 (0%) | 1 | 0 | 1 |" in report
    assert "On time overall: 1 of 3 (33%) (the playbooks' target is 95%)." in report
    other = await bot.bearer(None)
    assert (await bot.http.get(f"/api/campaigns/{live.id}/tasks", headers=other)).status_code == 200
    assert (await bot.http.get(f"/api/campaigns/{live.id + 1}/tasks", headers=headers)).status_code in (403, 404)


TEMPLATE = """\
milestones:
  - title: Creative signed off
    owner: lead:marketing
    due: T-21
  - title: Warehouse shifts doubled
    owner: supply_chain
    due: T-3 12:00
    notes: Ask the agency for 40 temps.
"""


async def cli(settings: Settings, *args: str) -> tuple[int, str]:
    result = await asyncio.to_thread(CliRunner().invoke, main, list(args), env={"DATABASE_URL": settings.database_url})
    return result.exit_code, result.output


async def test_a_teams_template_is_loaded_whole_or_refused_by_line(
    bot: SlackDriver, clock: ManualClock, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        TEMPLATE.replace("due: T-3 12:00", "due: T+3").replace("owner: lead:marketing", "owner: <@U0ANA00001>")
    )
    code, output = await cli(settings, "template", "load", str(broken))
    assert code != 0 and "nothing changed" in output
    assert "line 3: milestones.0.owner: a template's owner is a role" in output
    assert "line 7: milestones.1.due: a milestone is due before launch, written like T-7 or T-7 14:00" in output
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text("milestones:\n  - &m {title: a, owner: commander, due: T-1}\n  - *m\n")
    assert "anchors and aliases" in (await cli(settings, "template", "load", str(aliased)))[1]

    good = tmp_path / "template.yaml"
    good.write_text(TEMPLATE)
    code, output = await cli(settings, "template", "load", str(good))
    assert (code, output.strip()) == (
        0,
        "Loaded a countdown template of 2 milestones; campaigns started from now on use it.",
    )
    clock.set(local("2026-10-21T12:00"))
    await bot.ephemeral(f"start {AHEAD_LINE}")
    shown = listed((await bot.command("tasks")).json())
    assert "Open tasks (2)" in shown
    assert "#1 *Creative signed off* — lead:marketing · due Tue 20 Oct 18:00 (T-21) · *overdue*" in shown
    assert "#2 *Warehouse shifts doubled* — lead:supply_chain · due Sat 07 Nov 12:00 (T-3)" in shown
    api = (await bot.http.get("/api/campaigns/1/tasks", headers=await bot.bearer())).json()
    assert api["tasks"][1]["notes"] == "Ask the agency for 40 temps."


async def test_a_campaign_started_days_before_launch_has_no_countdown(bot: SlackDriver, campaign: Campaign) -> None:
    """The tests' campaign opens a day before launch: too late for a countdown, so no milestones."""
    assert "No open tasks." in listed((await bot.command("tasks")).json())


async def test_the_wall_shows_todays_tasks_and_the_next_key_moment(
    bot: SlackDriver, clock: ManualClock, autumn: Campaign
) -> None:
    await bot.ephemeral(f'task add "Restock the endcaps" <@{ANA}> 09:00')
    await bot.ephemeral('task add "Brief the night shift" lead:customer_service 20:00')
    await bot.ephemeral('task add "Tomorrow\'s stand-up" commander tomorrow 09:00')
    await bot.ephemeral('moment 12:00 "Lunch flash sale"')
    await bot.ephemeral('moment 20:00 "Evening flash sale"')
    await at(bot, clock, "2026-10-24T09:30")
    answer = await bot.ephemeral("wall")
    path = answer[answer.index("/wall/wall_") :].split()[0].split(">")[0].split("|")[0]
    html = (await bot.http.get(path + "/board")).json()["html"]
    assert '<p class="moment">Next: Lunch flash sale at 12:00 · in 2h 30m</p>' in html
    assert '<p class="task is-late">#1 Restock the endcaps · ana · 09:00</p>' in html
    assert '<p class="task">#2 Brief the night shift · lead:customer_service · 20:00</p>' in html
    assert "stand-up" not in html
    assert "Today&#39;s tasks: 0 of 1 done on time (0%, target ≥ 95%) · 1 missed" in html
