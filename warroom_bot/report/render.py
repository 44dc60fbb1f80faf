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
from warroom_bot.campaigns.config import resolve_deadline, retro_time
from warroom_bot.campaigns.render import audit_subject, phase_label, role_label
from warroom_bot.campaigns.roster import is_role
from warroom_bot.core.blocks import ago
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, in_chinese, listing, local_datetime, tr, tr_n
from warroom_bot.digest.render import NO_OVERALL_LIGHT
from warroom_bot.escalations.render import severity_tag
from warroom_bot.escalations.service import AUTOMATIC
from warroom_bot.metrics.chart import attainment_png, chart_language
from warroom_bot.metrics.render import (
    amount,
    goal,
    kpi_name,
    light_word,
    lower_is_better,
    measure,
    score,
    shown_attainment,
)
from warroom_bot.models import Campaign, EscalationStatus, Role, Task, TaskKind, TaskState
from warroom_bot.report.build import Report
from warroom_bot.retros.render import day_name, department, item_status, severity_word
from warroom_bot.tasks.service import TARGET_RATE, Completion, completion, department_of

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
BAR_WIDTH = 20


def md(text: str | None) -> str:
    """User text on one line, every character Markdown would act on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def who(report: Report, user_id: str | None) -> str:
    """A person by name, as a report is read outside Slack where `<@U…>` means nothing."""
    if user_id == AUTOMATIC:
        return tr("the alert rules")
    return f"@{md(report.name(user_id))}" if user_id else tr("nobody")


def when(moment: datetime, campaign: Campaign) -> str:
    """`Tue 10 Nov 21:10` (`11月10日 周二 21:10`) in the campaign's time zone."""
    return local_datetime(moment, campaign.timezone)


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


ESCALATION_STATUS_WORDS = {
    EscalationStatus.OPEN: N_("open"),
    EscalationStatus.ACKNOWLEDGED: N_("acknowledged"),
    EscalationStatus.EXHAUSTED: N_("exhausted"),
    EscalationStatus.RESOLVED: N_("resolved"),
}


def escalation_status(status: str) -> str:
    return tr(ESCALATION_STATUS_WORDS[EscalationStatus(status)])


def _background(report: Report) -> list[str]:
    campaign = report.campaign
    commander = report.roster.holder(Role.COMMANDER)
    roster = listing(
        [
            tr(
                "{role} {person} (backup {backup})",
                role=role_label(a.role),
                person=who(report, a.primary_user),
                backup=who(report, a.backup_user),
            )
            if a.backup_user
            else tr("{role} {person}", role=role_label(a.role), person=who(report, a.primary_user))
            for a in report.roster
        ],
        ", ",
    )
    goals = [
        [
            md(kpi_name(kpi.label)),
            amount(report.targets.get(kpi.key), kpi.unit),
            (tr("campaign limit") if lower_is_better(kpi) else tr("campaign total"))
            if kpi.kind == "cumulative"
            else measure(kpi),
        ]
        for kpi in report.results.kpis
        if report.targets.get(kpi.key) is not None
    ]
    budget = (
        tr(
            "Budget: {planned} planned over {count} categories, reserve {reserve} left",
            planned=yuan(report.planned),
            count=len(report.budget_lines),
            reserve=yuan(report.reserve_left),
        )
        if report.budget_lines
        else tr("Budget: none planned")
    )
    lines = [
        "## " + tr("1. Background and goals"),
        "",
        "- "
        + tr(
            "Live period: {starts} → {ends} ({timezone})",
            starts=when(campaign.starts_at, campaign),
            ends=when(campaign.ends_at, campaign),
            timezone=campaign.timezone,
        ),
        "- "
        + tr("Commander: {person}", person=who(report, commander.primary_user if commander else campaign.created_by)),
        "- " + tr("Roster: {roster}", roster=roster or tr("none set")),
        "- " + budget,
        "",
    ]
    if not goals:
        return [*lines, tr("No KPI targets were set."), ""]
    return lines + table([tr("KPI"), tr("Goal"), tr("Kind")], goals)


