"""What tasks say: the task list with its Done buttons, the owner's DMs, the overdue raise, the
key moment's reminder, the countdown post and go/no-go, and the completion figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom_bot.campaigns.calendar import local_date
from warroom_bot.campaigns.render import owner_label
from warroom_bot.core.blocks import Message, context, escape, header, local_time, mention, message, section
from warroom_bot.core.db import stored_id
from warroom_bot.core.i18n import listing, tr, tr_n
from warroom_bot.core.ids import ActionId, task_block, task_tap_value
from warroom_bot.metrics.render import amount, kpi_name
from warroom_bot.models import Campaign, KeyMoment, KpiKind, Task, TaskKind, TaskSeries, TaskState
from warroom_bot.tasks.schedule import Countdown, MomentComing
from warroom_bot.tasks.service import HOURLY, TARGET_RATE, Completion, launch_day
from warroom_bot.tasks.views import MomentChange

MAX_LISTED = 40  # tasks drawn with a button in `/warroom tasks` (a message holds at most 50 blocks)
DUE_SOON_DAYS = 7  # the countdown's "due this week"
MAX_LINES = 15  # tasks named in one part of the countdown post


def countdown_day(campaign: Campaign, task: Task) -> str:
    """`T-7` for a task due before launch, else nothing."""
    days = (local_date(campaign, task.due_at) - launch_day(campaign)).days
    return f" (T{days})" if days < 0 else ""


def _words(campaign: Campaign, task: Task) -> dict[str, object]:
    """What the task messages say of a task: `id`, `title`, `owner`, `due`, `countdown` (` (T-7)`)."""
    return {
        "id": task.id,
        "title": escape(task.title),
        "owner": owner_label(task.owner),
        "due": local_time(task.due_at, campaign.timezone),
        "countdown": countdown_day(campaign, task),
    }


def task_line(campaign: Campaign, task: Task, now: datetime) -> str:
    """`#12 *Stress test passed* — lead:tech · due Wed 04 Nov 18:00 (T-7) · *overdue*`"""
    line = tr("#{id} *{title}* — {owner} · due {due}{countdown}", **_words(campaign, task))
    if task.state == TaskState.OPEN and task.due_at < now:
        line += " · " + tr("*overdue*")
    return line


def with_done_button(markdown: str, task: Task, *, in_list: bool = False) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": ActionId.TASK_DONE,
        "text": {"type": "plain_text", "text": tr("Done")},
        "value": task_tap_value(stored_id(task), in_list=in_list),
    }
    return {**section(markdown), "accessory": button, **({"block_id": task_block(stored_id(task))} if in_list else {})}


def every_word(series: TaskSeries) -> str:
    return tr("every hour") if series.every == HOURLY else tr("every day at {time}", time=series.every)


def task_list(
    campaign: Campaign,
    tasks: list[Task],
    series: list[TaskSeries],
    moments: list[KeyMoment],
    today: Completion,
    now: datetime,
) -> Message:
    """`/warroom tasks`: open tasks (overdue first, then by due time) with a Done button each; the
    recurring tasks and key moments running; today's figures."""
    blocks: list[dict[str, Any]] = []
    if tasks:
        overdue = sum(1 for task in tasks if task.due_at < now)
        heading = tr("*Open tasks ({count})*", count=len(tasks))
        if overdue:
            heading += " · " + tr_n("{count} overdue", "{count} overdue", overdue)
        blocks.append(section(heading))
        blocks.extend(
            with_done_button(task_line(campaign, task, now), task, in_list=True) for task in tasks[:MAX_LISTED]
        )
        if len(tasks) > MAX_LISTED:
            blocks.append(
                context(tr("…and {count} more (the REST API lists them all).", count=len(tasks) - MAX_LISTED))
            )
    else:
        blocks.append(section(":white_check_mark: " + tr("No open tasks.")))
    running = [
        tr(
            "R{id} {title} — {owner}, {every}",
            id=s.id,
            title=escape(s.title),
            owner=owner_label(s.owner),
            every=every_word(s),
        )
        for s in series
    ] + [
        tr("M{id} {time} {title}", id=m.id, time=m.at, title=escape(m.title))
        + (f" — {owner_label(m.owner)}" if m.owner else "")
        for m in moments
    ]
    if running:
        blocks.append(section(tr("*Recurring tasks and key moments*") + "\n" + "\n".join(running)))
    if today.due:
        blocks.append(context(completion_line(tr("Today's tasks"), today)))
    text = tr_n("{count} open task.", "{count} open tasks.", len(tasks))
    return message(text, blocks)


