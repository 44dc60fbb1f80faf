"""The REST API under `/api`, for dashboards and finance's own tools (OpenAPI at `/docs`).

One module per domain holds its routes and schemas (campaigns, escalations, metrics, budget,
retros, tasks, report, plans, wall); `deps` what they all depend on (runtime, session, bearer token, id bounds).
"""

from __future__ import annotations

from fastapi import APIRouter

from warroom_bot.api import budget, campaigns, escalations, metrics, plans, report, retros, tasks, wall

router = APIRouter()
for domain in (campaigns, escalations, metrics, budget, retros, tasks, report, plans, wall):
    router.include_router(domain.router)