def _timeline(report: Report) -> list[str]:
    campaign = report.campaign
    events: list[tuple[datetime, str]] = [
        (campaign.starts_at, tr("Live period starts")),
        (campaign.ends_at, tr("Live period ends")),
    ]
    for escalation, _ in report.escalations:
        outcome = []
        if escalation.acknowledged_at:
            outcome.append(
                tr(
                    "acknowledged by {person} after {time}",
                    person=who(report, escalation.acknowledged_by),
                    time=span(escalation.raised_at, escalation.acknowledged_at),
                )
            )
        if escalation.resolved_at:
            outcome.append(tr("resolved after {time}", time=span(escalation.raised_at, escalation.resolved_at)))
        if escalation.status == EscalationStatus.EXHAUSTED:
            outcome.append(tr("the whole response chain was paged"))
        raised = tr(
            "{severity} escalation #{number} {summary}, raised by {person}",
            severity=severity_word(escalation.severity).upper(),
            number=escalation.number,
            summary=md(escalation.summary),
            person=who(report, escalation.raised_by),
        )
        events.append((escalation.raised_at, listing([raised, *outcome])))
    for entry in report.approvals:
        events.append(
            (
                entry.at,
                tr(
                    "Budget: {change} {amount}, approved by {person}",
                    change=tr(VERBS[entry.kind]),
                    amount=yuan(entry.amount),
                    person=who(report, entry.approved_by),
                ),
            )
        )
    for day in report.days:
        events.append(
            (
                datetime.combine(day.day, retro_time(campaign.config), tzinfo=ZoneInfo(campaign.timezone)),
                tr_n(
                    "Retro of {day}: {answered} answered, {count} action item",
                    "Retro of {day}: {answered} answered, {count} action items",
                    len(day.items),
                    day=day_name(day.day),
                    answered=len(day.entries),
                ),
            )
        )
    return [
        "### " + tr("Timeline"),
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
            md(audit_subject(e.subject)),
            value(e.subject, e.old),
            value(e.subject, e.new),
        ]
        for e in report.changes
    ]
    heading = ["### " + tr("Changes to how the campaign was run"), ""]
    if not rows:
        return [*heading, tr("None."), ""]
    return [*heading, *table([tr("when"), tr("who"), tr("what"), tr("before"), tr("after")], rows)]


def _escalations(report: Report) -> list[str]:
    heading = ["### " + tr("Escalations"), ""]
    real = [(e, events) for e, events in report.escalations if not e.drill]
    if not real:
        return [*heading, tr("No escalations were raised."), "", *_drills(report)]
    rows = [
        [
            f"#{e.number}",
            severity_word(e.severity),
            md(e.summary),
            when(e.raised_at, report.campaign),
            span(e.raised_at, e.acknowledged_at),
            span(e.raised_at, e.resolved_at),
            escalation_status(e.status),
        ]
        for e, _ in real
    ]
    times = [
        [
            severity_word(t.severity),
            str(t.raised),
            duration(t.mtta),
            duration(t.mttr),
            duration(resolve_deadline(report.campaign.config, t.severity)),
            _share(t.met_deadline, t.with_deadline),
        ]
        for t in report.response_times
    ]
    header = ["#", tr("Severity"), tr("Summary"), tr("Raised"), tr("Time to ack"), tr("Time to resolve")]
    times_header = [tr("Severity"), tr("Raised"), tr("MTTA"), tr("MTTR"), tr("Resolve by"), tr("Resolved in time")]
    return [
        *heading,
        *table([*header, tr("Status")], rows),
        "### " + tr("Response times by severity"),
        "",
        *table(times_header, times),
        *_lights(report),
        *_drills(report),
    ]


def _share(met: int, of: int) -> str:
    """`3 of 4 (75%)`, or — when none had a deadline."""
    return tr("{met} of {of} ({share}%)", met=met, of=of, share=round(100 * met / of)) if of else "—"


def _drills(report: Report) -> list[str]:
    """The rehearsals (`/warroom drill`): kept out of every figure above, recorded here."""
    drills = [e for e, _ in report.escalations if e.drill]
    if not drills:
        return []
    rows = []
    for e in drills:
        steps = report.steps.get(stored_id(e), [])
        done = sum(step.done_at is not None for step in steps)
        late = sum(step.late_at is not None for step in steps)
        rows.append(
            [
                f"#{e.number}",
                md(e.plan_title or e.summary),
                when(e.raised_at, report.campaign),
                span(e.raised_at, e.acknowledged_at),
                f"{done}/{len(steps)}",
                str(late),
            ]
        )
    header = ["#", tr("Emergency plan"), tr("Raised"), tr("Time to ack"), tr("Steps done"), tr("Steps late")]
    return ["### " + tr("Drills"), "", *table(header, rows)]


def _lights(report: Report) -> list[str]:
    """The escalations KPIs' lights raised: how long from the first bad reading to the escalation
    (time to detect), to its acknowledgement, and to green again (time to recover)."""
    raised = [e for e, _ in report.escalations if e.kpi_id is not None]
    if not raised:
        return []
    rows = [
        [
            f"#{e.number}",
            md(e.area),
            light_word(e.light, "—"),
            span(e.bad_since, e.raised_at) if e.bad_since else "—",
            span(e.raised_at, e.acknowledged_at),
            span(e.raised_at, e.recovered_at),
        ]
        for e in raised
    ]
    header = ["#", tr("KPI"), tr("Light"), tr("Time to detect"), tr("Time to ack"), tr("Time to recover")]
    return ["### " + tr("Escalations raised by lights"), "", *table(header, rows)]


