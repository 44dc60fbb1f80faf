"""`/warroom tasks`, `/warroom task add|done|skip|every|stop`, `/warroom moment`, and the Done button."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from warroom_bot.campaigns.calendar import local_date
from warroom_bot.campaigns.roster import normalise_owner
from warroom_bot.core.blocks import Message, notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.ids import parse_task_tap
from warroom_bot.core.parsing import did_you_mean, parse_clock_time
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers.context import Invocation, amended, check_person, require_campaign, speak_as_campaign_of
from warroom_bot.handlers.errors import after_ack
from warroom_bot.models import Campaign, Task
from warroom_bot.tasks import messages, render
from warroom_bot.tasks import service as tasks

# The right forms, shown under an error through `tr` (their placeholders are words to translate).
ADD_USAGE = N_('/warroom task add "<title>" <@owner|department> <due: T-7, 2026-11-03 14:00, 17:00>')
DONE_USAGE = N_("/warroom task done <id>")
SKIP_USAGE = N_("/warroom task skip <id> <reason>")
EVERY_USAGE = N_('/warroom task every <HH:MM|hour> "<title>" <@owner|department>')
STOP_USAGE = N_("/warroom task stop R<id> | /warroom moment stop M<id>")
MOMENT_USAGE = N_('/warroom moment <HH:MM> "<title>" [@owner|department]')


async def list_tasks(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    await call.reply(await _task_list(call.runtime, campaign))


async def _task_list(runtime: Runtime, campaign: Campaign) -> Message:
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        open_tasks = await tasks.open_tasks(session, stored_id(campaign), now)
        series, moments = await tasks.schedules(session, stored_id(campaign))
        today = await tasks.day_completion(session, campaign, local_date(campaign, now), now)
    return render.task_list(campaign, open_tasks, series, moments, today, now)


async def task(call: Invocation) -> None:
    verb = call.args[0].lower() if call.args else ""
    action = VERBS.get(verb)
    if action is None:
        hint = did_you_mean(verb, VERBS) if verb else ""
        raise UserError(
            tr("`task` takes `add`, `done`, `skip`, `every` or `stop`.{hint}", hint=hint), usage=tr(ADD_USAGE)
        )
    await action(call, require_campaign(call.campaign), call.args[1:])


async def _owner(call: Invocation, text: str) -> str:
    owner = normalise_owner(text)
    if text.strip().startswith("<@"):
        await check_person(call.runtime.people, owner)
    return owner


async def add(call: Invocation, campaign: Campaign, args: list[str]) -> None:
    if len(args) < 3:
        raise UserError(tr("`task add` takes a title, an owner and a due time."), usage=tr(ADD_USAGE))
    now = call.runtime.clock.now()
    with amended(usage=tr(ADD_USAGE)):
        owner = await _owner(call, args[1])
        due_at = tasks.parse_due(" ".join(args[2:]), campaign, now)
        async with call.runtime.transaction() as session:
            added = await tasks.add(
                session, campaign=campaign, title=args[0], owner=owner, due_at=due_at, user_id=call.user_id, now=now
            )
            await messages.announce(session, added, now=now)
    await call.reply(render.added(campaign, added.task))


def _task_id(text: str, usage: str) -> int:
    word = text.strip().removeprefix("#")
    if not word.isdigit() or len(word) > 9:
        raise UserError(tr("`{text}` is not a task number: write it like `12` or `#12`.", text=text), usage=usage)
    return int(word)


async def done(call: Invocation, campaign: Campaign, args: list[str]) -> None:
    if len(args) != 1:
        raise UserError(tr("`task done` takes a task number."), usage=tr(DONE_USAGE))
    await _close(call, campaign, _task_id(args[0], tr(DONE_USAGE)), None)


async def skip(call: Invocation, campaign: Campaign, args: list[str]) -> None:
    if len(args) < 2:
        raise UserError(tr("`task skip` takes a task number and the reason it is skipped."), usage=tr(SKIP_USAGE))
    await _close(call, campaign, _task_id(args[0], tr(SKIP_USAGE)), " ".join(args[1:]))


async def _close(call: Invocation, campaign: Campaign, task_id: int, reason: str | None) -> None:
    now = call.runtime.clock.now()
    async with call.runtime.transaction() as session:
        try:
            closed = await tasks.close(
                session,
                task_id=task_id,
                user_id=call.user_id,
                now=now,
                campaign_id=stored_id(campaign),
                skip_reason=reason,
            )
        except tasks.AlreadyClosed as refused:
            raise UserError(render.already_closed(refused.task, campaign.timezone)) from None
        await messages.announce(session, closed, now=now)
    await call.reply(render.closed(closed.task))


async def every(call: Invocation, campaign: Campaign, args: list[str]) -> None:
    if len(args) != 3:
        raise UserError(tr("`task every` takes when, a title and an owner."), usage=tr(EVERY_USAGE))
    now = call.runtime.clock.now()
    with amended(usage=tr(EVERY_USAGE)):
        rhythm = tasks.parse_every(args[0])
        owner = await _owner(call, args[2])
        async with call.runtime.transaction() as session:
            series = await tasks.add_series(
                session, campaign=campaign, every=rhythm, title=args[1], owner=owner, user_id=call.user_id, now=now
            )
    text = tr(
        "Recurring task R{id} *{title}*, {every}, during the live and extension phases. "
        "Stop it with `/warroom task stop R{id}`.",
        id=series.id,
        title=series.title,
        every=render.every_word(series),
    )
    await call.reply(notice(f":repeat: {text}"))


async def stop(call: Invocation, campaign: Campaign, args: list[str]) -> None:
    """`task stop R3` or `moment stop M2`: the letter says which (a bare number is a recurring task
    after `task`, a key moment after `moment`)."""
    if len(args) != 1:
        raise UserError(tr("Name what to stop, like `R3` or `M2`."), usage=tr(STOP_USAGE))
    word = args[0].strip().upper()
    number = word.lstrip("RM")
    if not number.isdigit() or len(number) > 9:
        raise UserError(tr("Name what to stop, like `R3` or `M2`."), usage=tr(STOP_USAGE))
    now = call.runtime.clock.now()
    async with call.runtime.transaction() as session:
        stopped = await tasks.stop(
            session, campaign=campaign, moment=word.startswith("M"), row_id=int(number), user_id=call.user_id, now=now
        )
    text = tr("Stopped *{title}*; nothing more comes of it.", title=stopped)
    await call.reply(notice(f":stop_sign: {text}"))


async def moment(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if call.args and call.args[0].lower() == "stop":
        await stop(call, campaign, [f"M{word.lstrip('Mm')}" for word in call.args[1:]])
        return
    if len(call.args) not in (2, 3):
        raise UserError(tr("`moment` takes a time of day, a title and optionally an owner."), usage=tr(MOMENT_USAGE))
    now = call.runtime.clock.now()
    with amended(usage=tr(MOMENT_USAGE)):
        at = parse_clock_time(call.args[0])
        owner = await _owner(call, call.args[2]) if len(call.args) == 3 else None
        async with call.runtime.transaction() as session:
            added = await tasks.add_moment(
                session, campaign=campaign, at=at, title=call.args[1], owner=owner, user_id=call.user_id, now=now
            )
    text = tr(
        "Key moment M{id} *{title}* at {time} each day of the sale: the channel is reminded beforehand "
        "(`moment.lead`), and the next digest after it notes the KPIs' change across it.",
        id=added.id,
        title=added.title,
        time=added.at,
    )
    await call.reply(notice(f":stopwatch: {text}"))


async def done_tapped(
    ack: AsyncAck,
    respond: AsyncRespond,
    body: dict[str, Any],
    action: dict[str, Any],
    runtime: Runtime,
    campaign: Campaign | None,
) -> None:
    """Done, on the task list (redrawn) or on a reminder (replaced by what happened)."""
    try:
        task_id, in_list = parse_task_tap(action.get("value", ""))
    except ValueError:
        raise UserError(tr("That task no longer exists.")) from None
    now = runtime.clock.now()
    async with runtime.transaction() as session:
        await speak_as_campaign_of(session, Task, task_id, campaign)
        try:
            closed = await tasks.close(session, task_id=task_id, user_id=body["user"]["id"], now=now)
        except tasks.AlreadyClosed as refused:
            owning = await session.get(Campaign, refused.task.campaign_id)
            timezone = owning.timezone if owning is not None else "UTC"
            raise UserError(render.already_closed(refused.task, timezone)) from None
        await messages.announce(session, closed, now=now)
    await ack()
    answer = await _task_list(runtime, closed.campaign) if in_list else render.closed(closed.task)
    after_ack(respond(text=answer.text, blocks=answer.blocks, replace_original=True), body, respond)


VERBS = {"add": add, "done": done, "skip": skip, "every": every, "stop": stop}