def completion_line(label: str, figures: Completion, *, mark: bool = True) -> str:
    """`Today's tasks: 9 of 10 done on time (90%, target ≥ 95%) · 1 missed · 1 skipped`, marked
    with whether it meets the target (`mark`: in a message; not in plain text)."""
    rate = figures.rate
    parts = [
        tr(
            "{label}: {on_time} of {counted} done on time ({rate}, target ≥ {target})",
            label=label,
            on_time=figures.on_time,
            counted=figures.due - figures.skipped,
            rate="—" if rate is None else f"{rate:.0%}",
            target=f"{TARGET_RATE:.0%}",
        )
    ]
    if figures.late:
        parts.append(tr_n("{count} done late", "{count} done late", figures.late))
    if figures.missed:
        parts.append(tr_n("{count} missed", "{count} missed", figures.missed))
    if figures.skipped:
        parts.append(tr_n("{count} skipped", "{count} skipped", figures.skipped))
    line = " · ".join(parts)
    if not mark:
        return line
    return (":white_check_mark: " if rate is not None and rate >= TARGET_RATE else ":warning: ") + line


def added(campaign: Campaign, task: Task) -> Message:
    text = tr("Added task #{id} *{title}* for {owner}, due {due}{countdown}.", **_words(campaign, task))
    return message(text, [section(f":memo: {text}")])


def assigned(campaign: Campaign, task: Task, by: str) -> Message:
    """The DM to a task's owner when someone else added it."""
    text = tr(
        "{user} gave you a task in {name}: #{id} *{title}*, due {due}{countdown}.",
        user=mention(by),
        name=escape(campaign.name),
        **_words(campaign, task),
    )
    return message(text, [with_done_button(f":memo: {text}", task)])


def closed(task: Task) -> Message:
    if task.state == TaskState.SKIPPED:
        text = tr(
            "Task #{id} {title} skipped by {user}: {reason}",
            id=task.id,
            title=escape(task.title),
            user=mention(task.closed_by),
            reason=escape(task.skip_reason or ""),
        )
        return message(text, [context(f":fast_forward: {text}")])
    text = tr("Task #{id} {title} done ({user}).", id=task.id, title=escape(task.title), user=mention(task.closed_by))
    return message(text, [context(f":white_check_mark: {text}")])


def already_closed(task: Task, timezone: str) -> str:
    """Who closed a task first, and when (for a double or stale tap)."""
    if task.closed_at is None:
        return tr("Task #{id} was already closed; nothing was changed.", id=task.id)
    return tr(
        "Task #{id} was already closed by {user} at {when}; nothing was changed.",
        id=task.id,
        user=mention(task.closed_by),
        when=local_time(task.closed_at, timezone),
    )


def reminder(campaign: Campaign, task: Task, on_the_day: bool) -> Message:
    when = local_time(task.due_at, campaign.timezone)
    title, name = escape(task.title), escape(campaign.name)
    if on_the_day:
        text = tr("Due today in {name}: #{id} *{title}*, by {due}.", name=name, id=task.id, title=title, due=when)
    else:
        text = tr("Due tomorrow in {name}: #{id} *{title}*, by {due}.", name=name, id=task.id, title=title, due=when)
    return message(text, [with_done_button(f":alarm_clock: {text}{countdown_day(campaign, task)}", task)])


def overdue(campaign: Campaign, task: Task, holder: str) -> Message:
    """The overdue raise: in the channel, and in each commander's DM."""
    text = tr(
        "Overdue in {name}: #{id} *{title}* was due {due}{countdown}; owner {owner} ({holder}).",
        name=escape(campaign.name),
        holder=mention(holder),
        **_words(campaign, task),
    )
    return message(text, [with_done_button(f":warning: {text}", task)])


def occurrence(campaign: Campaign, task: Task) -> Message:
    text = tr(
        "Now in {name}: *{title}* (#{id}); done on time by {due}.",
        name=escape(campaign.name),
        title=escape(task.title),
        id=task.id,
        due=local_time(task.due_at, campaign.timezone),
    )
    return message(text, [with_done_button(f":repeat: {text}", task)])


def moment_coming(coming: MomentComing) -> Message:
    campaign, moment = coming.campaign, coming.moment
    text = tr(
        "Coming up at {time}: *{title}*.",
        time=local_time(coming.occurs_at, campaign.timezone),
        title=escape(moment.title),
    )
    if coming.holder is not None:
        text += " " + tr(
            "Owner: {owner} ({holder}).", owner=owner_label(moment.owner or ""), holder=mention(coming.holder)
        )
    return message(text, [section(f":stopwatch: {text}")])


