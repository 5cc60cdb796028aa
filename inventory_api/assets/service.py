"""Assets: create, read, change, retire, delete and purge, each change in the history and the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from inventory_api.assets import custom_fields
from inventory_api.assets.identity import normalise_hostname, normalise_mac, normalise_serial
from inventory_api.assets.models import STATUS_TRANSITIONS, Asset, AssetFlag, AssetIdentifier
from inventory_api.auth.service import Principal
from inventory_api.catalog import service as catalog
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.events.service import emit_event
from inventory_api.history.service import current_actor, diff_fields, plain, record_change
from inventory_api.locations import service as locations
from inventory_api.people import service as people

#: Derived columns that are not shown in the history (they follow serial and hostname).
DERIVED = ("serial_key", "hostname_key")


def get_asset(session: Session, asset_id: uuid.UUID, principal: Principal | None = None) -> Asset | None:
    """A live asset the caller may see, or None."""
    asset = session.get(Asset, asset_id)
    if asset is None or asset.deleted_at is not None:
        return None
    if principal is not None and not principal.can_see_site(asset.site_id):
        return None
    return asset


def require_asset(session: Session, asset_id: uuid.UUID, principal: Principal | None = None) -> Asset:
    """A live asset the caller may see, or NotFound (another site's asset is not found either)."""
    asset = get_asset(session, asset_id, principal)
    if asset is None:
        raise NotFound("asset", asset_id)
    return asset


def _actor_name(session: Session) -> str:
    actor = current_actor(session)
    return actor.name or actor.id or actor.type


def _payload(asset: Asset, **extra: Any) -> dict[str, Any]:
    base = {"id": str(asset.id), "kind": asset.kind, "status": asset.status, "asset_tag": asset.asset_tag}
    return {**base, "site_id": str(asset.site_id), **extra}


def _check_unique(
    session: Session, asset_id: uuid.UUID | None, tag: str | None, maker: Any, serial_key: Any,
    principal: Principal | None,
) -> None:  # fmt: skip
    """409 when the tag, or the maker's serial, is on another live asset; its id is named only to a caller who
    may see it (another site's record stays unnamed)."""
    same_maker = Asset.manufacturer_id.is_(None) if maker is None else Asset.manufacturer_id == maker
    checks = (
        (tag, Asset.asset_tag == tag, f"asset tag {tag!r} is already on another asset", "asset_tag_taken"),
        (serial_key, and_(Asset.serial_key == serial_key, same_maker),
         f"serial {serial_key!r} of this manufacturer is already on another asset", "serial_taken"),
    )  # fmt: skip
    for value, condition, message, code in checks:
        if not value:
            continue
        other = session.execute(
            select(Asset.id, Asset.site_id).where(condition, Asset.deleted_at.is_(None))
        ).first()
        if other is not None and other.id != asset_id:
            named = principal is None or principal.can_see_site(other.site_id)
            raise Conflict(message, code=code, **({"asset_id": str(other.id)} if named else {}))


def _resolve(
    session: Session, values: dict[str, Any], asset: Asset | None, principal: Principal | None
) -> None:
    """Check references and fill derived fields in `values` (site from location, maker from model …)."""
    current = (lambda f: getattr(asset, f)) if asset else (lambda f: None)
    if values.get("manufacturer") is not None:
        values["manufacturer_id"] = catalog.normalise_manufacturer(session, values["manufacturer"]).id
    values.pop("manufacturer", None)
    if "manufacturer_id" in values and values["manufacturer_id"] is not None:
        catalog.require_manufacturer(session, values["manufacturer_id"])
    if values.get("model_id") is not None:
        model = catalog.require_model(session, values["model_id"])
        if values.get("manufacturer_id") is None:
            values["manufacturer_id"] = model.manufacturer_id  # the model names its maker
        elif values["manufacturer_id"] != model.manufacturer_id:
            raise Unprocessable(
                "model_id: the model is of another manufacturer", code="model_manufacturer_mismatch"
            )
    location_id = values.get("location_id", current("location_id"))
    if location_id is not None and ("location_id" in values or "site_id" in values):
        location = locations.require_location(session, location_id, principal)
        if values.get("site_id") is not None and values["site_id"] != location.site_id:
            raise Unprocessable(
                "location_id: the location is not in the given site", code="location_not_in_site"
            )
        values["site_id"] = location.site_id
    elif "site_id" in values:
        if values["site_id"] is None:
            raise Unprocessable("site_id: an asset belongs to a site", code="site_required")
        if locations.require_location(session, values["site_id"], principal).kind != "site":
            raise Unprocessable("site_id: not a site", code="not_a_site")
    if values.get("assigned_person_id") is not None:
        people.require_person(session, values["assigned_person_id"], principal)
    if values.get("parent_id") is not None:
        parent = require_asset(session, values["parent_id"], principal)
        while parent is not None:
            if asset is not None and parent.id == asset.id:
                raise Unprocessable("parent_id: an asset cannot sit inside itself", code="parent_cycle")
            parent = session.get(Asset, parent.parent_id) if parent.parent_id else None
    if "serial" in values:
        values["serial_key"] = normalise_serial(values["serial"])
    if "hostname" in values:
        values["hostname_key"] = normalise_hostname(values["hostname"])
    cost = values.get("cost", current("cost"))
    if cost is not None and not values.get("currency", current("currency")):
        raise Unprocessable("currency: a cost needs its ISO 4217 currency", code="currency_required")
    kind = values.get("kind", current("kind"))
    if "custom_fields" in values or "kind" in values:
        previous = current("custom_fields") or {}
        merged = {**previous, **values.get("custom_fields", {})}  # PATCH merges; a null removes a value
        values["custom_fields"] = custom_fields.validate_values(session, kind, merged, previous)
    _check_unique(
        session,
        asset.id if asset else None,
        values.get("asset_tag", current("asset_tag")),
        values.get("manufacturer_id", current("manufacturer_id")),
        values.get("serial_key", current("serial_key")),
        principal,
    )


def create_asset(session: Session, values: dict[str, Any], principal: Principal | None = None) -> Asset:
    """A new asset; tag and serial are unique among live assets, custom fields validated."""
    values = dict(values)
    if values.get("site_id") is None and values.get("location_id") is None:
        raise Unprocessable("site_id: an asset belongs to a site", code="site_required")
    values.setdefault("custom_fields", {})
    _resolve(session, values, None, principal)
    asset = Asset(id=uuid.uuid4(), **values)
    session.add(asset)
    session.flush()
    shown = {k: [None, plain(v)] for k, v in values.items() if v not in (None, {}, []) and k not in DERIVED}
    record_change(session, "asset", asset.id, "created", changes=shown, summary=f"{asset.kind} created")
    emit_event(session, "asset.created", "asset", asset.id, _payload(asset))
    return asset


def check_transition(old: str, new: str) -> None:
    """Conflict unless the lifecycle allows old → new."""
    if old != new and new not in STATUS_TRANSITIONS[old]:
        allowed = list(STATUS_TRANSITIONS[old])
        raise Conflict(
            f"status cannot go from {old!r} to {new!r}; allowed: {', '.join(allowed) or 'none'}",
            code="invalid_transition",
            allowed=allowed,
        )


def update_asset(
    session: Session, asset: Asset, values: dict[str, Any], principal: Principal | None = None
) -> Asset:
    """Change an asset: the lifecycle, uniqueness and custom fields are checked; old → new is recorded."""
    values = dict(values)
    if "status" in values:
        if values["status"] is None:
            raise Unprocessable("status: must not be null", code="status_required")
        check_transition(asset.status, values["status"])
    if "kind" in values and values["kind"] is None:
        raise Unprocessable("kind: must not be null", code="kind_required")
    _resolve(session, values, asset, principal)
    old_status = asset.status
    changes = diff_fields(asset, values)
    for field in DERIVED:
        changes.pop(field, None)
    if not changes:
        return asset
    asset.version += 1
    session.flush()
    record_change(session, "asset", asset.id, "updated", changes=changes)
    if "location_id" in changes:
        # A phone that moves can move its numbers' emergency location (the services domain, above this one).
        from inventory_api.services.emergency import refresh_numbers

        refresh_numbers(session, asset_ids=[asset.id])
    retired = asset.status == "retired" and old_status != "retired"
    event = "asset.retired" if retired else "asset.changed"
    emit_event(session, event, "asset", asset.id, _payload(asset, changes=changes))
    return asset


def delete_asset(session: Session, asset: Asset) -> None:
    """Soft delete: tag and serial are free again, identifiers stay as a tombstone."""
    asset.deleted_at = utcnow()
    asset.deleted_by = _actor_name(session)
    asset.version += 1
    session.execute(
        update(Asset).where(Asset.parent_id == asset.id, Asset.deleted_at.is_(None)).values(parent_id=None)
    )
    session.flush()
    record_change(session, "asset", asset.id, "deleted", summary=f"deleted by {asset.deleted_by}")
    emit_event(session, "asset.deleted", "asset", asset.id, _payload(asset))


def purge_asset(session: Session, asset: Asset) -> None:
    """Really delete an asset with its identifiers and flags (admin); its history stays."""
    session.execute(update(Asset).where(Asset.parent_id == asset.id).values(parent_id=None))
    session.execute(delete(AssetIdentifier).where(AssetIdentifier.asset_id == asset.id))
    session.execute(delete(AssetFlag).where(AssetFlag.asset_id == asset.id))
    record_change(session, "asset", asset.id, "purged", summary=f"purged by {_actor_name(session)}")
    session.delete(asset)
    session.flush()


def list_identifiers(session: Session, asset: Asset) -> list[AssetIdentifier]:
    stmt = select(AssetIdentifier).where(AssetIdentifier.asset_id == asset.id).order_by(AssetIdentifier.id)
    return list(session.scalars(stmt))


def normalise_identifier(kind: str, value: str) -> str:
    """The stored form of an identifier: MACs as aa:bb:cc:dd:ee:ff, UUIDs lower-case."""
    if kind == "mac":
        mac = normalise_mac(value)
        if mac is None:
            raise Unprocessable(f"value: {value!r} is not a MAC address", code="invalid_mac")
        return mac
    if kind == "smbios_uuid":
        try:
            return str(uuid.UUID(value))
        except ValueError as exc:
            raise Unprocessable(f"value: {value!r} is not a UUID", code="invalid_uuid") from exc
    return value.strip()


def add_identifier(session: Session, asset: Asset, kind: str, value: str) -> AssetIdentifier:
    """Record a hardware identity; refused when any asset, deleted ones included, already has it."""
    value = normalise_identifier(kind, value)
    existing = session.scalar(
        select(AssetIdentifier).where(AssetIdentifier.kind == kind, AssetIdentifier.value == value)
    )
    if existing is not None:
        if existing.asset_id == asset.id:
            return existing
        raise Conflict(
            f"{kind} {value} already identifies another asset (deleted assets keep theirs)",
            code="identifier_taken",
            asset_id=str(existing.asset_id),
        )
    ident = AssetIdentifier(asset_id=asset.id, kind=kind, value=value)
    session.add(ident)
    session.flush()
    record_change(
        session, "asset", asset.id, "identifier_added", changes={f"identifier.{kind}": [None, value]}
    )
    return ident


def remove_identifier(session: Session, asset: Asset, identifier_id: int) -> None:
    ident = session.get(AssetIdentifier, identifier_id)
    if ident is None or ident.asset_id != asset.id:
        raise NotFound("identifier", identifier_id)
    record_change(
        session,
        "asset",
        asset.id,
        "identifier_removed",
        changes={f"identifier.{ident.kind}": [ident.value, None]},
    )
    session.delete(ident)
    session.flush()
