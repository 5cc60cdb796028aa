"""Campaigns (bulk work orders from an asset query) and the OS support-dates table over HTTP."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import func, select

from inventory_api.deps import AdminDep, ReadDep, SessionDep, WriteDep
from inventory_api.errors import Unprocessable, UnsupportedMediaType
from inventory_api.idempotency import IdempotentRoute
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.workorders import campaign_schemas as schemas
from inventory_api.workorders import campaigns
from inventory_api.workorders.models import Campaign, OsSupportDate

router = APIRouter(
    prefix="/api/v1", tags=["campaigns"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)


def _read(session: SessionDep, campaign: Campaign) -> schemas.CampaignRead:
    answer = schemas.CampaignRead.model_validate(campaign)
    answer.progress = schemas.CampaignProgress(**campaigns.progress(session, campaign))
    return answer


@router.post("/campaigns/preview", response_model=schemas.Preview)
def preview(body: schemas.AssetQuery, session: SessionDep, principal: ReadDep) -> schemas.Preview:
    """How many assets a campaign query matches, with the first few."""
    stmt = campaigns.asset_query(principal, body.model_dump())
    count = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    sample = [{"id": str(a.id), "name": a.name, "kind": a.kind} for a in session.scalars(stmt.limit(20))]
    return schemas.Preview(count=count, sample=sample)


@router.post("/campaigns", response_model=schemas.CampaignRead, status_code=201)
def create_campaign(body: schemas.CampaignCreate, session: SessionDep, principal: WriteDep) -> Any:
    """Create one work order per matching asset (send `Idempotency-Key`: a retry must not double them)."""
    campaign, _ = campaigns.create_campaign(session, principal, body.model_dump())
    session.flush()
    return _read(session, campaign)


@router.get("/campaigns", response_model=list[schemas.CampaignRead])
def list_campaigns(session: SessionDep, principal: ReadDep) -> Any:
    rows = session.scalars(select(Campaign).order_by(Campaign.created_at.desc())).all()
    return [_read(session, c) for c in rows if c.site_id is None or principal.can_see_site(c.site_id)]


@router.get("/campaigns/{campaign_id}", response_model=schemas.CampaignRead)
def read_campaign(campaign_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Any:
    """The campaign with its progress: open, done, failed (cancelled) orders."""
    return _read(session, campaigns.require_campaign(session, campaign_id, principal))


@router.get("/os-support-dates", response_model=list[schemas.OsSupportRead])
def list_os_support(session: SessionDep, _: ReadDep) -> Any:
    return session.scalars(
        select(OsSupportDate).order_by(OsSupportDate.os_name, OsSupportDate.os_version)
    ).all()


@router.post("/os-support-dates/import")
async def import_os_support(request: Request, session: SessionDep, _: AdminDep) -> dict[str, int]:
    """Import rows as CSV (text/csv: os_name,os_version,end_of_support[,source]) or a JSON list; upserts."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "text/csv":
        rows = campaigns.parse_os_support_csv((await request.body()).decode("utf-8-sig"))
    elif kind == "application/json":
        try:
            rows = [schemas.OsSupportRow.model_validate(r).model_dump() for r in await request.json()]
        except (ValidationError, ValueError, TypeError) as exc:
            raise Unprocessable(f"rows must be a list of OS support rows: {exc}", code="invalid_row") from exc
    else:
        raise UnsupportedMediaType("send text/csv or application/json")
    return {"imported": campaigns.import_os_support(session, rows)}
