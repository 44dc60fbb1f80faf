"""`/warroom wall` and `/warroom wall revoke`: the war-room wall's secret link, privately."""

from __future__ import annotations

from warroom_bot.core.blocks import escape, notice
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.handlers.context import Invocation, require_campaign
from warroom_bot.wall import service as wall


async def wall_link(call: Invocation) -> None:
    campaign = require_campaign(call.campaign)
    now = call.runtime.clock.now()
    if call.args and call.args[0].lower() in ("revoke", "撤销"):
        async with call.runtime.transaction() as session:
            revoked = await wall.revoke(session, campaign=campaign, user_id=call.user_id, now=now)
        text = tr("Revoked {count} wall links: they now answer 404.", count=revoked)
        await call.reply(notice(f":no_entry: {text}"))
        return
    if call.args:
        raise UserError(tr("`{word}` is not a wall command.", word=call.args[0]), usage="/warroom wall [revoke]")
    async with call.runtime.transaction() as session:
        token = await wall.create_link(session, campaign=campaign, user_id=call.user_id, now=now)
    link = wall.url(call.runtime.settings.public_url, token)
    text = tr(
        "The war-room wall of {name}: <{link}|open it on the big screen>. It updates itself every few "
        "seconds. Anyone with this link can see the campaign's figures (nothing can be changed from it) "
        "until `/warroom wall revoke` or the campaign closes, so share it only with the room.\n{link}",
        name=escape(campaign.name),
        link=link,
    )
    await call.reply(notice(f":tv: {text}"))
