"""The REST API under `/api`, for dashboards and finance's own tools (OpenAPI at `/docs`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, field_validator
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from warroom_bot.api import tokens
from warroom_bot.budget import service as budget
from warroom_bot.campaigns import audit
from warroom_bot.campaigns import service as campaigns
from warroom_bot.campaigns.config import displayed
from warroom_bot.core import unstorable
from warroom_bot.core.errors import UserError
from warroom_bot.core.runtime import Runtime
from warroom_bot.escalations import views as escalation_views
from warroom_bot.metrics import digest
from warroom_bot.metrics import service as metrics
from warroom_bot.models import ApiToken, Campaign
from warroom_bot.report import build as reports
from warroom_bot.report import render as render_report
from warroom_bot.retros import service as retros

bearer = HTTPBearer(auto_error=False, description="A token made with `warroom token create`.")

# Ids are PostgreSQL `integer` columns (SQLite's go further, but both stores must answer alike): a
# larger id in a path is refused with 422 before it reaches the database, which would fail on it.
MAX_ID = 2**31 - 1
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID, description="A campaign id, from `GET /api/campaigns`.")]
# How deeply arrays and objects may nest in a JSON body; a batch of readings nests 3 deep.
MAX_JSON_DEPTH = 16


class RoleOut(BaseModel):
    role: str
    primary_user: str
    backup_user: str | None


class CampaignOut(BaseModel):
    id: int
    name: str
    channel_id: str
    phase: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    created_by: str
    config: dict[str, str]

    @field_validator("config")
    @classmethod
    def _as_shown(cls, stored: dict[str, str]) -> dict[str, str]:
        """A pull source's query string (it may hold a token) is not served back."""
        return {key: displayed(key, value) for key, value in stored.items()}


class CampaignDetailOut(CampaignOut):
    roster: list[RoleOut]


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


async def session_of(runtime: Annotated[Runtime, Depends(runtime_of)]) -> AsyncIterator[AsyncSession]:
    async with runtime.transaction() as session:
        yield session


Session = Annotated[AsyncSession, Depends(session_of)]


