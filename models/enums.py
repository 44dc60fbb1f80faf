"""The enums stored in the tables (as their values, in text columns: see `types.EnumText`)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Phase(StrEnum):
    """Where a campaign stands; `closed` is final."""

    WARMUP = "warmup"
    LIVE = "live"
    EXTENSION = "extension"
    WRAPUP = "wrapup"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """How people write it in a sentence: `warm-up`, `wrap-up` (`warmup` is the command's word)."""
        return {"warmup": "warm-up", "wrapup": "wrap-up"}.get(self.value, self.value)


class Severity(StrEnum):
    """Escalation severities, lowest to highest."""

    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


class EscalationStatus(StrEnum):
    """`open` until someone acknowledges; `exhausted` when the whole response chain was paged in
    vain (it can still be acknowledged); `resolved` is final."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"
    RESOLVED = "resolved"


class KpiKind(StrEnum):
    """Cumulative KPIs (GMV, orders) are compared with their target to date; gauges (inventory,
    response time) with their threshold as they stand now."""

    CUMULATIVE = "cumulative"
    GAUGE = "gauge"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"  # with a reason: neither on time nor missed


class TaskKind(StrEnum):
    """A countdown milestone (from the template), a task someone added, or one occurrence of a
    recurring task."""

    MILESTONE = "milestone"
    TASK = "task"
    OCCURRENCE = "occurrence"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class EventKind(StrEnum):
    """What happened to an escalation (an `EscalationEvent`'s kind)."""

    RAISED = "raised"
    ROSTER = "roster"  # the roster had no tier 1: the commander was paged instead
    PAGED = "paged"
    REPEATED = "repeated"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    EXHAUSTED = "exhausted"
    NOTE = "note"
    READING = "reading"  # a KPI's light: a new reading of the KPI that raised it
    SEVERITY = "severity"  # raised in place when its light got worse
    RECOVERED = "recovered"  # its KPI is green again
    PLAN = "plan"  # its emergency plan started (the checklist is posted in the thread)
    STEP_DONE = "step_done"
    STEP_LATE = "step_late"  # a plan step passed its time box
    BREACHED = "breached"  # not resolved by its resolve-by deadline
    NUDGED = "nudged"  # whoever acknowledged it was asked for an update
    UPDATE = "update"  # an update posted in its thread


class ChangeKind(StrEnum):
    """A budget change: the plan, spending, moving between lines, adding, cutting, releasing reserve."""

    PLAN = "plan"
    SPEND = "spend"
    MOVE = "move"
    ADD = "add"
    CUT = "cut"
    RESERVE = "reserve"


class Role(StrEnum):
    """The campaign roles every war room has; a department's lead is `lead:<department>`."""

    COMMANDER = "commander"
    FINANCE = "finance"
    TIER1 = "tier1"
    TIER2 = "tier2"
    TIER3 = "tier3"


class Department(StrEnum):
    MARKETING = "marketing"
    SALES = "sales"
    SUPPLY_CHAIN = "supply_chain"
    CUSTOMER_SERVICE = "customer_service"
    FINANCE = "finance"
    TECH = "tech"
    LOGISTICS = "logistics"

    @property
    def lead(self) -> str:
        """The role name of the department's lead: `lead:sales`."""
        return f"lead:{self.value}"


class Priority(IntEnum):
    """How soon the outbox sends a message, lowest first: a page before a digest. Within a channel
    messages still go in the order they were written."""

    URGENT = 0  # pages, re-escalations, approval requests, in-place updates of tapped buttons
    NORMAL = 1  # answers to what someone did: announcements, thread lines, notices
    BULK = 2  # digests, retro prompts and summaries, reports
