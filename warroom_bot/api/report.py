"""The REST API's final campaign report, in Markdown or HTML."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from warroom_bot.api.deps import CampaignId, Session, Token, runtime_of, visible_campaign
from warroom_bot.core.runtime import Runtime
from warroom_bot.report import build as reports
from warroom_bot.report import render as render_report

router = APIRouter(prefix="/api", tags=["campaigns"])


@router.get(
    "/campaigns/{campaign_id}/report",
    tags=["retrospectives"],
    response_class=Response,
    responses={200: {"content": {media: {} for media in render_report.FORMATS.values()}}},
)
async def get_report(
    campaign_id: CampaignId,
    session: Session,
    token: Token,
    runtime: Annotated[Runtime, Depends(runtime_of)],
    format: Annotated[Literal["md", "html"], Query(description="md for pasting, html for sharing")] = "md",
) -> Response:
    """The final campaign report in six parts, built from the stored data."""
    campaign = await visible_campaign(session, token, campaign_id)
    built = await reports.build(session, campaign, runtime.clock.now(), runtime.people)
    document = await asyncio.to_thread(render_report.document, built, format)
    disposition = f'inline; filename="{render_report.filename(campaign, format)}"'
    return Response(document, media_type=render_report.FORMATS[format], headers={"Content-Disposition": disposition})
