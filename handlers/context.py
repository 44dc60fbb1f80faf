"""The middleware that gives every listener the runtime and the channel's campaign."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.campaigns import config
from warroom_bot.campaigns import service as campaigns
from warroom_bot.core import i18n
from warroom_bot.core.blocks import Message
from warroom_bot.core.errors import UserError
from warroom_bot.core.i18n import tr
from warroom_bot.core.ids import ActionId, ModalContext
from warroom_bot.core.people import People
from warroom_bot.core.runtime import Runtime
from warroom_bot.handlers.errors import after_ack
from warroom_bot.models import ApprovalRequest, Campaign, Escalation, Task


@dataclass
class Invocation:
    """One `/warroom` call: who, where, the words after the subcommand, and the tools to answer."""

    ack: AsyncAck
    respond: AsyncRespond
    body: dict[str, Any]
    runtime: Runtime
    client: AsyncWebClient
    campaign: Campaign | None
    user_id: str
    channel_id: str
    trigger_id: str
    args: list[str]

    async def reply(self, message: Message) -> None:
        """Answer the caller only (an ephemeral message riding on the acknowledgement)."""
        await reply(self.ack, message)

    async def reply_then(self, message: Message, work: Awaitable[None]) -> None:
        """Answer now, then do work that may outlast Slack's 3 seconds; its errors reach the caller."""
        await self.reply(message)
        after_ack(work, self.body, self.respond)


def inject_context(runtime: Runtime) -> Callable[..., Awaitable[None]]:
    async def middleware(context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        context["runtime"] = runtime
        context["campaign"] = None
        channel_id = (
            body.get("channel_id") or (body.get("channel") or {}).get("id") or (body.get("event") or {}).get("channel")
        )
        if channel_id:
            async with runtime.sessions() as session:
                context["campaign"] = await campaigns.open_campaign_in(session, channel_id)
        # Everything this request writes is in the campaign's language (outside one: the default's).
        campaign = context["campaign"]
        if campaign is not None:
            speak_as(campaign)
        else:
            i18n.use(runtime.settings.default_language)
        await next()

    return middleware


def speak_as(campaign: Campaign) -> None:
    """Write the rest of this request in `campaign`'s language."""
    i18n.use(config.language(campaign.config))


async def speak_as_campaign_of(
    session: AsyncSession,
    model: type[Escalation] | type[ApprovalRequest] | type[Task],
    row_id: int,
    campaign: Campaign | None,
) -> None:
    """A tap on a DM copy, or a form, comes from no campaign's channel: write the answer, a refusal
    and the updated copies in the language of the campaign of the row it is about (one query; none
    when the middleware found the channel's campaign)."""
    if campaign is not None:
        return
    query = (
        select(Campaign.config).join(model, col(model.campaign_id) == col(Campaign.id)).where(col(model.id) == row_id)
    )
    stored = (await session.exec(query)).first()
    if stored is not None:
        i18n.use(config.language(dict(stored)))


def open_modal(client: AsyncWebClient, runtime: Runtime, *, trigger_id: str, user_id: str, view: dict[str, Any]) -> Any:
    """`views.open` with the modal's `private_metadata` sealed to the person opening it (see `unseal`)."""
    sealed = {**view, "private_metadata": _seal(runtime, user_id, view.get("private_metadata", ""))}
    return client.views_open(trigger_id=trigger_id, view=sealed)


def modal_context(runtime: Runtime, body: dict[str, Any], view: dict[str, Any]) -> ModalContext:
    """The submitted modal's context, if it is the one this service sealed for this person.

    A modal's `private_metadata` comes back from the client as it was sent, so a forged submission
    could name another channel or escalation. It is sealed with an HMAC over the submitter and the
    context (keyed by the signing secret, or the bot token in Socket Mode), which binds the form
    to the person and the channel that opened it."""
    context, _, seal = view.get("private_metadata", "").rpartition("|")
    if not hmac.compare_digest(seal, _seal(runtime, body["user"]["id"], context).rpartition("|")[2]):
        raise UserError(tr("This form could not be verified, so nothing was changed; open it again."))
    return ModalContext.load(context)


def _seal(runtime: Runtime, user_id: str, context: str) -> str:
    settings = runtime.settings
    secret = settings.secret("slack_signing_secret" if settings.slack_signing_secret else "slack_bot_token")
    key = hashlib.sha256(b"warroom modal metadata\n" + secret.encode()).digest()
    digest = hmac.new(key, f"{user_id}\n{context}".encode(), hashlib.sha256).hexdigest()
    return f"{context}|{digest}"


def require_campaign(campaign: Campaign | None) -> Campaign:
    if campaign is None:
        raise UserError(
            tr(
                "This channel has no campaign. Run this in a campaign's channel, "
                "or start one here with `/warroom start`."
            )
        )
    return campaign


@contextmanager
def amended(*, usage: str | None = None, field: str | None = None) -> Iterator[None]:
    """Add to a `UserError` raised inside: the command's right form, or the modal input it concerns."""
    try:
        yield
    except UserError as error:
        raise UserError(error.message, usage=error.usage or usage, field=error.field or field) from None


async def reply(ack: AsyncAck, message: Message) -> None:
    """Answer the caller only: an ephemeral message riding on the acknowledgement."""
    await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)


def modal_value(view: dict[str, Any], block_id: str) -> str:
    """What was typed or chosen in a modal input: text, an option, a user or a date ("" when left empty)."""
    state = view["state"]["values"].get(block_id, {}).get(ActionId.INPUT, {})
    selected = state.get("selected_option") or {}
    return selected.get("value") or state.get("value") or state.get("selected_user") or state.get("selected_date") or ""


async def check_person(people: People, user_id: str, field: str | None = None) -> None:
    """An owner must be a person in the workspace: not unknown, deactivated, or a bot."""
    if not (await people.get(user_id)).active:
        raise UserError(
            tr("{user} is not a person in this Slack workspace; pick someone who can own it.", user=user_id),
            field=field,
        )