def bar(attainment: float | None) -> str:
    if attainment is None:
        return ""
    filled = min(round(attainment * BAR_WIDTH / 1.5), BAR_WIDTH)  # the full bar is 150 %
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _text_chart(report: Report) -> list[str]:
    lines = []
    for s in report.results.kpis:
        if s.attainment is not None:
            name = kpi_name(s.label)[:18]
            lines.append(f"{name:<18} {bar(shown_attainment(s))} {score(s)}")
    return ["```", *lines, "```", ""]


def _results(report: Report, chart_png: bytes | None) -> list[str]:
    kpis = [
        [
            md(kpi_name(s.label)),
            amount(s.value, s.unit),
            goal(s),
            score(s),
            light_word(s.light, "—"),
            open_alert(report, s.key),
        ]
        for s in report.results.kpis
    ]
    if chart_png:
        image = f"data:image/png;base64,{base64.b64encode(chart_png).decode()}"
        alt = tr("KPI attainment")
        chart = [f"![{alt}]({image})", ""]
    else:
        chart = _text_chart(report)
    budget_rows = [
        [md(line.name), yuan(line.planned), yuan(line.spent), deviation(line.spent, line.planned)]
        for line in report.budget_lines
    ]
    if report.budget_lines:
        budget_rows.append(
            ["**" + tr("total") + "**", yuan(report.planned), yuan(report.cost), deviation(report.cost, report.planned)]
        )
    return [
        "## " + tr("3. Results"),
        "",
        tr("Overall light: **{light}**.", light=light_word(report.results.overall, NO_OVERALL_LIGHT)),
        "",
        "### " + tr("KPI attainment"),
        "",
        *table([tr("KPI"), tr("Actual"), tr("Target"), tr("Attainment"), tr("Light"), tr("Open alert")], kpis),
        *chart,
        "### " + tr("Budget vs actual"),
        "",
        *(
            table([tr("Category"), tr("Plan"), tr("Spent"), tr("Deviation")], budget_rows)
            if budget_rows
            else [tr("No budget was planned."), ""]
        ),
        "- " + tr("Revenue (GMV): {amount}", amount=amount(report.revenue, "¥")),
        "- " + tr("Cost (spent): {amount}", amount=yuan(report.cost)),
        "- " + roi_line(report),
        "",
    ]


def open_alert(report: Report, key: str) -> str:
    """`#3 RED` for each unresolved escalation the KPI's lights raised, or `—`."""
    open_ones = [f"#{a.number} {severity_tag(a.severity)}" for a in report.results.alerts if a.kpi == key]
    return ", ".join(open_ones) or "—"


def roi_line(report: Report) -> str:
    """Both returns on the spend, labelled: the playbook's net ROI, `(GMV − spend) ÷ spend: 33.5`,
    and the ratio Chinese teams quote, GMV ÷ spend as `1 : 34.5` (投入产出比: one yuan spent brought
    34.5 of GMV)."""
    if report.roi is None or report.gmv_per_spend is None:
        return tr("ROI: n/a (needs a GMV reading and some spend)")
    return tr(
        "ROI (GMV − spend) ÷ spend: {roi} · GMV ÷ spend: 1 : {ratio}",
        roi=f"{report.roi:,.1f}",
        ratio=f"{report.gmv_per_spend:,.1f}",
    )


def deviation(spent: int, planned: int) -> str:
    return f"{(spent - planned) / planned:+.1%}" if planned else "—"


def _by_day(report: Report, field: str, empty: str) -> list[str]:
    """The retros' `problems` or `adjustments`, day by day, grouped by department."""
    lines: list[str] = []
    for day in report.days:
        written = [
            (department(day.departments.get(e.user_id, "others")), e) for e in day.entries if getattr(e, field).strip()
        ]
        if not written:
            continue
        lines += [f"### {day_name(day.day)}", ""]
        for group, entry in sorted(written, key=lambda pair: pair[0]):
            for line in getattr(entry, field).splitlines():
                if line.strip(" -•*\t"):
                    lines.append(f"- **{md(group)}**: {md(line.strip(' -•*'))} ({who(report, entry.user_id)})")
        lines.append("")
    return lines or [empty, ""]


