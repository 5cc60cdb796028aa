"""Flags: things about an asset a technician must look at (a possible clone, a serial seen twice …)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound
from inventory_api.events.service import emit_event
from inventory_api.history.service import current_actor, record_change


def raise_flag(
    session: Session,
    asset: Asset,
    kind: str,
    detail: dict[str, Any] | None = None,
    summary: str | None = None,
) -> AssetFlag:
    """Open a flag of this kind on the asset, or return the one already open."""
    found = session.scalar(
        select(AssetFlag).where(
            AssetFlag.asset_id == asset.id, AssetFlag.kind == kind, AssetFlag.resolved_at.is_(None)
        )
    )
    if found is not None:
        return found
    flag = AssetFlag(id=uuid.uuid4(), asset_id=asset.id, kind=kind, detail=detail or {})
    session.add(flag)
    session.flush()
    record_change(session, "asset", asset.id, "flagged", changes={"flag": [None, kind]}, summary=summary)
    emit_event(session, "asset.flagged", "asset", asset.id, {"flag_id": str(flag.id), "kind": kind})
    return flag


def asset_flags(session: Session, asset: Asset) -> list[AssetFlag]:
    stmt = (
        select(AssetFlag).where(AssetFlag.asset_id == asset.id).order_by(AssetFlag.created_at, AssetFlag.id)
    )
    return list(session.scalars(stmt))


def require_flag(session: Session, flag_id: uuid.UUID, principal: Principal | None = None) -> AssetFlag:
    """A flag on a live asset the caller may see, or NotFound."""
    flag = session.get(AssetFlag, flag_id)
    asset = session.get(Asset, flag.asset_id) if flag else None
    if flag is None or asset is None or asset.deleted_at is not None:
        raise NotFound("flag", flag_id)
    if principal is not None and not principal.can_see_site(asset.site_id):
        raise NotFound("flag", flag_id)
    return flag


def resolve_flag(session: Session, flag: AssetFlag, note: str | None = None) -> AssetFlag:
    """Close an open flag, saying who looked at it."""
    if flag.resolved_at is not None:
        raise Conflict("the flag is already resolved", code="flag_resolved")
    actor = current_actor(session)
    flag.resolved_at = utcnow()
    flag.resolved_by = actor.name or actor.id or actor.type
    if note:
        flag.detail = {**flag.detail, "resolution": note}
    session.flush()
    record_change(
        session, "asset", flag.asset_id, "flag_resolved", changes={"flag": [flag.kind, None]}, summary=note
    )
    return flag


def flags_query(
    principal: Principal | None,
    *,
    kind: str | None = None,
    open_only: bool | None = None,
    asset_id: uuid.UUID | None = None,
) -> Select[Any]:
    """Flags on live assets the caller may see."""
    stmt = select(AssetFlag).join(Asset, Asset.id == AssetFlag.asset_id).where(Asset.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Asset.site_id.in_(principal.site_ids))
    if kind:
        stmt = stmt.where(AssetFlag.kind == kind)
    if open_only is not None:
        cond = AssetFlag.resolved_at.is_(None)
        stmt = stmt.where(cond if open_only else ~cond)
    if asset_id:
        stmt = stmt.where(AssetFlag.asset_id == asset_id)
    return stmt
