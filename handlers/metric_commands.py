"""`/warroom target`, `metric`, `kpi`, `digest` and `chart`: the campaign's KPIs and readings."""

from __future__ import annotations

import asyncio
import math

from warroom_bot.campaigns import messages
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.config import pull_url
from warroom_bot.campaigns.render import owner_label
from warroom_bot.campaigns.roster import COMMANDER
from warroom_bot.core.blocks import escape, local_time, mention, notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import N_, tr
from warroom_bot.core.parsing import say_duration
from warroom_bot.digest import schedule as digest
from warroom_bot.handlers.context import Invocation, amended, require_campaign
from warroom_bot.metrics import chart as charts
from warroom_bot.metrics import pull
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.render import amount, kpi_name
from warroom_bot.models import KpiKind

TARGET_USAGE = N_("/warroom target <kpi> <value> [dimension]")
METRIC_USAGE = N_("/warroom metric <kpi> <value> [dimension]")
CHART_USAGE = N_("/warroom chart <kpi>")


async def target(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if len(call.args) not in (2, 3):
        raise UserError(tr("`target` takes a KPI, a value and optionally a dimension."), usage=tr(TARGET_USAGE))
    async with call.runtime.transaction() as session:
        with amended(usage=tr(TARGET_USAGE)):
            kpi = await metrics.set_target(
                session,
                campaign=campaign,
                key=call.args[0],
                raw=call.args[1],
                dimension=" ".join(call.args[2:]),
                user_id=call.user_id,
                now=call.runtime.clock.now(),
            )
        await messages.announce_changes(session, now=call.runtime.clock.now())
    label, value = escape(kpi_name(kpi.label)), escape(call.args[1])
    if len(call.args) == 3:
        answer = tr(
            ":dart: Target of *{kpi}* for {dimension} set to {value}.",
            kpi=label,
            dimension=escape(call.args[2]),
            value=value,
        )
    else:
        answer = tr(":dart: Target of *{kpi}* set to {value}.", kpi=label, value=value)
    await call.reply(notice(answer))


async def metric(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if len(call.args) not in (2, 3):
        raise UserError(tr("`metric` takes a KPI, a value and optionally a dimension."), usage=tr(METRIC_USAGE))
    row = {"kpi": call.args[0], "value": call.args[1], "dimension": " ".join(call.args[2:])}
    async with call.runtime.transaction() as session:
        with amended(usage=tr(METRIC_USAGE)):
            kpi = await metrics.kpi_by_key(session, stored_id(campaign), call.args[0])
        kpi_id = stored_id(kpi)
        last = (await metrics.latest(session, [kpi_id]))[kpi_id].get(row["dimension"])
        before = (last.value, last.at) if last else None  # the row object is reloaded below
        try:
            await metrics.record(session, campaign=campaign, rows=[row], now=call.runtime.clock.now(), source="slack")
        except metrics.BatchRejected as rejected:
            raise UserError(rejected.errors[0].error, usage=tr(METRIC_USAGE)) from None
        after = (await metrics.latest(session, [kpi_id]))[kpi_id][row["dimension"]]
    values = {"kpi": escape(call.args[0]), "value": escape(call.args[1])}
    if len(call.args) == 3:
        answer = tr(
            ":white_check_mark: Recorded {kpi} = {value} ({dimension}).", dimension=escape(call.args[2]), **values
        )
    else:
        answer = tr(":white_check_mark: Recorded {kpi} = {value}.", **values)
    if kpi.kind == KpiKind.CUMULATIVE and before is not None and after.value < before[0]:
        answer += "\n" + tr(
            ":warning: That is less than the previous reading ({previous} at {when}). A cumulative KPI's "
            "reading is its running total to date: if you sent an increment, send the new total instead.",
            previous=amount(before[0], kpi.unit),
            when=local_time(before[1], campaign.timezone),
        )
    await call.reply(notice(answer))


# How a KPI is shaped, as words: `cumulative, higher is better` (`累计型，越高越好`).
SHAPES = {
    ("cumulative", "higher"): N_("cumulative, higher is better"),
    ("cumulative", "lower"): N_("cumulative, lower is better"),
    ("gauge", "higher"): N_("gauge, higher is better"),
    ("gauge", "lower"): N_("gauge, lower is better"),
}


def shape_of(kind: str, direction: str) -> str:
    return tr(SHAPES.get((kind, direction), "{kind}, {direction} is better"), kind=kind, direction=direction)


async def kpi(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    action = call.args[0].lower() if call.args else ""
    user_id, now = call.user_id, call.runtime.clock.now()
    async with call.runtime.transaction() as session:
        if action == "add" and len(call.args) in (4, 5):
            added = await metrics.add_kpi(
                session,
                campaign=campaign,
                key=call.args[1],
                kind=call.args[2].lower(),
                direction=call.args[3].lower(),
                label=call.args[4] if len(call.args) == 5 else None,
                user_id=user_id,
                now=now,
            )
            answer = tr(
                ":heavy_plus_sign: Added KPI `{key}` ({shape}). Who owns it? Until "
                "`/warroom kpi owner {key} <department|@person>` says, its bad lights go to the commander first.",
                key=added.key,
                shape=shape_of(added.kind, added.direction),
            )
        elif action == "owner" and len(call.args) == 3:
            owned = await metrics.set_owner(
                session, campaign=campaign, key=call.args[1], raw=call.args[2], user_id=user_id, now=now
            )
            answer = tr(
                ":bust_in_silhouette: `{key}` belongs to {owner}: its bad lights page them first.",
                key=owned.key,
                owner=owner_label(owned.owner or COMMANDER),
            )
        elif action == "curve" and len(call.args) == 3:
            shaped = await metrics.set_curve(
                session, campaign=campaign, key=call.args[1], raw=call.args[2], user_id=user_id, now=now
            )
            if shaped.hourly_weights:
                answer = tr(
                    ":chart_with_upwards_trend: `{key}`'s target to date now follows the hourly curve.", key=shaped.key
                )
            else:
                answer = tr(":chart_with_upwards_trend: `{key}`'s target to date now grows linearly.", key=shaped.key)
        elif action == "remove" and len(call.args) == 2:
            removed = await metrics.remove_kpi(session, campaign=campaign, key=call.args[1], user_id=user_id, now=now)
            answer = tr(
                ":heavy_minus_sign: Removed KPI `{key}`; its readings are kept: "
                "`/warroom kpi restore {key}` brings it back.",
                key=removed.key,
            )
        elif action == "restore" and len(call.args) == 2:
            restored = await metrics.restore_kpi(session, campaign=campaign, key=call.args[1], user_id=user_id, now=now)
            answer = tr(":heavy_plus_sign: Restored KPI `{key}` with its readings.", key=restored.key)
        else:
            raise UserError(
                tr("`kpi` adds, removes, restores, shapes or gives an owner to a KPI."), usage=tr(metrics.KPI_USAGE)
            )
        await messages.announce_changes(session, now=now)
    await call.reply(notice(answer))


async def post_digest(call: Invocation) -> None:
    """Acknowledged first: fetching the pull source may take a few seconds. A campaign with a pull
    source can be asked for a digest once per `pull.MANUAL_DIGEST_INTERVAL` (kept in process): each
    one fetches the source, and the command must not become a way to hammer or probe it."""
    campaign = require_campaign(call.campaign)
    if pull_url(campaign.config):
        wait = pull.puller(call.runtime).ask(stored_id(campaign), call.runtime.clock.now())
        if wait is not None:
            raise UserError(
                tr(
                    "A digest of this campaign fetches its pull source, so it can be asked for once every "
                    "{interval}: ask again in {seconds} s. Scheduled digests come as usual.",
                    interval=say_duration(pull.MANUAL_DIGEST_INTERVAL),
                    seconds=math.ceil(wait.total_seconds()),
                )
            )

    async def pull_and_post() -> None:
        pulled = await digest.pull_for(call.runtime, campaign)
        async with call.runtime.transaction() as session:
            await digest.post(
                session, await campaigns.get(session, stored_id(campaign)), call.runtime.clock.now(), pulled
            )

    await call.reply_then(notice(tr(":bar_chart: Posting the status digest in the channel…")), pull_and_post())


async def chart(call: Invocation) -> None:
    """The data is checked before the acknowledgement; drawing and uploading come after it."""
    campaign = require_campaign(call.campaign)
    if len(call.args) != 1:
        raise UserError(tr("`chart` takes one KPI."), usage=tr(CHART_USAGE))
    async with call.runtime.sessions() as session:
        kpi = await metrics.kpi_by_key(session, stored_id(campaign), call.args[0])
        actual, target = await charts.series(session, campaign, kpi, call.runtime.clock.now())
    title = charts.kpi_title(campaign.name, kpi.label)
    label = escape(kpi_name(kpi.label))
    comment = tr("{kpi}: actual against target to date, requested by {who}.", kpi=label, who=mention(call.user_id))

    def draw() -> bytes:
        with charts.chart_language():  # English when no font can draw Chinese
            drawn_title = charts.kpi_title(campaign.name, kpi.label)
        return charts.render_png(drawn_title, actual, target, campaign.timezone, kpi.unit or "")

    async def draw_and_upload() -> None:
        png = await asyncio.to_thread(draw)  # the thread runs in a copy of this context: the same language
        await call.client.files_upload_v2(
            channel=campaign.channel_id,
            file=png,
            filename=f"{kpi.key}.png",
            title=title,
            initial_comment=comment,
        )

    await call.reply_then(notice(tr(":chart_with_upwards_trend: Drawing {kpi}…", kpi=label)), draw_and_upload())
