"""The status digest as a message: what got worse first, then one line per KPI, then the rest.

Lights are emoji in blocks and words (green, yellow, red, purple) in the plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models import KpiKind, Phase
from warroom_bot.render.blocks import (
    Message,
    context,
    escape,
    header,
    local_time,
    mention,
    message,
    plural,
    section,
    sentence,
)

if TYPE_CHECKING:
    from warroom_bot.digest import KpiStatus, Snapshot

LIGHT_EMOJI = {
    "green": ":large_green_circle:",
    "yellow": ":large_yellow_circle:",
    "red": ":red_circle:",
    "purple": ":large_purple_circle:",
    None: ":white_circle:",
}


def amount(value: float | None, unit: str) -> str:
    """`¥1.20m`, `35.2k`, `3.1 s`, `2.5%`, `—` when there is no reading."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "s":
        return f"{value:.1f} s"
    size = abs(value)
    if size >= 1_000_000:
        text = f"{value / 1_000_000:.2f}m"
    elif size >= 10_000:
        text = f"{value / 1_000:.1f}k"
    else:
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"¥{text}" if unit == "¥" else text


def percent(attainment: float | None) -> str:
    if attainment is None:
        return "—"
    return ">999%" if attainment > 9.99 else f"{attainment * 100:.1f}%"


def change(status: KpiStatus) -> str:
    if status.value is None or status.previous_value is None:
        return ""
    delta = status.value - status.previous_value
    if delta == 0:
        return " · no change"
    return f" · {'▲' if delta > 0 else '▼'} {amount(abs(delta), status.unit)}"


def kpi_line(status: KpiStatus) -> str:
    light = status.light or "no light"
    goal = "to date" if status.kind == KpiKind.CUMULATIVE else "threshold"
    line = (
        f"*{escape(status.label)}*: {amount(status.value, status.unit)} vs "
        f"{amount(status.target_to_date, status.unit)} {goal} · {percent(status.attainment)} · {light}{change(status)}"
    )
    worst = "".join(
        f"\n      {escape(d.dimension)}: {percent(d.attainment)} {d.light}" for d in status.worst_dimensions
    )
    return f"{LIGHT_EMOJI[status.light]} {line}{worst}"


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


def digest(snapshot: Snapshot) -> Message:
    when = local_time(snapshot.at, snapshot.timezone)
    overall = snapshot.overall or "no light yet"
    title = f"{snapshot.campaign_name} — status {when} ({snapshot.timezone})"
    changed = worsened_line(snapshot)
    problem = f" {escape(snapshot.source_problem)}" if snapshot.source_problem else ""
    due = f" {plural(len(snapshot.actions_due), 'action item')} due today." if snapshot.actions_due else ""
    text = f"{escape(title)}: overall {overall}. {escape(changed)}{problem} {sentence(snapshot.escalations)}.{due}"
    blocks = [
        header(title),
        *([section(f":warning: {escape(snapshot.source_problem)}")] if snapshot.source_problem else []),
        *digest_blocks(snapshot),
        *([section(actions_due(snapshot))] if snapshot.actions_due else []),
        context(" · ".join(filter(None, [sentence(snapshot.escalations), snapshot.budget, f"phase {Phase(snapshot.phase).label}"]))),
    ]
    return message(text, blocks)
