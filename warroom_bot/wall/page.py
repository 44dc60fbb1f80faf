"""The wall's HTML: the page (server-rendered with Jinja2, autoescaped) and the board inside it,
which the page's script fetches again every few seconds. No build step and nothing from a CDN."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from warroom_bot.core.i18n import current, tr
from warroom_bot.wall.board import Board

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_FILES = {"wall.css": "text/css; charset=utf-8", "wall.js": "text/javascript; charset=utf-8"}
POLL_MS = 2000  # a change shows within POLL_MS plus one render
STALE_AFTER_MS = 15000  # no good answer for this long: the page says it is stale


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), auto_reload=False
    )


def page(board: Board, *, board_url: str, static: str) -> str:
    """The whole page, first render included (it shows at once, before any script runs)."""
    return (
        _environment()
        .get_template("wall.html")
        .render(
            board=board,
            board_url=board_url,
            static=static,
            lang=current(),
            title=tr("war-room wall"),
            every_ms=POLL_MS,
            stale_after_ms=STALE_AFTER_MS,
            stale_text=tr("Stale: no answer from the war-room service for a while; retrying."),
        )
    )


def fragment(board: Board) -> dict[str, str]:
    """The board alone, for the page's polling: its HTML and a version (the page redraws on change)."""
    html = _environment().get_template("board.html").render(board=board)
    return {"version": hashlib.sha256(html.encode()).hexdigest()[:16], "html": html}
