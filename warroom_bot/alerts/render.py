"""What the alert rules say: a light-raised escalation's summary, and the notices naming a KPI's
owner (a light at `notify`, green again after one, no data)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from warroom_bot.campaigns.render import owner_label
from warroom_bot.core.blocks import Message, escape, local_time, mention, message, section, truncate
from warroom_bot.core.i18n import tr
from warroom_bot.core.parsing import say_duration
from warroom_bot.escalations.service import MAX_SUMMARY
from warroom_bot.metrics.render import LIGHT_EMOJI, kpi_name, light_word, reading_line, score, standing
from warroom_bot.metrics.status import KpiStatus

if TYPE_CHECKING:
    from warroom_bot.alerts.service import Notice


def summary(status: KpiStatus, dimension: str) -> str:
    """`Inventory vs safety stock (South) purple: 400 (safety line 1,000) · 40.0%`: the KPI, the
    dimension, the value, the target to date, the attainment and the light, in one line."""
    name = kpi_name(status.label)
    where = tr("{kpi} ({dimension})", kpi=name, dimension=dimension) if dimension else name
    line = tr(
        "{kpi} {light}: {standing} · {score}",
        kpi=where,
        light=light_word(status.light),
        standing=standing(status),
        score=score(status),
    )
    return truncate(line, MAX_SUMMARY)


def owner_words(owner_role: str, people: list[str]) -> str:
    """The owner as the channel reads it: `@dana` (and the backup), or the role nobody holds yet."""
    if people:
        return " ".join(mention(person) for person in people)
    return tr("{role} (nobody holds it: `/warroom role`)", role=owner_label(owner_role))


def notice(found: Notice, timezone: str, now: datetime) -> Message:
    """A channel post for a light at `notify` (or green again after one), or for no data."""
    owner = owner_words(found.owner_role, found.owner)
    status = found.status
    if found.kind == "nodata":
        assert status.latest_at is not None
        text = tr(
            ":hourglass: No new reading of *{kpi}* for {age} (the latest: {when}). Owner: {owner}. Is its feed stuck?",
            kpi=escape(kpi_name(status.label)),
            age=say_duration(now - status.latest_at),
            when=local_time(status.latest_at, timezone),
            owner=owner,
        )
    elif status.light == "green":
        text = tr(
            "{emoji} {line} — green again. Owner: {owner}.",
            emoji=LIGHT_EMOJI["green"],
            line=reading_line(status, found.dimension),
            owner=owner,
        )
    else:
        text = tr(
            "{emoji} {line} — the {light} light is a warning, no page. Owner: {owner}, please look.",
            emoji=LIGHT_EMOJI[status.light],
            line=reading_line(status, found.dimension),
            light=light_word(status.light),
            owner=owner,
        )
    return message(text, [section(text)])
