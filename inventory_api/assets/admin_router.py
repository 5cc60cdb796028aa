"""Routes for flags across assets and for the custom-field definitions admins keep."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from sqlalchemy import select

from inventory_api.assets import custom_fields, flags, schemas
from inventory_api.assets.models import AssetCustomField, AssetFlag
from inventory_api.deps import AdminDep, ReadDep, SessionDep, WriteDep
from inventory_api.etag import check_if_match, set_etag
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["assets"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
IfMatch = Annotated[str | None, Header(description='the ETag you read, e.g. "3"')]


@router.get("/flags", response_model=Page[schemas.FlagRead])
def list_flags(
    session: SessionDep,
    principal: ReadDep,
    page: PageDep,
    kind: str | None = None,
    open: Annotated[bool | None, Query(description="true: unresolved only; false: resolved only")] = None,
    asset_id: uuid.UUID | None = None,
) -> Any:
    """Flags on the live assets of your sites."""
    stmt = flags.flags_query(principal, kind=kind, open_only=open, asset_id=asset_id)
    sort = {"created_at": AssetFlag.created_at, "kind": AssetFlag.kind, "resolved_at": AssetFlag.resolved_at}
    return paginate(session, stmt, page, sort_columns=sort, default_sort="created_at", id_column=AssetFlag.id)


@router.post("/flags/{flag_id}/resolve", response_model=schemas.FlagRead)
def resolve_flag(
    flag_id: uuid.UUID, session: SessionDep, principal: WriteDep, body: schemas.FlagResolve | None = None
) -> AssetFlag:
    """Close a flag after looking at it; 409 `flag_resolved` if it already was."""
    flag = flags.require_flag(session, flag_id, principal)
    return flags.resolve_flag(session, flag, body.note if body else None)


@router.get("/custom-fields", response_model=list[schemas.CustomFieldRead])
def list_custom_fields(session: SessionDep, _: ReadDep, kind: str | None = None) -> Any:
    stmt = select(AssetCustomField).order_by(AssetCustomField.kind, AssetCustomField.name)
    if kind:
        stmt = stmt.where(AssetCustomField.kind == kind)
    return list(session.scalars(stmt))


@router.post("/custom-fields", response_model=schemas.CustomFieldRead, status_code=201)
def create_custom_field(
    body: schemas.CustomFieldCreate, session: SessionDep, _: AdminDep, response: Response
) -> AssetCustomField:
    """Define a field for one kind of asset (admin)."""
    field = custom_fields.create_field(session, body.model_dump())
    set_etag(response, field.version)
    return field


@router.patch("/custom-fields/{field_id}", response_model=schemas.CustomFieldRead)
def update_custom_field(
    field_id: uuid.UUID,
    body: schemas.CustomFieldUpdate,
    session: SessionDep,
    _: AdminDep,
    response: Response,
    if_match: IfMatch = None,
) -> AssetCustomField:
    field = custom_fields.require_field(session, field_id)
    check_if_match(if_match, field.version)
    field = custom_fields.update_field(session, field, body.model_dump(exclude_unset=True))
    set_etag(response, field.version)
    return field


@router.delete("/custom-fields/{field_id}", status_code=204)
def delete_custom_field(field_id: uuid.UUID, session: SessionDep, _: AdminDep) -> Response:
    custom_fields.delete_field(session, custom_fields.require_field(session, field_id))
    return Response(status_code=204)
