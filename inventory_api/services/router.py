"""User services and the emergency-location report."""

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from inventory_api.cabling.registry import require_location
from inventory_api.deps import ReadDep, SessionDep, SettingsDep, WriteDep
from inventory_api.etag import check_if_match
from inventory_api.exports import CsvFormat, csv_response, safe_cell, wants_csv
from inventory_api.history.schemas import ChangeEventPage, ChangeEventRead
from inventory_api.history.service import list_changes
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.services import emergency, schemas
from inventory_api.services import service as services
from inventory_api.services.models import Service

router = APIRouter(
    prefix="/api/v1", tags=["services"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)


def read_model(session, service: Service) -> schemas.ServiceRead:
    read = schemas.ServiceRead.model_validate(service)
    read.asset_ids = services.service_assets(session, service)
    state = services.data_port_state(session, service)
    read.switch_port = schemas.DataPortState.model_validate(state) if state else None
    return read


def _answer(response: Response, session, service: Service) -> schemas.ServiceRead:
    response.headers["ETag"] = f'"{service.version}"'
    return read_model(session, service)


@router.post("/services", response_model=schemas.ServiceRead, status_code=201)
def create_service(body: schemas.ServiceCreate, response: Response, session: SessionDep, who: WriteDep):
    """Give a person a service (extension, DID, voicemail, data port, VPN …); 409 on a duplicate number."""
    return _answer(response, session, services.create_service(session, body.model_dump(), who.site_ids))


@router.get("/services", response_model=Page[schemas.ServiceRead])
def list_services(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, site_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None, type: str | None = None, status: str | None = None,
    number: str | None = None, cost_centre: str | None = None, asset_id: uuid.UUID | None = None,
    emergency_location_stale: bool | None = None, answer_format: CsvFormat = None,
):  # fmt: skip
    stmt = services.services_query(
        who.site_ids, site_id=site_id, person_id=person_id, type=type, status=status, number=number,
        cost_centre=cost_centre, asset_id=asset_id, emergency_location_stale=emergency_location_stale,
    )  # fmt: skip
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Service.created_at), schemas.ServiceRead, "services")
    result = paginate(session, stmt, page, default_sort="created_at", id_column=Service.id,
                      sort_columns={"created_at": Service.created_at, "number": Service.number,
                                    "type": Service.type, "status": Service.status})  # fmt: skip
    result.items = [read_model(session, s) for s in result.items]
    return result


@router.get("/services/{service_id}", response_model=schemas.ServiceRead)
def read_service(service_id: uuid.UUID, response: Response, session: SessionDep, who: ReadDep):
    return _answer(response, session, services.require_service(session, service_id, who.site_ids))


@router.patch("/services/{service_id}", response_model=schemas.ServiceRead)
def update_service(
    service_id: uuid.UUID, body: schemas.ServiceUpdate, response: Response, session: SessionDep, who: WriteDep,
    settings: SettingsDep, if_match: Annotated[str | None, Header(alias="If-Match")] = None,
):  # fmt: skip
    """Change a service; `status: disconnected` sends its number to quarantine."""
    service = services.require_service(session, service_id, who.site_ids)
    check_if_match(if_match, service.version)
    data = body.model_dump(exclude_unset=True)
    dependents, carry_to = data.pop("dependents", None), data.pop("carry_to", None)
    service = services.update_service(session, service, data, sites=who.site_ids, dependents=dependents,
                                      carry_to=carry_to, quarantine_days=settings.number_quarantine_days)  # fmt: skip
    return _answer(response, session, service)


@router.get("/services/{service_id}/history", response_model=ChangeEventPage)
def service_history(
    service_id: uuid.UUID, session: SessionDep, who: ReadDep,
    after: Annotated[int | None, Query(ge=0, lt=2**63, description="the `next` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ChangeEventPage:  # fmt: skip
    """Every change to the service, oldest first: who, when, why (a work order names itself as the cause)."""
    services.require_service(session, service_id, who.site_ids)
    events = list_changes(session, "service", service_id, after=after, limit=limit)
    nxt = str(events[-1].id) if len(events) == limit else None
    return ChangeEventPage(items=[ChangeEventRead.model_validate(e) for e in events], next=nxt)


@router.post("/services/{service_id}/emergency-location", response_model=schemas.EmergencyLocation)
def confirm_emergency_location(
    service_id: uuid.UUID, body: schemas.ConfirmLocation, session: SessionDep, who: WriteDep
) -> dict[str, Any]:
    """Confirm or correct the room of a number; clears "emergency location out of date"."""
    service = services.require_service(session, service_id, who.site_ids)
    if body.location_id is not None:
        require_location(session, body.location_id, who.site_ids)
    emergency.confirm_location(session, service, body.location_id)
    return emergency.dispatchable_location(session, service)


@router.get("/emergency-locations", response_model=list[schemas.EmergencyLocation])
def list_emergency_locations(
    request: Request, session: SessionDep, who: ReadDep,
    state: Annotated[Literal["ok", "missing", "stale", "problem"] | None,
                     Query(description="`problem` = missing or stale")] = None, answer_format: CsvFormat = None,
):  # fmt: skip
    """Every live extension and DID with its dispatchable location; CSV (`?format=csv`) for the 911 database."""
    if wants_csv(request):
        return _csv(session.get_bind(), who.site_ids, state)
    return emergency.emergency_locations(session, who.site_ids, state=state)


def _csv(bind: Any, sites: Any, state: str | None) -> StreamingResponse:
    fields = ["number", "type", "address", "city", "region", "postal_code", "country", "building", "floor",
              "room", "state"]  # fmt: skip

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(fields)
        with Session(bind) as own:  # the request's session has committed before the body streams
            for row in emergency.iter_emergency_locations(own, sites, state=state, release=True):
                writer.writerow([safe_cell(row[f]) for f in fields])
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="emergency-locations.csv"'})  # fmt: skip
