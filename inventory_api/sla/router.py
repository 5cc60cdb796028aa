"""SLA policies, business calendars, and a work order's clocks over HTTP."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.deps import AdminDep, ReadDep, SessionDep
from inventory_api.errors import Conflict
from inventory_api.etag import check_if_match
from inventory_api.history.service import diff_fields, record_change
from inventory_api.idempotency import IdempotentRoute
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.sla import schemas, service
from inventory_api.sla.models import BusinessCalendar, SlaPolicy
from inventory_api.workorders.models import WorkOrder

router = APIRouter(prefix="/api/v1/sla", tags=["SLA"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


def clocks_answer(session: Session, order: WorkOrder, now: datetime, at_risk_percent: int) -> dict[str, Any]:
    """The SLA view of an order at `now`."""
    clocks = service.order_clocks(session, order, now, at_risk_percent=at_risk_percent) or {}
    answer = schemas.SlaRead(
        policy_id=order.sla_policy_id,
        now=now,
        response=clocks.get("response"),
        resolution=clocks.get("resolution"),
    )
    return answer.model_dump(mode="json")


def _calendar_values(body: schemas.CalendarCreate | schemas.CalendarUpdate) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=isinstance(body, schemas.CalendarUpdate))
    if "hours" in values:
        values["hours"] = {day: [list(span) for span in spans] for day, spans in values["hours"].items()}
    if "holidays" in values:
        values["holidays"] = sorted(day.isoformat() for day in values["holidays"])
    return values


@router.get("/calendars", response_model=list[schemas.CalendarRead])
def list_calendars(session: SessionDep, _: ReadDep) -> Any:
    return session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.name)).all()


@router.post("/calendars", response_model=schemas.CalendarRead, status_code=201)
def create_calendar(body: schemas.CalendarCreate, session: SessionDep, _: AdminDep) -> Any:
    values = _calendar_values(body)
    service.validate_calendar(values["time_zone"], values["hours"], values["holidays"])
    if session.scalar(select(BusinessCalendar).where(BusinessCalendar.name == body.name)):
        raise Conflict(f"a calendar named {body.name!r} exists", code="name_taken")
    row = BusinessCalendar(**values)
    session.add(row)
    session.flush()
    record_change(session, "business_calendar", row.id, "created", summary=row.name)
    return row


@router.patch("/calendars/{calendar_id}", response_model=schemas.CalendarRead)
def update_calendar(
    calendar_id: uuid.UUID, body: schemas.CalendarUpdate, response: Response, session: SessionDep, _: AdminDep,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:  # fmt: skip
    row = service.require_calendar(session, calendar_id)
    check_if_match(if_match, row.version)
    values = _calendar_values(body)
    merged = {"time_zone": row.time_zone, "hours": row.hours, "holidays": row.holidays, **values}
    service.validate_calendar(merged["time_zone"], merged["hours"], merged["holidays"])
    changes = diff_fields(row, values)
    if changes:
        row.version += 1
        record_change(session, "business_calendar", row.id, "changed", changes=changes)
    response.headers["ETag"] = f'"{row.version}"'
    return row


@router.get("/policies", response_model=list[schemas.PolicyRead])
def list_policies(session: SessionDep, _: ReadDep) -> Any:
    return session.scalars(select(SlaPolicy).order_by(SlaPolicy.priority, SlaPolicy.kind)).all()


@router.post("/policies", response_model=schemas.PolicyRead, status_code=201)
def create_policy(body: schemas.PolicyCreate, session: SessionDep, _: AdminDep) -> Any:
    if body.calendar_id:
        service.require_calendar(session, body.calendar_id)
    if session.scalar(
        select(SlaPolicy).where(SlaPolicy.kind == body.kind, SlaPolicy.priority == body.priority)
    ):
        raise Conflict(f"a policy for {body.kind}/{body.priority} exists", code="policy_exists")
    row = SlaPolicy(**body.model_dump())
    session.add(row)
    session.flush()
    record_change(session, "sla_policy", row.id, "created", summary=row.name)
    return row


@router.patch("/policies/{policy_id}", response_model=schemas.PolicyRead)
def update_policy(
    policy_id: uuid.UUID, body: schemas.PolicyUpdate, response: Response, session: SessionDep, _: AdminDep,
    if_match: Annotated[str | None, Header()] = None,
) -> Any:  # fmt: skip
    """Change targets; work orders recompute their clocks from the state log with the new targets."""
    row = service.require_policy(session, policy_id)
    check_if_match(if_match, row.version)
    values = body.model_dump(exclude_unset=True)
    if values.get("calendar_id"):
        service.require_calendar(session, values["calendar_id"])
    changes = diff_fields(row, values)
    if changes:
        row.version += 1
        record_change(session, "sla_policy", row.id, "changed", changes=changes)
    response.headers["ETag"] = f'"{row.version}"'
    return row
