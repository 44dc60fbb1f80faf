"""No service module contains Slack text or imports rendering (issue "One folder per domain").

The services of the budget, the retrospectives and the campaigns change state and return what
happened; their `messages` modules render it and enqueue it in the caller's transaction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import warroom_bot

PACKAGE = Path(warroom_bot.__file__).parent
SERVICES = [
    "alerts/service.py",
    "budget/service.py",
    "retros/service.py",
    "retros/schedule.py",
    "actions/service.py",
    "campaigns/service.py",
    "campaigns/audit.py",
    "escalations/service.py",
    "digest/snapshot.py",
    "digest/schedule.py",
    "metrics/status.py",
]
SLACK_SIDE = ("warroom_bot.core.outbox.", "warroom_bot.core.blocks.", "warroom_bot.core.ids.BlockId")


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", SERVICES)
def test_a_service_neither_renders_nor_enqueues(path: str) -> None:
    tree = ast.parse((PACKAGE / path).read_text())
    names = imported(tree)
    slack_side = [name for name in names if ".render" in f"{name}." or name.startswith(SLACK_SIDE)]
    assert not slack_side, f"{path} imports {slack_side}"
    assert "enqueue" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("path", SERVICES)
def test_a_service_refuses_without_slack_formatting_or_modal_blocks(path: str) -> None:
    tree = ast.parse((PACKAGE / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            assert "field" not in {keyword.arg for keyword in node.keywords}, f"{path}:{node.lineno} names a block"
            assert "usage" not in {keyword.arg for keyword in node.keywords}, f"{path}:{node.lineno} gives a usage"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert "<@" not in node.value and "*" not in node.value.replace("**", ""), f"{path}:{node.lineno}"
