"""Database tables and the enums stored in them.

This package imports nothing from the rest of warroom-bot: services, handlers, the scheduler and the
REST API all depend on it, never the other way round. One module per domain (`campaigns`,
`escalations`, `metrics`, `budget`, `retros`, `tasks`), the enums in `enums`, the column types in `types`;
everything is importable from `warroom_bot.models` itself.

Every datetime is stored as UTC and comes back timezone-aware (see `types.UTCDateTime`); a
campaign's own time zone is only used to display times and to compute its schedule. Enums are
stored as their values in text columns and come back as enum members (`types.EnumText`).
"""

from warroom_bot.models.budget import ApprovalRequest, BudgetLine, LedgerEntry
from warroom_bot.models.campaigns import (
    ApiToken,
    AuditEntry,
    Campaign,
    OutboxMessage,
    RoleAssignment,
    SlackEvent,
    WallLink,
)
from warroom_bot.models.enums import (
    ActionStatus,
    ApprovalStatus,
    ChangeKind,
    Department,
    Direction,
    EscalationStatus,
    EventKind,
    KpiKind,
    OutboxStatus,
    Phase,
    Priority,
    Role,
    Severity,
    TaskKind,
    TaskState,
)
from warroom_bot.models.escalations import EmergencyPlan, Escalation, EscalationEvent, EscalationPage, PlanStep
from warroom_bot.models.metrics import DimensionTarget, Kpi, KpiAlert, LatestReading, Reading
from warroom_bot.models.retros import ActionItem, RetroDay, RetroEntry
from warroom_bot.models.tasks import KeyMoment, MilestoneTemplate, Task, TaskSeries
from warroom_bot.models.types import UTCDateTime

__all__ = [
    "ActionItem",
    "ActionStatus",
    "ApiToken",
    "ApprovalRequest",
    "ApprovalStatus",
    "AuditEntry",
    "BudgetLine",
    "Campaign",
    "ChangeKind",
    "Department",
    "DimensionTarget",
    "Direction",
    "EmergencyPlan",
    "Escalation",
    "EscalationEvent",
    "EscalationPage",
    "EscalationStatus",
    "EventKind",
    "KeyMoment",
    "Kpi",
    "KpiAlert",
    "KpiKind",
    "LatestReading",
    "LedgerEntry",
    "MilestoneTemplate",
    "OutboxMessage",
    "OutboxStatus",
    "Phase",
    "PlanStep",
    "Priority",
    "Reading",
    "RetroDay",
    "RetroEntry",
    "Role",
    "RoleAssignment",
    "Severity",
    "SlackEvent",
    "Task",
    "TaskKind",
    "TaskSeries",
    "TaskState",
    "UTCDateTime",
    "WallLink",
]
