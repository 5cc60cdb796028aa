"""Work orders over HTTP: CRUD, upsert by external reference, transitions, items, notes, time, SLA."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from inventory_api.db import utcnow
from inventory_api.deps import ReadDep, SessionDep, SettingsDep, WriteDep
from inventory_api.errors import NotFound
from inventory_api.etag import check_if_match, set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.sla.router import clocks_answer
from inventory_api.sla.schemas import SlaRead
from inventory_api.workorders import schemas, service, worklog
from inventory_api.workorders.models import WorkOrder

router = APIRouter(
    prefix="/api/v1", tags=["work orders"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]
SORTS = {"created_at": WorkOrder.created_at, "updated_at": WorkOrder.updated_at,
         "resolution_due_at": WorkOrder.resolution_due_at, "priority": WorkOrder.priority,
         "change_seq": WorkOrder.change_seq}  # fmt: skip


def _etag(response: Response, order: WorkOrder) -> None:
    set_etag(response, order.version)


def _detail(session: SessionDep, order: WorkOrder) -> schemas.WorkOrderDetail:
    base = schemas.WorkOrderRead.model_validate(order).model_dump()
    items = [schemas.ItemRead.model_validate(i) for i in service.list_items(session, order)]
    return schemas.WorkOrderDetail(**base, items=items)


@router.get("/work-orders", response_model=Page[schemas.WorkOrderRead])
def list_work_orders(
    request: Request, session: SessionDep, principal: ReadDep, page: PageDep,
    site_id: uuid.UUID | None = None, state: schemas.State | None = None, kind: schemas.Kind | None = None,
    priority: schemas.Priority | None = None, assignee_id: uuid.UUID | None = None,
    campaign_id: uuid.UUID | None = None, external_system: str | None = None,
    changed_after: Annotated[int | None, Query(ge=0, lt=2**63, description="only orders changed after this change_seq; "
                                                  "sorted by change_seq")] = None, answer_format: CsvFormat = None,
) -> Any:  # fmt: skip
    """Work orders of the caller's sites; `changed_after=P` reads the changes since position P."""
    stmt = service.list_statement(
        principal, site_id=site_id, state=state, kind=kind, priority=priority, assignee_id=assignee_id,
        campaign_id=campaign_id, external_system=external_system,
    )  # fmt: skip
    default_sort = "-created_at"
    if changed_after is not None:
        stmt = stmt.where(WorkOrder.change_seq > changed_after)
        default_sort = "change_seq"
    if wants_csv(request):
        return csv_response(session, stmt, schemas.WorkOrderRead, "work-orders.csv")
    return paginate(
        session, stmt, page, sort_columns=SORTS, default_sort=default_sort, id_column=WorkOrder.id
    )


@router.post("/work-orders", response_model=schemas.WorkOrderDetail, status_code=201)
def create_work_order(
    body: schemas.WorkOrderCreate, response: Response, session: SessionDep, principal: WriteDep
) -> schemas.WorkOrderDetail:
    """Create a work order with its linked items; send `Idempotency-Key` to retry safely."""
    data = body.model_dump()
    data["items"] = [i.model_dump() for i in body.items]
    order = service.create_work_order(session, principal, data)
    _etag(response, order)
    response.headers["Location"] = f"/api/v1/work-orders/{order.id}"
    return _detail(session, order)


@router.get("/work-orders/by-ref/{system}/{external_id}", response_model=schemas.WorkOrderDetail)
def read_by_ref(system: str, external_id: str, response: Response, session: SessionDep, principal: ReadDep):
    """The work order with this external reference (the ticketing system's own id)."""
    order = service.get_by_ref(session, system, external_id)
    order = order and service.get_work_order(session, principal, order.id)
    if order is None:
        raise NotFound("work order", f"{system}/{external_id}")
    _etag(response, order)
    return _detail(session, order)


@router.put("/work-orders/by-ref/{system}/{external_id}", response_model=schemas.WorkOrderDetail,
            responses={201: {"description": "created"}})  # fmt: skip
def upsert_by_ref(
    system: str, external_id: str, body: schemas.WorkOrderUpsert, response: Response, session: SessionDep,
    principal: WriteDep, if_match: IfMatch = None,
) -> schemas.WorkOrderDetail:  # fmt: skip
    """Create (201) or update (200) the work order with this external reference: sync without our ids."""
    data = body.model_dump(exclude_unset=True)
    data.update(kind=body.kind, title=body.title, site_id=body.site_id)
    data["items"] = [i.model_dump() for i in body.items or []]
    order, created = service.upsert_by_ref(session, principal, system, external_id, data, if_match=if_match)
    response.status_code = 201 if created else 200
    _etag(response, order)
    return _detail(session, order)


