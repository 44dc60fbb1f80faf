"""The digest and the status as messages: what got worse first, then one line per KPI, then the rest."""

from __future__ import annotations

from datetime import datetime

from warroom_bot.budget.render import burn_figures, burn_line
from warroom_bot.campaigns.config import current_values
from warroom_bot.campaigns.render import period, phase_label, roster_lines
from warroom_bot.campaigns.roster import Roster
from warroom_bot.core.blocks import (
    Message,
    context,
    escape,
    fields,
    header,
    local_time,
    mention,
    message,
    section,
    sentence,
)
from warroom_bot.core.i18n import N_, listing, tr, tr_n
from warroom_bot.core.parsing import say_duration
from warroom_bot.digest.snapshot import Snapshot, SourceProblem
from warroom_bot.escalations.render import open_counts, open_summary, severity_tag, status_word
from warroom_bot.metrics.render import LIGHT_EMOJI, kpi_line, kpi_name, light_word, lower_is_better, percent
from warroom_bot.metrics.status import KpiStatus
from warroom_bot.models import Campaign
from warroom_bot.tasks.render import completion_line, moment_line

NO_LIGHT_YET, NO_OVERALL_LIGHT = N_("no light yet"), N_("none")


def worsened_line(snapshot: Snapshot) -> str:
    worse = [
        tr(
            "{kpi} {before} → {after}",
            kpi=kpi_name(s.label),
            before=light_word(s.previous_light, NO_LIGHT_YET),
            after=light_word(s.light, NO_LIGHT_YET),
        )
        for s in snapshot.kpis
        if s.worsened
    ]
    if not worse:
        return tr("No KPI got worse since the last digest.")
    return tr("Worse since the last digest: {changes}.", changes=listing(worse))


def digest_blocks(snapshot: Snapshot) -> list[dict]:
    """The KPI part: overall light with what got worse, then a line per KPI."""
    overall = tr(
        "Overall *{light}* · {changes}",
        light=light_word(snapshot.overall, NO_LIGHT_YET),
        changes=escape(worsened_line(snapshot)),
    )
    return [
        section(f"{LIGHT_EMOJI[snapshot.overall]} {overall}"),
        *(section(kpi_line(status) + outlook(snapshot, status)) for status in snapshot.kpis),
    ]


def outlook(snapshot: Snapshot, status: KpiStatus) -> str:
    """What follows a KPI's line: where it lands at this pace, how old a stale value is, and the
    escalations its lights raised that are still open."""
    notes = []
    if status.forecast is not None:
        notes.append(
            tr("at this pace {percent} of target", percent=percent(status.forecast, lower=lower_is_better(status)))
        )
    if status.stale and status.latest_at is not None:
        notes.append(
            tr(":hourglass: stale: the latest reading is {age} old", age=say_duration(snapshot.at - status.latest_at))
        )
    for alert in snapshot.alerts:
        if alert.kpi == status.key:
            where = f" ({escape(alert.dimension)})" if alert.dimension else ""
            notes.append(
                tr(
                    ":rotating_light: #{number}{where} {severity}, {state}",
                    number=alert.number,
                    where=where,
                    severity=severity_tag(alert.severity),
                    state=status_word(alert.status),
                )
            )
    return "".join("\n      " + note for note in notes)


def actions_due(snapshot: Snapshot) -> str:
    lines = [
        tr("• #{id} {action} — {owner}", id=item.id, action=escape(item.action), owner=mention(item.owner))
        + (tr(", *overdue* (due {due})", due=item.due) if item.overdue else "")
        for item in snapshot.actions_due
    ]
    return tr("*Action items due today*") + "\n" + "\n".join(lines)


def source_problem(problem: SourceProblem) -> str:
    return tr(
        "Pull source {url} failed: {reason}. Its readings are not in this digest.",
        url=problem.url,
        reason=problem.reason,
    )


def digest(snapshot: Snapshot) -> Message:
    when = local_time(snapshot.at, snapshot.timezone)
    title = tr(
        "{name} — status {when} ({timezone})", name=snapshot.campaign_name, when=when, timezone=snapshot.timezone
    )
    problem = f" {escape(source_problem(snapshot.source_problem))}" if snapshot.source_problem else ""
    due = (
        " "
        + tr_n(
            "{count} action item due today.",
            "{count} action items due today.",
            len(snapshot.actions_due),
        )
        if snapshot.actions_due
        else ""
    )
    escalations = open_summary(snapshot.escalations)
    text = tr(
        "{title}: overall {light}. {changes}{problem} {escalations}.{due}",
        title=escape(title),
        light=light_word(snapshot.overall, NO_LIGHT_YET),
        changes=escape(worsened_line(snapshot)),
        problem=problem,
        escalations=sentence(escalations),
        due=due,
    )
    blocks = [
        header(title),
        *([section(f":warning: {escape(source_problem(snapshot.source_problem))}")] if snapshot.source_problem else []),
        *digest_blocks(snapshot),
        *([section(actions_due(snapshot))] if snapshot.actions_due else []),
        *(section(moment_line(change)) for change in snapshot.moments),
        *([context(completion_line(tr("Today's tasks"), snapshot.tasks_today))] if snapshot.tasks_today.due else []),
        context(
            " · ".join(
                filter(
                    None,
                    [
                        sentence(escalations),
                        burn_line(snapshot.budget) if snapshot.budget else None,
                        tr("phase {phase}", phase=phase_label(snapshot.phase)),
                    ],
                )
            )
        ),
    ]
    return message(text, blocks)


def status(campaign: Campaign, roster: Roster, snapshot: Snapshot, now: datetime) -> Message:
    """The digest as it stands now, with the campaign's phase, roster and settings (for the caller only)."""
    elapsed = f"{campaign.elapsed(now):.0%}"
    phase = phase_label(campaign.phase)
    settings = listing([f"`{key}` {value}" for key, value in current_values(campaign.config)], ", ")
    text = tr(
        "{name}: {phase}, {elapsed} of the campaign elapsed, {period}; overall {light}.",
        name=escape(campaign.name),
        phase=phase,
        elapsed=elapsed,
        period=period(campaign),
        light=light_word(snapshot.overall, NO_LIGHT_YET),
    )
    return message(
        text,
        [
            header(tr("{name} — status", name=campaign.name)),
            fields(
                [
                    (tr("Phase"), phase),
                    (tr("Elapsed"), elapsed),
                    (tr("Starts"), local_time(campaign.starts_at, campaign.timezone)),
                    (tr("Ends"), local_time(campaign.ends_at, campaign.timezone)),
                ]
            ),
            *digest_blocks(snapshot),
            section(tr("*Open escalations:* {counts}", counts=open_counts(snapshot.escalations))),
            *([section(tr("*Budget:* {figures}", figures=burn_figures(snapshot.budget)))] if snapshot.budget else []),
            section(tr("*Roster*\n{roster}", roster=roster_lines(roster))),
            context(tr("Settings: {settings} · times in {timezone}", settings=settings, timezone=campaign.timezone)),
        ],
    )
