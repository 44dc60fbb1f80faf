"""`/warroom target`, `metric`, `kpi`, `digest` and `chart`: the campaign's KPIs and readings."""

from __future__ import annotations

import asyncio
import math

from warroom_bot.campaigns import messages
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.config import pull_url
from warroom_bot.core.blocks import escape, local_time, mention, notice
from warroom_bot.core.db import stored_id
from warroom_bot.core.errors import UserError
from warroom_bot.core.parsing import format_duration
from warroom_bot.digest import schedule as digest
from warroom_bot.handlers.context import Invocation, amended, require_campaign
from warroom_bot.metrics import chart as charts
from warroom_bot.metrics import pull
from warroom_bot.metrics import service as metrics
from warroom_bot.metrics.render import amount
from warroom_bot.models import KpiKind

TARGET_USAGE = "/warroom target <kpi> <value> [dimension]"
METRIC_USAGE = "/warroom metric <kpi> <value> [dimension]"


async def target(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if len(call.args) not in (2, 3):
        raise UserError("`target` takes a KPI, a value and optionally a dimension.", usage=TARGET_USAGE)
    async with call.runtime.transaction() as session:
        with amended(usage=TARGET_USAGE):
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
    where = f" for {escape(call.args[2])}" if len(call.args) == 3 else ""
    await call.reply(notice(f":dart: Target of *{escape(kpi.label)}*{where} set to {escape(call.args[1])}."))


async def metric(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    if len(call.args) not in (2, 3):
        raise UserError("`metric` takes a KPI, a value and optionally a dimension.", usage=METRIC_USAGE)
    row = {"kpi": call.args[0], "value": call.args[1], "dimension": " ".join(call.args[2:])}
    async with call.runtime.transaction() as session:
        with amended(usage=METRIC_USAGE):
            kpi = await metrics.kpi_by_key(session, stored_id(campaign), call.args[0])
        kpi_id = stored_id(kpi)
        last = (await metrics.latest(session, [kpi_id]))[kpi_id].get(row["dimension"])
        before = (last.value, last.at) if last else None  # the row object is reloaded below
        try:
            await metrics.record(session, campaign=campaign, rows=[row], now=call.runtime.clock.now(), source="slack")
        except metrics.BatchRejected as rejected:
            raise UserError(rejected.errors[0].error, usage=METRIC_USAGE) from None
        after = (await metrics.latest(session, [kpi_id]))[kpi_id][row["dimension"]]
    where = f" ({escape(call.args[2])})" if len(call.args) == 3 else ""
    answer = f":white_check_mark: Recorded {escape(call.args[0])} = {escape(call.args[1])}{where}."
    if kpi.kind == KpiKind.CUMULATIVE and before is not None and after.value < before[0]:
        answer += (
            f"\n:warning: That is less than the previous reading ({amount(before[0], kpi.unit)} at "
            f"{local_time(before[1], campaign.timezone)}). A cumulative KPI's reading is its running total "
            "to date: if you sent an increment, send the new total instead."
        )
    await call.reply(notice(answer))


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
            answer = f":heavy_plus_sign: Added KPI `{added.key}` ({added.kind}, {added.direction} is better)."
        elif action == "curve" and len(call.args) == 3:
            shaped = await metrics.set_curve(
                session, campaign=campaign, key=call.args[1], raw=call.args[2], user_id=user_id, now=now
            )
            shape = "follows the hourly curve" if shaped.hourly_weights else "grows linearly"
            answer = f":chart_with_upwards_trend: `{shaped.key}`'s target to date now {shape}."
        elif action == "remove" and len(call.args) == 2:
            removed = await metrics.remove_kpi(session, campaign=campaign, key=call.args[1], user_id=user_id, now=now)
            answer = (
                f":heavy_minus_sign: Removed KPI `{removed.key}`; its readings are kept: "
                f"`/warroom kpi restore {removed.key}` brings it back."
            )
        elif action == "restore" and len(call.args) == 2:
            restored = await metrics.restore_kpi(session, campaign=campaign, key=call.args[1], user_id=user_id, now=now)
            answer = f":heavy_plus_sign: Restored KPI `{restored.key}` with its readings."
        else:
            raise UserError("`kpi` adds or removes a KPI.", usage=metrics.KPI_USAGE)
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
                "A digest of this campaign fetches its pull source, so it can be asked for once every "
                f"{format_duration(pull.MANUAL_DIGEST_INTERVAL)}: ask again in {math.ceil(wait.total_seconds())} s. "
                "Scheduled digests come as usual."
            )

    async def pull_and_post() -> None:
        pulled = await digest.pull_for(call.runtime, campaign)
        async with call.runtime.transaction() as session:
            await digest.post(
                session, await campaigns.get(session, stored_id(campaign)), call.runtime.clock.now(), pulled
            )

    await call.reply_then(notice(":bar_chart: Posting the status digest in the channel…"), pull_and_post())


async def chart(call: Invocation) -> None:
    """The data is checked before the acknowledgement; drawing and uploading come after it."""
    campaign = require_campaign(call.campaign)
    if len(call.args) != 1:
        raise UserError("`chart` takes one KPI.", usage="/warroom chart <kpi>")
    async with call.runtime.sessions() as session:
        kpi = await metrics.kpi_by_key(session, stored_id(campaign), call.args[0])
        actual, target = await charts.series(session, campaign, kpi, call.runtime.clock.now())
    title = f"{campaign.name}: {kpi.label}"

    async def draw_and_upload() -> None:
        png = await asyncio.to_thread(charts.render_png, title, actual, target, campaign.timezone)
        await call.client.files_upload_v2(
            channel=campaign.channel_id,
            file=png,
            filename=f"{kpi.key}.png",
            title=title,
            initial_comment=f"{escape(kpi.label)}: actual against target to date, requested by {mention(call.user_id)}.",
        )

    await call.reply_then(notice(f":chart_with_upwards_trend: Drawing {escape(kpi.label)}…"), draw_and_upload())