def _tasks(report: Report) -> list[str]:
    """The countdown's milestones and the tasks, done on time by department (skipped ones left out
    of the rate), then the milestones one by one."""
    heading = ["### " + tr("Milestones and tasks"), ""]
    if not report.tasks:
        return [*heading, tr("No milestones or tasks were set."), ""]
    now = report.generated_at
    groups: dict[str, tuple[Completion, Completion]] = {}
    for task in report.tasks:
        group = department_of(task.owner, report.roster)
        milestones, others = groups.get(group, (Completion(), Completion()))
        if task.kind == TaskKind.MILESTONE:
            milestones += completion([task], now)
        else:
            others += completion([task], now)
        groups[group] = (milestones, others)
    rows = []
    for group, (milestones, others) in sorted(groups.items()):
        both = milestones + others
        rows.append(
            [
                department(group),
                _share(milestones.on_time, milestones.due - milestones.skipped),
                _share(others.on_time, others.due - others.skipped),
                str(both.late),
                str(both.missed),
                str(both.skipped),
            ]
        )
    total = completion(report.tasks, now)
    header = [tr("Department"), tr("Milestones on time"), tr("Tasks on time"), tr("Late"), tr("Missed"), tr("Skipped")]
    overall = tr(
        "On time overall: {share} (the playbooks' target is {target}).",
        share=_share(total.on_time, total.due - total.skipped),
        target=f"{TARGET_RATE:.0%}",
    )
    listed = [
        [
            md(task.title),
            role_label(task.owner) if is_role(task.owner) else who(report, task.owner),
            when(task.due_at, report.campaign),
            task_state(task),
            when(task.closed_at, report.campaign) if task.closed_at else "—",
        ]
        for task in report.tasks
        if task.kind == TaskKind.MILESTONE
    ]
    milestone_table = (
        table([tr("Milestone"), tr("Owner"), tr("Due"), tr("State"), tr("Closed")], listed) if listed else []
    )
    return [*heading, *table(header, rows), overall, "", *milestone_table]


def task_state(task: Task) -> str:
    if task.state == TaskState.SKIPPED:
        return tr("skipped: {reason}", reason=md(task.skip_reason))
    if task.state == TaskState.DONE:
        late = task.closed_at is not None and task.closed_at > task.due_at
        return tr("done late") if late else tr("done on time")
    return tr("not done")


def _actions(report: Report) -> list[str]:
    rows = [
        [md(i.problem), md(i.cause) or "—", md(i.action), who(report, i.owner), day_name(i.due), item_status(i.status)]
        for i in report.action_items
    ]
    if not rows:
        return [tr("No action items were written."), ""]
    return table([tr("Problem"), tr("Cause"), tr("Action"), tr("Owner"), tr("Due"), tr("Status")], rows)


def markdown(report: Report, chart_png: bytes | None = None) -> str:
    """The report in Markdown; with `chart_png`, the attainment chart is embedded as an image."""
    campaign = report.campaign
    generated = tr(
        "Generated {time} ({timezone}) · phase {phase}",
        time=when(report.generated_at, campaign),
        timezone=campaign.timezone,
        phase=phase_label(campaign.phase),
    )
    lines = [
        "# " + tr("{name} — campaign report", name=md(campaign.name)),
        "",
        f"_{generated}_",
        "",
        *_background(report),
        "## " + tr("2. Execution review"),
        "",
        *_timeline(report),
        *_changes(report),
        *_escalations(report),
        *_tasks(report),
        *_results(report, chart_png),
        "## " + tr("4. Problems and challenges"),
        "",
        *_by_day(report, "problems", tr("No problems were written in the retros.")),
        "## " + tr("5. Lessons learned"),
        "",
        tr("What the team changed, day by day (the retros' adjustments):"),
        "",
        *_by_day(report, "adjustments", tr("No adjustments were written in the retros.")),
        "## " + tr("6. Improvement actions"),
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
    title = html.escape(tr("{name} — campaign report", name=report.campaign.name))
    lang = "zh-CN" if in_chinese() else "en"
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>\n{body}</body></html>\n"
    )


FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def filename(campaign: Campaign, format: str) -> str:
    """`double-11-report.md`: no spaces or characters a shell or a file system trips on."""
    slug = re.sub(r"[^a-z0-9]+", "-", campaign.name.lower()).strip("-") or f"campaign-{campaign.id}"
    return f"{slug[:60]}-report.{format}"


def attainment_chart(report: Report) -> bytes | None:
    with chart_language():  # English labels where no font can draw Chinese
        bars = [
            (kpi_name(s.label), shown * 100, s.light)
            for s in report.results.kpis
            if (shown := shown_attainment(s)) is not None
        ]
        title = tr("{name}: KPI attainment", name=report.campaign.name)
    return attainment_png(title, bars) if bars else None


def document(report: Report, format: str) -> str:
    """The report in `format` (`md` or `html`); drawing the chart takes a moment, so run it in a thread."""
    if format not in FORMATS:
        raise UserError(tr("`{format}` is not a report format: use `md` or `html`.", format=format))
    return html_page(report, attainment_chart(report)) if format == "html" else markdown(report)
