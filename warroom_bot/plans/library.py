"""Emergency plans (应急预案) as data: what a plan is, the plans the bot ships, and a team's plan file.

A plan covers one risk: its suggested severity, the department that owns it, ordered steps (what to
do, whose role, an optional time box counted from when the plan starts), resources and contacts.
The shipped plans are written from the campaign playbooks in English, marked for the catalog, and
said in the campaign's language when shown or started (`localised`); a team's own plans (a YAML file
under their version control, or `PUT /api/plans`) are shown as they wrote them.

A plan file is validated as a whole and refused with every mistake named by its line; what the file
and the API accept is the `PlanFile` schema (the limits are in SECURITY.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from warroom_bot.campaigns.roster import LEAD, normalise_role
from warroom_bot.core import yaml_files
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import format_duration, parse_duration
from warroom_bot.models import Department, Severity

MAX_FILE_BYTES = 256 * 1024
MAX_PLANS = 50
MAX_STEPS = 20
MAX_ITEMS = 20  # resources, contacts
KEY_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Step(BaseModel):
    """One thing to do: `do`, by `role` (a roster role), `within` a time box from the plan's start."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    do: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    role: str | None = None
    within: str | None = None

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return None if value is None else yaml_files.field_value(normalise_role, value)

    @field_validator("within")
    @classmethod
    def _within(cls, value: str | None) -> str | None:
        return None if value is None else format_duration(yaml_files.field_value(parse_duration, str(value)))

    @property
    def time_box(self) -> timedelta | None:
        return parse_duration(self.within) if self.within else None


class Plan(BaseModel):
    """An emergency plan, as a team writes it in YAML or JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=KEY_PATTERN)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    risk: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    severity: Severity
    owner: Department
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)
    resources: list[Line] = Field(default_factory=list, max_length=MAX_ITEMS)
    contacts: list[Line] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> Any:
        return value.strip().lower().removeprefix(LEAD) if isinstance(value, str) else value

    def localised(self) -> Plan:
        """A shipped plan's words in the current language (its English text is the catalog's id)."""
        return self.model_copy(
            update={
                "title": tr(self.title),
                "risk": tr(self.risk),
                "steps": [step.model_copy(update={"do": tr(step.do)}) for step in self.steps],
                "resources": [tr(line) for line in self.resources],
                "contacts": [tr(line) for line in self.contacts],
            }
        )


class PlanFile(BaseModel):
    """A team's plans: the whole set, replacing what was loaded before."""

    model_config = ConfigDict(extra="forbid")

    plans: list[Plan] = Field(min_length=1, max_length=MAX_PLANS)

    @field_validator("plans")
    @classmethod
    def _unique(cls, plans: list[Plan]) -> list[Plan]:
        seen: set[str] = set()
        for plan in plans:
            if plan.key in seen:
                raise ValueError(f"the key {plan.key} is used twice")
            seen.add(plan.key)
        return plans


def parse_plan_file(text: str) -> list[Plan]:
    """The plans of a YAML plan file, or `yaml_files.FileProblems` listing every mistake by line."""
    return yaml_files.load(text, PlanFile, list_key="plans", max_bytes=MAX_FILE_BYTES).plans


def _step(do: str, role: str, within: str | None = None) -> Step:
    return Step(do=do, role=role, within=within)


