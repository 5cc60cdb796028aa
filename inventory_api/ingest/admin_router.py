"""Admin: enroll secrets, collectors (list, approve, revoke) and merging two assets that are one machine."""

import uuid

from fastapi import APIRouter, Response
from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.assets.service import require_asset
from inventory_api.deps import AdminDep, SessionDep
from inventory_api.errors import NotFound
from inventory_api.idempotency import IdempotentRoute
from inventory_api.ingest import service
from inventory_api.ingest.merge import merge_assets
from inventory_api.ingest.models import Collector, EnrollSecret
from inventory_api.ingest.schemas import (
    CollectorRead,
    CollectorRevoke,
    EnrollSecretCreate,
    EnrollSecretCreated,
    EnrollSecretRead,
    MergeRequest,
)  # fmt: skip
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1", tags=["ingest admin"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)


@router.post("/enroll-secrets", response_model=EnrollSecretCreated, status_code=201)
def create_secret(body: EnrollSecretCreate, session: SessionDep, principal: AdminDep) -> EnrollSecretCreated:
    """A new enroll secret for the collectors' installers; the secret is shown only in this answer."""
    if not principal.can_see_site(body.site_id):
        raise NotFound("site", body.site_id)
    secret, plain = service.create_enroll_secret(
        session, name=body.name, site_id=body.site_id, expires_at=body.expires_at, max_uses=body.max_uses,
        created_by=principal.username,
    )  # fmt: skip
    return EnrollSecretCreated(**EnrollSecretRead.model_validate(secret).model_dump(), secret=plain)


@router.get("/enroll-secrets", response_model=list[EnrollSecretRead])
def list_secrets(session: SessionDep, principal: AdminDep) -> list[EnrollSecret]:
    """The enroll secrets of the caller's sites."""
    return service.list_enroll_secrets(session, principal.site_ids)


@router.delete("/enroll-secrets/{secret_id}", status_code=204)
def revoke_secret(secret_id: uuid.UUID, session: SessionDep, principal: AdminDep) -> Response:
    """Revoke a secret: no new enrollment with it; enrolled collectors keep their own keys."""
    service.revoke_enroll_secret(session, secret_id, principal.site_ids)
    return Response(status_code=204)


@router.get("/collectors", response_model=Page[CollectorRead])
def list_collectors(
    session: SessionDep, principal: AdminDep, page: PageDep, asset_id: uuid.UUID | None = None,
    revoked: bool | None = None, approved: bool | None = None,
):  # fmt: skip
    """Enrolled collectors with their last contact, version and asset."""
    stmt = select(Collector)
    if asset_id is not None:
        stmt = stmt.where(Collector.asset_id == asset_id)
    if revoked is not None:
        stmt = stmt.where(Collector.revoked_at.is_not(None) if revoked else Collector.revoked_at.is_(None))
    if approved is not None:
        stmt = stmt.where(Collector.approved_at.is_not(None) if approved else Collector.approved_at.is_(None))
    if principal.site_ids is not None:
        stmt = stmt.where(
            Collector.asset_id.in_(select(Asset.id).where(Asset.site_id.in_(principal.site_ids)))
        )
    sorts = {
        "enrolled_at": Collector.enrolled_at,
        "last_contact_at": Collector.last_contact_at,
        "hostname": Collector.hostname,
    }
    return paginate(
        session, stmt, page, sort_columns=sorts, default_sort="-enrolled_at", id_column=Collector.id
    )


@router.post("/collectors/{collector_id}/revoke", response_model=CollectorRead)
def revoke_collector(
    collector_id: uuid.UUID, body: CollectorRevoke, session: SessionDep, principal: AdminDep
) -> Collector:
    """Revoke a node key: its reports are refused (401) until the machine enrolls again."""
    return service.revoke_collector(session, collector_id, body.reason, sites=principal.site_ids)


@router.post("/collectors/{collector_id}/approve", response_model=CollectorRead)
def approve_collector(collector_id: uuid.UUID, session: SessionDep, principal: AdminDep) -> Collector:
    """Let a new enrollment's reports be applied (when require_enroll_approval is on)."""
    return service.approve_collector(session, collector_id, sites=principal.site_ids)


@router.post("/assets/{asset_id}/merge", response_model=dict)
def merge(
    asset_id: uuid.UUID, body: MergeRequest, session: SessionDep, principal: AdminDep
) -> dict[str, object]:
    """Fold a duplicate asset into this one: identifiers, collectors and the newer inventory move; history stays."""
    survivor = require_asset(session, asset_id, principal)
    duplicate = require_asset(session, body.duplicate_id, principal)
    merged = merge_assets(session, survivor, duplicate)
    return {"id": str(merged.id), "merged_from": str(duplicate.id), "version": merged.version}
