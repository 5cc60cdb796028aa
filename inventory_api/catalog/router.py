"""Catalog routes: manufacturers (with aliases) and models."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from inventory_api.catalog import schemas
from inventory_api.catalog import service as catalog
from inventory_api.catalog.models import Manufacturer, Model
from inventory_api.deps import AdminDep, ReadDep, SessionDep, WriteDep
from inventory_api.etag import check_if_match, set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["catalog"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]


def _read(
    session: SessionDep, maker: Manufacturer, response: Response | None = None
) -> schemas.ManufacturerRead:
    if response is not None:
        set_etag(response, maker.version)
    aliases = catalog.manufacturer_aliases(session, maker)
    return schemas.ManufacturerRead.model_validate(maker).model_copy(update={"aliases": aliases})


@router.get("/manufacturers", response_model=Page[schemas.ManufacturerRow])
def list_manufacturers(
    request: Request,
    session: SessionDep,
    _: ReadDep,
    page: PageDep,
    q: str | None = None,
    answer_format: CsvFormat = None,
) -> Any:
    """Manufacturers; `q` is a prefix of the normalised name."""
    stmt = catalog.manufacturers_query(q=q)
    if wants_csv(request):
        return csv_response(
            session, stmt.order_by(Manufacturer.key), schemas.ManufacturerRow, "manufacturers"
        )
    sort = {"name": Manufacturer.name, "key": Manufacturer.key, "created_at": Manufacturer.created_at}
    return paginate(session, stmt, page, sort_columns=sort, default_sort="key", id_column=Manufacturer.id)


@router.post("/manufacturers", response_model=schemas.ManufacturerRead, status_code=201)
def create_manufacturer(
    body: schemas.ManufacturerCreate, session: SessionDep, _: WriteDep, response: Response
) -> schemas.ManufacturerRead:
    maker = catalog.create_manufacturer(session, body.name, body.aliases)
    return _read(session, maker, response)


@router.get("/manufacturers/{manufacturer_id}", response_model=schemas.ManufacturerRead)
def read_manufacturer(
    manufacturer_id: uuid.UUID, session: SessionDep, _: ReadDep, response: Response
) -> schemas.ManufacturerRead:
    return _read(session, catalog.require_manufacturer(session, manufacturer_id), response)


@router.patch("/manufacturers/{manufacturer_id}", response_model=schemas.ManufacturerRead)
def update_manufacturer(
    manufacturer_id: uuid.UUID,
    body: schemas.ManufacturerUpdate,
    session: SessionDep,
    _: WriteDep,
    response: Response,
    if_match: IfMatch = None,
) -> schemas.ManufacturerRead:
    """Rename a manufacturer; the old spelling stays as an alias."""
    maker = catalog.require_manufacturer(session, manufacturer_id)
    check_if_match(if_match, maker.version)
    return _read(session, catalog.update_manufacturer(session, maker, body.name), response)


@router.post("/manufacturers/{manufacturer_id}/aliases", response_model=schemas.ManufacturerRead)
def add_alias(
    manufacturer_id: uuid.UUID, body: schemas.AliasCreate, session: SessionDep, _: WriteDep
) -> schemas.ManufacturerRead:
    maker = catalog.require_manufacturer(session, manufacturer_id)
    catalog.add_alias(session, maker, body.alias)
    return _read(session, maker)


@router.delete("/manufacturers/{manufacturer_id}", status_code=204)
def delete_manufacturer(manufacturer_id: uuid.UUID, session: SessionDep, _: AdminDep) -> Response:
    catalog.delete_manufacturer(session, catalog.require_manufacturer(session, manufacturer_id))
    return Response(status_code=204)


@router.get("/models", response_model=Page[schemas.ModelRead])
def list_models(
    request: Request,
    session: SessionDep,
    _: ReadDep,
    page: PageDep,
    manufacturer_id: uuid.UUID | None = None,
    kind: str | None = None,
    name: str | None = None,
    answer_format: CsvFormat = None,
) -> Any:
    """Models; `name` is a case-insensitive prefix."""
    stmt = catalog.models_query(manufacturer_id=manufacturer_id, kind=kind, name=name)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Model.name), schemas.ModelRead, "models")
    sort = {"name": Model.name, "end_of_life": Model.end_of_life, "created_at": Model.created_at}
    return paginate(session, stmt, page, sort_columns=sort, default_sort="name", id_column=Model.id)


@router.post("/models", response_model=schemas.ModelRead, status_code=201)
def create_model(body: schemas.ModelCreate, session: SessionDep, _: WriteDep, response: Response) -> Model:
    model = catalog.create_model(session, body.model_dump())
    set_etag(response, model.version)
    return model


@router.get("/models/{model_id}", response_model=schemas.ModelRead)
def read_model(model_id: uuid.UUID, session: SessionDep, _: ReadDep, response: Response) -> Model:
    model = catalog.require_model(session, model_id)
    set_etag(response, model.version)
    return model


@router.patch("/models/{model_id}", response_model=schemas.ModelRead)
def update_model(
    model_id: uuid.UUID,
    body: schemas.ModelUpdate,
    session: SessionDep,
    _: WriteDep,
    response: Response,
    if_match: IfMatch = None,
) -> Model:
    model = catalog.require_model(session, model_id)
    check_if_match(if_match, model.version)
    model = catalog.update_model(session, model, body.model_dump(exclude_unset=True))
    set_etag(response, model.version)
    return model


@router.delete("/models/{model_id}", status_code=204)
def delete_model(model_id: uuid.UUID, session: SessionDep, _: AdminDep) -> Response:
    catalog.delete_model(session, catalog.require_model(session, model_id))
    return Response(status_code=204)
