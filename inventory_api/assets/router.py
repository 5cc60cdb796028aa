"""Asset routes: the registry, its search box, history and identifiers."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import TypeAdapter

from inventory_api.assets import flags, schemas
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.assets.queries import SORT_COLUMNS, AssetFilters, assets_query
from inventory_api.deps import AdminDep, ReadDep, SessionDep, WriteDep
from inventory_api.etag import check_if_match, etag, set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.history.schemas import ChangeEventPage, ChangeEventRead
from inventory_api.history.service import list_changes
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.query_models import query_model
from inventory_api.routing import ERROR_RESPONSES, answer_now

router = APIRouter(prefix="/api/v1", tags=["assets"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]


FiltersDep = Annotated[AssetFilters, Depends(query_model(AssetFilters))]
_ASSET = TypeAdapter(schemas.AssetRead)
_ASSET_PAGE = TypeAdapter(Page[schemas.AssetRead])


@router.get("/assets", response_model=Page[schemas.AssetRead])
def list_assets(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    page: PageDep,
    filters: FiltersDep,
    answer_format: CsvFormat = None,
) -> Any:
    """Live assets of your sites, filtered; custom fields filter as `cf_<name>=value`; CSV with `?format=csv`."""
    extra = {k: v for k, v in request.query_params.items() if k.startswith("cf_")}
    query = assets_query(session, principal, filters, extra)
    if wants_csv(request):
        stmt = query.bound().order_by(Asset.created_at, Asset.id)
        return csv_response(session, stmt, schemas.AssetRead, "assets")
    found = paginate(
        session, query.stmt, page, sort_columns=SORT_COLUMNS, default_sort="created_at", id_column=Asset.id,
        binds=query.binds, shape=query.shape,
    )  # fmt: skip
    return answer_now(session, _ASSET_PAGE, found)


@router.post("/assets", response_model=schemas.AssetRead, status_code=201)
def create_asset(
    body: schemas.AssetCreate, session: SessionDep, principal: WriteDep, response: Response
) -> Asset:
    asset = assets.create_asset(session, body.model_dump(), principal)
    set_etag(response, asset.version)
    return asset


@router.get("/assets/{asset_id}", response_model=schemas.AssetRead)
def read_asset(asset_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Response:
    asset = assets.require_asset(session, asset_id, principal)
    return answer_now(session, _ASSET, asset, headers={"ETag": etag(asset.version)})


@router.patch("/assets/{asset_id}", response_model=schemas.AssetRead)
def update_asset(
    asset_id: uuid.UUID,
    body: schemas.AssetUpdate,
    session: SessionDep,
    principal: WriteDep,
    response: Response,
    if_match: IfMatch = None,
) -> Asset:
    """Change the fields sent; 412 when `If-Match` is stale, 409 `invalid_transition` off the lifecycle."""
    asset = assets.require_asset(session, asset_id, principal)
    check_if_match(if_match, asset.version)
    asset = assets.update_asset(session, asset, body.model_dump(exclude_unset=True), principal)
    set_etag(response, asset.version)
    return asset


@router.delete("/assets/{asset_id}", status_code=204)
def delete_asset(
    asset_id: uuid.UUID, session: SessionDep, principal: WriteDep, if_match: IfMatch = None
) -> Response:
    """Soft delete: tag and serial become free; identifiers stay so the machine cannot silently return."""
    asset = assets.require_asset(session, asset_id, principal)
    check_if_match(if_match, asset.version)
    assets.delete_asset(session, asset)
    return Response(status_code=204)


@router.get("/assets/{asset_id}/history", response_model=ChangeEventPage)
def asset_history(
    asset_id: uuid.UUID,
    session: SessionDep,
    principal: ReadDep,
    after: Annotated[int | None, Query(ge=0, lt=2**63, description="the `next` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ChangeEventPage:
    """Every change to the asset, oldest first: who, when, why, field old → new."""
    assets.require_asset(session, asset_id, principal)
    events = list_changes(session, "asset", asset_id, after=after, limit=limit)
    nxt = str(events[-1].id) if len(events) == limit else None
    return ChangeEventPage(items=[ChangeEventRead.model_validate(e) for e in events], next=nxt)


@router.get("/assets/{asset_id}/identifiers", response_model=list[schemas.IdentifierRead])
def list_identifiers(asset_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> list[AssetIdentifier]:
    return assets.list_identifiers(session, assets.require_asset(session, asset_id, principal))


@router.post("/assets/{asset_id}/identifiers", response_model=schemas.IdentifierRead, status_code=201)
def add_identifier(
    asset_id: uuid.UUID, body: schemas.IdentifierCreate, session: SessionDep, principal: WriteDep
) -> AssetIdentifier:
    """Record a MAC (any notation) or SMBIOS UUID; 409 `identifier_taken` if any asset, even deleted, has it."""
    asset = assets.require_asset(session, asset_id, principal)
    return assets.add_identifier(session, asset, body.kind, body.value)


@router.delete("/assets/{asset_id}/identifiers/{identifier_id}", status_code=204)
def remove_identifier(
    asset_id: uuid.UUID, identifier_id: int, session: SessionDep, principal: AdminDep
) -> Response:
    assets.remove_identifier(session, assets.require_asset(session, asset_id, principal), identifier_id)
    return Response(status_code=204)


@router.get("/assets/{asset_id}/flags", response_model=list[schemas.FlagRead])
def asset_flags(asset_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Any:
    return flags.asset_flags(session, assets.require_asset(session, asset_id, principal))