@router.get("/work-orders/{order_id}", response_model=schemas.WorkOrderDetail)
def read_work_order(order_id: uuid.UUID, response: Response, session: SessionDep, principal: ReadDep):
    order = service.require_work_order(session, principal, order_id)
    _etag(response, order)
    return _detail(session, order)


@router.patch("/work-orders/{order_id}", response_model=schemas.WorkOrderDetail)
def update_work_order(
    order_id: uuid.UUID, body: schemas.WorkOrderUpdate, response: Response, session: SessionDep,
    principal: WriteDep, if_match: IfMatch = None,
) -> schemas.WorkOrderDetail:  # fmt: skip
    """Change fields; with `If-Match` the update is refused (412) if someone changed the order meanwhile."""
    order = service.require_work_order(session, principal, order_id)
    check_if_match(if_match, order.version)
    service.update_work_order(session, principal, order, body.model_dump(exclude_unset=True))
    _etag(response, order)
    return _detail(session, order)


@router.post("/work-orders/{order_id}/transitions", response_model=schemas.WorkOrderDetail)
def transition(
    order_id: uuid.UUID, body: schemas.Transition, response: Response, session: SessionDep,
    principal: WriteDep, if_match: IfMatch = None,
) -> schemas.WorkOrderDetail:  # fmt: skip
    """Move the order to another state; `resolved` applies every item's action in one transaction."""
    order = service.require_work_order(session, principal, order_id)
    check_if_match(if_match, order.version)
    service.transition(session, order, body.to, hold_reason=body.hold_reason, note=body.note)
    _etag(response, order)
    return _detail(session, order)


@router.post("/work-orders/{order_id}/items", response_model=schemas.ItemRead, status_code=201)
def add_item(order_id: uuid.UUID, body: schemas.ItemCreate, session: SessionDep, principal: WriteDep) -> Any:
    order = service.require_work_order(session, principal, order_id)
    item = service.add_item(session, order, body.model_dump())
    order.version += 1
    session.flush()
    return item


@router.delete("/work-orders/{order_id}/items/{item_id}", status_code=204)
def remove_item(
    order_id: uuid.UUID, item_id: uuid.UUID, session: SessionDep, principal: WriteDep
) -> Response:
    """Unlink a pending item (e.g. one that can no longer be applied) from an open order."""
    service.remove_item(session, service.require_work_order(session, principal, order_id), item_id)
    return Response(status_code=204)


@router.get("/work-orders/{order_id}/notes", response_model=list[schemas.NoteRead])
def list_notes(order_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Any:
    return worklog.list_notes(session, service.require_work_order(session, principal, order_id))


@router.post("/work-orders/{order_id}/notes", response_model=schemas.NoteRead, status_code=201)
def add_note(order_id: uuid.UUID, body: schemas.NoteCreate, session: SessionDep, principal: WriteDep) -> Any:
    note = worklog.add_note(session, service.require_work_order(session, principal, order_id), body.body)
    session.flush()
    return note


@router.get("/work-orders/{order_id}/time-entries", response_model=list[schemas.TimeEntryRead])
def list_time(order_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Any:
    return worklog.list_time_entries(session, service.require_work_order(session, principal, order_id))


@router.get("/work-orders/{order_id}/time-summary", response_model=list[schemas.TimeSummary])
def time_summary(order_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Any:
    order = service.require_work_order(session, principal, order_id)
    return [
        schemas.TimeSummary(technician_id=t, minutes=m) for t, m in worklog.time_by_technician(session, order)
    ]


@router.post("/work-orders/{order_id}/time-entries", response_model=schemas.TimeEntryRead, status_code=201)
def add_time(
    order_id: uuid.UUID, body: schemas.TimeEntryCreate, session: SessionDep, principal: WriteDep
) -> Any:
    order = service.require_work_order(session, principal, order_id)
    entry = worklog.add_time_entry(
        session, order, technician_id=body.technician_id or principal.user_id, work_date=body.work_date,
        minutes=body.minutes, note=body.note,
    )  # fmt: skip
    session.flush()
    return entry


@router.get("/work-orders/{order_id}/activity", response_model=list[schemas.ActivityRead])
def activity(
    order_id: uuid.UUID, session: SessionDep, principal: ReadDep, after: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:  # fmt: skip
    """Who did what on the order, when (oldest first; page with `after` = the last id)."""
    order = service.require_work_order(session, principal, order_id)
    return worklog.activity(session, order, after=after, limit=limit)


@router.get("/work-orders/{order_id}/sla", response_model=SlaRead)
def read_sla(order_id: uuid.UUID, session: SessionDep, principal: ReadDep, settings: SettingsDep) -> dict:
    """The response and resolution clocks now: due time, time left, at risk, breached (null without a policy)."""
    order = service.require_work_order(session, principal, order_id)
    return clocks_answer(session, order, utcnow(), settings.sla_at_risk_percent)