# The plans the bot ships, from the playbooks (the campaign's language through the catalog).
SHIPPED: tuple[Plan, ...] = (
    Plan(
        key="stockout",
        title=N_("Stock shortage"),
        risk=N_("A SKU's stock falls below its safety line or sells out"),
        severity=Severity.RED,
        owner=Department.SUPPLY_CHAIN,
        steps=[
            _step(N_("Confirm the real stock in every warehouse and in transit"), "lead:supply_chain", "30m"),
            _step(N_("Transfer stock across warehouses to the short region"), "lead:logistics", "2h"),
            _step(N_("Limit purchases per customer, or switch the SKU to presale"), "lead:sales", "1h"),
            _step(N_("Order replenishment and confirm its arrival date"), "lead:supply_chain", "4h"),
            _step(N_("Tell customer service what to say about delivery dates"), "lead:customer_service", "1h"),
        ],
        resources=[N_("Safety-stock report"), N_("Warehouse transfer sheet")],
        contacts=[N_("Supplier account managers"), N_("Warehouse shift leads")],
    ),
    Plan(
        key="system_outage",
        title=N_("System failure"),
        risk=N_("The shop, checkout or an order system is down or too slow"),
        severity=Severity.RED,
        owner=Department.TECH,
        steps=[
            _step(N_("Switch traffic to the backup link"), "lead:tech", "15m"),
            _step(N_("Turn on the circuit breaker and degrade non-essential features"), "lead:tech", "30m"),
            _step(N_("Tell customer service what customers see and what to say"), "lead:customer_service", "30m"),
            _step(N_("Find the cause and confirm the recovery on the monitoring"), "lead:tech", "2h"),
        ],
        resources=[N_("Backup link runbook"), N_("Monitoring dashboard")],
        contacts=[N_("Cloud provider hotline"), N_("On-call engineers")],
    ),
    Plan(
        key="payment_failure",
        title=N_("Payment failure"),
        risk=N_("Payments fail or time out at checkout"),
        severity=Severity.RED,
        owner=Department.TECH,
        steps=[
            _step(N_("Confirm which payment channels fail, and since when"), "lead:tech", "15m"),
            _step(N_("Route payments to a backup channel"), "lead:tech", "30m"),
            _step(N_("Post a notice at checkout and brief customer service"), "lead:customer_service", "30m"),
            _step(N_("Reconcile the orders paid during the failure"), "finance", "4h"),
        ],
        resources=[N_("Payment channel runbook")],
        contacts=[N_("Payment provider hotline")],
    ),
    Plan(
        key="logistics_delay",
        title=N_("Logistics delay"),
        risk=N_("Parcels are not picked up or delivered on the promised dates"),
        severity=Severity.ORANGE,
        owner=Department.LOGISTICS,
        steps=[
            _step(N_("Confirm which carriers and regions are late, and by how much"), "lead:logistics", "1h"),
            _step(N_("Move volume to the backup carrier"), "lead:logistics", "2h"),
            _step(N_("Tell affected customers their new delivery date"), "lead:customer_service", "2h"),
            _step(N_("Agree compensation for late orders"), "finance", "6h"),
        ],
        resources=[N_("Carriers' peak-season agreements")],
        contacts=[N_("Carrier account managers")],
    ),
    Plan(
        key="pr_crisis",
        title=N_("Public-opinion crisis"),
        risk=N_("Complaints spread on social media or reach the press"),
        severity=Severity.RED,
        owner=Department.MARKETING,
        steps=[
            _step(N_("Answer publicly within 1 hour: what happened and what comes next"), "lead:marketing", "1h"),
            _step(N_("Establish the facts with the departments involved"), "lead:customer_service", "1h"),
            _step(N_("For a major crisis: an executive apology and a compensation plan"), "commander", "6h"),
            _step(N_("Watch the sentiment and report it in the thread every hour"), "lead:marketing"),
        ],
        resources=[N_("Approved statements"), N_("Social media monitoring")],
        contacts=[N_("PR agency"), N_("Legal counsel")],
    ),
    Plan(
        key="traffic_surge",
        title=N_("Traffic surge"),
        risk=N_("Traffic far above the stress-tested level, as at a flash sale"),
        severity=Severity.ORANGE,
        owner=Department.TECH,
        steps=[
            _step(N_("Scale out the storefront and the order service"), "lead:tech", "15m"),
            _step(N_("Queue visitors or rate-limit non-essential pages"), "lead:tech", "30m"),
            _step(N_("Stagger coupons and flash sales"), "lead:marketing", "1h"),
        ],
        resources=[N_("Stress-test report"), N_("Capacity plan")],
        contacts=[N_("Cloud provider hotline")],
    ),
    Plan(
        key="price_error",
        title=N_("Price error"),
        risk=N_("A product is on sale at a wrong price or with a wrong coupon"),
        severity=Severity.RED,
        owner=Department.SALES,
        steps=[
            _step(N_("Take the product or the coupon off sale"), "lead:sales", "15m"),
            _step(N_("Correct the price, checked by a second person"), "lead:sales", "30m"),
            _step(N_("Decide whether to honour the orders placed"), "finance", "2h"),
            _step(N_("Tell customer service what to say to affected customers"), "lead:customer_service", "1h"),
        ],
        resources=[N_("Price approval sheet")],
        contacts=[N_("Legal counsel")],
    ),
)