def countdown(counted: Countdown) -> Message:
    """The day's countdown post; the day before launch, the go/no-go summary."""
    campaign, now, tasks = counted.campaign, counted.now, counted.tasks
    done = [task for task in tasks if task.state == TaskState.DONE]
    skipped = [task for task in tasks if task.state == TaskState.SKIPPED]
    late = [task for task in tasks if task.state == TaskState.OPEN and task.due_at < now]
    soon = [
        task
        for task in tasks
        if task.state == TaskState.OPEN
        and now <= task.due_at
        and (local_date(campaign, task.due_at) - local_date(campaign, now)).days < DUE_SOON_DAYS
    ]
    milestones = [task for task in tasks if task.kind == TaskKind.MILESTONE]
    launch = local_time(campaign.starts_at, campaign.timezone)
    summary = tr(
        "{done} of {count} done, {skipped} skipped, {late} overdue.",
        done=len(done),
        count=len(tasks),
        skipped=len(skipped),
        late=len(late),
    )
    if counted.go_no_go:
        ready = not late and all(task.state != TaskState.OPEN for task in tasks)
        title = tr("{name} — go/no-go: launch tomorrow, {launch}", name=campaign.name, launch=launch)
        verdict = (
            ":large_green_circle: " + tr("*Go*: everything due before launch is done or skipped.")
            if ready
            else ":red_circle: "
            + tr("*No-go* until these are done, skipped with a reason, or the commander accepts the risk.")
        )
        open_tasks = [task for task in tasks if task.state == TaskState.OPEN]
        blocks = [header(title), section(f"{verdict}\n{summary}")]
        if open_tasks:
            blocks.append(section(tr("*Not done*") + "\n" + _lines(campaign, open_tasks, now)))
        if skipped:
            blocks.append(section(tr("*Skipped*") + "\n" + _skipped_lines(skipped)))
        return message(f"{escape(title)}. {summary}", blocks)
    if counted.days_left > 0:
        title = tr(
            "{name} — {days} days to launch ({launch})", name=campaign.name, days=counted.days_left, launch=launch
        )
    else:  # the countdown post on launch day itself, before a launch later that day
        title = tr("{name} — launch today, {launch}", name=campaign.name, launch=launch)
    blocks = [header(title), section(tr("*Milestones and tasks before launch:* {summary}", summary=summary))]
    if late:
        blocks.append(section(":warning: " + tr("*Overdue*") + "\n" + _lines(campaign, late, now)))
    if soon:
        blocks.append(section(tr("*Due this week*") + "\n" + _lines(campaign, soon, now)))
    blocks.append(
        context(tr("{count} countdown milestones in all · `/warroom tasks` to tick them off", count=len(milestones)))
    )
    return message(f"{escape(title)}. {summary}", blocks)


def _lines(campaign: Campaign, tasks: list[Task], now: datetime) -> str:
    shown = [f"• {task_line(campaign, task, now)}" for task in tasks[:MAX_LINES]]
    if len(tasks) > MAX_LINES:
        shown.append(tr("…and {count} more", count=len(tasks) - MAX_LINES))
    return "\n".join(shown)


def _skipped_lines(tasks: list[Task]) -> str:
    return "\n".join(
        f"• #{task.id} {escape(task.title)}: {escape(task.skip_reason or '')}" for task in tasks[:MAX_LINES]
    )


def moment_line(change: MomentChange) -> str:
    """What the digest notes after a key moment: each KPI's change across it."""
    parts = []
    for kpi in change.kpis:
        name = kpi_name(kpi.label)
        if kpi.now is None:
            continue
        if kpi.kind == KpiKind.CUMULATIVE:
            base = kpi.at_moment or 0.0  # a running total with no reading before the moment had not started
            part = tr("{kpi} +{after} since", kpi=name, after=amount(kpi.now - base, kpi.unit))
            if kpi.at_moment is not None and kpi.before is not None:
                part += " " + tr("(+{before} in as long before)", before=amount(kpi.at_moment - kpi.before, kpi.unit))
        else:
            part = tr(
                "{kpi} {before} → {after}",
                kpi=name,
                before=amount(kpi.at_moment, kpi.unit),
                after=amount(kpi.now, kpi.unit),
            )
        parts.append(part)
    changes = listing(parts) or tr("no readings yet")
    return ":stopwatch: " + tr(
        "After *{title}* ({time}): {changes}", title=escape(change.title), time=change.at, changes=changes
    )
