"""The final report as Markdown (for pasting) and as a self-contained HTML page (for sharing).

HTML is the Markdown rendered by markdown-it-py with raw HTML switched off, so one text serves both
and nothing a user typed can become markup: user text is also backslash-escaped for Markdown.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt

from warroom_bot.budget.render import VERBS, yuan
from warroom_bot.campaigns.config import retro_time
from warroom_bot.core.blocks import ago
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr_n
from warroom_bot.metrics.chart import attainment_png
from warroom_bot.metrics.render import amount, goal, lower_is_better, measure, score, shown_attainment
from warroom_bot.models import Campaign, EscalationStatus, Phase, Role
from warroom_bot.report.build import Report
from warroom_bot.retros.render import day_name

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
BAR_WIDTH = 20


def md(text: str | None) -> str:
    """User text on one line, every character Markdown would act on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def who(report: Report, user_id: str | None) -> str:
    """A person by name, as a report is read outside Slack where `<@U…>` means nothing."""
    return f"@{md(report.name(user_id))}" if user_id else "nobody"


def when(moment: datetime, campaign: Campaign) -> str:
    return moment.astimezone(ZoneInfo(campaign.timezone)).strftime("%a %d %b %H:%M")


def duration(delta: timedelta | None) -> str:
    return ago(delta) if delta is not None else "—"


def span(start: datetime, end: datetime | None) -> str:
    return duration(end - start if end else None)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def _background(report: Report) -> list[str]:
    campaign = report.campaign
    commander = report.roster.holder(Role.COMMANDER)
    roster = ", ".join(
        f"{a.role} {who(report, a.primary_user)}" + (f" (backup {who(report, a.backup_user)})" if a.backup_user else "")
        for a in report.roster
    )
    goals = [
        [
            md(kpi.label),
            amount(report.targets.get(kpi.key), kpi.unit),
            f"campaign {'limit' if lower_is_better(kpi) else 'total'}" if kpi.kind == "cumulative" else measure(kpi),
        ]
        for kpi in report.results.kpis
        if report.targets.get(kpi.key) is not None
    ]
    lines = [
        "## 1. Background and goals",
        "",
        f"- Live period: {when(campaign.starts_at, campaign)} → {when(campaign.ends_at, campaign)} ({campaign.timezone})",
        f"- Commander: {who(report, commander.primary_user if commander else campaign.created_by)}",
        f"- Roster: {roster or 'none set'}",
        (
            f"- Budget: {yuan(report.planned)} planned over {len(report.budget_lines)} categories, "
            f"reserve {yuan(report.reserve_left)} left"
            if report.budget_lines
            else "- Budget: none planned"
        ),
        "",
    ]
    return lines + (table(["KPI", "Goal", "Kind"], goals) if goals else ["No KPI targets were set.", ""])


def _timeline(report: Report) -> list[str]:
    campaign = report.campaign
    events: list[tuple[datetime, str]] = [
        (campaign.starts_at, "Live period starts"),
        (campaign.ends_at, "Live period ends"),
    ]
    for escalation, _ in report.escalations:
        outcome = []
        if escalation.acknowledged_at:
            outcome.append(
                f"acknowledged by {who(report, escalation.acknowledged_by)} after {span(escalation.raised_at, escalation.acknowledged_at)}"
            )
        if escalation.resolved_at:
            outcome.append(f"resolved after {span(escalation.raised_at, escalation.resolved_at)}")
        if escalation.status == EscalationStatus.EXHAUSTED:
            outcome.append("the whole response chain was paged")
        events.append(
            (
                escalation.raised_at,
                f"{escalation.severity.upper()} escalation #{escalation.number} {md(escalation.summary)}, "
                f"raised by {who(report, escalation.raised_by)}" + (f"; {'; '.join(outcome)}" if outcome else ""),
            )
        )
    for entry in report.approvals:
        events.append(
            (
                entry.at,
                f"Budget: {VERBS[entry.kind]} {yuan(entry.amount)}, approved by {who(report, entry.approved_by)}",
            )
        )
    for day in report.days:
        events.append(
            (
                datetime.combine(day.day, retro_time(campaign.config), tzinfo=ZoneInfo(campaign.timezone)),
                f"Retro of {day_name(day.day)}: {len(day.entries)} answered, {tr_n('{count} action item', '{count} action items', len(day.items))}",
            )
        )
    return [
        "### Timeline",
        "",
        *(f"- {when(at, campaign)} — {text}" for at, text in sorted(events, key=lambda e: e[0])),
        "",
    ]


