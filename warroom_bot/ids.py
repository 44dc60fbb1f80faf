"""Every Block Kit callback id, block id and action id the bot uses, in one place.

Rendering builds views and messages with them and handlers match on them, so a rename can never
leave one side behind.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class CallbackId(StrEnum):
    START_CAMPAIGN = "start_campaign"


class BlockId(StrEnum):
    NAME = "name"
    STARTS = "starts"
    ENDS = "ends"
    TIMEZONE = "timezone"


class ActionId(StrEnum):
    INPUT = "input"


class ModalContext(BaseModel):
    """What a modal must remember between opening and submission (its `private_metadata`)."""

    channel_id: str

    def dump(self) -> str:
        return self.model_dump_json()

    @classmethod
    def load(cls, raw: str) -> ModalContext:
        return cls.model_validate_json(raw)
