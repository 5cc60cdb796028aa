"""People routes."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.etag import check_if_match, set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.people import schemas
from inventory_api.people import service as people
from inventory_api.people.models import Person
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["people"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]
SORT = {
    "name": Person.name_key,
    "email": Person.email,
    "employee_id": Person.employee_id,
    "department": Person.department,
    "created_at": Person.created_at,
}


@router.get("/people", response_model=Page[schemas.PersonRead])
def list_people(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    page: PageDep,
    q: str | None = None,
    site_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    department: str | None = None,
    employee_id: str | None = None,
    email: str | None = None,
    active: bool | None = None,
    answer_format: CsvFormat = None,
) -> Any:
    """Live people of your sites; `q` is a prefix of the name or e-mail (case-insensitive)."""
    stmt = people.people_query(
        session, principal, q=q, site_id=site_id, location_id=location_id, department=department,
        employee_id=employee_id, email=email, active=active,
    )  # fmt: skip
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Person.name_key), schemas.PersonRead, "people")
    return paginate(session, stmt, page, sort_columns=SORT, default_sort="name", id_column=Person.id)


@router.post("/people", response_model=schemas.PersonRead, status_code=201)
def create_person(
    body: schemas.PersonCreate, session: SessionDep, principal: WriteDep, response: Response
) -> Person:
    person = people.create_person(session, body.model_dump(), principal)
    set_etag(response, person.version)
    return person


@router.get("/people/{person_id}", response_model=schemas.PersonRead)
def read_person(person_id: uuid.UUID, session: SessionDep, principal: ReadDep, response: Response) -> Person:
    person = people.require_person(session, person_id, principal)
    set_etag(response, person.version)
    return person


@router.patch("/people/{person_id}", response_model=schemas.PersonRead)
def update_person(
    person_id: uuid.UUID,
    body: schemas.PersonUpdate,
    session: SessionDep,
    principal: WriteDep,
    response: Response,
    if_match: IfMatch = None,
) -> Person:
    person = people.require_person(session, person_id, principal)
    check_if_match(if_match, person.version)
    person = people.update_person(session, person, body.model_dump(exclude_unset=True), principal)
    set_etag(response, person.version)
    return person


@router.delete("/people/{person_id}", status_code=204)
def delete_person(person_id: uuid.UUID, session: SessionDep, principal: WriteDep) -> Response:
    """Soft delete; refused (409 `person_in_use`) while assets are assigned."""
    people.delete_person(session, people.require_person(session, person_id, principal))
    return Response(status_code=204)
