"""The war-room wall over HTTP: `GET /wall/{token}` (the page), `GET /wall/{token}/board` (what the
page polls) and its two static files. The token in the path is the only key: no cookie, no bearer.
A link unknown, revoked or of a closed campaign is a 404 like any other path; nothing here writes.

Every answer carries a Content-Security-Policy that allows only this origin's own script, style
and fetches (no inline script, no frames, no forms), `no-referrer` (the token never leaves in a
Referer) and `no-store`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import HTMLResponse, JSONResponse, Response

from warroom_bot.api.deps import Session, runtime_of
from warroom_bot.campaigns.config import language
from warroom_bot.core import i18n
from warroom_bot.core.runtime import Runtime
from warroom_bot.models import Campaign
from warroom_bot.wall import page, service
from warroom_bot.wall.board import board

router = APIRouter(include_in_schema=False)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
NOT_FOUND = "No such wall: the link is wrong, was revoked, or its campaign is closed."


async def _campaign(session: Session, token: str) -> Campaign:
    campaign = await service.campaign_of(session, token)
    if campaign is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND, headers=HEADERS)
    i18n.use(language(campaign.config))
    return campaign


@router.get("/wall/static/{name}")
async def wall_static(name: str) -> Response:
    if name not in page.STATIC_FILES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such file.")
    content = (page.STATIC / name).read_bytes()
    return Response(content, media_type=page.STATIC_FILES[name], headers={**HEADERS, "Cache-Control": "max-age=300"})


@router.get("/wall/{token}", response_class=HTMLResponse)
async def wall_page(token: str, session: Session, runtime: Annotated[Runtime, Depends(runtime_of)]) -> HTMLResponse:
    campaign = await _campaign(session, token)
    shown = await board(session, campaign, runtime.clock.now(), runtime.people)
    html = page.page(shown, board_url=f"/wall/{token}/board", static="/wall/static")
    return HTMLResponse(html, headers=HEADERS)


@router.get("/wall/{token}/board")
async def wall_board(token: str, session: Session, runtime: Annotated[Runtime, Depends(runtime_of)]) -> JSONResponse:
    campaign = await _campaign(session, token)
    shown = await board(session, campaign, runtime.clock.now(), runtime.people)
    return JSONResponse(page.fragment(shown), headers=HEADERS)
