"""The final campaign report: its numbers checked against the data the test put in, in every form."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from warroom_bot.cli import main
from warroom_bot.core.clock import ManualClock
from warroom_bot.core.ids import ActionId
from warroom_bot.core.settings import Settings
from warroom_bot.devtools.driver import ANA, COMMANDER, SlackDriver, action_item, local
from warroom_bot.devtools.standin import Call
from warroom_bot.models import Campaign

TIER1 = "U0TIER1PRI"


@pytest.fixture
async def finished(
    bot: SlackDriver, clock: ManualClock, prompt: Call, write_retro: Callable[..., Awaitable[dict[str, Any]]]
) -> Campaign:
    """A campaign run to its end with known numbers: GMV 900k of 1m, 950 orders of 1,000, response
    time 0.9 s against its 3 s limit, ¥50,000 spent, one red escalation acknowledged after 4 minutes
    and resolved after 30, one retro with an action item."""
    # `prompt`: live since 10 Nov 20:30, prompted at 21:00
    await bot.ephemeral(f"role tier1 <@{TIER1}>")
    await bot.ephemeral("target gmv 1000000")
    await bot.command("plan 100000", command="/budget")
    await bot.command("spend online 30000 search ads", command="/budget")
    await bot.command("spend offline 20000 mall booth", command="/budget")
    clock.set(local("2026-11-10T21:10"))
    await bot.ephemeral("red Payment gateway timeouts", command="/escalate")
    clock.advance(timedelta(minutes=4))
    await bot.ephemeral("ack 1", command="/escalate", user=TIER1)
    clock.advance(timedelta(minutes=26))
    await bot.ephemeral("resolve 1 failover to the second gateway", command="/escalate", user=TIER1)
    await write_retro(
        await bot.open_form(prompt, ActionId.WRITE_RETRO, ANA),
        ANA,
        problems="Gateway <script>alert(1)</script> timeouts | at peak",
        adjustments="Pre-warm the second gateway",
        items=[action_item(ANA, "2026-11-11", action="Load-test the gateway")],
    )
    clock.set(local("2026-11-12T10:00"))
    await bot.ephemeral("metric gmv 900000")
    await bot.ephemeral("target orders 1000")
    await bot.ephemeral("metric orders 950.4")
    await bot.ephemeral("metric response_time 0.9")
    await bot.ephemeral("phase wrapup")
    (campaign,) = await bot.campaigns()
    return campaign


def check_numbers(report: str) -> None:
    assert "| GMV | ¥900.0k | ¥1.00m | 90.0% | green |" in report
    assert "| online | ¥45,000 | ¥30,000 | -33.3% |" in report
    assert "| **total** | ¥90,000 | ¥50,000 | -44.4% |" in report
    assert "| Orders | 950 | 1,000 | 95.0% | green |" in report  # a count: whole numbers
    assert "| System response time | 0.9 s | limit 3 s | margin 70.0% | green |" in report  # not 333.3%
    assert "| System response time | 3 s | limit |" in report  # the goals
    assert "System response ti █████████████░░░░░░░ margin 70.0%" in report  # the bar stops at 100 %
    # (900,000 − 50,000) ÷ 50,000, and 900,000 ÷ 50,000 as the playbooks write it
    assert "- ROI (GMV − spend) ÷ spend: 17.0 · GMV ÷ spend: 1 : 18.0" in report
    assert "| #1 | red | Payment gateway timeouts | Tue 10 Nov 21:10 | 4m | 30m | resolved |" in report
    assert "| red | 1 | 4m | 30m |" in report  # MTTA and MTTR
    assert (
        "| SKU-9 sold out | Safety stock set for a normal day | Load-test the gateway | @ana | Wed 11 Nov | open |"
        in report
    )


async def test_the_api_report_in_markdown_has_the_six_parts_and_the_right_numbers(
    bot: SlackDriver, finished: Campaign
) -> None:
    response = await bot.http.get(f"/api/campaigns/{finished.id}/report", headers=await bot.bearer())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    report = response.text
    check_numbers(report)
    headings = [line for line in report.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Background and goals",
        "## 2. Execution review",
        "## 3. Results",
        "## 4. Problems and challenges",
        "## 5. Lessons learned",
        "## 6. Improvement actions",
    ]
    assert "- Commander: @commander" in report  # names from users.info: a report is read outside Slack
    assert COMMANDER not in report and ANA not in report
    assert "RED escalation #1 Payment gateway timeouts, raised by" in report
    assert "acknowledged by @U0TIER1PRI after 4m; resolved after 30m" in report  # unknown to Slack: the id
    assert "- Tue 10 Nov 21:00 — Retro of Tue 10 Nov: 1 answered, 1 action item\n" in report
    assert "- **supply chain**: Gateway \\<script\\>alert(1)\\</script\\> timeouts \\| at peak (@ana)" in report
    assert "- **supply chain**: Pre-warm the second gateway (@ana)" in report


async def test_the_html_report_is_self_contained_and_escapes_user_text(bot: SlackDriver, finished: Campaign) -> None:
    response = await bot.http.get(f"/api/campaigns/{finished.id}/report?format=html", headers=await bot.bearer())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.startswith("<!doctype html>")
    assert "<td>GMV</td>\n<td>¥900.0k</td>\n<td>¥1.00m</td>\n<td>90.0%</td>\n<td>green</td>" in page
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in page  # the attainment chart, inlined
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_the_report_api_refuses_other_campaigns_tokens_and_unknown_formats(
    bot: SlackDriver, finished: Campaign
) -> None:
    await bot.ephemeral('start "618" 2026-11-10T20:00 2026-11-12T00:00', channel="C0OTHERROOM")
    other = next(c for c in await bot.campaigns() if c.id != finished.id)
    other_campaign_token = await bot.bearer(other.id)
    assert (await bot.http.get(f"/api/campaigns/{finished.id}/report", headers=other_campaign_token)).status_code == 404
    wrong_format = await bot.http.get(f"/api/campaigns/{finished.id}/report?format=pdf", headers=await bot.bearer())
    assert wrong_format.status_code == 422


async def test_the_retros_api_lists_each_day_with_its_entries(bot: SlackDriver, finished: Campaign) -> None:
    response = await bot.http.get(f"/api/campaigns/{finished.id}/retros", headers=await bot.bearer())
    assert response.status_code == 200
    (day,) = response.json()
    assert day["day"] == "2026-11-10"
    (entry,) = day["entries"]
    assert entry["user_id"] == ANA and entry["action_items"][0]["action"] == "Load-test the gateway"
    assert ANA not in day["not_answered"] and COMMANDER in day["not_answered"]


async def test_the_cli_writes_the_same_report(
    bot: SlackDriver, finished: Campaign, settings: Settings, tmp_path
) -> None:
    out = tmp_path / "report.html"
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["report", "--campaign", str(finished.id), "--format", "md", "--out", str(out)],
        env={
            "DATABASE_URL": settings.database_url,
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_API_URL": settings.slack_api_url,
        },
    )
    assert result.exit_code == 0, result.output
    check_numbers(out.read_text(encoding="utf-8"))


async def test_warroom_report_uploads_the_markdown_to_the_channel(bot: SlackDriver, finished: Campaign) -> None:
    answer = await bot.ephemeral("report")
    assert answer == ":page_facing_up: Writing the campaign report…"
    (completed,) = await bot.standin.wait_for("files.completeUploadExternal")
    assert (
        "overall green, ROI (GMV − spend) ÷ spend: 17.0 · GMV ÷ spend: 1 : 18.0, 1 escalation, 1 action item"
        in completed.args["initial_comment"]
    )
    assert list(bot.standin.file_names.values()) == ["double-11-report.md"]  # no space in a file name
    (uploaded,) = bot.standin.uploads.values()
    check_numbers(uploaded.decode())


async def test_names_are_asked_of_slack_once_an_hour(bot: SlackDriver, finished: Campaign, clock: ManualClock) -> None:
    report = f"/api/campaigns/{finished.id}/report"
    assert (await bot.http.get(report, headers=await bot.bearer())).headers["content-disposition"] == (
        'inline; filename="double-11-report.md"'
    )
    asked = len(bot.standin.ok_calls("users.info"))
    await bot.http.get(report, headers=await bot.bearer())
    assert len(bot.standin.ok_calls("users.info")) == asked  # cached
    clock.advance(timedelta(hours=1))
    await bot.http.get(report, headers=await bot.bearer())
    assert len(bot.standin.ok_calls("users.info")) > asked


# -- in Chinese (`/warroom config lang zh-CN`) -----------------------------------------------------------------


async def test_the_report_in_chinese_with_the_roi_as_chinese_teams_read_it(
    bot: SlackDriver, finished: Campaign
) -> None:
    await bot.ephemeral("config lang zh-CN")
    report = (await bot.http.get(f"/api/campaigns/{finished.id}/report", headers=await bot.bearer())).text
    headings = [line for line in report.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 一、活动背景与目标",
        "## 二、执行回顾",
        "## 三、活动成果",
        "## 四、问题与挑战",
        "## 五、经验总结",
        "## 六、改进措施",
    ]
    assert report.startswith("# Double 11 活动总结报告\n")
    # Both returns, labelled: the playbook's net ROI and GMV ÷ spend written `1 : N` (投入产出比).
    assert "- ROI（(GMV − 花费) ÷ 花费）：17.0 · 投入产出比（GMV ÷ 花费）：1 : 18.0" in report
    assert "| KPI | 实际 | 目标 | 达成率 | 亮灯 |" in report
    assert "| 90.0% | 绿灯 |" in report
    assert "| #1 | 红色 | Payment gateway timeouts | 11月10日 周二 21:10 |" in report
    assert "| 已解决 |" in report
    assert "红色升级 #1 Payment gateway timeouts，由 @commander 发起" in report
    assert "11月10日 周二 复盘：1 人填写，待办 1 项" in report
    assert "- **供应链**: Pre-warm the second gateway (@ana)" in report
    assert "| 问题 | 原因 | 改进措施 | 负责人 | 截止日期 | 状态 |" in report
    assert "| @ana | 11月11日 周三 | 待处理 |" in report
    for english in ("Background and goals", "Timeline", "Overall light", "Revenue", "Commander:", "Retro of"):
        assert english not in report, english

    page = (await bot.http.get(f"/api/campaigns/{finished.id}/report?format=html", headers=await bot.bearer())).text
    assert '<html lang="zh-CN">' in page and "<title>Double 11 活动总结报告</title>" in page
    assert "<h2>一、活动背景与目标</h2>" in page and "<td>绿灯</td>" in page
    assert "投入产出比（GMV ÷ 花费）：1 : 18.0" in page
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in page and 'alt="KPI 达成率"' in page


async def test_warroom_report_in_chinese_uploads_a_chinese_report(bot: SlackDriver, finished: Campaign) -> None:
    await bot.ephemeral("config lang zh-CN")
    assert await bot.ephemeral("report") == ":page_facing_up: 正在生成活动总结报告……"
    (completed,) = await bot.standin.wait_for("files.completeUploadExternal")
    comment = completed.args["initial_comment"]
    assert comment.startswith(
        "*Double 11* 活动总结报告（<@U0COMMAND1> 发起）：整体绿灯，ROI（(GMV − 花费) ÷ 花费）：17.0"
    )
    assert "投入产出比（GMV ÷ 花费）：1 : 18.0，升级 1 起，待办 1 项。" in comment
    (uploaded,) = bot.standin.uploads.values()
    assert "## 三、活动成果" in uploaded.decode()
