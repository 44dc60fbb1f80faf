"""The final campaign report, built from the stored data in the playbook's six parts.

Its numbers come from the same functions as the digest (attainment, lights), the budget table
(plan and spent) and the escalation views (MTTA, MTTR), so the report and the channel never disagree.
Two returns on the spend, with revenue the GMV KPI's value and cost everything spent: the net
ROI = (revenue − cost) ÷ cost, and revenue ÷ cost, which the playbooks write `1 : 34.5`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.actions import service as actions
from warroom_bot.budget import service as budget
from warroom_bot.budget.service import RESERVE_LINE
from warroom_bot.campaigns import audit
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.roster import Roster
from warroom_bot.core.db import stored_id
from warroom_bot.core.people import People
from warroom_bot.digest import snapshot as digest
from warroom_bot.escalations import views as escalation_views
from warroom_bot.metrics import service as metrics
from warroom_bot.models import (
    ActionItem,
    AuditEntry,
    BudgetLine,
    Campaign,
    Escalation,
    EscalationEvent,
    LedgerEntry,
    PlanStep,
    Task,
)
from warroom_bot.retros import service as retros
from warroom_bot.tasks import service as tasks

REVENUE_KPI = "gmv"


@dataclass(frozen=True)
class Report:
    campaign: Campaign
    generated_at: datetime
    roster: Roster
    results: digest.Snapshot
    targets: dict[str, float | None]  # each KPI's campaign target or threshold
    budget_lines: list[BudgetLine]  # the categories, without the reserve
    reserve_left: int
    approvals: list[LedgerEntry]  # changes that waited for a finance approver or the commander
    escalations: list[tuple[Escalation, list[EscalationEvent]]]
    response_times: list[escalation_views.ResponseTimes]  # drills left out
    steps: dict[int, list[PlanStep]]  # each escalation's plan steps (by escalation id)
    days: list[retros.DayReview]
    action_items: list[ActionItem]
    tasks: list[Task]  # milestones, tasks and occurrences of recurring tasks
    changes: list[AuditEntry]  # the audit trail: KPIs and targets, roster, settings, phase
    names: dict[str, str]  # user id → the name Slack gives, for readers outside Slack

    def name(self, user_id: str) -> str:
        """`Dana Li`, or the id when Slack could not tell the name."""
        return self.names.get(user_id, user_id)

    @property
    def planned(self) -> int:
        return sum(line.planned for line in self.budget_lines)

    @property
    def cost(self) -> int:
        """Everything spent, in fen."""
        return sum(line.spent for line in self.budget_lines)

    @property
    def revenue(self) -> float | None:
        """The GMV KPI's value, in yuan (None without a GMV reading)."""
        return next((kpi.value for kpi in self.results.kpis if kpi.key == REVENUE_KPI), None)

    @property
    def roi(self) -> float | None:
        if self.revenue is None or not self.cost:
            return None
        cost = self.cost / 100
        return (self.revenue - cost) / cost

    @property
    def gmv_per_spend(self) -> float | None:
        """Revenue ÷ cost: GMV per yuan spent (the `1 : x` of the playbooks); None like `roi`."""
        if self.revenue is None or not self.cost:
            return None
        return self.revenue / (self.cost / 100)


async def build(session: AsyncSession, campaign: Campaign, now: datetime, people: People) -> Report:
    campaign_id = stored_id(campaign)
    lines = await budget.lines_of(session, campaign_id)
    escalations = await escalation_views.all_with_timeline(session, campaign_id)
    roster = await campaigns.roster(session, campaign_id)
    approvals = [entry for entry in await budget.ledger(session, campaign_id) if entry.approved_by]
    days = await retros.reviews(session, campaign)
    action_items = await actions.all_items(session, campaign_id)
    changes = await audit.trail(session, campaign_id)
    named = [
        *(entry.user_id for entry in changes),
        *(
            user
            for entry in changes
            if entry.subject.startswith("role ")
            for user in f"{entry.old or ''} {entry.new}".split()
        ),
        campaign.created_by,
        *roster.people(),
        *(user for e, _ in escalations for user in (e.raised_by, e.acknowledged_by, e.resolved_by)),
        *(user for entry in approvals for user in (entry.user_id, entry.approved_by)),
        *(entry.user_id for day in days for entry in day.entries),
        *(item.owner for item in action_items),
    ]
    return Report(
        campaign=campaign,
        generated_at=now,
        roster=roster,
        results=await digest.snapshot(session, campaign, now),
        targets={kpi.key: kpi.target for kpi in await metrics.kpis_of(session, campaign_id)},
        budget_lines=[line for line in lines if line.name != RESERVE_LINE],
        reserve_left=next((line.planned for line in lines if line.name == RESERVE_LINE), 0),
        approvals=approvals,
        escalations=escalations,
        response_times=escalation_views.response_times([escalation for escalation, _ in escalations]),
        steps=await escalation_views.plan_steps(session, [stored_id(escalation) for escalation, _ in escalations]),
        days=days,
        action_items=action_items,
        tasks=await tasks.all_tasks(session, campaign_id),
        changes=changes,
        names=await people.names(named),
    )
