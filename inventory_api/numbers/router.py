"""Number pools: free numbers, next free, reserve and release."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.numbers import schemas
from inventory_api.numbers import service as numbers
from inventory_api.numbers.models import NumberPool, NumberRecord
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["numbers"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


@router.post("/number-pools", response_model=schemas.PoolRead, status_code=201)
def create_pool(body: schemas.PoolCreate, session: SessionDep, who: WriteDep) -> NumberPool:
    """A range of extensions or DIDs a site hands out (409 `pool_overlap`)."""
    return numbers.create_pool(session, body.model_dump(), who.site_ids)


@router.get("/number-pools", response_model=Page[schemas.PoolRead])
def list_pools(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, site_id: uuid.UUID | None = None,
    kind: str | None = None, dial_plan: str | None = None, answer_format: CsvFormat = None,
):  # fmt: skip
    stmt = numbers.pools_query(who.site_ids, site_id=site_id, kind=kind, dial_plan=dial_plan)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(NumberPool.name), schemas.PoolRead, "number-pools")
    return paginate(session, stmt, page, sort_columns={"name": NumberPool.name, "first": NumberPool.first},
                    default_sort="name", id_column=NumberPool.id)  # fmt: skip


@router.get("/number-pools/{pool_id}", response_model=schemas.PoolRead)
def read_pool(pool_id: uuid.UUID, session: SessionDep, who: ReadDep) -> NumberPool:
    return numbers.require_pool(session, pool_id, who.site_ids)


@router.get("/number-pools/{pool_id}/free", response_model=schemas.FreeNumbers)
def list_free(
    pool_id: uuid.UUID, session: SessionDep, who: ReadDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> schemas.FreeNumbers:
    """The first free numbers of the pool (quarantined ones come back when their quarantine is over)."""
    pool = numbers.require_pool(session, pool_id, who.site_ids)
    return schemas.FreeNumbers(pool_id=pool.id, numbers=numbers.free_numbers(session, pool, limit=limit))


@router.get("/number-pools/{pool_id}/numbers", response_model=Page[schemas.NumberRead])
def list_taken(
    request: Request,
    pool_id: uuid.UUID,
    session: SessionDep,
    who: ReadDep,
    page: PageDep,
    state: str | None = None,
    answer_format: CsvFormat = None,
):
    """The pool's numbers that are not free: reserved, allocated, assigned or quarantined."""
    stmt = numbers.records_query(numbers.require_pool(session, pool_id, who.site_ids), state)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(NumberRecord.number), schemas.NumberRead, "numbers")
    return paginate(session, stmt, page, sort_columns={"number": NumberRecord.number}, default_sort="number",
                    id_column=NumberRecord.id)  # fmt: skip


@router.post("/number-pools/{pool_id}/allocate", response_model=schemas.NumberRead, status_code=201)
def allocate(
    pool_id: uuid.UUID, body: schemas.AllocateRequest, session: SessionDep, who: WriteDep
) -> NumberRecord:
    """Take the next free number; two requests at once never get the same one (409 `pool_exhausted`)."""
    pool = numbers.require_pool(session, pool_id, who.site_ids)
    return numbers.allocate_next(session, pool, note=body.note)


@router.post("/number-pools/{pool_id}/reserve", response_model=schemas.NumberRead, status_code=201)
def reserve(
    pool_id: uuid.UUID, body: schemas.ReserveRequest, session: SessionDep, who: WriteDep
) -> NumberRecord:
    """Hold a chosen number (409 `number_taken` or `number_quarantined`)."""
    pool = numbers.require_pool(session, pool_id, who.site_ids)
    return numbers.reserve(session, pool, body.number, note=body.note)


@router.delete("/number-pools/{pool_id}/numbers/{number}", status_code=204)
def release(pool_id: uuid.UUID, number: str, session: SessionDep, who: WriteDep, force: bool = False) -> None:
    """Free a reserved or allocated number; `force=true` ends a quarantine early."""
    numbers.release(session, numbers.require_pool(session, pool_id, who.site_ids), number, force=force)
