"""`warroom demo` as a newcomer runs it, at high speed: every event of the story, in order."""

from __future__ import annotations

import csv
import itertools
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.slow

EVENTS = [
    ("the campaign starts in warm-up", "Campaign Double 11 starts in this channel"),
    ("a warm-up digest", "— status Tue 10 Nov"),
    ("the campaign goes live", "phase changed from warm-up to live"),
    ("the digest after the midnight rush", "— status Wed 11 Nov 01:"),
    ("an hourly digest of the live day", "— status Wed 11 Nov 08:"),
    (
        "its owner, the supply-chain lead, is paged first",
        "DM Ana (supply chain) warroom-bot: ORANGE #1 Inventory vs safety stock red: 3,100 (safety line 5,000) · 62.0% — ack",
    ),
    ("nobody acknowledges: it re-escalates to the backup", "DM Ben (logistics) warroom-bot: ORANGE #1"),
    ("a tap acknowledges it", "Ben (logistics): tapped [Acknowledge]"),
    ("a reserve release is requested", "/budget reserve 20k online"),
    ("finance approves it from a DM", "Dan (finance): tapped [Approve]"),
    ("the release is recorded", "(approved by @Dan (finance))"),
    ("the 21:00 retro prompt", "Daily retro of Double 11, Wed 11 Nov"),
    ("the first retro is answered", "Answered (1): @Ana (supply chain)"),
    ("the second retro is answered", "Answered (2): @Ana (supply chain), @Eva (marketing)"),
    ("a reminder goes to someone who did not answer", "DM Ben (logistics) warroom-bot: Reminder: your retro"),
    ("the morning summary", "Retro summary of Double 11, Wed 11 Nov: 2 answered"),
    ("the final report is shared", "<file double-11-report.md>"),
]
# The escalation's thread, checked for presence rather than order: the channel is paced at Slack's
# one message a second, which at --speed 3000 is 50 simulated minutes, so its thread lines land
# after DMs written later.
THREAD = [
    ("inventory's light raised it by itself", "Raised by the alert rules."),
    ("the timeline says so", "Acknowledged by @Ben (logistics)"),
    ("the stock-shortage plan's checklist is in the thread", "plan checklist, 0 of 5 done"),
    ("a step is marked done from the checklist", "Step 1 done by @Ben (logistics)"),
]


def test_the_demo_shows_a_campaign_day_in_order_and_writes_the_page_and_the_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    finished = subprocess.run(
        [Path(sys.executable).with_name("warroom"), "demo", "--speed", "3000", "--seed", "3", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    lines = [" ".join(line.split()) for line in finished.stdout.splitlines()]  # columns padded to any width
    position = 0
    for event, text in EVENTS:
        found = next((i for i in range(position, len(lines)) if text in lines[i]), None)
        assert found is not None, f"{event}: no {text!r} after line {position}:\n" + "\n".join(lines[position:])
        position = found + 1
    for event, text in THREAD:
        assert any(text in line for line in lines), f"{event}: no {text!r}"
    assert any("Inventory vs safety stock green → red" in line for line in lines)  # the digest, about then
    assert f"The channel as a web page: {out / 'transcript.html'}" in finished.stdout

    page = (out / "transcript.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert '<span class="button primary">Write my retro</span>' in page
    assert '<img class="file" alt="gmv.png" src="data:image/png;base64,' in page  # the chart, rendered
    assert "<h2>DM Ben (logistics)</h2>" in page
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| #1 | orange | Inventory vs safety stock red: 3,100 (safety line 5,000) · 62.0% |" in report
    assert "| #1 | inventory | red |" in report  # among the escalations lights raised, with time to detect
    assert "- ROI (GMV − spend) ÷ spend: " in report and " · GMV ÷ spend: 1 : " in report
    orders = next(line for line in report.splitlines() if line.startswith("| Orders | ") and "%" in line)
    assert "." not in orders.split("|")[2] + orders.split("|")[3]  # counts in whole numbers
    assert "| System response time | " in report and " s | limit 3 s | margin " in report
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")

    # The readings follow a Double 11: every hour of the night has one, and the first hour sells most.
    with (out / "readings.csv").open(encoding="utf-8") as file:
        gmv = sorted(
            (datetime.fromisoformat(row["at"]).astimezone(ZoneInfo("Asia/Shanghai")), float(row["value"]))
            for row in csv.DictReader(file)
            if row["kpi"] == "gmv"
        )
    by_hour: dict[int, float] = defaultdict(float)  # the last running total read in each hour of the live day
    for at, value in gmv:
        if at.day == 11:
            by_hour[at.hour] = value
    assert set(range(1, 8)) <= set(by_hour)
    sold = {hour: by_hour[hour] - by_hour.get(hour - 1, 0.0) for hour in by_hour}
    assert max(sold, key=lambda hour: sold[hour]) == 0  # the midnight peak
    assert sold[0] > 1.5 * max(sold[hour] for hour in range(1, 24) if hour in sold)
    assert all(later >= earlier for (_, earlier), (_, later) in itertools.pairwise(gmv))  # a running total
