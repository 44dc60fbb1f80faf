"""Every Block Kit callback id, block id and action id the bot uses, in one place.

Rendering builds views and messages with them and handlers match on them, so a rename can never
leave one side behind.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel


class CallbackId(StrEnum):
    START_CAMPAIGN = "start_campaign"
    RAISE_ESCALATION = "raise_escalation"
    RESOLVE_ESCALATION = "resolve_escalation"
    POST_UPDATE = "escalation_update"
    ESCALATE_MESSAGE = "escalate_message"  # the message shortcut (declared in slack_manifest.yaml)
    RETRO = "retro"


class BlockId(StrEnum):
    NAME = "name"
    STARTS = "starts"
    ENDS = "ends"
    TIMEZONE = "timezone"
    SEVERITY = "severity"
    SUMMARY = "summary"
    AREA = "area"
    DETAILS = "details"
    NOTE = "note"
    PLAN = "plan"
    UPDATE = "update"
    ESCALATION_ACTIONS = "escalation_actions"
    APPROVAL_ACTIONS = "approval_actions"
    RETRO_ACTIONS = "retro_actions"
    TARGETS_VS_ACTUAL = "targets_vs_actual"
    PROBLEMS = "problems"
    ADJUSTMENTS = "adjustments"


class ActionItemPart(StrEnum):
    """The inputs of one action item in the retrospective modal (see `action_item_block`)."""

    PROBLEM = "problem"
    CAUSE = "cause"
    ACTION = "action"
    OWNER = "owner"
    DUE = "due"


def action_item_block(index: int, part: ActionItemPart) -> str:
    """The block id of one input of the modal's `index`-th action item: `item1.owner`."""
    return f"item{index}.{part}"


class ActionId(StrEnum):
    INPUT = "input"
    ACKNOWLEDGE = "escalation_acknowledge"
    RESOLVE = "escalation_resolve"
    POST_UPDATE = "escalation_post_update"
    STEP_DONE = "plan_step_done"
    APPROVE = "budget_approve"
    REJECT = "budget_reject"
    WRITE_RETRO = "retro_write"
    CLOSE_ACTION_ITEM = "action_item_close"
    TASK_DONE = "task_done"


class ModalContext(BaseModel):
    """What a modal must remember between opening and submission (its `private_metadata`)."""

    channel_id: str | None = None
    escalation_id: int | None = None
    shown_status: str | None = None
    campaign_id: int | None = None
    day: date | None = None
    source_link: str | None = None  # "Escalate this message": the message's permalink

    def dump(self) -> str:
        return self.model_dump_json()

    @classmethod
    def load(cls, raw: str) -> ModalContext:
        return cls.model_validate_json(raw)


def tap_value(escalation_id: int, shown_status: str) -> str:
    """A button's value: which escalation, and the state the message showed when it was drawn."""
    return f"{escalation_id}:{shown_status}"


def parse_tap(value: str) -> tuple[int, str]:
    escalation_id, _, shown_status = value.partition(":")
    return int(escalation_id), shown_status


def step_block(position: int) -> str:
    """The block id of a plan step in an escalation's checklist: `step3`."""
    return f"step{position}"


def retro_tap_value(campaign_id: int, day: date) -> str:
    """The Write my retro button's value: which campaign and which day."""
    return f"{campaign_id}:{day.isoformat()}"


def parse_retro_tap(value: str) -> tuple[int, date]:
    campaign_id, _, day = value.partition(":")
    return int(campaign_id), date.fromisoformat(day)


def task_tap_value(task_id: int, *, in_list: bool) -> str:
    """A task's Done button: which task, and whether it is on the `/warroom tasks` list (redrawn
    after the tap) or a reminder (replaced by what happened)."""
    return f"{task_id}:list" if in_list else str(task_id)


def task_block(task_id: int) -> str:
    """The block id of a task on the `/warroom tasks` list: `task12`."""
    return f"task{task_id}"


def parse_task_tap(value: str) -> tuple[int, bool]:
    task_id, _, where = value.partition(":")
    return int(task_id), where == "list"
