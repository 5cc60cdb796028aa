"""`GET /api/v1/search`: what the search box finds, as JSON."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from inventory_api.assets.schemas import AssetRead
from inventory_api.cabling.schemas import JackRead
from inventory_api.deps import ReadDep, SessionDep
from inventory_api.locations.schemas import LocationRead
from inventory_api.people.schemas import PersonRead
from inventory_api.routing import ERROR_RESPONSES, TransactionalRoute
from inventory_api.search.service import search
from inventory_api.services.schemas import ServiceRead
from inventory_api.workorders.schemas import WorkOrderRead

router = APIRouter(
    prefix="/api/v1", tags=["search"], route_class=TransactionalRoute, responses=ERROR_RESPONSES
)


class JackFound(BaseModel):
    jack: JackRead
    paths: list[str]


class TitleFound(BaseModel):
    id: uuid.UUID
    name: str
    publisher: str | None


class SearchResult(BaseModel):
    assets: list[AssetRead]
    people: list[PersonRead]
    services: list[ServiceRead]
    jacks: list[JackFound]
    rooms: list[LocationRead]
    work_orders: list[WorkOrderRead]
    software_titles: list[TitleFound]


@router.get("/search", response_model=SearchResult)
def search_everything(
    session: SessionDep, principal: ReadDep, q: Annotated[str, Query(min_length=1, max_length=200)]
) -> SearchResult:
    """Asset tag, serial, hostname, MAC, IP; a person's name, e-mail or employee id; an extension or DID with or
    without + and spacing; the start of a jack label (with its path); a room by name or code; a work order by its
    id or external reference; a software title by the start of its name."""
    found = search(session, principal, q)
    return SearchResult(
        assets=[AssetRead.model_validate(a) for a in found.assets],
        people=[PersonRead.model_validate(p) for p in found.people],
        services=[ServiceRead.model_validate(s) for s in found.services],
        jacks=[JackFound(jack=JackRead.model_validate(j), paths=p) for j, p in found.jacks],
        rooms=[LocationRead.model_validate(r) for r in found.rooms],
        work_orders=[WorkOrderRead.model_validate(o) for o in found.work_orders],
        software_titles=[TitleFound(id=t.id, name=t.name, publisher=t.publisher) for t in found.titles],
    )