def _changes(report: Report) -> list[str]:
    """The audit trail: who changed the KPIs, targets, roster, settings or phase, and how."""

    def value(subject: str, text: str | None) -> str:
        if text is None:
            return "—"
        if subject.startswith("role "):  # user ids, primary first
            return " / ".join(who(report, user) for user in text.split())
        return md(text)

    rows = [
        [
            when(e.at, report.campaign),
            who(report, e.user_id),
            md(e.subject),
            value(e.subject, e.old),
            value(e.subject, e.new),
        ]
        for e in report.changes
    ]
    heading = ["### Changes to how the campaign was run", ""]
    if not rows:
        return [*heading, "None.", ""]
    return [*heading, *table(["when", "who", "what", "before", "after"], rows)]


def _escalations(report: Report) -> list[str]:
    if not report.escalations:
        return ["### Escalations", "", "No escalations were raised.", ""]
    rows = [
        [
            f"#{e.number}",
            e.severity,
            md(e.summary),
            when(e.raised_at, report.campaign),
            span(e.raised_at, e.acknowledged_at),
            span(e.raised_at, e.resolved_at),
            e.status,
        ]
        for e, _ in report.escalations
    ]
    times = [[t.severity, str(t.raised), duration(t.mtta), duration(t.mttr)] for t in report.response_times]
    return [
        "### Escalations",
        "",
        *table(["#", "Severity", "Summary", "Raised", "Time to ack", "Time to resolve", "Status"], rows),
        "### Response times by severity",
        "",
        *table(["Severity", "Raised", "MTTA", "MTTR"], times),
    ]


def bar(attainment: float | None) -> str:
    if attainment is None:
        return ""
    filled = min(round(attainment * BAR_WIDTH / 1.5), BAR_WIDTH)  # the full bar is 150 %
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _results(report: Report, chart_png: bytes | None) -> list[str]:
    kpis = [[md(s.label), amount(s.value, s.unit), goal(s), score(s), s.light or "—"] for s in report.results.kpis]
    if chart_png:
        chart = [f"![KPI attainment](data:image/png;base64,{base64.b64encode(chart_png).decode()})", ""]
    else:
        chart = [
            "```",
            *(
                f"{s.label[:18]:<18} {bar(shown_attainment(s))} {score(s)}"
                for s in report.results.kpis
                if s.attainment is not None
            ),
            "```",
            "",
        ]
    budget_rows = [
        [md(line.name), yuan(line.planned), yuan(line.spent), deviation(line.spent, line.planned)]
        for line in report.budget_lines
    ]
    if report.budget_lines:
        budget_rows.append(
            ["**total**", yuan(report.planned), yuan(report.cost), deviation(report.cost, report.planned)]
        )
    return [
        "## 3. Results",
        "",
        f"Overall light: **{report.results.overall or 'none'}**.",
        "",
        "### KPI attainment",
        "",
        *table(["KPI", "Actual", "Target", "Attainment", "Light"], kpis),
        *chart,
        "### Budget vs actual",
        "",
        *(
            table(["Category", "Plan", "Spent", "Deviation"], budget_rows)
            if budget_rows
            else ["No budget was planned.", ""]
        ),
        f"- Revenue (GMV): {amount(report.revenue, '¥')}",
        f"- Cost (spent): {yuan(report.cost)}",
        f"- {roi_line(report)}",
        "",
    ]


