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
    APPROVE = "budget_approve"
    REJECT = "budget_reject"
    WRITE_RETRO = "retro_write"
    CLOSE_ACTION_ITEM = "action_item_close"


class ModalContext(BaseModel):
    """What a modal must remember between opening and submission (its `private_metadata`)."""

    channel_id: str | None = None
    escalation_id: int | None = None
    shown_status: str | None = None
    campaign_id: int | None = None
    day: date | None = None

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


def retro_tap_value(campaign_id: int, day: date) -> str:
    """The Write my retro button's value: which campaign and which day."""
    return f"{campaign_id}:{day.isoformat()}"


def parse_retro_tap(value: str) -> tuple[int, date]:
    campaign_id, _, day = value.partition(":")
    return int(campaign_id), date.fromisoformat(day)
