"""The digest and the status as messages: what got worse first, then one line per KPI, then the rest."""

from __future__ import annotations

from datetime import datetime

from warroom_bot.budget.render import burn_figures, burn_line
from warroom_bot.campaigns.config import current_values
from warroom_bot.campaigns.render import period, roster_lines
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
from warroom_bot.core.i18n import tr_n
from warroom_bot.digest.snapshot import Snapshot, SourceProblem
from warroom_bot.escalations.render import open_counts, open_summary
from warroom_bot.metrics.render import LIGHT_EMOJI, kpi_line
from warroom_bot.models import Campaign, Phase


def worsened_line(snapshot: Snapshot) -> str:
    worse = [f"{s.label} {s.previous_light} → {s.light}" for s in snapshot.kpis if s.worsened]
    return f"Worse since the last digest: {'; '.join(worse)}." if worse else "No KPI got worse since the last digest."


def digest_blocks(snapshot: Snapshot) -> list[dict]:
    """The KPI part: overall light with what got worse, then a line per KPI."""
    return [
        section(
            f"{LIGHT_EMOJI[snapshot.overall]} Overall *{snapshot.overall or 'no light yet'}* · "
            f"{escape(worsened_line(snapshot))}"
        ),
        *(section(kpi_line(status)) for status in snapshot.kpis),
    ]


def actions_due(snapshot: Snapshot) -> str:
    lines = [
        f"• #{item.id} {escape(item.action)} — {mention(item.owner)}"
        + (f", *overdue* (due {item.due})" if item.overdue else "")
        for item in snapshot.actions_due
    ]
    return "*Action items due today*\n" + "\n".join(lines)


def source_problem(problem: SourceProblem) -> str:
    return f"Pull source {problem.url} failed: {problem.reason}. Its readings are not in this digest."


def digest(snapshot: Snapshot) -> Message:
    when = local_time(snapshot.at, snapshot.timezone)
    overall = snapshot.overall or "no light yet"
    title = f"{snapshot.campaign_name} — status {when} ({snapshot.timezone})"
    changed = worsened_line(snapshot)
    problem = f" {escape(source_problem(snapshot.source_problem))}" if snapshot.source_problem else ""
    due = (
        f" {tr_n('{count} action item', '{count} action items', len(snapshot.actions_due))} due today."
        if snapshot.actions_due
        else ""
    )
    escalations = open_summary(snapshot.escalations)
    text = f"{escape(title)}: overall {overall}. {escape(changed)}{problem} {sentence(escalations)}.{due}"
    blocks = [
        header(title),
        *([section(f":warning: {escape(source_problem(snapshot.source_problem))}")] if snapshot.source_problem else []),
        *digest_blocks(snapshot),
        *([section(actions_due(snapshot))] if snapshot.actions_due else []),
        context(
            " · ".join(
                filter(
                    None,
                    [
                        sentence(escalations),
                        burn_line(snapshot.budget) if snapshot.budget else None,
                        f"phase {Phase(snapshot.phase).label}",
                    ],
                )
            )
        ),
    ]
    return message(text, blocks)


def status(campaign: Campaign, roster: Roster, snapshot: Snapshot, now: datetime) -> Message:
    """The digest as it stands now, with the campaign's phase, roster and settings (for the caller only)."""
    elapsed = campaign.elapsed(now)
    settings = ", ".join(f"`{key}` {value}" for key, value in current_values(campaign.config))
    text = (
        f"{escape(campaign.name)}: {Phase(campaign.phase).label}, {elapsed:.0%} of the campaign elapsed, "
        f"{period(campaign)}; overall {snapshot.overall or 'no light yet'}."
    )
    return message(
        text,
        [
            header(f"{campaign.name} — status"),
            fields(
                [
                    ("Phase", Phase(campaign.phase).label),
                    ("Elapsed", f"{elapsed:.0%}"),
                    ("Starts", local_time(campaign.starts_at, campaign.timezone)),
                    ("Ends", local_time(campaign.ends_at, campaign.timezone)),
                ]
            ),
            *digest_blocks(snapshot),
            section(f"*Open escalations:* {open_counts(snapshot.escalations)}"),
            *([section(f"*Budget:* {burn_figures(snapshot.budget)}")] if snapshot.budget else []),
            section(f"*Roster*\n{roster_lines(roster)}"),
            context(f"Settings: {settings} · times in {campaign.timezone}"),
        ],
    )