def roi_line(report: Report) -> str:
    """Both returns on the spend, labelled: the net ROI, `(GMV − spend) ÷ spend: 33.5`, and the ratio
    the playbooks quote, `GMV ÷ spend: 1 : 34.5` (one yuan spent brought 34.5 of GMV)."""
    if report.roi is None or report.gmv_per_spend is None:
        return "ROI: n/a (needs a GMV reading and some spend)"
    return f"ROI (GMV − spend) ÷ spend: {report.roi:,.1f} · GMV ÷ spend: 1 : {report.gmv_per_spend:,.1f}"


def deviation(spent: int, planned: int) -> str:
    return f"{(spent - planned) / planned:+.1%}" if planned else "—"


def _by_day(report: Report, field: str, empty: str) -> list[str]:
    """The retros' `problems` or `adjustments`, day by day, grouped by department."""
    lines: list[str] = []
    for day in report.days:
        written = [(day.departments.get(e.user_id, "others"), e) for e in day.entries if getattr(e, field).strip()]
        if not written:
            continue
        lines += [f"### {day_name(day.day)}", ""]
        for department, entry in sorted(written, key=lambda pair: pair[0]):
            for line in getattr(entry, field).splitlines():
                if line.strip(" -•*\t"):
                    lines.append(f"- **{md(department)}**: {md(line.strip(' -•*'))} ({who(report, entry.user_id)})")
        lines.append("")
    return lines or [empty, ""]


def _actions(report: Report) -> list[str]:
    rows = [
        [md(i.problem), md(i.cause) or "—", md(i.action), who(report, i.owner), day_name(i.due), i.status]
        for i in report.action_items
    ]
    if not rows:
        return ["No action items were written.", ""]
    return table(["Problem", "Cause", "Action", "Owner", "Due", "Status"], rows)


def markdown(report: Report, chart_png: bytes | None = None) -> str:
    """The report in Markdown; with `chart_png`, the attainment chart is embedded as an image."""
    campaign = report.campaign
    lines = [
        f"# {md(campaign.name)} — campaign report",
        "",
        f"_Generated {when(report.generated_at, campaign)} ({campaign.timezone}) · phase {Phase(campaign.phase).label}_",
        "",
        *_background(report),
        "## 2. Execution review",
        "",
        *_timeline(report),
        *_changes(report),
        *_escalations(report),
        *_results(report, chart_png),
        "## 4. Problems and challenges",
        "",
        *_by_day(report, "problems", "No problems were written in the retros."),
        "## 5. Lessons learned",
        "",
        "What the team changed, day by day (the retros' adjustments):",
        "",
        *_by_day(report, "adjustments", "No adjustments were written in the retros."),
        "## 6. Improvement actions",
        "",
        *_actions(report),
    ]
    return "\n".join(lines)


STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 960px; margin: 2em auto;
       padding: 0 1em; color: #1d1c1d; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
h1 { border-bottom: 2px solid #4a154b; padding-bottom: 0.2em; }
h2 { color: #4a154b; margin-top: 1.5em; }
img { max-width: 100%; }
code, pre { background: #f6f6f6; }
"""


def html_page(report: Report, chart_png: bytes | None) -> str:
    """A self-contained HTML page: the same Markdown rendered, the chart inlined."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown(report, chart_png))
    title = html.escape(f"{report.campaign.name} — campaign report")
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>\n{body}</body></html>\n"
    )


FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def filename(campaign: Campaign, format: str) -> str:
    """`double-11-report.md`: no spaces or characters a shell or a file system trips on."""
    slug = re.sub(r"[^a-z0-9]+", "-", campaign.name.lower()).strip("-") or f"campaign-{campaign.id}"
    return f"{slug[:60]}-report.{format}"


def attainment_chart(report: Report) -> bytes | None:
    bars = [(s.label, shown * 100, s.light) for s in report.results.kpis if (shown := shown_attainment(s)) is not None]
    return attainment_png(f"{report.campaign.name}: KPI attainment", bars) if bars else None


def document(report: Report, format: str) -> str:
    """The report in `format` (`md` or `html`); drawing the chart takes a moment, so run it in a thread."""
    if format not in FORMATS:
        raise UserError(f"`{format}` is not a report format: use `md` or `html`.")
    return html_page(report, attainment_chart(report)) if format == "html" else markdown(report)
