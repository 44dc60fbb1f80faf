"""Campaigns: starting one in a channel, its phase, its roster and its settings.

The service changes state and says what happened (the `Campaign` started, `PhaseChanged`,
`RoleAssigned`, `ConfigSet`) or why not (refusals carrying their data: `AlreadyRunning`, `TooEarly`, `NotAManager`,
`AlreadyInPhase`, and `BadName` / `BadDates` for the start form); `campaigns.messages` words them and enqueues the
messages in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import audit, config
from warroom_bot.campaigns.roster import Roster
from warroom_bot.core import i18n
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import parse_timezone
from warroom_bot.models import (
    AuditEntry,
    Campaign,
    Escalation,
    KeyMoment,
    Phase,
    RetroDay,
    Role,
    RoleAssignment,
    Task,
    TaskSeries,
)

MAX_NAME = 80


# -- what happened -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseChanged:
    campaign: Campaign
    previous: Phase
    user_id: str


@dataclass(frozen=True)
class RoleAssigned:
    campaign: Campaign
    assignment: RoleAssignment


@dataclass(frozen=True)
class ConfigSet:
    """A setting stored: the key and the value as stored (as shown, for a pull source)."""

    campaign: Campaign
    key: str
    value: str
    audit: AuditEntry


# -- why not -------------------------------------------------------------------------------------------


class BadName(UserError):
    """The campaign's name is missing or too long (the start form's name input)."""


class BadDates(UserError):
    """The campaign ends before it starts (the start form's end input)."""


class SameBackup(UserError):
    """A role's backup is its primary (the command's form belongs beside it)."""


class AlreadyRunning(UserError):
    def __init__(self, existing: Campaign) -> None:
        super().__init__(tr("This channel already runs a campaign. Close it first."))
        self.existing = existing


class AlreadyInPhase(UserError):
    """Setting the phase the campaign is in: nothing to change."""

    def __init__(self, phase: Phase) -> None:
        super().__init__(tr("The campaign is already in that phase; nothing was changed."))
        self.phase = phase


class TooEarly(UserError):
    """Going live before the live period starts, without `--force`."""

    def __init__(self, campaign: Campaign, now: datetime) -> None:
        super().__init__(tr("The live period has not started yet; force the phase to go live now anyway."))
        self.campaign, self.now = campaign, now


class NotAManager(UserError):
    """`action` completes "may …" in English, marked with `N_` (shown through `tr`)."""

    def __init__(self, action: str, managers: list[str]) -> None:
        super().__init__(tr("Only the commander or whoever started the campaign may {action}.", action=tr(action)))
        self.action, self.managers = action, managers


async def open_campaign_in(session: AsyncSession, channel_id: str) -> Campaign | None:
    """The channel's campaign that is not closed, if any."""
    return (
        await session.exec(select(Campaign).where(Campaign.channel_id == channel_id, Campaign.phase != Phase.CLOSED))
    ).first()


async def get(session: AsyncSession, campaign_id: int) -> Campaign:
    campaign = await session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise UserError(tr("Campaign {campaign_id} does not exist.", campaign_id=campaign_id))
    return campaign


async def roster(session: AsyncSession, campaign_id: int) -> Roster:
    query = select(RoleAssignment).where(col(RoleAssignment.campaign_id) == campaign_id)
    return Roster.of(list((await session.exec(query)).all()))


def initial_phase(starts_at: datetime, ends_at: datetime, now: datetime) -> Phase:
    """Warm-up before the live period, live during it, wrap-up after it (a room opened for the review)."""
    if now < starts_at:
        return Phase.WARMUP
    return Phase.LIVE if now < ends_at else Phase.WRAPUP


async def start(
    session: AsyncSession,
    *,
    channel_id: str,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    timezone: str,
    user_id: str,
    now: datetime,
    language: str = i18n.ENGLISH,
) -> Campaign:
    """Open a campaign in `channel_id` and make its starter the commander (`messages.started` announces
    it; `metrics.service.add_default_kpis` gives it its KPIs). It speaks `language` (its `lang`
    setting, stored unless it is the default, English)."""
    name = " ".join(name.split())
    if not name:
        raise BadName(tr("The campaign needs a name."))
    if len(name) > MAX_NAME:
        raise BadName(tr("A campaign name can be at most {most} characters.", most=MAX_NAME))
    parse_timezone(timezone)
    if ends_at <= starts_at:
        raise BadDates(tr("The campaign must end after it starts."))
    spoken = i18n.language_of(language)
    if spoken is None:
        raise UserError(tr("`{raw}` is not a language this bot speaks: use `en` or `zh-CN`.", raw=language))
    existing = await open_campaign_in(session, channel_id)
    if existing is not None:
        raise AlreadyRunning(existing)
    campaign = Campaign(
        channel_id=channel_id,
        name=name,
        timezone=timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        phase=initial_phase(starts_at, ends_at, now),
        created_by=user_id,
        created_at=now,
        config={} if spoken == i18n.ENGLISH else {"lang": spoken},
    )
    session.add(campaign)
    try:
        await session.flush()
    except IntegrityError:
        raise UserError(tr("This channel already runs a campaign (it was started a moment ago).")) from None
    session.add(
        RoleAssignment(
            campaign_id=stored_id(campaign),
            role=Role.COMMANDER,
            primary_user=user_id,
            updated_by=user_id,
            updated_at=now,
        )
    )
    return campaign


@dataclass(frozen=True)
class Managers:
    """Who may change a campaign: its commander (primary and backup) and whoever started it."""

    user_ids: frozenset[str]

    def check(self, user_id: str, action: str) -> None:
        if user_id not in self.user_ids:
            raise NotAManager(action, sorted(self.user_ids))


async def managers(session: AsyncSession, campaign: Campaign) -> Managers:
    commanders = (await roster(session, stored_id(campaign))).people(Role.COMMANDER)
    return Managers(frozenset({campaign.created_by, *commanders}))


async def set_phase(
    session: AsyncSession, *, campaign_id: int, phase: Phase, user_id: str, now: datetime, force: bool = False
) -> PhaseChanged:
    """Move the campaign on. Going live before the live period starts is probably a slip (a date
    typed wrong, the wrong channel): it asks for `--force` rather than starting digests and retros."""
    campaign = await get(session, campaign_id)
    (await managers(session, campaign)).check(user_id, N_("change the phase"))
    previous = campaign.phase
    if previous == phase:
        raise AlreadyInPhase(phase)
    if phase == Phase.LIVE and now < campaign.starts_at and not force:
        raise TooEarly(campaign, now)
    campaign.phase = phase
    await audit.record(
        session, campaign, user_id=user_id, now=now, subject="phase", old=previous, new=phase, announce=False
    )
    # Digests, retro prompts and the countdown follow the phase; the tick schedules the next ones.
    campaign.next_digest_at = None
    campaign.next_retro_at = None
    campaign.next_countdown_at = None
    session.add(campaign)
    if phase == Phase.CLOSED:
        # Closing stops every page and reminder still to come, so nobody is paged weeks later.
        await session.exec(
            update(Escalation)
            .where(col(Escalation.campaign_id) == campaign_id, col(Escalation.next_step_at).is_not(None))
            .values(next_step_at=None)
        )
        await session.exec(
            update(RetroDay).where(col(RetroDay.campaign_id) == campaign_id).values(remind_at=None, summary_at=None)
        )
        await session.exec(
            update(Task).where(col(Task.campaign_id) == campaign_id).values(remind_at=None, overdue_at=None)
        )
        for model in (TaskSeries, KeyMoment):
            await session.exec(
                update(model)
                .where(col(model.campaign_id) == campaign_id, col(model.stopped_at).is_(None))
                .values(stopped_at=now)
            )
    return PhaseChanged(campaign, previous, user_id)


async def assign_role(
    session: AsyncSession,
    *,
    campaign_id: int,
    role: str,
    primary: str,
    backup: str | None,
    user_id: str,
    now: datetime,
) -> RoleAssigned:
    campaign = await get(session, campaign_id)
    (await managers(session, campaign)).check(user_id, N_("set roles"))
    if backup == primary:
        raise SameBackup(tr("The backup must be someone other than the primary."))
    assignment = (
        await session.exec(
            select(RoleAssignment).where(RoleAssignment.campaign_id == campaign_id, RoleAssignment.role == role)
        )
    ).first() or RoleAssignment(
        campaign_id=campaign_id, role=role, primary_user=primary, updated_by=user_id, updated_at=now
    )
    before = " ".join(filter(None, [assignment.primary_user, assignment.backup_user])) if assignment.id else None
    assignment.primary_user = primary
    assignment.backup_user = backup
    after = " ".join(filter(None, [primary, backup]))
    # Announced in its own words; the trail keeps the user ids, primary first.
    await audit.record(
        session, campaign, user_id=user_id, now=now, subject=f"role {role}", old=before, new=after, announce=False
    )
    assignment.updated_by = user_id
    assignment.updated_at = now
    session.add(assignment)
    return RoleAssigned(campaign, assignment)


async def set_config(
    session: AsyncSession, *, campaign_id: int, key: str, raw: str, user_id: str, now: datetime
) -> ConfigSet:
    """Store a setting (and its trail entry, to be announced)."""
    campaign = await get(session, campaign_id)
    (await managers(session, campaign)).check(user_id, N_("change settings"))
    key, value = config.normalise(key, raw)
    old = dict(config.current_values(campaign.config))[key]
    campaign.config = {**campaign.config, key: value}
    value = config.displayed(key, value)
    entry = await audit.record(
        session, campaign, user_id=user_id, now=now, subject=f"setting {key}", old=old, new=value
    )
    # The tick schedules the next slot or prompt under the new rule.
    if key in config.DIGEST_SCHEDULE_KEYS:
        campaign.next_digest_at = None
    if key in config.RETRO_SCHEDULE_KEYS:
        campaign.next_retro_at = None
    if key in config.COUNTDOWN_SCHEDULE_KEYS:
        campaign.next_countdown_at = None
    if key in config.MOMENT_SCHEDULE_KEYS:
        await session.exec(
            update(KeyMoment).where(col(KeyMoment.campaign_id) == campaign_id).values(remind_at=None, occurs_at=None)
        )
    session.add(campaign)
    return ConfigSet(campaign, key, value, entry)
