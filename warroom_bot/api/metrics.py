"""The REST API's metrics: a batch of readings in, and the status (the digest as data) out."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field, PlainSerializer

from warroom_bot.api.budget import yuan
from warroom_bot.api.deps import MAX_JSON_DEPTH, CampaignId, Session, Token, runtime_of, visible_campaign
from warroom_bot.core import i18n, unstorable
from warroom_bot.core.errors import UserError
from warroom_bot.core.runtime import Runtime
from warroom_bot.digest import snapshot as digest
from warroom_bot.metrics import service as metrics

router = APIRouter(prefix="/api", tags=["campaigns"])


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
        with i18n.speaking(i18n.ENGLISH):  # the API's answers are for scripts: English whatever the campaign's
            stored = await metrics.record(session, campaign=campaign, rows=rows, now=runtime.clock.now(), source="api")
    except metrics.BatchRejected as rejected:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": rejected.message, "errors": [{"row": e.row, "error": e.error} for e in rejected.errors]},
        ) from None
    except UserError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, {"message": error.message, "errors": []}) from None
    return IngestedOut(stored=stored)


class DimensionStatusOut(BaseModel):
    dimension: str
    value: float
    attainment: float
    light: str


class KpiStatusOut(BaseModel):
    key: str
    label: str
    unit: str
    kind: str
    value: float | None
    target_to_date: float | None
    attainment: float | None = Field(description="actual ÷ target to date (target ÷ actual when lower is better)")
    light: str | None = Field(description="green, yellow, red or purple; null without a reading or target")
    previous_value: float | None = Field(description="as the last digest showed it")
    previous_light: str | None
    worst_dimensions: list[DimensionStatusOut] = Field(description="up to three dimensions not green, worst first")
    direction: str
    latest_at: datetime | None = Field(description="when the newest reading (of any dimension) was taken")
    stale: bool = Field(description="no reading for `alert.nodata`")
    forecast: float | None = Field(
        description="a cumulative KPI's landing at the last hour's pace, as attainment of its campaign target"
    )


class EscalationSummaryOut(BaseModel):
    open: int = Field(description="unresolved escalations")
    by_severity: dict[str, int] = Field(description="open escalations per severity, highest first, every severity")
    unacknowledged: int
    oldest_unacknowledged_seconds: int | None = Field(description="how long the oldest unacknowledged one has waited")
    from_lights: int = Field(description="open escalations a KPI's light raised")


class OpenAlertOut(BaseModel):
    kpi: str
    dimension: str = Field(description="empty for the KPI as a whole")
    light: str | None = Field(description="the light that holds now")
    number: int = Field(description="the escalation's number")
    severity: str
    status: str


class BudgetBurnOut(BaseModel):
    """Amounts in yuan (exact to the fen), shares from 0 to 1."""

    planned: Annotated[Decimal, PlainSerializer(float, return_type=float)] = Field(description="the categories' plan")
    spent: Annotated[Decimal, PlainSerializer(float, return_type=float)]
    used: float = Field(description="spent ÷ planned")
    elapsed: float = Field(description="the share of the campaign elapsed")
    reserve_left: Annotated[Decimal, PlainSerializer(float, return_type=float)]


class DueActionOut(BaseModel):
    id: int
    action: str
    owner: str
    due: date
    overdue: bool


class SourceProblemOut(BaseModel):
    url: str = Field(description="the pull source, without its query string")
    reason: str = Field(description="what went wrong, e.g. `no answer within 10 s`")


class StatusOut(BaseModel):
    campaign_name: str
    campaign_id: int
    timezone: str
    phase: str
    at: datetime
    overall: str | None = Field(description="the worst KPI's light")
    kpis: list[KpiStatusOut]
    escalations: EscalationSummaryOut
    budget: BudgetBurnOut | None = Field(description="null before `/budget plan`")
    source_problem: SourceProblemOut | None = Field(
        description="why the pull source's readings are missing from a posted digest (null in the live status)"
    )
    actions_due: list[DueActionOut] = Field(description="open action items due today or overdue")
    alerts: list[OpenAlertOut] = Field(description="unresolved escalations raised by KPIs' lights")


def status_out(snapshot: digest.Snapshot) -> StatusOut:
    burn = snapshot.budget
    return StatusOut.model_validate(
        {
            **snapshot.as_json(),
            "budget": None
            if burn is None
            else BudgetBurnOut(
                planned=yuan(burn.planned),
                spent=yuan(burn.spent),
                used=burn.used,
                elapsed=burn.elapsed,
                reserve_left=yuan(burn.reserve_left),
            ),
        }
    )


@router.get("/campaigns/{campaign_id}/status", response_model=StatusOut, tags=["metrics"])
async def campaign_status(
    campaign_id: CampaignId, session: Session, token: Token, runtime: Annotated[Runtime, Depends(runtime_of)]
) -> StatusOut:
    """The digest as data: every KPI's value, target to date, attainment and light, the overall light,
    the open escalations in numbers, and the budget's burn."""
    campaign = await visible_campaign(session, token, campaign_id)
    return status_out(await digest.snapshot(session, campaign, runtime.clock.now()))
