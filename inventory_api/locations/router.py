"""Location routes: the site tree, children, breadcrumbs."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy.orm import Session

from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.etag import check_if_match, set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.locations import schemas
from inventory_api.locations import service as locations
from inventory_api.locations.models import Location
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1", tags=["locations"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]
SORT = {
    "name": Location.name,
    "kind": Location.kind,
    "code": Location.code,
    "created_at": Location.created_at,
}


def _read(session: Session, location: Location, response: Response | None = None) -> schemas.LocationRead:
    if response is not None:
        set_etag(response, location.version)
    path = [schemas.LocationRef.model_validate(p) for p in locations.breadcrumb(session, location)]
    return schemas.LocationRead.model_validate(location).model_copy(update={"path": path})


def _page(session: Session, page: Page[Any]) -> Page[schemas.LocationRead]:
    return Page(items=[_read(session, loc) for loc in page.items], next=page.next, total=page.total)


@router.get("/locations", response_model=Page[schemas.LocationRead])
def list_locations(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    page: PageDep,
    kind: str | None = None,
    parent_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
    name: str | None = None,
    roots: bool = False,
    answer_format: CsvFormat = None,
) -> Any:
    """Live locations of your sites; `roots=true` lists the sites, `name` is a prefix."""
    stmt = locations.locations_query(
        principal, kind=kind, parent_id=parent_id, site_id=site_id, name=name, roots=roots
    )
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Location.name), schemas.LocationRow, "locations")
    return _page(
        session, paginate(session, stmt, page, sort_columns=SORT, default_sort="name", id_column=Location.id)
    )


@router.post("/locations", response_model=schemas.LocationRead, status_code=201)
def create_location(
    body: schemas.LocationCreate, session: SessionDep, principal: WriteDep, response: Response
) -> schemas.LocationRead:
    """A site (admin; a root with its time zone) or a place under a parent."""
    locations.sites_need_admin(principal, body.kind)
    return _read(session, locations.create_location(session, body.model_dump(), principal), response)


@router.get("/locations/{location_id}", response_model=schemas.LocationRead)
def read_location(
    location_id: uuid.UUID, session: SessionDep, principal: ReadDep, response: Response
) -> schemas.LocationRead:
    return _read(session, locations.require_location(session, location_id, principal), response)


@router.get("/locations/{location_id}/children", response_model=Page[schemas.LocationRead])
def list_children(
    location_id: uuid.UUID, session: SessionDep, principal: ReadDep, page: PageDep
) -> Page[schemas.LocationRead]:
    locations.require_location(session, location_id, principal)
    stmt = locations.locations_query(principal, parent_id=location_id)
    return _page(
        session, paginate(session, stmt, page, sort_columns=SORT, default_sort="name", id_column=Location.id)
    )


@router.patch("/locations/{location_id}", response_model=schemas.LocationRead)
def update_location(
    location_id: uuid.UUID,
    body: schemas.LocationUpdate,
    session: SessionDep,
    principal: WriteDep,
    response: Response,
    if_match: IfMatch = None,
) -> schemas.LocationRead:
    """Change a location; a new `parent_id` moves it with its subtree (and their site)."""
    location = locations.require_location(session, location_id, principal)
    locations.sites_need_admin(principal, location.kind)
    check_if_match(if_match, location.version)
    values = body.model_dump(exclude_unset=True)
    return _read(session, locations.update_location(session, location, values, principal), response)


@router.delete("/locations/{location_id}", status_code=204)
def delete_location(location_id: uuid.UUID, session: SessionDep, principal: WriteDep) -> Response:
    """Soft delete; refused (409 `location_in_use`) while children, people or assets point at it."""
    location = locations.require_location(session, location_id, principal)
    locations.sites_need_admin(principal, location.kind)
    locations.delete_location(session, location)
    return Response(status_code=204)