async def token_of(
    session: Session,
    runtime: Annotated[Runtime, Depends(runtime_of)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiToken:
    token = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        token = await tokens.authenticate(session, credentials.credentials, now=runtime.clock.now())
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "A valid bearer token is required: make one with `warroom token create`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


Token = Annotated[ApiToken, Depends(token_of)]

router = APIRouter(prefix="/api", tags=["campaigns"])


@router.get("/campaigns", response_model=list[CampaignOut])
async def list_campaigns(session: Session, token: Token) -> list[Campaign]:
    """Every campaign this token may see, newest first."""
    query = select(Campaign).order_by(Campaign.id.desc())
    if token.campaign_id is not None:
        query = query.where(Campaign.id == token.campaign_id)
    return list((await session.exec(query)).all())


async def visible_campaign(session: AsyncSession, token: ApiToken, campaign_id: int) -> Campaign:
    """The campaign, if this token may see it; a token scoped to another campaign gets 404 too."""
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None or token.campaign_id not in (None, campaign_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No campaign {campaign_id} for this token.")
    return campaign


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetailOut)
async def get_campaign(campaign_id: CampaignId, session: Session, token: Token) -> CampaignDetailOut:
    campaign = await visible_campaign(session, token, campaign_id)
    roster = await campaigns.roster(session, campaign_id)
    return CampaignDetailOut(
        **CampaignOut.model_validate(campaign, from_attributes=True).model_dump(),
        roster=[RoleOut.model_validate(role, from_attributes=True) for role in roster],
    )


class EventOut(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    text: str


class EscalationOut(BaseModel):
    number: int
    severity: str
    summary: str
    area: str | None
    details: str | None
    status: str
    raised_by: str
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None
    timeline: list[EventOut]


class ResponseTimesOut(BaseModel):
    severity: str
    raised: int
    acknowledged: int
    resolved: int
    mtta_seconds: float | None
    mttr_seconds: float | None


class EscalationsOut(BaseModel):
    escalations: list[EscalationOut]
    response_times: list[ResponseTimesOut]


@router.get("/campaigns/{campaign_id}/escalations", response_model=EscalationsOut, tags=["escalations"])
async def list_escalations(campaign_id: CampaignId, session: Session, token: Token) -> EscalationsOut:
    """Every escalation of the campaign with its timeline, and MTTA/MTTR per severity."""
    await visible_campaign(session, token, campaign_id)
    rows = await escalation_views.all_with_timeline(session, campaign_id)
    return EscalationsOut(
        escalations=[
            EscalationOut(
                **escalation.model_dump(exclude={"timeline"}),
                timeline=[EventOut.model_validate(event, from_attributes=True) for event in events],
            )
            for escalation, events in rows
        ],
        response_times=[
            ResponseTimesOut(
                severity=times.severity,
                raised=times.raised,
                acknowledged=times.acknowledged,
                resolved=times.resolved,
                mtta_seconds=times.mtta.total_seconds() if times.mtta else None,
                mttr_seconds=times.mttr.total_seconds() if times.mttr else None,
            )
            for times in escalation_views.response_times([escalation for escalation, _ in rows])
        ],
    )


class ReadingIn(BaseModel):
    """One reading. `value` and `at` are checked by the service so that every bad row is named."""

    kpi: str
    value: Any = None
    at: str | None = Field(default=None, description="ISO 8601; without an offset it is read as UTC; default now")
    dimension: str | None = Field(default=None, description="region, channel, SKU …; empty for the whole KPI")


class ReadingsIn(BaseModel):
    readings: list[ReadingIn]


class IngestedOut(BaseModel):
    stored: int


def _unprocessable(message: str, errors: list[dict[str, Any]] | None = None) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, {"message": message, "errors": errors or []})


async def _readings(request: Request) -> list[Any]:
    """The `readings` of the JSON body, or a 422 saying why the service cannot read them: not JSON,
    nested deeper than MAX_JSON_DEPTH (json.loads would end in a RecursionError), or holding text
    no database can store (each such row named, with the field). Nothing else is checked here."""
    try:
        # Strict UTF-8, as JSON between systems must be: json.loads would also take UTF-16, and
        # surrogates encoded in UTF-8, both ways in for unstorable text that `may_hold` cannot see.
        text = (await request.body()).decode("utf-8-sig")
        body = json.loads(text)
    except RecursionError:
        raise _unprocessable(f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.") from None
    except ValueError:  # not UTF-8, or not JSON
        raise _unprocessable("The body is not JSON in UTF-8.") from None
    if unstorable.depth(body) > MAX_JSON_DEPTH:
        raise _unprocessable(f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")
    rows = body.get("readings") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise _unprocessable('The body must be {"readings": [...]}.')
    errors = []
    for number, row in enumerate(rows if unstorable.may_hold(text) else [], start=1):
        where = unstorable.find(row)
        if where is not None:
            field = f"`{unstorable.dotted(where)}`" if where else "The reading"
            errors.append({"row": number, "error": f"{field} {unstorable.REFUSAL}."})
    if errors:
        raise _unprocessable(f"{len(errors)} reading(s) are not valid; nothing was stored.", errors)
    return rows


@router.post(
    "/campaigns/{campaign_id}/metrics",
    response_model=IngestedOut,
    tags=["metrics"],
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": ReadingsIn.model_json_schema()}}}
    },
)
async def ingest_metrics(
    campaign_id: CampaignId,
    request: Request,
    session: Session,
    token: Token,
    runtime: Annotated[Runtime, Depends(runtime_of)],
) -> IngestedOut:
    """Store a batch of up to 10 000 readings, all or nothing: a 422 lists every bad row (from 1).

    The body is read as plain JSON and checked row by row by the service (the schema above is what
    it accepts): a pydantic object per reading would cost more than storing it.
    """
    campaign = await visible_campaign(session, token, campaign_id)
    rows = await _readings(request)
    try:
        stored = await metrics.record(session, campaign=campaign, rows=rows, now=runtime.clock.now(), source="api")
    except metrics.BatchRejected as rejected:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": rejected.message, "errors": [{"row": e.row, "error": e.error} for e in rejected.errors]},
        ) from None
    except UserError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, {"message": error.message, "errors": []}) from None
    return IngestedOut(stored=stored)


@router.get("/campaigns/{campaign_id}/status", tags=["metrics"])
async def campaign_status(
    campaign_id: CampaignId, session: Session, token: Token, runtime: Annotated[Runtime, Depends(runtime_of)]
) -> dict[str, Any]:
    """The digest as JSON: every KPI's value, target to date, attainment and light, and the overall light."""
    campaign = await visible_campaign(session, token, campaign_id)
    return (await digest.snapshot(session, campaign, runtime.clock.now())).as_json()


class BudgetLineOut(BaseModel):
    name: str
    planned: Decimal
    spent: Decimal
    remaining: Decimal


class BudgetOut(BaseModel):
    """Amounts in yuan, exact to the fen."""

    lines: list[BudgetLineOut]
    reserve: Decimal
    total: Decimal


class LedgerEntryOut(BaseModel):
    at: datetime
    user_id: str
    kind: str
    amount: Decimal
    from_line: str | None
    to_line: str | None
    reason: str | None
    approved_by: str | None
    balances: dict[str, dict[str, Decimal]]


def _yuan(amount_fen: int) -> Decimal:
    return Decimal(amount_fen) / 100


@router.get("/campaigns/{campaign_id}/budget", response_model=BudgetOut, tags=["budget"])
async def get_budget(campaign_id: CampaignId, session: Session, token: Token) -> BudgetOut:
    """The plan and balances of every category and the reserve."""
    await visible_campaign(session, token, campaign_id)
    lines = await budget.lines_of(session, campaign_id)
    return BudgetOut(
        lines=[
            BudgetLineOut(
                name=line.name,
                planned=_yuan(line.planned),
                spent=_yuan(line.spent),
                remaining=_yuan(line.planned - line.spent),
            )
            for line in lines
            if line.name != budget.RESERVE
        ],
        reserve=_yuan(sum(line.planned for line in lines if line.name == budget.RESERVE)),
        total=_yuan(sum(line.planned for line in lines)),
    )


@router.get("/campaigns/{campaign_id}/budget/ledger", response_model=list[LedgerEntryOut], tags=["budget"])
async def get_ledger(campaign_id: CampaignId, session: Session, token: Token) -> list[LedgerEntryOut]:
    """Every budget change, oldest first, with the balances after it."""
    await visible_campaign(session, token, campaign_id)
    return [
        LedgerEntryOut(
            at=entry.at,
            user_id=entry.user_id,
            kind=entry.kind,
            amount=_yuan(entry.amount),
            from_line=entry.from_line,
            to_line=entry.to_line,
            reason=entry.reason,
            approved_by=entry.approved_by,
            balances={
                name: {key: _yuan(value) for key, value in balance.items()} for name, balance in entry.balances.items()
            },
        )
        for entry in await budget.ledger(session, campaign_id)
    ]


class AuditEntryOut(BaseModel):
    at: datetime
    user_id: str
    subject: str
    old: str | None
    new: str | None


@router.get("/campaigns/{campaign_id}/audit", response_model=list[AuditEntryOut], tags=["campaigns"])
async def get_audit(campaign_id: CampaignId, session: Session, token: Token) -> list[AuditEntryOut]:
    """Every change to the campaign's KPIs and targets, roster, settings and phase, oldest first:
    who, when, the value before and after (null when there was none)."""
    await visible_campaign(session, token, campaign_id)
    return [
        AuditEntryOut(at=entry.at, user_id=entry.user_id, subject=entry.subject, old=entry.old, new=entry.new)
        for entry in await audit.trail(session, campaign_id)
    ]


class ActionItemOut(BaseModel):
    id: int
    problem: str
    cause: str
    action: str
    owner: str
    due: date
    status: str
    closed_by: str | None


class RetroEntryOut(BaseModel):
    user_id: str
    targets_vs_actual: str
    problems: str
    adjustments: str
    submitted_at: datetime
    edited_at: datetime | None
    action_items: list[ActionItemOut]


class RetroDayOut(BaseModel):
    day: date
    figures: str | None = Field(description="the day's figures as the evening prompt showed them")
    entries: list[RetroEntryOut]
    not_answered: list[str] = Field(description="roster members without an entry")


@router.get("/campaigns/{campaign_id}/retros", response_model=list[RetroDayOut], tags=["retrospectives"])
async def list_retros(campaign_id: CampaignId, session: Session, token: Token) -> list[RetroDayOut]:
    """Every daily retrospective, oldest first, with its entries and their action items."""
    campaign = await visible_campaign(session, token, campaign_id)
    return [
        RetroDayOut(
            day=review.day,
            figures=review.figures,
            entries=[
                RetroEntryOut(
                    **entry.model_dump(include={"user_id", "targets_vs_actual", "problems", "adjustments"}),
                    submitted_at=entry.submitted_at,
                    edited_at=entry.edited_at,
                    action_items=[
                        ActionItemOut.model_validate(item, from_attributes=True)
                        for item in review.items
                        if item.entry_id == entry.id
                    ],
                )
                for entry in review.entries
            ],
            not_answered=sorted(review.roster - {entry.user_id for entry in review.entries}),
        )
        for review in await retros.reviews(session, campaign)
    ]


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
