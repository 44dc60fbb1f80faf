"""Try-out mode from two terminals: `warroom serve --standin` in one, `warroom command` and
`warroom tap` in the other, running a whole escalation and a budget approval."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from warroom_bot.cli import main
from warroom_bot.devtools.driver import ANA, BEN, DAN
from warroom_bot.devtools.processes import free_port, warroom

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`warroom serve --standin` as a process; its service and stand-in URLs."""
    standin_port = free_port()
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/tryout.db", "SLACK_SIGNING_SECRET": ""}
    with warroom("serve", "--standin", "--standin-port", str(standin_port), env=env, cwd=tmp_path) as server:
        yield f"{server.url}/slack/events", f"http://127.0.0.1:{standin_port}/"


def run(served: tuple[str, str], *args: str) -> str:
    url, standin_url = served
    result = CliRunner().invoke(
        main, [*args, "--url", url, "--standin-url", standin_url], env={"SLACK_SIGNING_SECRET": ""}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_an_escalation_and_a_budget_approval_from_the_command_line(served: tuple[str, str]) -> None:
    starts = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    ends = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert "Started Double 11" in run(served, "command", f'/warroom start "Double 11" {starts} {ends}', "--user", ANA)
    run(served, "command", f"/warroom role tier1 <@{BEN}>", "--user", ANA)
    run(served, "command", f"/warroom role finance <@{DAN}>", "--user", ANA)

    status = run(served, "command", "/warroom status", "--user", BEN)
    assert "DOUBLE 11 — STATUS" in status and "• tier1: @U0BEN00001" in status  # blocks, not just the text

    assert "Raised RED #1 Inventory of SKU-9 low" in run(
        served, "command", "/escalate red Inventory of SKU-9 low", "--user", ANA
    )
    acknowledged = run(served, "tap", "Acknowledge", "--user", BEN)
    assert "Tapped [Acknowledge] on: RED #1 Inventory of SKU-9 low" in acknowledged
    resolving = run(served, "tap", "resolve", "--user", ANA, "--message", "SKU-9")  # any case; the channel copy
    assert "A form opened: Resolve #1" in resolving

    run(served, "command", "/budget plan 1m", "--user", DAN)
    assert "Request #1 sent" in run(served, "command", "/budget reserve 20k online", "--user", ANA)
    denied = run(served, "tap", "Approve", "--user", BEN)  # nothing in Ben's DMs, but the channel copy
    assert "Only the finance approver or the commander may decide" in denied
    approved = run(served, "tap", "Approve", "--user", DAN)
    assert "Tapped [Approve] on: Budget request #1" in approved
    table = run(served, "command", "/budget", "--user", DAN)
    assert "Reserve left: ¥80,000" in table


def test_a_form_opening_says_so_and_a_missing_button_is_a_clear_error(served: tuple[str, str]) -> None:
    opened = run(served, "command", "/warroom start", "--user", ANA)
    assert "A form opened: Start a campaign" in opened and "• Campaign name (e.g. Double 11)" in opened
    url, standin_url = served
    result = CliRunner().invoke(main, ["tap", "Approve", "--url", url, "--standin-url", standin_url])
    assert result.exit_code == 2 and "No [Approve] button that U0LOCALUSER can see" in result.output
