"""Check-out / check-in, assignment history and overdue list; warranty and end-of-life lists."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from inventory_api.assets.models import Asset
from inventory_api.assignments import schemas
from inventory_api.assignments import service as assignments
from inventory_api.assignments.models import Assignment
from inventory_api.cabling.registry import require_asset
from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1", tags=["assignments"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
Days = Annotated[int, Query(ge=0, le=3650, description="within this many days from today")]


@router.post("/assets/{asset_id}/checkout", response_model=schemas.AssignmentRead, status_code=201)
def check_out(asset_id: uuid.UUID, body: schemas.CheckOut, session: SessionDep, who: WriteDep) -> Assignment:
    """Check an asset out to a person or a location (409 `already_checked_out`, `asset_unavailable`)."""
    asset = require_asset(session, asset_id, who.site_ids)
    return assignments.check_out(session, asset, **body.model_dump(), sites=who.site_ids)


@router.post("/assets/{asset_id}/checkin", response_model=schemas.AssignmentRead)
def check_in(asset_id: uuid.UUID, body: schemas.CheckIn, session: SessionDep, who: WriteDep) -> Assignment:
    """Check an asset back in (409 `not_checked_out`)."""
    asset = require_asset(session, asset_id, who.site_ids)
    return assignments.check_in(session, asset, **body.model_dump(), sites=who.site_ids)


@router.get("/assignments", response_model=Page[schemas.AssignmentRead])
def list_assignments(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, asset_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None, location_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
    open: bool | None = None, overdue: bool = False, answer_format: CsvFormat = None,
):  # fmt: skip
    """Assignment history (newest first); `open=true` what is out now, `overdue=true` what is late."""
    stmt = assignments.assignments_query(who.site_ids, asset_id=asset_id, person_id=person_id, site_id=site_id,
                                         location_id=location_id, open=open, overdue=overdue)  # fmt: skip
    if wants_csv(request):
        return csv_response(
            session, stmt.order_by(Assignment.checked_out_at), schemas.AssignmentRead, "assignments"
        )
    return paginate(session, stmt, page, default_sort="-checked_out_at", id_column=Assignment.id,
                    sort_columns={"checked_out_at": Assignment.checked_out_at,
                                  "expected_return": Assignment.expected_return})  # fmt: skip


@router.get("/assignments/overdue", response_model=Page[schemas.AssignmentRead])
def list_overdue(
    request: Request,
    session: SessionDep,
    who: ReadDep,
    page: PageDep,
    site_id: uuid.UUID | None = None,
    answer_format: CsvFormat = None,
):
    """Open check-outs past their expected return date, the most overdue first."""
    stmt = assignments.assignments_query(who.site_ids, site_id=site_id, overdue=True)
    if wants_csv(request):
        return csv_response(
            session, stmt.order_by(Assignment.expected_return), schemas.AssignmentRead, "overdue"
        )
    return paginate(session, stmt, page, default_sort="expected_return", id_column=Assignment.id,
                    sort_columns={"expected_return": Assignment.expected_return})  # fmt: skip


@router.get("/lifecycle/warranty", response_model=Page[schemas.LifecycleRow])
def warranty_expiring(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, days: Days = 90,
    include_expired: bool = False, answer_format: CsvFormat = None,
):  # fmt: skip
    """Assets whose warranty ends within `days` (soonest first)."""
    stmt = assignments.warranty_query(who.site_ids, days=days, include_expired=include_expired)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Asset.warranty_end), schemas.LifecycleRow, "warranty")
    return paginate(session, stmt, page, default_sort="warranty_end", id_column=Asset.id,
                    sort_columns={"warranty_end": Asset.warranty_end})  # fmt: skip


@router.get("/lifecycle/end-of-life", response_model=Page[schemas.LifecycleRow])
def end_of_life(
    request: Request,
    session: SessionDep,
    who: ReadDep,
    page: PageDep,
    days: Days = 180,
    include_past: bool = False,
    answer_format: CsvFormat = None,
):
    """Assets whose model reaches end of life within `days`."""
    stmt = assignments.end_of_life_query(who.site_ids, days=days, include_past=include_past)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Asset.name), schemas.LifecycleRow, "end-of-life")
    return paginate(
        session, stmt, page, default_sort="name", id_column=Asset.id, sort_columns={"name": Asset.name}
    )
