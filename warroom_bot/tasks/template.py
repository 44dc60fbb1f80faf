"""The countdown template: the milestones a campaign started well ahead gets, counted back from
its launch (`T-25`: 25 days before the live period starts).

The shipped template is written from the campaign playbooks in English, marked for the catalog and
written in the campaign's language when a campaign is started (`localised`); a team's own template
(`warroom template load FILE`) replaces it for campaigns started afterwards and is used as written.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from warroom_bot.campaigns.roster import normalise_owner
from warroom_bot.core import yaml_files
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import parse_clock_time

MAX_FILE_BYTES = 64 * 1024
MAX_MILESTONES = 60
MAX_DAYS_BEFORE = 180

_COUNTDOWN = re.compile(r"[Tt]\s*([-+])\s*(\d{1,3})(?:[ T]+(\d{1,2}:\d{2}))?")


def parse_countdown(text: str) -> tuple[int, time | None] | None:
    """`T-7` (or `T-7 14:00`, `T+1`): days from the live period's first day, and the time if given;
    None when `text` is not in the countdown form."""
    match = _COUNTDOWN.fullmatch(text.strip())
    if match is None:
        return None
    sign, days, clock = match.groups()
    if int(days) > MAX_DAYS_BEFORE:
        raise UserError(tr("`{text}` is too far from launch: at most {most} days.", text=text, most=MAX_DAYS_BEFORE))
    return (-1 if sign == "-" else 1) * int(days), parse_clock_time(clock) if clock else None


class Milestone(BaseModel):
    """A milestone of the template: what, whose (a role: `lead:<department>` or `commander`), due when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    owner: str
    due: str
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""

    @field_validator("owner")
    @classmethod
    def _owner(cls, value: str) -> str:
        if value.strip().startswith("<@"):
            raise ValueError("a template's owner is a role (lead:<department> or commander), not a person")
        return yaml_files.field_value(normalise_owner, value)

    @field_validator("due")
    @classmethod
    def _due(cls, value: str) -> str:
        counted = yaml_files.field_value(parse_countdown, str(value))
        if counted is None or counted[0] > 0:
            raise ValueError("a milestone is due before launch, written like T-7 or T-7 14:00")
        return str(value).strip().upper()

    @property
    def countdown(self) -> tuple[int, time | None]:
        counted = parse_countdown(self.due)
        assert counted is not None  # checked when loaded
        return counted

    def localised(self) -> Milestone:
        """A shipped milestone's words in the current language (its English text is the catalog's id)."""
        return self.model_copy(update={"title": tr(self.title), "notes": tr(self.notes) if self.notes else ""})


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    milestones: list[Milestone] = Field(min_length=1, max_length=MAX_MILESTONES)


def parse_template_file(text: str) -> list[Milestone]:
    """The milestones of a YAML template file, or `yaml_files.FileProblems` listing every mistake by line."""
    return yaml_files.load(text, TemplateFile, list_key="milestones", max_bytes=MAX_FILE_BYTES).milestones


def _milestone(title: str, owner: str, due: str, notes: str = "") -> Milestone:
    return Milestone(title=title, owner=owner, due=due, notes=notes)


# From the playbooks: materials, systems, people, rehearsal, stock, carriers, compliance.
SHIPPED: tuple[Milestone, ...] = (
    _milestone(N_("Campaign materials designed (pages, banners, store displays)"), "lead:marketing", "T-25"),
    _milestone(N_("Core systems (CRM, ERP) upgraded and integrated"), "lead:tech", "T-20"),
    _milestone(N_("Staff training starts"), "lead:customer_service", "T-15"),
    _milestone(N_("Campaign materials produced"), "lead:marketing", "T-15"),
    _milestone(N_("Carriers' peak-season agreements signed"), "lead:logistics", "T-14"),
    _milestone(N_("Legal review of prices, claims and copy"), "lead:finance", "T-12"),
    _milestone(N_("Stock confirmed, with a replenishment plan"), "lead:supply_chain", "T-10"),
    _milestone(N_("Emergency drills held"), "commander", "T-10"),
    _milestone(
        N_("Baselines and targets set for every KPI"),
        "commander",
        "T-8",
        N_("Seven to ten days before launch, from last year's figures and this year's plan."),
    ),
    _milestone(N_("Campaign materials delivered to every channel and store"), "lead:marketing", "T-7"),
    _milestone(
        N_("Stress test passed"),
        "lead:tech",
        "T-7",
        N_("Three rounds, at 12 to 15 times daily traffic."),
    ),
    _milestone(N_("Staff certified"), "lead:customer_service", "T-5"),
    _milestone(N_("Full-flow rehearsal"), "commander", "T-5"),
)
